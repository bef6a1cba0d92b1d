package org.nifispectro.series;

import java.util.List;

/**
 * One curve of a series: its name (archive entry, column header, HDF5 row) and its values on its own
 * grid (x strictly increasing after {@link CommonGrid}; as read before).
 *
 * @param name    where the curve came from, for messages and outputs
 * @param x       grid (r in angstrom for PDFs, energy in eV for spectra, any unit)
 * @param y       values, same length as x
 * @param history the processing-history header lines the curve's file carried ({@code history.N = ...},
 *                {@code history.N.parameters = ...}, as SimulatePDF and DecomposePCANMF write them), in file
 *                order; empty when it had none
 */
public record Curve(String name, double[] x, double[] y, List<String> history) {

    public Curve {
        if (x == null || y == null || x.length != y.length) {
            throw new IllegalArgumentException(name + ": grid and values differ in length");
        }
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** A curve without a processing history. */
    public Curve(String name, double[] x, double[] y) {
        this(name, x, y, List.of());
    }

    public int size() {
        return x.length;
    }
}
