package org.nifispectro.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.jhdf.HdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.Slab;
import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.io.stack.StackReader;
import org.nifispectro.io.stack.StackWriter;

/**
 * RejectJob on NormalizeSpectra-layout files written here with known edge-step and noise maps: SNR and
 * mask follow in closed form (values chosen exactly representable, so SNR 10 is exactly 10).
 */
class RejectJobTest {

    @TempDir
    Path dir;

    static final int NY = 2;
    static final int NX = 3;
    static final int NE = 8;

    /** Normalized-stack value of pixel p at window energy i, window w. */
    static float v(int w, int p, int i) {
        return 100f * w + 10f * p + i;
    }

    /** A file in the NormalizeSpectra layout with the given per-window edge-step and noise maps. */
    static Path normalizedFile(Path file, String[] labels, float[][] step, float[][] noise) throws Exception {
        StackWriter.Builder b = StackWriter.builder(NormalizedStackLayout.ENTRY);
        for (int w = 0; w < labels.length; w++) {
            double[] e = new double[NE];
            for (int i = 0; i < NE; i++) {
                e[i] = 700 + 100 * w + i;
            }
            float[] e0 = new float[NY * NX];
            java.util.Arrays.fill(e0, 703f + 100 * w);
            b.stack(NormalizedStackLayout.norm(labels[w]), e, NY, NX)
                    .map(NormalizedStackLayout.e0(labels[w]), e0, NY, NX, "eV")
                    .map(NormalizedStackLayout.edgeStep(labels[w]), step[w], NY, NX, null)
                    .map(NormalizedStackLayout.preEdgeNoise(labels[w]), noise[w], NY, NX, null);
        }
        b.entryAttribute(NormalizedStackLayout.ATTR_WINDOWS, labels)
                .entryAttribute(NormalizedStackLayout.ATTR_E0_REFERENCE, new double[] {703, 803})
                .step(ProcessStep.now("nifi-spectro NormalizeSpectra", "0.1", "{}", "raw.h5", "uuid-0"));
        try (StackWriter w = b.write(file)) {
            for (int k = 0; k < labels.length; k++) {
                float[] pm = new float[NY * NX * NE];
                for (int p = 0; p < NY * NX; p++) {
                    for (int i = 0; i < NE; i++) {
                        pm[p * NE + i] = v(k, p, i);
                    }
                }
                w.writeStackRows(NormalizedStackLayout.norm(labels[k]), 0, NY, pm);
            }
        }
        return file;
    }

    // pixel:                  0      1      2     3       4          5
    static final float[] STEP_L3 = {1.25f, 1.0f, 2.5f, 0.5f, Float.NaN, 1.0f};
    static final float[] NOISE_L3 = {0.125f, 0.125f, 0.125f, 0.0f, 0.125f, 0.0625f};
    static final float[] STEP_L2 = {2.5f, 2.5f, 0.5f, 1.0f, 2.5f, 0.25f};
    static final float[] NOISE_L2 = {0.125f, 0.125f, 0.125f, 0.25f, 0.125f, 0.125f};
    // SNR L3:                    10      8     20     +Inf    NaN     16
    // SNR L2:                    20     20      4      4      20       2

    private Path twoWindowFile() throws Exception {
        return normalizedFile(dir.resolve("in_norm.h5"), new String[] {"L3", "L2"}, new float[][] {STEP_L3, STEP_L2},
                new float[][] {NOISE_L3, NOISE_L2});
    }

