package org.nifispectro.io.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.io.stack.StackFormatException.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nifispectro.io.stack.StackFixtures.linspace;
import static org.nifispectro.io.stack.StackFixtures.v;

class StackReaderTest {

    @TempDir
    Path dir;

    /** Every element of every slab equals v(e, y, x) with e mapped for reversed axes. */
    static void assertAllSlabs(StackReader r, int rowsPerSlab, boolean reversed) throws StackFormatException {
        StackInfo in = r.info();
        int nE = in.nE();
        for (int y0 = 0; y0 < in.ny(); y0 += rowsPerSlab) {
            int rows = Math.min(rowsPerSlab, in.ny() - y0);
            Slab s = r.readSlab(y0, rows);
            assertEquals(rows * in.nx() * nE, s.data().length);
            for (int rr = 0; rr < rows; rr++) {
                for (int x = 0; x < in.nx(); x++) {
                    for (int e = 0; e < nE; e++) {
                        int stored = reversed ? nE - 1 - e : e;
                        assertEquals(v(stored, y0 + rr, x), s.value(rr * in.nx() + x, e), 0f,
                                "pixel y=" + (y0 + rr) + " x=" + x + " e=" + e);
                    }
                }
            }
        }
    }

    static Path resource(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = StackReaderTest.class.getResourceAsStream("/io/stack/" + name)) {
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
        }
        return p;
    }

    @Test
    void dataExchangeEnergyYX() throws Exception {
        Path f = StackFixtures.dataExchange(dir.resolve("dx.h5"), StackFixtures.eyx(9, 7, 5), linspace(7100, 7180, 9), "eV");
        try (StackReader r = StackReader.open(f)) {
            StackInfo in = r.info();
            assertEquals(StackLayout.DATA_EXCHANGE, in.layout());
            assertEquals(AxisOrder.ENERGY_Y_X, in.axisOrder());
            assertTrue(in.axisOrderSource().startsWith("axes attribute"), in.axisOrderSource());
            assertEquals(7, in.ny());
            assertEquals(5, in.nx());
            assertArrayEquals(linspace(7100, 7180, 9), in.energiesEv(), 1e-9);
            assertEquals("units attribute", in.energyUnitSource());
            assertAllSlabs(r, 3, false);
            assertEquals(0, r.nonFiniteSeen());
        }
    }

    @Test
    void fxiKeVConvertedToEv() throws Exception {
        Path f = StackFixtures.fxi(dir.resolve("fxi.h5"), StackFixtures.eyx(6, 4, 4), linspace(8.30, 8.40, 6));
        try (StackReader r = StackReader.open(f)) {
            StackInfo in = r.info();
            assertEquals(StackLayout.FXI, in.layout());
            assertEquals(EnergyUnit.KEV, in.energyUnit());
            assertEquals(8300.0, in.energiesEv()[0], 1e-9);
            assertEquals(8400.0, in.energiesEv()[5], 1e-9);
            assertAllSlabs(r, 4, false);
        }
    }

    @Test
    void unitOverrideWins() throws Exception {
        // 100..120 "eV" would be read as keV by the rule; the override says eV
        Path f = StackFixtures.fxi(dir.resolve("low.h5"), StackFixtures.eyx(3, 2, 2), linspace(100, 120, 3));
        try (StackReader r = StackReader.open(f, StackOptions.DEFAULT.withEnergyUnit(EnergyUnit.EV))) {
            assertEquals(100.0, r.info().energiesEv()[0], 1e-12);
            assertEquals("override", r.info().energyUnitSource());
        }
        try (StackReader r = StackReader.open(f)) {
            assertEquals(100_000.0, r.info().energiesEv()[0], 1e-9);
        }
    }

    @Test
    void nexusDefaultChainEnergyYX() throws Exception {
        Path f = StackFixtures.nexus(dir.resolve("nx.h5"), StackFixtures.eyx(5, 3, 4), linspace(700, 704, 5),
                new String[] {"energy", "sample_y", "sample_x"});
        try (StackReader r = StackReader.open(f)) {
            StackInfo in = r.info();
            assertEquals(StackLayout.NEXUS, in.layout());
            assertEquals("/entry/stack/counts", in.dataPath());
            assertEquals("/entry/stack/energy", in.energyPath());
            assertEquals(AxisOrder.ENERGY_Y_X, in.axisOrder());
            assertAllSlabs(r, 2, false);
        }
    }

    @Test
    void nexusYXEnergyFromAxes() throws Exception {
        Path f = StackFixtures.nexus(dir.resolve("nxyxe.h5"), StackFixtures.yxe(4, 3, 5), linspace(700, 703, 4),
                new String[] {"sample_y", "sample_x", "energy"});
        try (StackReader r = StackReader.open(f)) {
            assertEquals(AxisOrder.Y_X_ENERGY, r.info().axisOrder());
            assertEquals(3, r.info().ny());
            assertEquals(5, r.info().nx());
            assertAllSlabs(r, 2, false);
        }
    }

    @Test
    void h5pyNxstxmChunkedGzipUint16() throws Exception {
        Path f = resource(dir, "nxstxm_h5py.h5");
        try (StackReader r = StackReader.open(f)) {
            StackInfo in = r.info();
            assertEquals(StackLayout.NEXUS, in.layout());
            assertEquals("/entry1/counts/data", in.dataPath());
            assertTrue(in.chunked());
            assertTrue(in.axisOrderSource().contains("energy_indices"), in.axisOrderSource());
            assertArrayEquals(linspace(700, 712, 7), in.energiesEv(), 1e-9);
            assertAllSlabs(r, 2, false);
            assertAllSlabs(r, 3, false); // slabs cutting chunks
            // chunks are 2 rows high: a 3-row budget is rounded down to whole chunks, the full height is not
            assertEquals(2, r.chunkRows());
            assertEquals(2, r.rowsForBudget(r.slabBytes(3)));
            assertEquals(5, r.rowsForBudget(Long.MAX_VALUE));
            assertEquals(1, r.rowsForBudget(r.slabBytes(1)));
        }
    }

    @Test
    void h5pyOldStyleAxesYXEnergyDecreasingKeV() throws Exception {
        Path f = resource(dir, "nxdata_yxe_decreasing_kev.h5");
        try (StackReader r = StackReader.open(f)) {
            StackInfo in = r.info();
            assertEquals(StackLayout.NEXUS, in.layout());
            assertEquals(AxisOrder.Y_X_ENERGY, in.axisOrder());
            assertTrue(in.energyReversed());
            assertEquals(EnergyUnit.KEV, in.energyUnit());
            assertArrayEquals(linspace(8300, 8400, 6), in.energiesEv(), 1e-6);
            assertAllSlabs(r, 3, true);
        }
    }

    @Test
    void decreasingEnergyEYXIsReversed() throws Exception {
        Path f = StackFixtures.dataExchange(dir.resolve("dec.h5"), StackFixtures.eyx(5, 2, 3), linspace(710, 700, 5), null);
        try (StackReader r = StackReader.open(f)) {
            assertTrue(r.info().energyReversed());
            assertArrayEquals(linspace(700, 710, 5), r.info().energiesEv(), 1e-9);
            assertAllSlabs(r, 1, true);
        }
    }

    @Test
    void customPathsAndGenericDetection() throws Exception {
        Path f = dir.resolve("custom.h5");
        try (var w = io.jhdf.HdfFile.write(f)) {
            var g = w.putGroup("measurement");
            g.putDataset("intensity", StackFixtures.eyx(4, 3, 3)).putAttribute("axes", "energy, y, x");
            g.putDataset("energy_eV", linspace(700, 703, 4));
            g.putDataset("i0_energy_eV", linspace(700, 703, 4));
            g.putDataset("i0", new double[] {1, 1, 1, 1});
        }
        try (StackReader r = StackReader.open(f, StackOptions.custom("measurement/intensity", "/measurement/energy_eV"))) {
            assertEquals(StackLayout.CUSTOM, r.info().layout());
            assertAllSlabs(r, 3, false);
            assertArrayEquals(new double[] {1, 1, 1, 1}, r.readVector("/measurement/i0", 100), 0);
        }
        try (StackReader r = StackReader.open(f)) {
            assertEquals(StackLayout.GENERIC, r.info().layout());
            assertEquals("/measurement/energy_eV", r.info().energyPath());
        }
    }

    @Test
    void nanAndInfAreCountedNotFatal() throws Exception {
        float[][][] d = StackFixtures.eyx(4, 3, 3);
        d[1][2][0] = Float.NaN;
        d[3][0][1] = Float.POSITIVE_INFINITY;
        d[0][1][1] = Float.NEGATIVE_INFINITY;
        Path f = StackFixtures.dataExchange(dir.resolve("nan.h5"), d, linspace(700, 703, 4), "eV");
        try (StackReader r = StackReader.open(f)) {
            assertEquals(3, r.countNonFinite(1 << 20));
            Slab s = r.readSlab(2, 1);
            assertEquals(1, s.nonFiniteCount());
            assertTrue(Float.isNaN(s.value(0, 1)));
        }
    }

    @Test
    void memoryEstimateAndBudget() throws Exception {
        Path f = StackFixtures.dataExchange(dir.resolve("mem.h5"), StackFixtures.eyx(10, 20, 8), linspace(700, 709, 10), "eV");
        try (StackReader r = StackReader.open(f)) {
            assertTrue(r.usesDirectRead());
            // direct path, R rows: float output (R*nx*nE*4) + block of min(16, nE) float planes + one stored plane
            assertEquals(5L * 8 * 10 * 4 + 10 * 5 * 8 * 4 + 5 * 8 * 4, r.slabBytes(5));
            assertEquals(5, r.rowsForBudget(r.slabBytes(5)));
            assertEquals(4, r.rowsForBudget(r.slabBytes(5) - 1));
            assertEquals(20, r.rowsForBudget(Long.MAX_VALUE));
            assertEquals(0, r.rowsForBudget(r.slabBytes(1) - 1));
            assertEquals(20L * 8 * 10 * 4 + r.slabBytes(1), r.estimateBytes());
            StackFormatException e = assertThrows(StackFormatException.class,
                    () -> r.requireWithinBudget(r.estimateBytes(), 1000, "holding the stack"));
            assertEquals(Problem.OVER_BUDGET, e.problem());
            assertTrue(e.getMessage().contains("holding the stack needs 7.07 kB (7072 bytes), budget 1.00 kB (1000 bytes)"),
                    e.getMessage());
            r.requireWithinBudget(r.estimateBytes(), r.estimateBytes(), "ok");
            // jHDF path: 3 x (stored bytes + nested float arrays + output (12 bytes/value) + 16 bytes per leaf row array)
            r.setDirectRead(false);
            assertEquals(3 * (5L * 8 * 10 * 12 + 10 * 5 * 16), r.slabBytes(5));
        }
    }

    /** The direct contiguous path and jHDF's hyperslab path give identical slabs. */
    @Test
    void directAndJhdfPathsAgree() throws Exception {
        Path[] files = {
            StackFixtures.dataExchange(dir.resolve("a.h5"), StackFixtures.eyx(37, 9, 5), linspace(700, 736, 37), "eV"),
            StackFixtures.dataExchange(dir.resolve("b.h5"), StackFixtures.eyx(20, 4, 3), linspace(736, 700, 20), "eV"),
            StackFixtures.nexus(dir.resolve("c.h5"), StackFixtures.yxe(17, 6, 4), linspace(700, 716, 17),
                    new String[] {"y", "x", "energy"}),
            StackFixtures.nexus(dir.resolve("d.h5"), StackFixtures.yxe(5, 6, 4), linspace(705, 700, 5),
                    new String[] {"y", "x", "energy"}),
        };
        for (Path f : files) {
            try (StackReader r = StackReader.open(f)) {
                assertTrue(r.usesDirectRead(), f.toString());
                assertAllSlabs(r, 4, r.info().energyReversed());
                float[] direct = r.readSlab(1, 3).data();
                r.setDirectRead(false);
                assertAllSlabs(r, 4, r.info().energyReversed());
                assertArrayEquals(direct, r.readSlab(1, 3).data(), f.toString());
            }
        }
    }

    /** h5py-written contiguous datasets of 8 element types / byte orders decode to the same values. */
    @Test
    void elementTypesAndByteOrders() throws Exception {
        Path f = resource(dir, "contiguous_types.h5");
        for (String t : new String[] {"be_u2", "le_i2", "le_i4", "le_u4", "be_f8", "be_f4", "u1", "i1"}) {
            try (StackReader r = StackReader.open(f, StackOptions.custom("/t_" + t, "/energy"))) {
                assertTrue(r.usesDirectRead(), t);
                boolean small = t.equals("u1") || t.equals("i1");
                Slab s = r.readSlab(0, 2);
                r.setDirectRead(false);
                Slab j = r.readSlab(0, 2);
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 4; x++) {
                        for (int e = 0; e < 3; e++) {
                            float want = small ? v(e, y, x) % 100 : v(e, y, x);
                            assertEquals(want, s.value(y * 4 + x, e), 0f, t);
                            assertEquals(want, j.value(y * 4 + x, e), 0f, t);
                        }
                    }
                }
            }
        }
    }

    @Test
    void reuseBuffer() throws Exception {
        Path f = StackFixtures.dataExchange(dir.resolve("re.h5"), StackFixtures.eyx(4, 6, 3), linspace(700, 703, 4), "eV");
        try (StackReader r = StackReader.open(f)) {
            float[] buf = new float[3 * 3 * 4];
            Slab s = r.readSlab(3, 2, buf);
            assertTrue(s.data() == buf);
            assertEquals(v(2, 4, 1), s.value(3 + 1, 2), 0f);
        }
    }

    @Test
    void readSlabRejectsRowsOutside() throws Exception {
        Path f = StackFixtures.dataExchange(dir.resolve("rows.h5"), StackFixtures.eyx(3, 4, 2), linspace(700, 702, 3), "eV");
        try (StackReader r = StackReader.open(f)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.readSlab(3, 2));
            assertTrue(e.getMessage().contains("[3, 5) outside image rows [0, 4)"), e.getMessage());
        }
    }

    @Test
    void energyAxisNames() throws Exception {
        assertFalse(StackReader.isEnergyName("sample_x"));
        assertTrue(StackReader.isEnergyName("Photon_Energy"));
    }
}
