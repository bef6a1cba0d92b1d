package org.nifispectro.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.Slab;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.io.stack.StackReader;
import org.nifispectro.xas.RefData;

/**
 * NormalizeJob on small stacks of scaled/offset/tilted copies of real Larch reference spectra: every
 * pixel's e0 and edge step must match Larch's (summary.csv) within the tolerances (0.5 eV, 1 %),
 * and the normalized stack Larch's norm within 0.01.
 */
class NormalizeJobTest {

    private static final int NY = 4;
    private static final int NX = 5;

    @TempDir
    Path dir;

    private Path twoEdgeInput() {
        double[][] s = ChainFixtures.twoEdgeScan();
        return ChainFixtures.dataExchange(dir.resolve("two_edges.h5"), s[0], ChainFixtures.stack(s[0], s[1], NY, NX), NY, NX);
    }

    private static NormalizeJob.Config twoWindows() {
        return NormalizeJob.Config.defaults().withWindows(EdgeWindow.parseList(ChainFixtures.WINDOWS));
    }

    @Test
    void twoEdgeWindowsMatchLarchPerPixel() throws Exception {
        Path out = dir.resolve("out.h5");
        ProcessStep step = ProcessStep.now("test NormalizeJob", "0", "{\"Edge Windows\":\"" + ChainFixtures.WINDOWS + "\"}",
                "two_edges.h5", "uuid-1");
        NormalizeJob.Result r = NormalizeJob.run(twoEdgeInput(), StackOptions.DEFAULT, out, twoWindows(), step);

        assertEquals(2, r.windows().size());
        assertEquals(0, r.nonFinitePixels());
        String[] ids = {ChainFixtures.L3_ID, ChainFixtures.L2_ID};
        String[] labels = {"L3", "L2"};
        try (HdfFile h = new HdfFile(out)) {
            for (int w = 0; w < 2; w++) {
                double[] larch = ChainFixtures.larch(ids[w]);
                float[] e0 = map(h, NormalizedStackLayout.e0(labels[w]));
                float[] step2 = map(h, NormalizedStackLayout.edgeStep(labels[w]));
                float[] noise = map(h, NormalizedStackLayout.preEdgeNoise(labels[w]));
                float[] white = map(h, NormalizedStackLayout.whiteLine(labels[w]));
                double larchMaxNorm = java.util.Arrays.stream(RefData.csv(ids[w] + "_norm.csv").get("norm")).max().orElseThrow();
                for (int p = 0; p < NY * NX; p++) {
                    double sc = ChainFixtures.scale(p / NX, p % NX, NY, NX);
                    assertEquals(larch[0], e0[p], 0.5, labels[w] + " pixel " + p + " e0");
                    assertEquals(larch[1] * sc, step2[p], 0.01 * larch[1] * sc, labels[w] + " pixel " + p + " edge step");
                    assertTrue(noise[p] > 0 && noise[p] < 0.05 * step2[p], labels[w] + " pixel " + p + " noise " + noise[p]);
                    // white line = step x max(norm): Larch's step x Larch's largest normalized value, scaled
                    assertEquals(larch[1] * sc * larchMaxNorm, white[p], 0.01 * larch[1] * sc * larchMaxNorm,
                            labels[w] + " pixel " + p + " white line");
                }
                NormalizeJob.WindowSummary s = r.windows().get(w);
                assertEquals(labels[w], s.window().label());
                assertEquals(NY * NX, s.pixelsWithEdge());
                assertEquals(larch[0], s.e0Median(), 0.5);
                assertEquals(larch[0], s.e0Reference(), 0.5);
                assertTrue(s.e0Min() <= s.e0Median() && s.e0Median() <= s.e0Max());
            }
            assertArrayEquals(labels, (String[]) h.getByPath("/entry").getAttribute(NormalizedStackLayout.ATTR_WINDOWS).getData());
        }
        // normalized stacks against Larch's norm
        for (int w = 0; w < 2; w++) {
            Map<String, double[]> ref = RefData.csv(ids[w] + "_norm.csv");
            double[] larchNorm = ref.get("norm");
            String g = NormalizedStackLayout.norm(labels[w]);
            try (StackReader rd = StackReader.open(out, StackOptions.custom(NormalizedStackLayout.dataPath(g),
                    NormalizedStackLayout.energyPath(g)))) {
                assertEquals(larchNorm.length, rd.info().nE(), "window energies");
                assertArrayEquals(ref.get("energy_eV"), rd.info().energiesEv(), 1e-9);
                Slab slab = rd.readSlab(0, NY);
                double maxDev = 0;
                for (int p = 0; p < NY * NX; p++) {
                    for (int i = 0; i < larchNorm.length; i++) {
                        maxDev = Math.max(maxDev, Math.abs(slab.value(p, i) - larchNorm[i]));
                    }
                }
                assertTrue(maxDev <= 0.01, labels[w] + " max |norm - Larch norm| = " + maxDev);
            }
        }
        // history inside the file, and the default NeXus view is the first normalized stack
        try (StackReader rd = StackReader.open(out)) {
            List<ProcessStep> history = rd.history();
            assertEquals(1, history.size());
            assertEquals("test NormalizeJob", history.get(0).program());
            assertEquals("uuid-1", history.get(0).inputUuid());
            assertEquals(NormalizedStackLayout.dataPath(NormalizedStackLayout.norm("L3")), rd.info().dataPath());
        }
    }

