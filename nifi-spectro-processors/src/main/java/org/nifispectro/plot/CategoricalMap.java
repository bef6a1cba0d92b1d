package org.nifispectro.plot;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A label-per-pixel map (e.g. a DBSCAN phase map) with a legend giving each category's colour,
 * name, pixel count and share. Labels follow the project convention: {@code >= 0} clusters /
 * phases (distinct colours, tab10 order without red and grey), {@link #OUTLIER} = -1 (DBSCAN
 * noise: the outlier / minority phase, fixed red), {@link #REJECTED} = -2 (rejected by the SNR
 * test, dark grey); any other negative label is "unassigned" (light grey). Pixels are scaled with
 * nearest neighbour (integer zoom for small maps) so labels are never blended.
 */
public final class CategoricalMap implements Panel {

    public static final int OUTLIER = -1;
    public static final int REJECTED = -2;
    public static final Color OUTLIER_COLOR = new Color(0xd62728);
    public static final Color REJECTED_COLOR = new Color(0x404040);
    public static final Color UNASSIGNED_COLOR = new Color(0xcccccc);

    private final String title;
    private final int[] labels;
    private final int ny;
    private final int nx;
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, Color> colors = new HashMap<>();

    private CategoricalMap(String title, int[] labels, int ny, int nx) {
        this.title = title == null ? "" : title;
        this.labels = labels.clone();
        this.ny = ny;
        this.nx = nx;
    }

