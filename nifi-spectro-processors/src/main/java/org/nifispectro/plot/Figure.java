package org.nifispectro.plot;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Panels on a grid (row-major), optionally under a common title; e.g. the two-panel
 * k^w chi(k) | |chi(R)| figure: {@code Figure.of(1, 2, chiK, chiR).writePng(file)}.
 */
public final class Figure {

    private final int rows;
    private final int cols;
    private final List<Panel> panels;
    private String title = "";

    private Figure(int rows, int cols, List<Panel> panels) {
        this.rows = rows;
        this.cols = cols;
        this.panels = panels;
    }

    /** A figure of {@code rows x cols} cells filled row-major with {@code panels}. */
    public static Figure of(int rows, int cols, Panel... panels) {
        if (rows < 1 || cols < 1 || panels.length == 0 || panels.length > rows * cols) {
            throw new IllegalArgumentException("grid " + rows + " x " + cols + " cannot hold " + panels.length + " panels");
        }
        for (Panel p : panels) {
            if (p == null) {
                throw new IllegalArgumentException("null panel");
            }
        }
        return new Figure(rows, cols, new ArrayList<>(List.of(panels)));
    }

    public Figure title(String t) {
        this.title = t == null ? "" : t;
        return this;
    }

    /** Size from the panels' preferred sizes (largest cell times the grid). */
    public Dimension preferredSize() {
        int w = 0;
        int h = 0;
        for (Panel p : panels) {
            w = Math.max(w, p.preferredSize().width);
            h = Math.max(h, p.preferredSize().height);
        }
        return new Dimension(w * cols, h * rows + (title.isEmpty() ? 0 : 36));
    }

    public BufferedImage render() {
        Dimension d = preferredSize();
        return render(d.width, d.height);
    }

    public BufferedImage render(int width, int height) {
        if (width < 50 || height < 50 || (long) width * height > 50_000_000L) {
            throw new IllegalArgumentException("image size " + width + " x " + height + " out of range");
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            Style.hints(g);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int top = 0;
            if (!title.isEmpty()) {
                g.setFont(Style.TITLE.deriveFont(17f));
                g.setColor(Style.TEXT);
                Style.centered(g, Style.fit(g, title, width - 20), width / 2.0, 8 + g.getFontMetrics().getAscent());
                top = 36;
            }
            int cw = width / cols;
            int ch = (height - top) / rows;
            for (int i = 0; i < panels.size(); i++) {
                Rectangle r = new Rectangle((i % cols) * cw, top + (i / cols) * ch, cw, ch);
                Graphics2D pg = (Graphics2D) g.create();
                try {
                    pg.clip(r);
                    panels.get(i).draw(pg, r);
                } finally {
                    pg.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    public byte[] toPng() {
        return Png.encode(render());
    }

    /** The PNG with one iTXt text chunk per entry (keyword to text), e.g. the processing history. */
    public byte[] toPng(java.util.Map<String, String> text) {
        return Png.encode(render(), text);
    }

    public void writePng(Path file) throws IOException {
        Png.write(render(), file);
    }
}
