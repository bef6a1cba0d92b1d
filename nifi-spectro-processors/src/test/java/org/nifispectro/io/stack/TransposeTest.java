package org.nifispectro.io.stack;

import io.jhdf.HdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nifispectro.io.stack.StackFixtures.linspace;
import static org.nifispectro.io.stack.StackFixtures.v;

/**
 * The blocked reorders of slab I/O ({@link Transpose}, used by the direct contiguous read and by
 * {@link StackWriter#writeStackRows}) give exactly what the straightforward element loop gives,
 * for energy counts below, at and across {@link Transpose#BLOCK}, decreasing energy axes, and slabs
 * whose last block is partial.
 */
class TransposeTest {

    @TempDir
    Path dir;

    private static final int[] ENERGIES = {1, 7, Transpose.BLOCK - 1, Transpose.BLOCK, Transpose.BLOCK + 1,
        2 * Transpose.BLOCK + 37};

    @Test
    void kernelsEqualTheElementLoop() {
        Random rnd = new Random(20261121L);
        for (int nE : ENERGIES) {
            for (int plane : new int[] {1, 5, 67}) {
                float[] slab = new float[plane * nE];
                for (int i = 0; i < slab.length; i++) {
                    slab[i] = rnd.nextFloat() * 100 - 50;
                }
                slab[0] = Float.NaN;
                slab[slab.length - 1] = Float.NEGATIVE_INFINITY;
                int b = Math.min(Transpose.BLOCK, nE);
                float[] block = new float[b * plane];
                for (boolean reversed : new boolean[] {false, true}) {
                    float[] back = new float[slab.length];
                    for (int e0 = 0; e0 < nE; e0 += b) {
                        int nb = Math.min(b, nE - e0);
                        Transpose.pixelsToPlanes(slab, nE, e0, nb, plane, block);
                        for (int k = 0; k < nb; k++) {
                            for (int p = 0; p < plane; p++) {
                                assertEquals(Float.floatToRawIntBits(slab[p * nE + e0 + k]),
                                        Float.floatToRawIntBits(block[k * plane + p]),
                                        "pixelsToPlanes nE=" + nE + " plane=" + plane + " e=" + (e0 + k) + " p=" + p);
                            }
                        }
                        Transpose.planesToPixels(block, plane, nb, back, nE, e0, reversed);
                    }
                    float[] want = new float[slab.length];
                    for (int p = 0; p < plane; p++) {
                        for (int e = 0; e < nE; e++) {
                            want[p * nE + (reversed ? nE - 1 - e : e)] = slab[p * nE + e];
                        }
                    }
                    assertArrayEquals(want, back, "planesToPixels nE=" + nE + " plane=" + plane + " reversed=" + reversed);
                }
            }
        }
    }

    /** Direct contiguous read (blocked reorder) == jHDF hyperslab read (element loop) == v(e, y, x). */
    @Test
    void directReadEqualsJhdfReadAcrossBlocks() throws Exception {
        for (int nE : new int[] {Transpose.BLOCK + 1, 2 * Transpose.BLOCK + 37}) {
            for (boolean decreasing : new boolean[] {false, true}) {
                double[] energy = decreasing ? linspace(900, 700, nE) : linspace(700, 900, nE);
                Path f = StackFixtures.dataExchange(dir.resolve("s" + nE + decreasing + ".h5"),
                        StackFixtures.eyx(nE, 7, 5), energy, "eV");
                try (StackReader r = StackReader.open(f)) {
                    assertTrue(r.usesDirectRead());
                    assertEquals(decreasing, r.info().energyReversed());
                    StackReaderTest.assertAllSlabs(r, 3, decreasing);
                    float[] direct = r.readSlab(2, 5).data().clone();
                    r.setDirectRead(false);
                    assertArrayEquals(r.readSlab(2, 5).data(), direct, "nE=" + nE + " decreasing=" + decreasing);
                }
            }
        }
    }

    /** writeStackRows (blocked reorder) stores element [e][y][x] = pixel-major slab value, read back by jHDF. */
    @Test
    void writtenStackEqualsElementLoop() throws Exception {
        int nE = 2 * Transpose.BLOCK + 37;
        int ny = 5;
        int nx = 3;
        Path f = dir.resolve("w.h5");
        double[] energy = linspace(700, 900, nE);
        try (StackWriter w = StackWriter.builder("entry").stack("s", energy, ny, nx).write(f)) {
            for (int y0 = 0; y0 < ny; y0 += 2) {
                int rows = Math.min(2, ny - y0);
                float[] slab = new float[rows * nx * nE];
                for (int r = 0; r < rows; r++) {
                    for (int x = 0; x < nx; x++) {
                        for (int e = 0; e < nE; e++) {
                            slab[(r * nx + x) * nE + e] = v(e, y0 + r, x);
                        }
                    }
                }
                w.writeStackRows("s", y0, rows, slab);
            }
        }
        try (HdfFile h = new HdfFile(f)) {
            float[][][] d = (float[][][]) h.getDatasetByPath("/entry/s/data").getData();
            for (int e = 0; e < nE; e++) {
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++) {
                        assertEquals(v(e, y, x), d[e][y][x], 0f, "e=" + e + " y=" + y + " x=" + x);
                    }
                }
            }
        }
    }
}
