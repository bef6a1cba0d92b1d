package org.nifispectro.plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Minimal PNG writer (W3C PNG specification, 2nd edition, 2003): signature, IHDR (8 bits; indexed
 * colour, type 3 with a PLTE chunk, when an opaque image has at most 256 colours, as the plots
 * mostly do; else truecolour, type 2, or 6 with alpha; no interlace), one uncompressed iTXt chunk per text entry, the
 * zlib-compressed filtered scanlines in IDAT chunks of at most 64 KiB, IEND. {@link Png#write}
 * explains why javax.imageio's writer is not used.
 *
 * <p>Rows are read from the raster with one bulk {@code getDataElements} call for the
 * integer-packed RGB and ARGB types the plot package draws, {@code getRGB} otherwise, written with
 * filter type None and deflated at zlib level 1. Measured on a 760 x 280 bar chart (load ~3): level
 * 1 1.3 ms / 22.4 KB, level 6 3.8 ms / 19.7 KB; the Up filter 1.9 ms / 23.3 KB at level 1, and a
 * per-row choice among None, Sub, Up and Paeth (PNG section 12.8) cost more than the deflate it
 * saves: the plots are flat colour areas that LZ77 matches well unfiltered. Indexed colour (a
 * ClassifyStructure chart has 224 colours) deflates a third of the bytes: 1.1 ms / 9.2 KB against
 * 2.2 ms / 20.3 KB as truecolour for that chart (same run, load ~2.4), the colour count included.
 */
final class PngEncoder {

    private static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};
    private static final int IDAT_MAX = 1 << 16;

    private PngEncoder() {
    }

    static void write(BufferedImage img, Map<String, String> text, OutputStream out) throws IOException {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean alpha = img.getColorModel().hasAlpha();
        boolean packed = img.getType() == BufferedImage.TYPE_INT_RGB || img.getType() == BufferedImage.TYPE_INT_ARGB;
        int[] pixels = new int[w];
        Palette palette = alpha ? null : Palette.of(img, packed, pixels);
        int bpp = palette != null ? 1 : alpha ? 4 : 3;
        out.write(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8;
        ihdr[9] = (byte) (palette != null ? 3 : alpha ? 6 : 2);
        chunk(out, "IHDR", ihdr, ihdr.length);
        if (palette != null) {
            chunk(out, "PLTE", palette.rgb(), palette.rgb().length);
        }
        for (Map.Entry<String, String> e : text.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
            byte[] val = (e.getValue() == null ? "" : e.getValue()).getBytes(StandardCharsets.UTF_8);
            // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, text
            byte[] d = new byte[key.length + 5 + val.length];
            System.arraycopy(key, 0, d, 0, key.length);
            System.arraycopy(val, 0, d, key.length + 5, val.length);
            chunk(out, "iTXt", d, d.length);
        }
        int stride = w * bpp;
        byte[] row = new byte[stride + 1]; // filter type byte 0 (None), then the samples
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        byte[] buf = new byte[IDAT_MAX];
        int[] fill = {0};
        try {
            for (int y = 0; y < h; y++) {
                readRow(img, packed, y, pixels);
                if (palette != null) {
                    for (int x = 0; x < w; x++) {
                        row[x + 1] = (byte) palette.index(pixels[x]);
                    }
                } else {
                    for (int x = 0, j = 1; x < w; x++) {
                        int p = pixels[x];
                        row[j++] = (byte) (p >>> 16);
                        row[j++] = (byte) (p >>> 8);
                        row[j++] = (byte) p;
                        if (alpha) {
                            row[j++] = (byte) (p >>> 24);
                        }
                    }
                }
                deflater.setInput(row, 0, stride + 1);
                drain(deflater, out, buf, fill);
            }
            deflater.finish();
            drain(deflater, out, buf, fill);
            if (fill[0] > 0) {
                chunk(out, "IDAT", buf, fill[0]);
            }
        } finally {
            deflater.end();
        }
        chunk(out, "IEND", new byte[0], 0);
    }

    private static void readRow(BufferedImage img, boolean packed, int y, int[] pixels) {
        if (packed) {
            img.getRaster().getDataElements(0, y, pixels.length, 1, pixels);
        } else {
            img.getRGB(0, y, pixels.length, 1, pixels, 0, pixels.length);
        }
    }

    /**
     * The colours of an opaque image when there are at most 256 (colour type 3: one byte per pixel,
     * a third of the data to deflate). Open addressing on 1,024 slots, the previous pixel's colour
     * remembered (runs of one colour are the rule in plots).
     */
    private record Palette(int[] keys, int[] slots, byte[] rgb) {

        private static final int SIZE = 1024;

        static Palette of(BufferedImage img, boolean packed, int[] pixels) {
            int[] keys = new int[SIZE]; // colour | 1 << 24, 0 = empty
            int[] slots = new int[SIZE];
            byte[] rgb = new byte[3 * 256];
            int count = 0;
            int last = -1;
            for (int y = 0; y < img.getHeight(); y++) {
                readRow(img, packed, y, pixels);
                for (int p : pixels) {
                    int c = (p & 0xffffff) | 1 << 24;
                    if (c == last) {
                        continue;
                    }
                    last = c;
                    int h = slot(c);
                    while (keys[h] != 0 && keys[h] != c) {
                        h = (h + 1) & (SIZE - 1);
                    }
                    if (keys[h] == 0) {
                        if (count == 256) {
                            return null;
                        }
                        keys[h] = c;
                        slots[h] = count;
                        rgb[3 * count] = (byte) (c >>> 16);
                        rgb[3 * count + 1] = (byte) (c >>> 8);
                        rgb[3 * count + 2] = (byte) c;
                        count++;
                    }
                }
            }
            return new Palette(keys, slots, java.util.Arrays.copyOf(rgb, 3 * count));
        }

        private static int slot(int c) {
            return (c * 0x9E3779B1 >>> 22) & (SIZE - 1);
        }

        int index(int p) {
            int c = (p & 0xffffff) | 1 << 24;
            int h = slot(c);
            while (keys[h] != c) {
                h = (h + 1) & (SIZE - 1);
            }
            return slots[h];
        }
    }

    private static void drain(Deflater d, OutputStream out, byte[] buf, int[] fill) throws IOException {
        while (true) {
            int k = d.deflate(buf, fill[0], buf.length - fill[0]);
            fill[0] += k;
            if (fill[0] == buf.length) {
                chunk(out, "IDAT", buf, buf.length);
                fill[0] = 0;
            } else if (k == 0 && (d.needsInput() || d.finished())) {
                return;
            }
        }
    }

    private static void chunk(OutputStream out, String type, byte[] data, int len) throws IOException {
        byte[] head = new byte[8];
        putInt(head, 0, len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, head, 4, 4);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, len);
        out.write(head);
        out.write(data, 0, len);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(tail);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
