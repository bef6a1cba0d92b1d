package org.nifispectro.series;

/**
 * One curve of a series: its name (archive entry, column header, HDF5 row) and its values on its own
 * grid (x strictly increasing after {@link CommonGrid}; as read before).
 *
 * @param name where the curve came from, for messages and outputs
 * @param x    grid (r in angstrom for PDFs, energy in eV for spectra, any unit)
 * @param y    values, same length as x
 */
public record Curve(String name, double[] x, double[] y) {

    public Curve {
        if (x == null || y == null || x.length != y.length) {
            throw new IllegalArgumentException(name + ": grid and values differ in length");
        }
    }

    public int size() {
        return x.length;
    }
}
