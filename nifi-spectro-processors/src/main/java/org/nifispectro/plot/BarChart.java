package org.nifispectro.plot;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Horizontal bar chart, e.g. the top-k class probabilities of a classifier: one bar per label,
 * in the order given (top bar first), the value written at the end of each bar, an x axis with
 * nice ticks (fixed 0..1 with {@link #probabilities()}).
 */
public final class BarChart implements Panel {

    private record Bar(String label, double value, Color color) {
    }

    private final String title;
    private final List<Bar> bars = new ArrayList<>();
    private String xLabel = "";
    private double[] range;
    private String format = "%.3g";

    private BarChart(String title) {
        this.title = title == null ? "" : title;
    }

    public static BarChart create(String title) {
        return new BarChart(title);
    }

    /** Adds a bar (finite value >= 0... negatives are drawn to the left of 0). */
    public BarChart bar(String label, double value) {
        return bar(label, value, null);
    }

    public BarChart bar(String label, double value, Color color) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("bar '" + label + "': value must be finite, got " + value);
        }
        bars.add(new Bar(label == null ? "" : label, value, color == null ? (bars.isEmpty() ? Style.series(0)
                : new Color(0x7aa6cf)) : color));
        return this;
    }

    public BarChart xLabel(String label, String units) {
        this.xLabel = (label == null ? "" : label) + (units == null || units.isBlank() ? "" : " (" + units + ")");
        return this;
    }

    /** Axis 0..1 and values printed with 3 decimals. */
    public BarChart probabilities() {
        this.range = new double[] {0, 1};
        this.format = "%.3f";
        return this;
    }

    public BarChart range(double lo, double hi) {
        if (!(Double.isFinite(lo) && Double.isFinite(hi) && hi > lo)) {
            throw new IllegalArgumentException("range must be finite with hi > lo, got [" + lo + ", " + hi + "]");
        }
        this.range = new double[] {lo, hi};
        return this;
    }

    @Override
    public Dimension preferredSize() {
        return new Dimension(760, Math.max(220, 110 + bars.size() * 34));
    }

    /** Plot area (bars region) when the chart fills {@code area}; exposed for tests. */
    public Rectangle plotArea(Graphics2D g, Rectangle area) {
        g.setFont(Style.LABEL);
        FontMetrics fm = g.getFontMetrics();
        int maxL = 0;
        for (Bar b : bars) {
            maxL = Math.max(maxL, fm.stringWidth(b.label));
        }
        maxL = Math.min(maxL, area.width / 3);
        int left = area.x + 16 + maxL + 10;
        int top = area.y + (title.isEmpty() ? 14 : 46);
        int bottom = area.y + area.height - (xLabel.isEmpty() ? 34 : 54);
        int right = area.x + area.width - 70;
        return new Rectangle(left, top, Math.max(20, right - left), Math.max(20, bottom - top));
    }

    @Override
    public void draw(Graphics2D g, Rectangle area) {
        Style.hints(g);
        Rectangle p = plotArea(g, area);
        double lo = 0;
        double hi = 0;
        for (Bar b : bars) {
            lo = Math.min(lo, b.value);
            hi = Math.max(hi, b.value);
        }
        if (hi == lo) {
            hi = lo + 1;
        }
        if (range != null) {
            lo = range[0];
            hi = range[1];
        } else {
            hi = hi + 0.05 * (hi - lo);
        }
        final double flo = lo, fhi = hi;
        java.util.function.DoubleUnaryOperator px = v -> p.x + (Math.max(flo, Math.min(fhi, v)) - flo) / (fhi - flo) * p.width;
        g.setFont(Style.TICK);
        FontMetrics tf = g.getFontMetrics();
        double step = Ticks.step(lo, hi, Math.max(3, Math.min(11, p.width / 70)));
        double[] ticks = Ticks.linear(lo, hi, step);
        for (double t : ticks) {
            int x = (int) Math.round(px.applyAsDouble(t));
            g.setColor(Style.GRID);
            g.drawLine(x, p.y, x, p.y + p.height);
            g.setColor(Style.AXIS);
            g.drawLine(x, p.y + p.height, x, p.y + p.height + 5);
            Style.centered(g, Ticks.label(t, step), x, p.y + p.height + 7 + tf.getAscent());
        }
        int n = Math.max(1, bars.size());
        double slot = (double) p.height / n;
        double bh = Math.min(26, slot * 0.7);
        g.setFont(Style.LABEL);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double cy = p.y + slot * (i + 0.5);
            int x0 = (int) Math.round(px.applyAsDouble(Math.min(0, b.value)));
            int x1 = (int) Math.round(px.applyAsDouble(Math.max(0, b.value)));
            g.setColor(b.color);
            g.fillRect(x0, (int) Math.round(cy - bh / 2), Math.max(1, x1 - x0), (int) Math.round(bh));
            g.setColor(Style.TEXT);
            String l = Style.fit(g, b.label, p.x - area.x - 26);
            g.drawString(l, p.x - 10 - fm.stringWidth(l), (float) (cy + fm.getAscent() / 2.0 - 2));
            g.setFont(Style.TICK);
            g.drawString(String.format(Locale.ROOT, format, b.value), x1 + 5, (float) (cy + tf.getAscent() / 2.0 - 1));
            g.setFont(Style.LABEL);
        }
        g.setColor(Style.AXIS);
        int zx = (int) Math.round(px.applyAsDouble(0));
        g.drawLine(zx, p.y, zx, p.y + p.height);
        g.drawLine(p.x, p.y + p.height, p.x + p.width, p.y + p.height);
        g.setColor(Style.TEXT);
        if (!xLabel.isEmpty()) {
            g.setFont(Style.LABEL);
            Style.centered(g, xLabel, p.x + p.width / 2.0, p.y + p.height + 10 + tf.getHeight() + fm.getAscent());
        }
        if (!title.isEmpty()) {
            g.setFont(Style.TITLE);
            g.drawString(Style.fit(g, title, area.width - 32), area.x + 16, area.y + 14 + g.getFontMetrics().getAscent());
        }
    }
}
