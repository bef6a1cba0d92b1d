package org.nifispectro.plot;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Something that draws itself into a rectangle; a {@link Figure} arranges several. */
public interface Panel {

    /** Draws into {@code area} of {@code g} (white background already painted). */
    void draw(Graphics2D g, Rectangle area);

    /** Natural size in pixels when rendered alone. */
    java.awt.Dimension preferredSize();

    /** Renders this panel alone at its preferred size. */
    default BufferedImage render() {
        java.awt.Dimension d = preferredSize();
        return render(d.width, d.height);
    }

    /** Renders this panel alone at the given size. */
    default BufferedImage render(int width, int height) {
        return Figure.of(1, 1, this).render(width, height);
    }

    /** PNG bytes at the preferred size. */
    default byte[] toPng() {
        return Png.encode(render());
    }

    /** Writes a PNG at the preferred size. */
    default void writePng(Path file) throws IOException {
        Png.write(render(), file);
    }
}
