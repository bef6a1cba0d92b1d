package org.nifispectro.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/** What {@link Png} writes, javax.imageio's PNG decoder reads back pixel for pixel. */
class PngEncoderTest {

    private static BufferedImage decode(byte[] png) throws Exception {
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(back, "javax.imageio recognises the bytes as a PNG");
        return back;
    }

    private static void assertSamePixels(BufferedImage expected, BufferedImage actual, boolean alpha) {
        assertEquals(expected.getWidth(), actual.getWidth());
        assertEquals(expected.getHeight(), actual.getHeight());
        int mask = alpha ? 0xffffffff : 0xffffff;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertEquals(expected.getRGB(x, y) & mask, actual.getRGB(x, y) & mask, "pixel " + x + ", " + y);
            }
        }
    }

    @Test
    void noiseImageLargerThanOneIdatChunkRoundTrips() throws Exception {
        // 300 x 200 random RGB does not compress: > 64 KiB of IDAT data, so several IDAT chunks
        BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(7);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        byte[] png = Png.encode(img, Map.of("Comment", "noise"));
        assertEquals(2, png[25], "more than 256 colours: truecolour");
        String raw = new String(png, java.nio.charset.StandardCharsets.ISO_8859_1);
        int chunks = raw.split("IDAT", -1).length - 1;
        assertTrue(png.length > 2 * 65536 && chunks >= 3, png.length + " bytes in " + chunks + " IDAT chunks");
        assertSamePixels(img, decode(png), false);
        assertEquals(Map.of("Comment", "noise"), Png.readText(png));
    }

    @Test
    void alphaGreyAndSinglePixelImagesRoundTrip() throws Exception {
        BufferedImage argb = new BufferedImage(5, 3, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80ff0000);
        argb.setRGB(4, 2, 0x00123456);
        argb.setRGB(2, 1, 0xff00ff00);
        byte[] argbPng = Png.encode(argb);
        assertEquals(6, argbPng[25], "alpha: truecolour with alpha");
        assertSamePixels(argb, decode(argbPng), true);

        BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 2, 0, 200);
        grey.getRaster().setSample(3, 3, 0, 17);
        assertSamePixels(grey, decode(Png.encode(grey)), false);

        BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        one.setRGB(0, 0, 0xabcdef);
        assertSamePixels(one, decode(Png.encode(one)), false);
    }

    @Test
    void aRenderedChartRoundTripsAndStaysSmall() throws Exception {
        BarChart chart = BarChart.create("Top-3 structure classes").probabilities().xLabel("Probability", null);
        chart.bar("Ni4 Fm-3m (class 3)", 0.6).bar("Cu4 Fm-3m (class 9)", 0.3).bar("Pt4 Fm-3m (class 12)", 0.1);
        Figure f = Figure.of(1, 1, chart);
        BufferedImage img = f.render();
        byte[] png = Png.encode(img);
        assertSamePixels(img, decode(png), false);
        // fewer than 257 colours: an indexed PNG (IHDR colour type 3 at byte 25), one byte per pixel
        assertEquals(3, png[25]);
        assertTrue(png.length * 10 < img.getWidth() * img.getHeight(), png.length + " bytes");
    }
}