    @Test
    void resultsDoNotDependOnThreadsOrSlabHeight() throws Exception {
        Path in = twoEdgeInput();
        Path a = dir.resolve("a.h5");
        Path b = dir.resolve("b.h5");
        NormalizeJob.Result ra = NormalizeJob.run(in, StackOptions.DEFAULT, a, twoWindows().withThreads(1), null);
        // a budget that allows about one image row per slab, and 3 threads
        long oneRow;
        try (StackReader rd = StackReader.open(in)) {
            oneRow = NormalizeJob.heapBytes(rd, rd.info(), new int[] {556, 449}, 1, 3);
        }
        NormalizeJob.Result rb = NormalizeJob.run(in, StackOptions.DEFAULT, b,
                twoWindows().withThreads(3).withMemoryBudget(oneRow + 1000), null);
        assertEquals(NY, ra.slabRows());
        assertEquals(1, rb.slabRows());
        try (HdfFile ha = new HdfFile(a); HdfFile hb = new HdfFile(b)) {
            for (String l : new String[] {"L3", "L2"}) {
                for (String g : new String[] {NormalizedStackLayout.e0(l), NormalizedStackLayout.edgeStep(l),
                        NormalizedStackLayout.preEdgeNoise(l)}) {
                    assertArrayEquals(map(ha, g), map(hb, g), g);
                }
                String g = NormalizedStackLayout.dataPath(NormalizedStackLayout.norm(l));
                assertTrue(java.util.Arrays.deepEquals((float[][][]) ha.getDatasetByPath(g).getData(),
                        (float[][][]) hb.getDatasetByPath(g).getData()), g);
            }
        }
    }

    @Test
    void customLayoutInKevWithEnergyLastAxis() throws Exception {
        double[][] s = ChainFixtures.twoEdgeScan();
        Path in = ChainFixtures.customYxeKev(dir.resolve("custom.h5"), s[0], ChainFixtures.stack(s[0], s[1], 2, 3), 2, 3);
        Path out = dir.resolve("out.h5");
        NormalizeJob.Result r = NormalizeJob.run(in, StackOptions.custom("/measurement/spectra", "/measurement/photon_energy"),
                out, twoWindows(), null);
        assertEquals(ChainFixtures.larch(ChainFixtures.L3_ID)[0], r.windows().get(0).e0Median(), 0.5);
        assertEquals(ChainFixtures.larch(ChainFixtures.L2_ID)[0], r.windows().get(1).e0Median(), 0.5);
        assertEquals(2, r.stack().ny());
        assertEquals(3, r.stack().nx());
    }

    @Test
    void wholeScanIsOneWindowNamedEdge() throws Exception {
        Map<String, double[]> ref = RefData.csv(ChainFixtures.L2_ID + "_norm.csv");
        double[] e = ref.get("energy_eV");
        Path in = ChainFixtures.dataExchange(dir.resolve("fe.h5"), e, ChainFixtures.stack(e, ref.get("mu"), 3, 3), 3, 3);
        NormalizeJob.Result r = NormalizeJob.run(in, StackOptions.DEFAULT, dir.resolve("o.h5"), NormalizeJob.Config.defaults(), null);
        assertEquals(1, r.windows().size());
        assertEquals("edge", r.windows().get(0).window().label());
        assertEquals(ChainFixtures.larch(ChainFixtures.L2_ID)[0], r.windows().get(0).e0Median(), 0.5);
        assertEquals(e.length, r.windows().get(0).energies());
    }

