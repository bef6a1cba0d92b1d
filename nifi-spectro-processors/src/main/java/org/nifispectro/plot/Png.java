package org.nifispectro.plot;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
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
 * PNG encoding with javax.imageio, optionally with text chunks: each entry of {@code text} becomes an
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

    public static void write(BufferedImage img, Map<String, String> text, OutputStream out) throws IOException {
        if (text.isEmpty()) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available in this JVM");
            }
            return;
        }
        for (String keyword : text.keySet()) {
            checkKeyword(keyword);
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IOException("no PNG writer available in this JVM");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
            IIOMetadataNode itxt = new IIOMetadataNode("iTXt");
            for (Map.Entry<String, String> e : text.entrySet()) {
                IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                entry.setAttribute("keyword", e.getKey());
                entry.setAttribute("compressionFlag", "FALSE");
                entry.setAttribute("compressionMethod", "0");
                entry.setAttribute("languageTag", "");
                entry.setAttribute("translatedKeyword", "");
                entry.setAttribute("text", e.getValue() == null ? "" : e.getValue());
                itxt.appendChild(entry);
            }
            IIOMetadataNode root = new IIOMetadataNode(FORMAT);
            root.appendChild(itxt);
            try {
                metadata.mergeTree(FORMAT, root);
            } catch (IIOInvalidTreeException e) {
                throw new IOException("PNG text chunk rejected: " + e.getMessage(), e);
            }
            writer.setOutput(ios);
            writer.write(null, new IIOImage(img, null, metadata), param);
        } finally {
            writer.dispose();
        }
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
