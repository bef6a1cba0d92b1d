package org.nifispectro.plot;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotTest {

    static BufferedImage decode(byte[] png) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "PNG does not decode");
        return img;
    }

    /** Mean row of the pixels of exactly this colour, within columns [x0, x1). */
    static double meanRow(BufferedImage img, Color c, int x0, int x1) {
        long sum = 0;
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x1; x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == (c.getRGB() & 0xFFFFFF)) {
                    sum += y;
                    n++;
                }
            }
        }
        assertTrue(n > 20, "colour " + c + " drawn in only " + n + " pixels");
        return (double) sum / n;
    }

    static int countColor(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == (c.getRGB() & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void linePlotPngDecodesWithPreferredSize() throws Exception {
        double[] x = {1, 2, 3};
        byte[] png = LinePlot.create("t").xLabel("Energy", "eV").yLabel("mu", null).add("a", x, x).size(640, 400).toPng();
        BufferedImage img = decode(png);
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
    }

    /** Horizontal lines at 0.25, 0.5, 0.75 on a fixed 0..1 axis: the middle one is midway (linear mapping). */
    @Test
    void linearYMappingPutsMiddleValueMidway() throws Exception {
        Color red = new Color(255, 0, 0);
        Color green = new Color(0, 200, 0);
        Color blue = new Color(0, 0, 255);
        double[] x = {0, 10};
        BufferedImage img = decode(LinePlot.create("").yRange(0, 1).legend(false)
                .add("", x, new double[] {0.25, 0.25}, LinePlot.Mode.LINE, red)
                .add("", x, new double[] {0.5, 0.5}, LinePlot.Mode.LINE, green)
                .add("", x, new double[] {0.75, 0.75}, LinePlot.Mode.LINE, blue).toPng());
        int x0 = img.getWidth() / 3;
        int x1 = 2 * img.getWidth() / 3;
        double r = meanRow(img, red, x0, x1);
        double g = meanRow(img, green, x0, x1);
        double b = meanRow(img, blue, x0, x1);
        assertTrue(r > g && g > b, "0.25 must be drawn below 0.5 below 0.75");
        assertEquals((r + b) / 2, g, 1.0);
        assertTrue(r - b > 100, "lines too close: " + (r - b));
    }

    /** On a log axis 1, 10 and 100 are equally spaced; non-positive values are skipped, not fatal. */
    @Test
    void logYMappingIsLogarithmic() throws Exception {
        Color red = new Color(255, 0, 0);
        Color green = new Color(0, 200, 0);
        Color blue = new Color(0, 0, 255);
        double[] x = {0, 10};
        BufferedImage img = decode(LinePlot.create("log").logY(true).legend(false)
                .add("", x, new double[] {1, 1}, LinePlot.Mode.LINE, red)
                .add("", x, new double[] {10, 10}, LinePlot.Mode.LINE, green)
                .add("", x, new double[] {100, 100}, LinePlot.Mode.LINE, blue)
                .add("", new double[] {0, 5, 10}, new double[] {0, -1, Double.NaN}, LinePlot.Mode.MARKERS, Color.BLACK).toPng());
        int x0 = img.getWidth() / 3;
        int x1 = 2 * img.getWidth() / 3;
        double r = meanRow(img, red, x0, x1);
        double g = meanRow(img, green, x0, x1);
        double b = meanRow(img, blue, x0, x1);
        assertEquals((r + b) / 2, g, 1.0);
    }

    @Test
    void everySeriesIsDrawnAndNaNBreaksLines() throws Exception {
        Color c1 = new Color(10, 20, 200);
        Color c2 = new Color(200, 20, 10);
        double[] x = {0, 1, 2, 3, 4};
        BufferedImage img = decode(LinePlot.create("two").add("one", x, new double[] {0, 1, Double.NaN, 3, 4}, LinePlot.Mode.LINE, c1)
                .add("two", x, new double[] {4, 3, 2, 1, 0}, LinePlot.Mode.BARS, c2).toPng());
        assertTrue(countColor(img, c1) > 50);
        assertTrue(countColor(img, c2) > 1000);
    }

    @Test
    void seriesLengthsChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinePlot.create("t").add("bad", new double[3], new double[4]));
        assertTrue(e.getMessage().contains("series 'bad'"));
    }

    /** Every map pixel has its label's colour at the centre of its (nearest-neighbour) block. */
    @Test
    void categoricalMapPixelsHaveTheirLabelColour() throws Exception {
        int ny = 10;
        int nx = 13;
        int[] lab = new int[ny * nx];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = (i * 7) % 22 - 2; // -2, -1, 0..19 (beyond the fixed palette too)
        }
        CategoricalMap m = CategoricalMap.create("phases", lab, ny, nx);
        BufferedImage img = decode(m.toPng());
        assertEquals(m.preferredSize().width, img.getWidth());
        assertEquals(m.preferredSize().height, img.getHeight());
        Rectangle im = m.imageArea(new Rectangle(0, 0, img.getWidth(), img.getHeight()));
        assertTrue(im.width >= 13 * 20, "small map zoomed: " + im);
        assertEquals(0, im.width % nx, "integer zoom");
        double sx = (double) im.width / nx;
        double sy = (double) im.height / ny;
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int px = (int) (im.x + (x + 0.5) * sx);
                int py = (int) (im.y + (y + 0.5) * sy);
                assertEquals(m.colorOf(lab[y * nx + x]).getRGB() & 0xFFFFFF, img.getRGB(px, py) & 0xFFFFFF,
                        "pixel y=" + y + " x=" + x + " label " + lab[y * nx + x]);
            }
        }
        assertEquals(CategoricalMap.OUTLIER_COLOR, m.colorOf(CategoricalMap.OUTLIER));
        assertEquals(CategoricalMap.REJECTED_COLOR, m.colorOf(CategoricalMap.REJECTED));
    }

    @Test
    void categoryColoursDistinctAndCountsRight() {
        Set<Integer> seen = new HashSet<>();
        int[] lab = new int[40];
        for (int i = 0; i < 40; i++) {
            lab[i] = i - 2;
        }
        CategoricalMap m = CategoricalMap.create("", lab, 5, 8);
        for (int l = -2; l < 38; l++) {
            assertTrue(seen.add(m.colorOf(l).getRGB()), "colour of label " + l + " repeats");
        }
        int[] small = {0, 0, 1, -1, -2, -2};
        Map<Integer, Long> c = CategoricalMap.create("", small, 2, 3).counts();
        assertArrayEquals(new Object[] {0, 1, -1, -2}, c.keySet().toArray());
        assertEquals(2L, c.get(0));
        assertEquals(1L, c.get(1));
        assertEquals(1L, c.get(-1));
        assertEquals(2L, c.get(-2));
    }

    @Test
    void mapGeometryChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CategoricalMap.create("m", new int[11], 3, 4));
        assertTrue(e.getMessage().contains("11 values for a 3 x 4 image"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ContinuousMap.create("m", new float[12], 0, 12));
    }

    /** Range ends get the ends of viridis, NaN the grey; the drawn pixels carry those colours. */
    @Test
    void continuousMapColours() throws Exception {
        float[] v = {0, 1, 2, 3, 4, Float.NaN};
        ContinuousMap m = ContinuousMap.create("e0", v, 2, 3).range(0, 4).colorbarLabel("e0", "eV");
        assertEquals(new Color(0x440154), m.colorOf(0));
        assertEquals(new Color(0xfde725), m.colorOf(4));
        assertEquals(new Color(0x21918c), m.colorOf(2));
        assertEquals(ContinuousMap.NAN_COLOR, m.colorOf(Double.NaN));
        BufferedImage img = decode(m.toPng());
        Rectangle im = m.imageArea(new Rectangle(0, 0, img.getWidth(), img.getHeight()));
        double s = (double) im.width / 3;
        int[][] centre = {{0, 0}, {0, 2}, {1, 2}};
        float[] want = {0, 2, Float.NaN};
        for (int i = 0; i < 3; i++) {
            int px = (int) (im.x + (centre[i][1] + 0.5) * s);
            int py = (int) (im.y + (centre[i][0] + 0.5) * s);
            assertEquals(m.colorOf(want[i]).getRGB() & 0xFFFFFF, img.getRGB(px, py) & 0xFFFFFF, "pixel " + i);
        }
        float[] ramp = new float[1000];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i;
        }
        assertArrayEquals(new double[] {0, 999}, ContinuousMap.create("", ramp, 10, 100).fullRange().colorRange(), 0);
        double[] robust = ContinuousMap.create("", ramp, 10, 100).colorRange();
        assertEquals(9, robust[0], 1);
        assertEquals(990, robust[1], 1);
    }

    /** Bar lengths are proportional to the values on a 0..1 axis. */
    @Test
    void barLengthsProportional() throws Exception {
        Color a = new Color(200, 0, 0);
        Color b = new Color(0, 0, 200);
        BarChart c = BarChart.create("top-2").probabilities().bar("first", 0.8, a).bar("second", 0.4, b);
        BufferedImage img = decode(c.toPng());
        int wa = maxRun(img, a);
        int wb = maxRun(img, b);
        assertEquals(0.5, (double) wb / wa, 0.02);
        assertThrows(IllegalArgumentException.class, () -> BarChart.create("x").bar("nan", Double.NaN));
    }

    static int maxRun(BufferedImage img, Color c) {
        int best = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            int run = 0;
            for (int x = 0; x < img.getWidth(); x++) {
                run = (img.getRGB(x, y) & 0xFFFFFF) == (c.getRGB() & 0xFFFFFF) ? run + 1 : 0;
                best = Math.max(best, run);
            }
        }
        return best;
    }

    @Test
    void twoPanelFigureSize() throws Exception {
        LinePlot p1 = LinePlot.create("a").add("x", new double[] {0, 1}, new double[] {0, 1}).size(500, 400);
        LinePlot p2 = LinePlot.create("b").add("y", new double[] {0, 1}, new double[] {1, 0}).size(500, 400);
        BufferedImage img = decode(Figure.of(1, 2, p1, p2).title("both").toPng());
        assertEquals(1000, img.getWidth());
        assertEquals(436, img.getHeight());
        assertThrows(IllegalArgumentException.class, () -> Figure.of(1, 1, p1, p2));
    }

    @Test
    void niceTicks() {
        assertEquals(0.2, Ticks.step(0, 1, 6), 1e-12);
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, Ticks.linear(0, 1, 0.2), 1e-12);
        assertEquals(20, Ticks.step(7080, 7200, 7), 1e-9);
        assertEquals("7100", Ticks.label(7100, 20));
        assertEquals("0.25", Ticks.label(0.25, 0.05));
        assertEquals("0.0", Ticks.label(-1e-17, 0.5));
        assertEquals("0", Ticks.label(-1e-17, 2));
        assertArrayEquals(new double[] {0.01, 0.02, 0.05, 0.1, 0.2, 0.5}, Ticks.log(0.006, 0.98), 1e-12);
        assertEquals("1e-6", Ticks.logLabel(1e-6));
    }
}