    /** {@code labels[y * nx + x]} is the label of pixel (y, x). */
    public static CategoricalMap create(String title, int[] labels, int ny, int nx) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        MapLayout.checkGeometry(labels.length, ny, nx, "phase map '" + title + "'");
        return new CategoricalMap(title, labels, ny, nx);
    }

    /** Legend name of a label (default "phase k", "outlier / minority phase", "rejected (low SNR)"). */
    public CategoricalMap name(int label, String name) {
        names.put(label, name);
        return this;
    }

    /** Overrides a label's colour. */
    public CategoricalMap color(int label, Color c) {
        colors.put(label, c);
        return this;
    }

    /** Colour used for a label. */
    public Color colorOf(int label) {
        Color c = colors.get(label);
        if (c != null) {
            return c;
        }
        if (label >= 0) {
            return Style.category(label);
        }
        return label == OUTLIER ? OUTLIER_COLOR : label == REJECTED ? REJECTED_COLOR : UNASSIGNED_COLOR;
    }

    public String nameOf(int label) {
        String n = names.get(label);
        if (n != null) {
            return n;
        }
        if (label >= 0) {
            return "phase " + label;
        }
        return label == OUTLIER ? "outlier / minority phase" : label == REJECTED ? "rejected (low SNR)" : "unassigned (" + label + ")";
    }

    /** Pixel count per label, clusters first (ascending), then outlier, rejected, others. */
    public Map<Integer, Long> counts() {
        Map<Integer, Long> c = new TreeMap<>((a, b) -> {
            int ka = a >= 0 ? 0 : a == OUTLIER ? 1 : a == REJECTED ? 2 : 3;
            int kb = b >= 0 ? 0 : b == OUTLIER ? 1 : b == REJECTED ? 2 : 3;
            return ka != kb ? Integer.compare(ka, kb) : Integer.compare(a, b);
        });
        for (int l : labels) {
            c.merge(l, 1L, Long::sum);
        }
        for (Integer l : names.keySet()) {
            c.putIfAbsent(l, 0L);
        }
        return c;
    }

    @Override
    public Dimension preferredSize() {
        double s = MapLayout.naturalScale(ny, nx);
        int w = (int) Math.round(nx * s);
        int h = (int) Math.round(ny * s);
        int legendH = counts().size() * 22 + 40;
        return new Dimension(Math.max(w + 16 + legendWidth(Integer.MAX_VALUE) + 8, 480), Math.max(h, legendH) + 46 + 34);
    }

    /** Where the map image is drawn when the panel fills {@code area}. */
    public Rectangle imageArea(Rectangle area) {
        return MapLayout.fit(ny, nx, new Rectangle(area.x + 16, area.y + 46, Math.max(20, area.width - 16 - legendWidth(area.width)),
                Math.max(20, area.height - 46 - 34)));
    }

    private String legendText(int label, long count) {
        return String.format(Locale.ROOT, "%s \u2013 %,d px (%.1f %%)", nameOf(label), count, 100.0 * count / labels.length);
    }

    /** Width reserved right of the map for the legend: longest entry, at most half the panel. */
    private int legendWidth(int panelWidth) {
        int w = Style.textWidth(Style.LABEL, "legend (pixels, share)");
        for (Map.Entry<Integer, Long> e : counts().entrySet()) {
            w = Math.max(w, 24 + Style.textWidth(Style.LEGEND, legendText(e.getKey(), e.getValue())));
        }
        return Math.min(w + 34, Math.max(200, panelWidth / 2));
    }

    /** The label map as an image of ny x nx pixels. */
    public BufferedImage pixels() {
        BufferedImage img = new BufferedImage(nx, ny, BufferedImage.TYPE_INT_RGB);
        Map<Integer, Integer> rgb = new HashMap<>();
        int[] row = new int[nx];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                row[x] = rgb.computeIfAbsent(labels[y * nx + x], l -> colorOf(l).getRGB());
            }
            img.setRGB(0, y, nx, 1, row, 0, nx);
        }
        return img;
    }

    @Override
    public void draw(Graphics2D g, Rectangle area) {
        Style.hints(g);
        g.setFont(Style.TITLE);
        g.setColor(Style.TEXT);
        if (!title.isEmpty()) {
            g.drawString(Style.fit(g, title, area.width - 32), area.x + 16, area.y + 14 + g.getFontMetrics().getAscent());
        }
        Rectangle im = imageArea(area);
        Object old = g.getRenderingHint(RenderingHints.KEY_INTERPOLATION);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(pixels(), im.x, im.y, im.width, im.height, null);
        if (old != null) {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, old);
        }
        g.setColor(Style.AXIS);
        g.drawRect(im.x - 1, im.y - 1, im.width + 1, im.height + 1);
        g.setFont(Style.TICK);
        FontMetrics tf = g.getFontMetrics();
        String caption = ny + " x " + nx + " pixels (rows x columns)";
        g.drawString(Style.fit(g, caption, Math.max(60, im.width)), im.x, im.y + im.height + 6 + tf.getAscent());

        // legend
        Map<Integer, Long> counts = counts();
        int lx = im.x + im.width + 24;
        int lw = area.x + area.width - lx - 10;
        int y = im.y;
        g.setFont(Style.LABEL);
        g.setColor(Style.TEXT);
        g.drawString("legend (pixels, share)", lx, y + g.getFontMetrics().getAscent());
        y += 24;
        g.setFont(Style.LEGEND);
        FontMetrics fm = g.getFontMetrics();
        int rowH = 22;
        int maxRows = Math.max(1, (area.y + area.height - 10 - y) / rowH);
        List<Map.Entry<Integer, Long>> entries = new ArrayList<>(counts.entrySet());
        int shown = entries.size() <= maxRows ? entries.size() : maxRows - 1;
        for (int i = 0; i < shown; i++) {
            Map.Entry<Integer, Long> e = entries.get(i);
            g.setColor(colorOf(e.getKey()));
            g.fillRect(lx, y + 3, 16, 16);
            g.setColor(Style.AXIS);
            g.drawRect(lx, y + 3, 16, 16);
            String text = legendText(e.getKey(), e.getValue());
            g.setColor(Style.TEXT);
            g.drawString(Style.fit(g, text, lw - 24), lx + 24, y + 11 + fm.getAscent() / 2);
            y += rowH;
        }
        if (shown < entries.size()) {
            g.setColor(Style.TEXT);
            g.drawString("\u2026 " + (entries.size() - shown) + " more categories", lx + 24, y + 11 + fm.getAscent() / 2);
        }
    }
}
