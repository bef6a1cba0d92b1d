package org.nifispectro.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;

/** Shared fonts, colours and rendering hints so every figure looks the same. */
final class Style {

    private Style() {
    }

    static final String FAMILY = "SansSerif";
    static final Font TITLE = new Font(FAMILY, Font.BOLD, 16);
    static final Font LABEL = new Font(FAMILY, Font.PLAIN, 13);
    static final Font TICK = new Font(FAMILY, Font.PLAIN, 11);
    static final Font LEGEND = new Font(FAMILY, Font.PLAIN, 12);
    static final Color AXIS = new Color(0x33, 0x33, 0x33);
    static final Color GRID = new Color(0xE3, 0xE3, 0xE3);
    static final Color TEXT = new Color(0x22, 0x22, 0x22);
    static final Stroke AXIS_STROKE = new BasicStroke(1.1f);
    static final Stroke GRID_STROKE = new BasicStroke(1f);

    /**
     * Category colours: matplotlib "tab10" without its red (kept for outliers) and grey (kept for
     * rejected pixels), then tab20's lighter partners.
     */
    static final Color[] CATEGORY = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd), new Color(0x8c564b),
        new Color(0xe377c2), new Color(0xbcbd22), new Color(0x17becf), new Color(0xaec7e8), new Color(0xffbb78),
        new Color(0x98df8a), new Color(0xc5b0d5), new Color(0xc49c94), new Color(0xf7b6d2), new Color(0xdbdb8d),
        new Color(0x9edae5),
    };

    /** Line series colours: full tab10. */
    static final Color[] SERIES = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
    };

    static Color category(int i) {
        if (i < CATEGORY.length) {
            return CATEGORY[i];
        }
        // beyond the table: golden-ratio hues, mid saturation
        float h = (float) ((i * 0.618033988749895) % 1.0);
        return Color.getHSBColor(h, 0.55f, 0.85f);
    }

    static Color series(int i) {
        return SERIES[i % SERIES.length];
    }

    static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    }

    private static final java.awt.image.BufferedImage SCRATCH = new java.awt.image.BufferedImage(1, 1,
            java.awt.image.BufferedImage.TYPE_INT_RGB);

    /** Width of text in a font, measured without a target image (layout before drawing). */
    static synchronized int textWidth(java.awt.Font f, String s) {
        Graphics2D g = SCRATCH.createGraphics();
        try {
            hints(g);
            return g.getFontMetrics(f).stringWidth(s);
        } finally {
            g.dispose();
        }
    }

    /** Draws text centred at x with its baseline at y. */
    static void centered(Graphics2D g, String s, double x, double y) {
        int w = g.getFontMetrics().stringWidth(s);
        g.drawString(s, (float) (x - w / 2.0), (float) y);
    }

    /** Shortens text with an ellipsis to fit maxWidth pixels. */
    static String fit(Graphics2D g, String s, int maxWidth) {
        if (g.getFontMetrics().stringWidth(s) <= maxWidth) {
            return s;
        }
        String e = "\u2026";
        int n = s.length();
        while (n > 0 && g.getFontMetrics().stringWidth(s.substring(0, n) + e) > maxWidth) {
            n--;
        }
        return s.substring(0, n) + e;
    }
}
