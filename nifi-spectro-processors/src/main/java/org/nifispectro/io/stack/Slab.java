package org.nifispectro.io.stack;

/**
 * A block of image rows with all energies, pixel-major: the spectrum of pixel
 * {@code p = (y - y0) * nx + x} sits at {@code data[p * nE .. (p + 1) * nE)}, energies increasing
 * as in {@link StackInfo#energiesEv()}. Non-finite values (NaN, +-Inf) are passed through
 * unchanged and counted.
 *
 * @param y0             first image row of the slab
 * @param rows           number of rows
 * @param nx             pixels per row
 * @param nE             energies per spectrum
 * @param data           rows * nx * nE values (the array may be longer when the caller passed a
 *                       buffer to reuse, see {@link StackReader#readSlab(int, int, float[])})
 * @param nonFiniteCount number of NaN or infinite values in {@code data}
 */
public record Slab(int y0, int rows, int nx, int nE, float[] data, long nonFiniteCount) {

    /** Number of pixels in the slab. */
    public int pixels() {
        return rows * nx;
    }

    /** Value of pixel {@code p} (slab-local) at energy index {@code e}. */
    public float value(int p, int e) {
        return data[p * nE + e];
    }
}
