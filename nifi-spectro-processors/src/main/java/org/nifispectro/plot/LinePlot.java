package org.nifispectro.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

/**
 * An x-y plot: several series (lines, markers or bars), axes with nice ticks, labels with units,
 * title, legend placed in the emptiest corner, optional logarithmic y axis. Used for normalized
 * spectra, cluster mean spectra, k^w chi(k) and |chi(R)| panels, PCA scree plots (bars plus a
 * cumulative curve) and NMF weights against sample index.
 *
 * <p>Non-finite points break a line instead of failing; on a log axis non-positive values are
 * skipped. Arguments are checked when added (lengths must match).
 *
 * <p>Tick choice: Heckbert's nice numbers (see {@code Ticks}); the step is widened until tick
 * labels do not overlap. Colours: matplotlib tab10.
 */
public final class LinePlot implements Panel {

    /** How a series is drawn. */
    public enum Mode { LINE, MARKERS, LINE_MARKERS, BARS, DASHED }

    private record Series(String name, double[] x, double[] y, Mode mode, Color color) {
    }

    private final String title;
    private String xLabel = "";
    private String yLabel = "";
    private boolean logY;
    private double[] xRange;
    private double[] yRange;
    private boolean legend = true;
    private int width = 800;
    private int height = 500;
    private final List<Series> series = new ArrayList<>();

    private LinePlot(String title) {
        this.title = title == null ? "" : title;
    }

    public static LinePlot create(String title) {
        return new LinePlot(title);
    }

    /** x axis label; units (may be null/empty) are shown in parentheses. */
    public LinePlot xLabel(String label, String units) {
        this.xLabel = withUnits(label, units);
        return this;
    }

    public LinePlot yLabel(String label, String units) {
        this.yLabel = withUnits(label, units);
        return this;
    }

    private static String withUnits(String label, String units) {
        String l = label == null ? "" : label;
        return units == null || units.isBlank() ? l : l + " (" + units + ")";
    }

    public LinePlot logY(boolean on) {
        this.logY = on;
        return this;
    }

    /** Fixes the x range (otherwise the data range). */
    public LinePlot xRange(double lo, double hi) {
        checkRange(lo, hi, "x");
        this.xRange = new double[] {lo, hi};
        return this;
    }

    /** Fixes the y range (otherwise the data range plus 5 %). */
    public LinePlot yRange(double lo, double hi) {
        checkRange(lo, hi, "y");
        if (logY && lo <= 0) {
            throw new IllegalArgumentException("log y range must be positive, got [" + lo + ", " + hi + "]");
        }
        this.yRange = new double[] {lo, hi};
        return this;
    }

    private static void checkRange(double lo, double hi, String axis) {
        if (!(Double.isFinite(lo) && Double.isFinite(hi) && hi > lo)) {
            throw new IllegalArgumentException(axis + " range must be finite with hi > lo, got [" + lo + ", " + hi + "]");
        }
    }

    public LinePlot legend(boolean on) {
        this.legend = on;
        return this;
    }

    /** Preferred size when rendered alone (default 800 x 500). */
    public LinePlot size(int w, int h) {
        if (w < 200 || h < 150) {
            throw new IllegalArgumentException("plot size must be at least 200 x 150, got " + w + " x " + h);
        }
        this.width = w;
        this.height = h;
        return this;
    }

    /** Adds a line series with the next tab10 colour. */
    public LinePlot add(String name, double[] x, double[] y) {
        return add(name, x, y, Mode.LINE, null);
    }

    public LinePlot add(String name, double[] x, double[] y, Mode mode) {
        return add(name, x, y, mode, null);
    }