    @Test
    void snrMapsAndMaskAllWindows() throws Exception {
        Path out = dir.resolve("out.h5");
        ProcessStep step = ProcessStep.now("nifi-spectro RejectLowSNR", "0.1", "{\"Minimum SNR\":\"10\"}", "in_norm.h5", "u1");
        RejectJob.Result r = RejectJob.run(twoWindowFile(), out, new RejectJob.Config(10, RejectJob.WindowRule.ALL, 100_000_000), step);
        assertEquals(1, r.kept()); // only pixel 0 reaches 10 in both
        assertEquals(5, r.rejected());
        assertEquals(5.0 / 6, r.rejectedFraction(), 1e-12);
        assertEquals(4, r.windows().get(0).pixelsAtOrAbove()); // pixels 0, 2, 3, 5: SNR 10, 20, +Inf, 16
        assertEquals(3, r.windows().get(1).pixelsAtOrAbove()); // pixels 0, 1, 4: SNR 20
        try (HdfFile h = new HdfFile(out)) {
            float[] snrL3 = NormalizeJobTest.map(h, NormalizedStackLayout.snr("L3"));
            assertArrayEquals(new float[] {10f, 8f, 20f, Float.POSITIVE_INFINITY, Float.NaN, 16f}, snrL3);
            float[] snrL2 = NormalizeJobTest.map(h, NormalizedStackLayout.snr("L2"));
            assertArrayEquals(new float[] {20f, 20f, 4f, 4f, 20f, 2f}, snrL2);
            int[][] mask = (int[][]) h.getDatasetByPath(NormalizedStackLayout.dataPath(NormalizedStackLayout.MASK)).getData();
            assertArrayEquals(new int[] {1, 0, 0}, mask[0]);
            assertArrayEquals(new int[] {0, 0, 0}, mask[1]);
            // maps copied unchanged
            assertArrayEquals(STEP_L3, NormalizeJobTest.map(h, NormalizedStackLayout.edgeStep("L3")));
            assertArrayEquals(NOISE_L2, NormalizeJobTest.map(h, NormalizedStackLayout.preEdgeNoise("L2")));
            assertEquals(10.0, ((Number) h.getByPath("/entry").getAttribute(NormalizedStackLayout.ATTR_SNR_THRESHOLD).getData())
                    .doubleValue());
            assertArrayEquals(new String[] {"L3", "L2"},
                    (String[]) h.getByPath("/entry").getAttribute(NormalizedStackLayout.ATTR_WINDOWS).getData());
        }
        // stacks copied value for value, history continued
        for (int w = 0; w < 2; w++) {
            String g = NormalizedStackLayout.norm(w == 0 ? "L3" : "L2");
            try (StackReader rd = StackReader.open(out, StackOptions.custom(NormalizedStackLayout.dataPath(g),
                    NormalizedStackLayout.energyPath(g)))) {
                Slab s = rd.readSlab(0, NY);
                for (int p = 0; p < NY * NX; p++) {
                    for (int i = 0; i < NE; i++) {
                        assertEquals(v(w, p, i), s.value(p, i), g + " pixel " + p + " energy " + i);
                    }
                }
                assertEquals(700 + 100 * w, rd.info().energiesEv()[0], 0);
                List<ProcessStep> history = rd.history();
                assertEquals(2, history.size());
                assertEquals("nifi-spectro NormalizeSpectra", history.get(0).program());
                assertEquals("nifi-spectro RejectLowSNR", history.get(1).program());
                assertEquals("u1", history.get(1).inputUuid());
            }
        }
    }

    @Test
    void anyWindowRuleKeepsPixelsGoodInOneWindow() throws Exception {
        RejectJob.Result r = RejectJob.run(twoWindowFile(), dir.resolve("o.h5"),
                new RejectJob.Config(10, RejectJob.WindowRule.ANY, 100_000_000), null);
        // pixel 0 (10/20), 1 (8/20), 2 (20/4), 3 (Inf/4), 4 (NaN/20), 5 (16/2): all reach 10 somewhere
        assertEquals(6, r.kept());
        assertEquals(0, r.rejected());
    }

    @Test
    void everyPixelRejectedIsRefusedWithTheBestSnr() throws Exception {
        Path out = dir.resolve("o.h5");
        PipelineException e = assertThrows(PipelineException.class, () -> RejectJob.run(twoWindowFile(), out,
                new RejectJob.Config(1000, RejectJob.WindowRule.ALL, 100_000_000), null));
        assertTrue(e.getMessage().startsWith("all 6 pixels rejected"), e.getMessage());
        assertTrue(e.getMessage().contains("L3 Infinity") && e.getMessage().contains("L2 20.0"), e.getMessage());
        assertTrue(e.where().contains("in_norm.h5"), e.where());
        assertFalse(e.overLimit());
        assertTrue(!Files.exists(out) || Files.size(out) == 0, "nothing written");
    }

    @Test
    void nanPixelsAreRejectedEvenWithThresholdZero() throws Exception {
        RejectJob.Result r = RejectJob.run(twoWindowFile(), dir.resolve("o.h5"),
                new RejectJob.Config(0, RejectJob.WindowRule.ALL, 100_000_000), null);
        assertEquals(5, r.kept());
        assertEquals(1, r.rejected()); // pixel 4: NaN edge step in L3
    }

    @Test
    void whiteLineSignalNeedsTheWhiteLineMap() throws Exception {
        PipelineException e = assertThrows(PipelineException.class, () -> RejectJob.run(twoWindowFile(), dir.resolve("o.h5"),
                new RejectJob.Config(10, RejectJob.WindowRule.ALL, 100_000_000, RejectJob.Signal.WHITE_LINE), null));
        assertTrue(e.getMessage().contains("no white-line map /entry/white_line_L3/data"), e.getMessage());
    }

