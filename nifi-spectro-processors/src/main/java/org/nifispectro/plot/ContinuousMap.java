package org.nifispectro.plot;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * A scalar-per-pixel map (e0 map, edge-step map, PCA/NMF component map) with a colour bar.
 * Colours: matplotlib's perceptually uniform "viridis" (linear interpolation between its values at
 * 0, 0.1, ..., 1). Range: given, else the 1st to 99th percentile of the finite values (robust to a
 * few hot pixels; values outside are clamped to the end colours, and the caption says so), or
 * min..max with {@link #fullRange()}. NaN/Inf pixels are drawn light grey and counted in the caption.
 *
 * <p>Reference: S. van der Walt, N. Smith, "viridis" colour map for matplotlib (2015), CC0.
 */
public final class ContinuousMap implements Panel {

    private static final int[] VIRIDIS = {
        0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725,
    };
    public static final Color NAN_COLOR = new Color(0xd9d9d9);

    private final String title;
    private final float[] values;
    private final int ny;
    private final int nx;
    private String barLabel = "";
    private double[] range;
    private boolean full;

    private ContinuousMap(String title, float[] values, int ny, int nx) {
        this.title = title == null ? "" : title;
        this.values = values.clone();
        this.ny = ny;
        this.nx = nx;
    }

    /** {@code values[y * nx + x]} is the value of pixel (y, x). */
    public static ContinuousMap create(String title, float[] values, int ny, int nx) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        MapLayout.checkGeometry(values.length, ny, nx, "map '" + title + "'");
        return new ContinuousMap(title, values, ny, nx);
    }

    /** Colour bar label, with units in parentheses. */
    public ContinuousMap colorbarLabel(String label, String units) {
        this.barLabel = (label == null ? "" : label) + (units == null || units.isBlank() ? "" : " (" + units + ")");
        return this;
    }

    /** Fixes the colour range. */
    public ContinuousMap range(double lo, double hi) {
        if (!(Double.isFinite(lo) && Double.isFinite(hi) && hi > lo)) {
            throw new IllegalArgumentException("colour range must be finite with hi > lo, got [" + lo + ", " + hi + "]");
        }
        this.range = new double[] {lo, hi};
        return this;
    }

    /** Uses min..max of the finite values instead of the 1-99 percentile range. */
    public ContinuousMap fullRange() {
        this.full = true;
        return this;
    }

    /** The colour range in use: {lo, hi}. */
    public double[] colorRange() {
        if (range != null) {
            return range.clone();
        }
        float[] f = new float[values.length];
        int n = 0;
        for (float v : values) {
            if (Float.isFinite(v)) {
                f[n++] = v;
            }
        }
        if (n == 0) {
            return new double[] {0, 1};
        }
        Arrays.sort(f, 0, n);
        double lo = full ? f[0] : f[(int) Math.floor(0.01 * (n - 1))];
        double hi = full ? f[n - 1] : f[(int) Math.ceil(0.99 * (n - 1))];
        if (hi <= lo) {
            double d = lo == 0 ? 1 : Math.abs(lo) * 0.01;
            lo -= d;
            hi += d;
        }
        return new double[] {lo, hi};
    }

    /** Viridis colour of a fraction t in [0, 1] (clamped). */
    public static Color viridis(double t) {
        double c = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int i = Math.min(VIRIDIS.length - 2, (int) Math.floor(c));
        double f = c - i;
        int a = VIRIDIS[i];
        int b = VIRIDIS[i + 1];
        int r = (int) Math.round(((a >> 16) & 255) * (1 - f) + ((b >> 16) & 255) * f);
        int g = (int) Math.round(((a >> 8) & 255) * (1 - f) + ((b >> 8) & 255) * f);
        int bl = (int) Math.round((a & 255) * (1 - f) + (b & 255) * f);
        return new Color(r, g, bl);
    }

    /** Colour of a value under the current range (NaN/Inf -> {@link #NAN_COLOR}). */
    public Color colorOf(double v) {
        if (!Double.isFinite(v)) {
            return NAN_COLOR;
        }
        double[] r = colorRange();
        return viridis((v - r[0]) / (r[1] - r[0]));
    }

    @Override
    public Dimension preferredSize() {
        double s = MapLayout.naturalScale(ny, nx);
        return new Dimension(Math.max((int) Math.round(nx * s) + 16 + 170 + 4, 420), (int) Math.round(ny * s) + 46 + 34);
    }

    /** Where the map image is drawn when the panel fills {@code area}. */
    public Rectangle imageArea(Rectangle area) {
        Rectangle r = MapLayout.fit(ny, nx, new Rectangle(area.x + 16, area.y + 46, Math.max(20, area.width - 16 - 170),
                Math.max(20, area.height - 46 - 34)));
        return r;
    }

    @Override
    public void draw(Graphics2D g, Rectangle area) {
        Style.hints(g);
        double[] r = colorRange();
        g.setFont(Style.TITLE);
        g.setColor(Style.TEXT);
        if (!title.isEmpty()) {
            g.drawString(Style.fit(g, title, area.width - 32), area.x + 16, area.y + 14 + g.getFontMetrics().getAscent());
        }
        BufferedImage img = new BufferedImage(nx, ny, BufferedImage.TYPE_INT_RGB);
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = viridis(i / 255.0).getRGB();
        }
        int nan = 0;
        int[] row = new int[nx];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                float v = values[y * nx + x];
                if (!Float.isFinite(v)) {
                    row[x] = NAN_COLOR.getRGB();
                    nan++;
                } else {
                    double t = (v - r[0]) / (r[1] - r[0]);
                    row[x] = lut[(int) Math.round(Math.max(0, Math.min(1, t)) * 255)];
                }
            }
            img.setRGB(0, y, nx, 1, row, 0, nx);
        }
        Rectangle im = imageArea(area);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(img, im.x, im.y, im.width, im.height, null);
        g.setColor(Style.AXIS);
        g.drawRect(im.x - 1, im.y - 1, im.width + 1, im.height + 1);
        g.setFont(Style.TICK);
        FontMetrics tf = g.getFontMetrics();
        String caption = ny + " x " + nx + " pixels" + (nan > 0 ? ", " + nan + " not finite (grey)" : "")
                + (range == null && !full ? ", colours span the 1-99 % percentiles" : "");
        g.drawString(Style.fit(g, caption, Math.max(80, im.width + 100)), im.x, im.y + im.height + 6 + tf.getAscent());

        // colour bar
        int bx = im.x + im.width + 22;
        int bw = 18;
        int by = im.y + 6;
        int bh = Math.max(40, im.height - 12);
        for (int i = 0; i < bh; i++) {
            g.setColor(viridis(1.0 - (double) i / (bh - 1)));
            g.fillRect(bx, by + i, bw, 1);
        }
        g.setColor(Style.AXIS);
        g.drawRect(bx, by, bw, bh);
        double step = Ticks.step(r[0], r[1], Math.max(3, Math.min(8, bh / 50)));
        double[] ticks = Ticks.linear(r[0], r[1], step);
        int maxW = 0;
        for (double t : ticks) {
            double y = by + bh - (t - r[0]) / (r[1] - r[0]) * bh;
            g.drawLine(bx + bw, (int) Math.round(y), bx + bw + 4, (int) Math.round(y));
            String s = Ticks.label(t, step);
            maxW = Math.max(maxW, tf.stringWidth(s));
            g.drawString(s, bx + bw + 7, (float) (y + tf.getAscent() / 2.0 - 1));
        }
        if (!barLabel.isEmpty()) {
            g.setFont(Style.LABEL);
            g.setColor(Style.TEXT);
            AffineTransform at = g.getTransform();
            g.rotate(Math.PI / 2);
            String s = Style.fit(g, barLabel, bh);
            int w = g.getFontMetrics().stringWidth(s);
            g.drawString(s, (float) (by + bh / 2.0 - w / 2.0), (float) -(bx + bw + 7 + maxW + 8));
            g.setTransform(at);
        }
    }
}
