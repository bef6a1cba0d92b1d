package org.nifispectro.io.stack;

/**
 * The two reorders of slab I/O: energy planes (how an energy-y-x dataset lies in the file) to
 * pixel-major spectra (how {@link Slab} holds them) and back, for a block of consecutive energies.
 *
 * <p>A block holds {@code nb} planes of {@code plane} values each, plane-major in one flat array
 * ({@code block[k * plane + p]} is energy {@code e0 + k} of slab pixel {@code p}). Pixel-major means
 * {@code slab[p * nE + e]}. The loops run pixel by pixel and, inside, over the block's energies, so
 * on the pixel-major side each pixel's {@code nb} values are one contiguous run of
 * {@code 4 * nb} bytes (whole cache lines for {@code nb >= 16}, fewer page changes for larger
 * {@code nb}: the pixel stride is {@code 4 * nE} bytes, one 4 KB page for 1024 energies), while on
 * the plane side the {@code nb} streams advance one float per pixel and stay in the L1 cache
 * ({@code nb} lines live). {@link #BLOCK} was chosen by measurement, see its comment.
 *
 * <p>Both methods give exactly the values the straightforward element loop gives (plain copies, no
 * arithmetic); {@code TransposeTest} checks that, block sizes and reversal included.
 */
final class Transpose {

    /**
     * Energies per block. Measured on a 95-row x 643-pixel x 1024-energy slab (250 MB), CPU time of
     * one full reorder (planes -> pixels / pixels -> planes), 2 cores shared with other jobs (load
     * ~12), JDK 25: block 16 (the earlier code, float[][] planes) 0.74 / 0.93 s, 64: 0.39 / 0.42 s,
     * 128: 0.36 / 0.38 s, 256: 0.36 / 0.40 s (TransposeBenchmark). 128 takes the gain with a block
     * of 1/8 of a 1024-energy slab.
     */
    static final int BLOCK = 128;

    private Transpose() {
    }

    /**
     * {@code slab[p * nE + e(k)] = block[k * plane + p]} for p in [0, plane), k in [0, nb), where
     * e(k) = e0 + k, or nE - 1 - (e0 + k) when {@code reversed} (file energies decreasing).
     */
    static void planesToPixels(float[] block, int plane, int nb, float[] slab, int nE, int e0, boolean reversed) {
        if (!reversed) {
            for (int p = 0, o = e0; p < plane; p++, o += nE) {
                for (int k = 0, s = p; k < nb; k++, s += plane) {
                    slab[o + k] = block[s];
                }
            }
        } else {
            for (int p = 0, o = nE - 1 - e0; p < plane; p++, o += nE) {
                for (int k = 0, s = p; k < nb; k++, s += plane) {
                    slab[o - k] = block[s];
                }
            }
        }
    }

    /** {@code block[k * plane + p] = slab[p * nE + e0 + k]} for p in [0, plane), k in [0, nb). */
    static void pixelsToPlanes(float[] slab, int nE, int e0, int nb, int plane, float[] block) {
        for (int p = 0, i = e0; p < plane; p++, i += nE) {
            for (int k = 0, d = p; k < nb; k++, d += plane) {
                block[d] = slab[i + k];
            }
        }
    }
}