    @Test
    void whiteLineSignalDividesTheWhiteLineMap() throws Exception {
        double[][] s = ChainFixtures.twoEdgeScan();
        Path in = ChainFixtures.dataExchange(dir.resolve("w.h5"), s[0], ChainFixtures.stack(s[0], s[1], 2, 2), 2, 2);
        Path norm = dir.resolve("w_norm.h5");
        NormalizeJob.run(in, StackOptions.DEFAULT, norm, NormalizeJob.Config.defaults()
                .withWindows(EdgeWindow.parseList(ChainFixtures.WINDOWS)), null);
        Path out = dir.resolve("w_snr.h5");
        RejectJob.Result r = RejectJob.run(norm, out,
                new RejectJob.Config(10, RejectJob.WindowRule.ALL, 100_000_000, RejectJob.Signal.WHITE_LINE), null);
        assertEquals(4, r.kept());
        try (HdfFile h = new HdfFile(out)) {
            for (String l : new String[] {"L3", "L2"}) {
                float[] white = NormalizeJobTest.map(h, NormalizedStackLayout.whiteLine(l));
                float[] noise = NormalizeJobTest.map(h, NormalizedStackLayout.preEdgeNoise(l));
                float[] snr = NormalizeJobTest.map(h, NormalizedStackLayout.snr(l));
                for (int p = 0; p < 4; p++) {
                    assertEquals(white[p] / noise[p], snr[p], 0f, l + " pixel " + p);
                }
            }
        }
    }

    @Test
    void rawStackIsNotANormalizeSpectraOutput() throws Exception {
        double[][] s = ChainFixtures.twoEdgeScan();
        Path raw = ChainFixtures.dataExchange(dir.resolve("raw.h5"), s[0], ChainFixtures.stack(s[0], s[1], 1, 2), 1, 2);
        PipelineException e = assertThrows(PipelineException.class, () -> RejectJob.run(raw, dir.resolve("o.h5"),
                new RejectJob.Config(10, RejectJob.WindowRule.ALL, 100_000_000), null));
        assertTrue(e.getMessage().contains("not a NormalizeSpectra output"), e.getMessage());
    }

    @Test
    void overBudgetIsALimit() throws Exception {
        PipelineException e = assertThrows(PipelineException.class, () -> RejectJob.run(twoWindowFile(), dir.resolve("o.h5"),
                new RejectJob.Config(10, RejectJob.WindowRule.ALL, 100), null));
        assertTrue(e.overLimit());
        assertTrue(e.getMessage().contains("needs ") && e.getMessage().contains("budget 100 B"), e.getMessage());
    }

    @Test
    void chainOnRealSpectraKeepsSignalAndRejectsFlatPixels() throws Exception {
        double[][] s = ChainFixtures.twoEdgeScan();
        int ny = 3;
        int nx = 4;
        int nE = s[0].length;
        float[] st = ChainFixtures.stack(s[0], s[1], ny, nx);
        // row 0: no sample (flat absorption + alternating +-0.01 noise): no edge -> low SNR
        for (int p = 0; p < nx; p++) {
            for (int i = 0; i < nE; i++) {
                st[p * nE + i] = (float) (0.5 + ((i + p) % 2 == 0 ? 0.01 : -0.01));
            }
        }
        Path in = ChainFixtures.dataExchange(dir.resolve("c.h5"), s[0], st, ny, nx);
        Path norm = dir.resolve("c_norm.h5");
        NormalizeJob.run(in, StackOptions.DEFAULT, norm, NormalizeJob.Config.defaults()
                .withWindows(EdgeWindow.parseList(ChainFixtures.WINDOWS)), null);
        RejectJob.Result r = RejectJob.run(norm, dir.resolve("c_snr.h5"),
                new RejectJob.Config(10, RejectJob.WindowRule.ALL, 100_000_000), null);
        assertEquals(nx * (ny - 1), r.kept());
        assertEquals(nx, r.rejected());
        try (HdfFile h = new HdfFile(dir.resolve("c_snr.h5"))) {
            int[][] mask = (int[][]) h.getDatasetByPath(NormalizedStackLayout.dataPath(NormalizedStackLayout.MASK)).getData();
            assertArrayEquals(new int[] {0, 0, 0, 0}, mask[0]);
            assertArrayEquals(new int[] {1, 1, 1, 1}, mask[1]);
            assertArrayEquals(new int[] {1, 1, 1, 1}, mask[2]);
        }
    }
}