    /** Adds a series; {@code color} null = next tab10 colour. */
    public LinePlot add(String name, double[] x, double[] y, Mode mode, Color color) {
        if (x == null || y == null || x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': x and y must be non-null and of equal length, got "
                    + (x == null ? "null" : x.length) + " and " + (y == null ? "null" : y.length));
        }
        Color c = color != null ? color : Style.series(series.size());
        series.add(new Series(name == null ? "" : name, x.clone(), y.clone(), mode == null ? Mode.LINE : mode, c));
        return this;
    }

    /** Adds y against index 0..n-1 (e.g. NMF weights against sample index). */
    public LinePlot add(String name, double[] y, Mode mode) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        return add(name, x, y, mode, null);
    }

    @Override
    public Dimension preferredSize() {
        return new Dimension(width, height);
    }

    private boolean usable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
    }

    @Override
    public void draw(Graphics2D g, Rectangle area) {
        drawImpl(g, area, 0);
    }

    /**
     * @param strip height reserved above the plot for a legend row (0 = legend inside, in the
     *              emptiest corner, if one is free of data)
     */
    private void drawImpl(Graphics2D g, Rectangle area, int strip) {
        Style.hints(g);
        // ---- data ranges
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        double minDx = Double.POSITIVE_INFINITY;
        boolean bars = false;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (usable(s.x[i], s.y[i])) {
                    x0 = Math.min(x0, s.x[i]);
                    x1 = Math.max(x1, s.x[i]);
                    y0 = Math.min(y0, s.y[i]);
                    y1 = Math.max(y1, s.y[i]);
                    if (i > 0 && Double.isFinite(s.x[i - 1]) && s.x[i] != s.x[i - 1]) {
                        minDx = Math.min(minDx, Math.abs(s.x[i] - s.x[i - 1]));
                    }
                }
            }
            if (s.mode == Mode.BARS) {
                bars = true;
                if (!logY) {
                    y0 = Math.min(y0, 0);
                    y1 = Math.max(y1, 0);
                }
            }
        }
        boolean empty = !(x0 <= x1);
        if (empty) {
            x0 = 0;
            x1 = 1;
            y0 = logY ? 1 : 0;
            y1 = logY ? 10 : 1;
        }
        double barW = Double.isFinite(minDx) ? 0.8 * minDx : 0.8;
        boolean markers = series.stream().anyMatch(s -> s.mode == Mode.MARKERS || s.mode == Mode.LINE_MARKERS);
        if (bars) {
            x0 -= barW;
            x1 += barW;
        } else if (markers && x1 > x0) {
            double d = 0.02 * (x1 - x0);
            x0 -= d;
            x1 += d;
        }
        if (x1 == x0) {
            double d = x0 == 0 ? 1 : Math.abs(x0) * 0.05;
            x0 -= d;
            x1 += d;
        }
        if (xRange != null) {
            x0 = xRange[0];
            x1 = xRange[1];
        }
        if (logY) {
            if (y1 == y0) {
                y0 /= 2;
                y1 *= 2;
            }
            double l0 = Math.log10(y0), l1 = Math.log10(y1);
            double pad = 0.05 * (l1 - l0);
            y0 = Math.pow(10, l0 - pad);
            y1 = Math.pow(10, l1 + pad);
        } else {
            if (y1 == y0) {
                double d = y0 == 0 ? 1 : Math.abs(y0) * 0.1;
                y0 -= d;
                y1 += d;
            }
            double pad = 0.05 * (y1 - y0);
            boolean zeroBase = bars && y0 == 0;
            y0 = zeroBase ? 0 : y0 - pad;
            y1 += pad;
        }
        if (yRange != null) {
            y0 = yRange[0];
            y1 = yRange[1];
        }

        // ---- layout
        g.setFont(Style.TICK);
        FontMetrics tf = g.getFontMetrics();
        g.setFont(Style.LABEL);
        FontMetrics lf = g.getFontMetrics();
        g.setFont(Style.TITLE);
        FontMetrics titleF = g.getFontMetrics();
        int top = area.y + (title.isEmpty() ? 12 : titleF.getHeight() + 12) + strip;
        int bottom = area.y + area.height - (tf.getHeight() + 8 + (xLabel.isEmpty() ? 0 : lf.getHeight() + 4) + 6);
        int plotH = Math.max(20, bottom - top);
        double[] yt;
        String[] ylab;
        if (logY) {
            yt = Ticks.log(y0, y1);
            ylab = new String[yt.length];
            for (int i = 0; i < yt.length; i++) {
                ylab[i] = Ticks.logLabel(yt[i]);
            }
        } else {
            double st = Ticks.step(y0, y1, Math.max(3, Math.min(9, plotH / 45)));
            yt = Ticks.linear(y0, y1, st);
            ylab = new String[yt.length];
            for (int i = 0; i < yt.length; i++) {
                ylab[i] = Ticks.label(yt[i], st);
            }
        }
        int maxYw = 0;
        for (String s : ylab) {
            maxYw = Math.max(maxYw, tf.stringWidth(s));
        }
        int left = area.x + 10 + (yLabel.isEmpty() ? 0 : lf.getHeight() + 6) + maxYw + 8;
        int right = area.x + area.width - 18;
        int plotW = Math.max(20, right - left);
        Rectangle plot = new Rectangle(left, top, plotW, plotH);

        // x ticks: widen step until labels do not collide
        double xs = Ticks.step(x0, x1, Math.max(3, Math.min(12, plotW / 60)));
        double[] xt;
        String[] xlab;
        for (int guard = 0; ; guard++) {
            xt = Ticks.linear(x0, x1, xs);
            xlab = new String[xt.length];
            int total = 0;
            for (int i = 0; i < xt.length; i++) {
                xlab[i] = Ticks.label(xt[i], xs);
                total += tf.stringWidth(xlab[i]) + 14;
            }
            if (total <= plotW || guard > 6) {
                break;
            }
            xs = Ticks.nice(xs * 1.5, false);
        }

        final double fx0 = x0, fx1 = x1, fy0 = y0, fy1 = y1;
        java.util.function.DoubleUnaryOperator px = v -> plot.x + (v - fx0) / (fx1 - fx0) * plot.width;
        java.util.function.DoubleUnaryOperator py = logY
                ? v -> plot.y + plot.height - (Math.log10(v) - Math.log10(fy0)) / (Math.log10(fy1) - Math.log10(fy0)) * plot.height
                : v -> plot.y + plot.height - (v - fy0) / (fy1 - fy0) * plot.height;

        Rectangle legendBox = null;
        if (legend && strip == 0) {
            legendBox = legendCorner(g, plot, px, py);
            if (legendBox == null && series.stream().anyMatch(s -> !s.name.isEmpty())) {
                drawImpl(g, area, legendStripHeight(g, area.width - 40));
                return;
            }
        }

        // ---- grid
        g.setStroke(Style.GRID_STROKE);
        g.setColor(Style.GRID);
        for (double v : yt) {
            double y = py.applyAsDouble(v);
            g.draw(new Line2D.Double(plot.x, y, plot.x + plot.width, y));
        }
        for (double v : xt) {
            double x = px.applyAsDouble(v);
            g.draw(new Line2D.Double(x, plot.y, x, plot.y + plot.height));
        }

        // ---- series (clipped)
        Shape oldClip = g.getClip();
        g.clip(plot);
        for (Series s : series) {
            g.setColor(s.color);
            if (s.mode == Mode.BARS) {
                double base = logY ? fy0 : Math.max(fy0, Math.min(fy1, 0));
                for (int i = 0; i < s.x.length; i++) {
                    if (!usable(s.x[i], s.y[i])) {
                        continue;
                    }
                    double xa = px.applyAsDouble(s.x[i] - barW / 2);
                    double xb = px.applyAsDouble(s.x[i] + barW / 2);
                    double ya = py.applyAsDouble(s.y[i]);
                    double yb = py.applyAsDouble(base);
                    g.fill(new Rectangle2D.Double(xa, Math.min(ya, yb), Math.max(1, xb - xa), Math.abs(yb - ya)));
                }
                continue;
            }
            if (s.mode != Mode.MARKERS) {
                g.setStroke(s.mode == Mode.DASHED
                        ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 4f}, 0f)
                        : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                Path2D.Double path = new Path2D.Double();
                boolean pen = false;
                for (int i = 0; i < s.x.length; i++) {
                    if (!usable(s.x[i], s.y[i])) {
                        pen = false;
                        continue;
                    }
                    double x = px.applyAsDouble(s.x[i]);
                    double y = py.applyAsDouble(s.y[i]);
                    if (pen) {
                        path.lineTo(x, y);
                    } else {
                        path.moveTo(x, y);
                        pen = true;
                    }
                }
                g.draw(path);
            }
            if (s.mode == Mode.MARKERS || s.mode == Mode.LINE_MARKERS) {
                for (int i = 0; i < s.x.length; i++) {
                    if (usable(s.x[i], s.y[i])) {
                        double x = px.applyAsDouble(s.x[i]);
                        double y = py.applyAsDouble(s.y[i]);
                        g.fill(new Ellipse2D.Double(x - 3.5, y - 3.5, 7, 7));
                    }
                }
            }
        }
        g.setClip(oldClip);

        // ---- axes, ticks, labels
        g.setColor(Style.AXIS);
        g.setStroke(Style.AXIS_STROKE);
        g.drawRect(plot.x, plot.y, plot.width, plot.height);
        g.setFont(Style.TICK);
        for (int i = 0; i < xt.length; i++) {
            double x = px.applyAsDouble(xt[i]);
            g.draw(new Line2D.Double(x, plot.y + plot.height, x, plot.y + plot.height + 5));
            Style.centered(g, xlab[i], x, plot.y + plot.height + 7 + tf.getAscent());
        }
        for (int i = 0; i < yt.length; i++) {
            double y = py.applyAsDouble(yt[i]);
            g.draw(new Line2D.Double(plot.x - 5, y, plot.x, y));
            g.drawString(ylab[i], plot.x - 8 - tf.stringWidth(ylab[i]), (float) (y + tf.getAscent() / 2.0 - 1));
        }
        g.setColor(Style.TEXT);
        g.setFont(Style.LABEL);
        if (!xLabel.isEmpty()) {
            Style.centered(g, Style.fit(g, xLabel, area.width - 20), plot.x + plot.width / 2.0,
                    plot.y + plot.height + 8 + tf.getHeight() + lf.getAscent() + 2);
        }
        if (!yLabel.isEmpty()) {
            AffineTransform at = g.getTransform();
            g.rotate(-Math.PI / 2);
            String yl = Style.fit(g, yLabel, plot.height);
            int w = lf.stringWidth(yl);
            g.drawString(yl, (float) -(plot.y + plot.height / 2.0 + w / 2.0), (float) (area.x + 8 + lf.getAscent()));
            g.setTransform(at);
        }
        if (!title.isEmpty()) {
            g.setFont(Style.TITLE);
            Style.centered(g, Style.fit(g, title, area.width - 20), area.x + area.width / 2.0, area.y + 8 + titleF.getAscent());
        }
        if (empty) {
            g.setFont(Style.LABEL);
            g.setColor(Color.GRAY);
            Style.centered(g, "no finite data", plot.getCenterX(), plot.getCenterY());
        }
        if (legend && legendBox != null) {
            drawLegendBox(g, legendBox);
        } else if (legend && strip > 0) {
            drawLegendStrip(g, area.x + 20, plot.y - strip, area.width - 40);
        }
    }

    private List<Series> named() {
        return series.stream().filter(s -> !s.name.isEmpty()).toList();
    }

    /** The legend box in the corner with no data under it, or null if every corner has data. */
    private Rectangle legendCorner(Graphics2D g, Rectangle plot, java.util.function.DoubleUnaryOperator px,
                                   java.util.function.DoubleUnaryOperator py) {
        List<Series> named = named();
        if (named.isEmpty()) {
            return new Rectangle();
        }
        g.setFont(Style.LEGEND);
        FontMetrics fm = g.getFontMetrics();
        int rowH = fm.getHeight() + 2;
        int maxW = 0;
        for (Series s : named) {
            maxW = Math.max(maxW, fm.stringWidth(s.name));
        }
        int w = Math.min(plot.width - 10, maxW + 40);
        int h = named.size() * rowH + 8;
        Rectangle[] corners = {
            new Rectangle(plot.x + plot.width - w - 8, plot.y + 8, w, h),
            new Rectangle(plot.x + 8, plot.y + 8, w, h),
            new Rectangle(plot.x + plot.width - w - 8, plot.y + plot.height - h - 8, w, h),
            new Rectangle(plot.x + 8, plot.y + plot.height - h - 8, w, h),
        };
        for (Rectangle c : corners) {
            Rectangle grown = new Rectangle(c.x - 4, c.y - 4, c.width + 8, c.height + 8);
            if (!occupied(grown, px, py)) {
                return c;
            }
        }
        return null;
    }

    /** True if any drawn data (bar, line segment sampled at 16 points, marker) falls in r. */
    private boolean occupied(Rectangle r, java.util.function.DoubleUnaryOperator px, java.util.function.DoubleUnaryOperator py) {
        for (Series s : series) {
            double prevX = Double.NaN;
            double prevY = Double.NaN;
            for (int i = 0; i < s.x.length; i++) {
                if (!usable(s.x[i], s.y[i])) {
                    prevX = Double.NaN;
                    continue;
                }
                double x = px.applyAsDouble(s.x[i]);
                double y = py.applyAsDouble(s.y[i]);
                if (s.mode == Mode.BARS) {
                    double base = py.applyAsDouble(logY ? 1e-300 : 0);
                    base = Double.isFinite(base) ? base : Double.MAX_VALUE / 4;
                    if (r.intersects(x - 3, Math.min(y, base), 6, Math.abs(base - y))) {
                        return true;
                    }
                    continue;
                }
                if (r.contains(x, y)) {
                    return true;
                }
                if (s.mode != Mode.MARKERS && !Double.isNaN(prevX)) {
                    for (int k = 1; k < 16; k++) {
                        double t = k / 16.0;
                        if (r.contains(prevX + t * (x - prevX), prevY + t * (y - prevY))) {
                            return true;
                        }
                    }
                }
                prevX = x;
                prevY = y;
            }
        }
        return false;
    }

    private int legendStripHeight(Graphics2D g, int width) {
        g.setFont(Style.LEGEND);
        FontMetrics fm = g.getFontMetrics();
        int rows = 1;
        int x = 0;
        for (Series s : named()) {
            int w = 34 + fm.stringWidth(s.name) + 18;
            if (x > 0 && x + w > width) {
                rows++;
                x = 0;
            }
            x += w;
        }
        return rows * (fm.getHeight() + 4) + 6;
    }

    private void drawLegendStrip(Graphics2D g, int x0, int y0, int width) {
        g.setFont(Style.LEGEND);
        FontMetrics fm = g.getFontMetrics();
        int rowH = fm.getHeight() + 4;
        // centre each row: measure rows first
        List<List<Series>> rows = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        List<Series> cur = new ArrayList<>();
        int x = 0;
        for (Series s : named()) {
            int w = 34 + fm.stringWidth(s.name) + 18;
            if (x > 0 && x + w > width) {
                rows.add(cur);
                widths.add(x);
                cur = new ArrayList<>();
                x = 0;
            }
            cur.add(s);
            x += w;
        }
        rows.add(cur);
        widths.add(x);
        for (int r = 0; r < rows.size(); r++) {
            int cx = x0 + Math.max(0, (width - widths.get(r)) / 2);
            int cy = y0 + r * rowH + rowH / 2;
            for (Series s : rows.get(r)) {
                drawKey(g, s, cx, cy);
                g.setColor(Style.TEXT);
                g.drawString(s.name, cx + 30, cy + fm.getAscent() / 2 - 1);
                cx += 34 + fm.stringWidth(s.name) + 18;
            }
        }
    }

    private void drawKey(Graphics2D g, Series s, int x, int cy) {
        g.setColor(s.color);
        if (s.mode == Mode.BARS) {
            g.fillRect(x, cy - 5, 20, 10);
            return;
        }
        if (s.mode != Mode.MARKERS) {
            g.setStroke(s.mode == Mode.DASHED
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {5f, 3f}, 0f)
                    : new BasicStroke(2f));
            g.drawLine(x, cy, x + 20, cy);
        }
        if (s.mode == Mode.MARKERS || s.mode == Mode.LINE_MARKERS) {
            g.fill(new Ellipse2D.Double(x + 10 - 3.5, cy - 3.5, 7, 7));
        }
    }

    private void drawLegendBox(Graphics2D g, Rectangle box) {
        List<Series> named = named();
        if (named.isEmpty()) {
            return;
        }
        g.setFont(Style.LEGEND);
        FontMetrics fm = g.getFontMetrics();
        int rowH = fm.getHeight() + 2;
        g.setColor(new Color(255, 255, 255, 235));
        g.fillRect(box.x, box.y, box.width, box.height);
        g.setColor(new Color(0xBBBBBB));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(box.x, box.y, box.width, box.height);
        int y = box.y + 4;
        for (Series s : named) {
            int cy = y + rowH / 2;
            drawKey(g, s, box.x + 8, cy);
            g.setColor(Style.TEXT);
            g.drawString(Style.fit(g, s.name, box.width - 40), box.x + 34, cy + fm.getAscent() / 2 - 1);
            y += rowH;
        }
    }
}