    @Test
    void nanPixelGetsNanResultsAndTooManyAreRefused() throws Exception {
        double[][] s = ChainFixtures.twoEdgeScan();
        int nE = s[0].length;
        float[] st = ChainFixtures.stack(s[0], s[1], NY, NX);
        st[7 * nE + 100] = Float.NaN; // pixel 7 = (y=1, x=2)
        Path in = ChainFixtures.dataExchange(dir.resolve("nan.h5"), s[0], st, NY, NX);
        Path out = dir.resolve("out.h5");
        NormalizeJob.Result r = NormalizeJob.run(in, StackOptions.DEFAULT, out, twoWindows(), null);
        assertEquals(1, r.nonFinitePixels());
        try (HdfFile h = new HdfFile(out)) {
            assertTrue(Float.isNaN(map(h, NormalizedStackLayout.edgeStep("L3"))[7]), "NaN in the L3 window");
            assertTrue(Float.isNaN(map(h, NormalizedStackLayout.e0("L3"))[7]), "e0 of a pixel without result");
            assertTrue(Float.isFinite(map(h, NormalizedStackLayout.edgeStep("L2"))[7]), "L2 window of that pixel is fine");
            assertEquals(NY * NX - 1, r.windows().get(0).pixelsWithEdge());
        }
        for (int p = 0; p < 3; p++) {
            st[p * nE + 5] = Float.POSITIVE_INFINITY;
        }
        Path bad = ChainFixtures.dataExchange(dir.resolve("bad.h5"), s[0], st, NY, NX);
        PipelineException e = assertThrows(PipelineException.class,
                () -> NormalizeJob.run(bad, StackOptions.DEFAULT, dir.resolve("o2.h5"), twoWindows(), null));
        assertTrue(e.getMessage().contains("4 of 20 pixels") && e.getMessage().contains("(y=0, x=0)"), e.getMessage());
        assertTrue(e.where().contains("/exchange/data"), e.where());
    }

    @Test
    void windowWithTooFewEnergiesIsRefusedWithItsLabel() throws Exception {
        Path in = twoEdgeInput();
        PipelineException e = assertThrows(PipelineException.class, () -> NormalizeJob.run(in, StackOptions.DEFAULT,
                dir.resolve("o.h5"), twoWindows().withWindows(EdgeWindow.parseList("L3:5450-6160, L2:6500-6600")), null));
        assertEquals("Edge Windows: L2", e.where());
        assertTrue(e.getMessage().contains("holds 0 of the 1005 stack energies"), e.getMessage());
    }

    @Test
    void overBudgetIsRefusedBeforeReadingWithNeedsAndBudget() throws Exception {
        Path in = twoEdgeInput();
        Path out = dir.resolve("o.h5");
        StackFormatException e = assertThrows(StackFormatException.class,
                () -> NormalizeJob.run(in, StackOptions.DEFAULT, out, twoWindows().withMemoryBudget(10_000), null));
        assertEquals(StackFormatException.Problem.OVER_BUDGET, e.problem());
        assertTrue(e.getMessage().contains("needs ") && e.getMessage().contains("budget 10.00 kB"), e.getMessage());
        assertTrue(!Files.exists(out) || Files.size(out) == 0, "nothing written");
    }

    static float[] map(HdfFile h, String group) {
        float[][] a = (float[][]) h.getDatasetByPath(NormalizedStackLayout.dataPath(group)).getData();
        float[] f = new float[a.length * a[0].length];
        for (int y = 0; y < a.length; y++) {
            System.arraycopy(a[y], 0, f, y * a[0].length, a[0].length);
        }
        return f;
    }

    @Test
    void transmissionConfiguration() {
        NormalizeJob.Config c = NormalizeJob.Config.defaults();
        assertEquals(null, c.transmission(), "absorbance unless asked");
        NormalizeJob.Config t = c.withTransmission(new NormalizeJob.Transmission(" /i0 ", " "))
                .withThreads(1).withMemoryBudget(1 << 20);
        assertEquals(new NormalizeJob.Transmission("/i0", null), t.transmission(), "kept through the with* copies");
        assertEquals(null, NormalizeJob.Transmission.brightestPixels().i0Path());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NormalizeJob.Transmission("", "/i0_energy_eV"));
        assertTrue(e.getMessage().contains("'/i0_energy_eV' is given without an I0 dataset"), e.getMessage());
    }
}
