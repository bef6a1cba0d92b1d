package org.nifispectro.plot;

import java.awt.Rectangle;

/** Size and placement of a pixel map scaled with nearest neighbour. */
final class MapLayout {

    private MapLayout() {
    }

    /** Longest image side aimed at when a map is rendered alone. */
    static final int TARGET = 560;

    /** Scale factor for a map rendered alone: integer zoom for small maps, shrink for huge ones. */
    static double naturalScale(int ny, int nx) {
        int m = Math.max(ny, nx);
        if (m >= TARGET) {
            return Math.max(0.05, (double) TARGET / m);
        }
        return Math.max(1, Math.floor((double) TARGET / m));
    }

    /**
     * Largest rectangle of the map's aspect inside {@code box}, with an integer zoom when the map
     * is smaller than the box (crisp pixels), centred horizontally, at the top.
     */
    static Rectangle fit(int ny, int nx, Rectangle box) {
        double s = Math.min((double) box.width / nx, (double) box.height / ny);
        if (s >= 1) {
            s = Math.floor(s);
        }
        int w = Math.max(1, (int) Math.round(nx * s));
        int h = Math.max(1, (int) Math.round(ny * s));
        return new Rectangle(box.x + (box.width - w) / 2, box.y, w, h);
    }

    static void checkGeometry(int length, int ny, int nx, String what) {
        if (ny <= 0 || nx <= 0) {
            throw new IllegalArgumentException(what + ": image size must be positive, got " + ny + " x " + nx);
        }
        if ((long) ny * nx != length) {
            throw new IllegalArgumentException(what + ": " + length + " values for a " + ny + " x " + nx + " image ("
                    + ((long) ny * nx) + " expected)");
        }
    }
}
