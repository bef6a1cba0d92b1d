package org.nifispectro.plot;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.w3c.dom.Node;

/**
 * PNG encoding (own encoder, {@link PngEncoder}; decoding with javax.imageio), optionally with text chunks: each entry of {@code text} becomes an
 * uncompressed international text chunk (iTXt, UTF-8, PNG 1.2 section 4.2.3.3) with the entry's key as
 * keyword, so any PNG tool (exiftool, Pillow's {@code Image.info}, pngcheck -t) shows it.
 * Keywords are 1-79 printable Latin-1 characters without leading/trailing spaces, as the PNG spec requires.
 */
public final class Png {

    private static final String FORMAT = "javax_imageio_png_1.0";

    private Png() {
    }

    public static byte[] encode(BufferedImage img) {
        return encode(img, Map.of());
    }

    /** The PNG bytes with one iTXt chunk per entry of {@code text}. */
    public static byte[] encode(BufferedImage img, Map<String, String> text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(img, text, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void write(BufferedImage img, OutputStream out) throws IOException {
        write(img, Map.of(), out);
    }

    /**
     * Writes {@code img} as a PNG (8 bits per channel, RGB, or RGBA when the image has alpha) with one
     * iTXt chunk per entry of {@code text}.
     *
     * <p>Why not javax.imageio's PNG writer: it reads pixels through the generic Raster path and
     * tries every filter per row; measured 5.0 ms for one 760 x 280 ClassifyStructure bar chart
     * (0.19 ms to draw it), i.e. 5 s of a 1,000-PDF series (issue 6), and 7.7 ms at compression
     * quality 1 (no deflate), so the cost is the pixel path, not zlib. Here rows are copied from the
     * raster in bulk, filtered with one of None / Sub / Up / Paeth chosen per row by the smallest
     * sum of absolute values (the libpng heuristic, PNG 1.2 section 12.8) and deflated by
     * java.util.zip at level 6 (the zlib default); javax.imageio reads the result back (tests).
     */
    public static void write(BufferedImage img, Map<String, String> text, OutputStream out) throws IOException {
        for (String keyword : text.keySet()) {
            checkKeyword(keyword);
        }
        PngEncoder.write(img, text, out);
    }

    public static void write(BufferedImage img, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(img, out);
        }
    }

    /**
     * The text chunks (tEXt, zTXt and iTXt) of a PNG, keyword to text, in file order.
     *
     * @throws IOException if the bytes are not a PNG javax.imageio can read
     */
    public static Map<String, String> readText(byte[] png) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
            if (in == null || !readers.hasNext()) {
                throw new IOException("no PNG reader available in this JVM");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, false);
                Node root = reader.getImageMetadata(0).getAsTree(FORMAT);
                for (Node chunk = root.getFirstChild(); chunk != null; chunk = chunk.getNextSibling()) {
                    String name = chunk.getNodeName();
                    if (!name.equals("tEXt") && !name.equals("zTXt") && !name.equals("iTXt")) {
                        continue;
                    }
                    for (Node e = chunk.getFirstChild(); e != null; e = e.getNextSibling()) {
                        IIOMetadataNode n = (IIOMetadataNode) e;
                        String value = name.equals("tEXt") ? n.getAttribute("value")
                                : name.equals("zTXt") ? n.getAttribute("text") : n.getAttribute("text");
                        out.put(n.getAttribute("keyword"), value);
                    }
                }
            } finally {
                reader.dispose();
            }
        } catch (RuntimeException e) {
            throw new IOException("not a readable PNG: " + e.getMessage(), e);
        }
        return out;
    }

    private static void checkKeyword(String keyword) {
        if (keyword == null || keyword.isEmpty() || keyword.length() > 79 || keyword.startsWith(" ") || keyword.endsWith(" ")) {
            throw new IllegalArgumentException("PNG text keyword must be 1-79 characters without leading or trailing"
                    + " spaces: '" + keyword + "'");
        }
        for (int i = 0; i < keyword.length(); i++) {
            char c = keyword.charAt(i);
            if (c < 32 || (c > 126 && c < 161) || c > 255) {
                throw new IllegalArgumentException("PNG text keyword '" + keyword + "' holds a character that is not"
                        + " printable Latin-1 at position " + i);
            }
        }
    }
}
