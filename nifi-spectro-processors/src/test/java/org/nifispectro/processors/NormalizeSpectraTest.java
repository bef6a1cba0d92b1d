package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import org.apache.nifi.provenance.ProvenanceEventRecord;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.io.stack.StackReader;
import org.nifispectro.pipeline.ChainFixtures;
import org.nifispectro.pipeline.NormalizedStackLayout;
import org.nifispectro.processors.common.SpectroAttributes;
import org.nifispectro.processors.property.NormalizationMethod;
import org.nifispectro.xas.RefData;

/**
 * NormalizeSpectra through nifi-mock: a 4 x 5 pixel two-edge stack of scaled copies of the Larch
 * reference spectra (see ChainFixtures) gives per-pixel e0 and edge steps equal to Larch's; every
 * kind of bad input goes to failure unchanged, with the reason and where.
 */
class NormalizeSpectraTest {

    static final int NY = 4;
    static final int NX = 5;

    @TempDir
    Path dir;

    private TestRunner runner;

    @BeforeEach
    void setUp() {
        runner = TestRunners.newTestRunner(NormalizeSpectra.class);
        runner.setProperty(NormalizeSpectra.EDGE_WINDOWS, ChainFixtures.WINDOWS);
    }

    static byte[] twoEdgeStack(Path dir, int ny, int nx) throws Exception {
        double[][] s = ChainFixtures.twoEdgeScan();
        return Files.readAllBytes(ChainFixtures.dataExchange(dir.resolve("two_edges_" + ny + "x" + nx + ".h5"), s[0],
                ChainFixtures.stack(s[0], s[1], ny, nx), ny, nx));
    }

    @Test
    void normalizesEachEdgeWindowLikeLarch() throws Exception {
        byte[] input = twoEdgeStack(dir, NY, NX);
        runner.enqueue(input, Map.of("filename", "scan_0042.h5"));
        runner.run();

        runner.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 1);
        runner.assertTransferCount(NormalizeSpectra.REL_ORIGINAL, 1);
        runner.assertTransferCount(NormalizeSpectra.REL_FAILURE, 0);
        MockFlowFile original = runner.getFlowFilesForRelationship(NormalizeSpectra.REL_ORIGINAL).get(0);
        original.assertContentEquals(input);
        MockFlowFile out = runner.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS).get(0);
        out.assertAttributeEquals("filename", "scan_0042_norm.h5");
        out.assertAttributeEquals("mime.type", "application/x-hdf5");
        out.assertAttributeEquals("stack.width", "5");
        out.assertAttributeEquals("stack.height", "4");
        out.assertAttributeEquals("stack.energies", "1005");
        out.assertAttributeEquals("stack.pixels.nonfinite", "0");
        out.assertAttributeEquals("xas.windows", "L3,L2");
        out.assertAttributeEquals(SpectroAttributes.PRODUCER, "NormalizeSpectra");
        out.assertAttributeExists(SpectroAttributes.VERSION);
        String[] ids = {ChainFixtures.L3_ID, ChainFixtures.L2_ID};
        String[] labels = {"L3", "L2"};
        for (int w = 0; w < 2; w++) {
            double[] larch = ChainFixtures.larch(ids[w]);
            String p = "xas." + labels[w] + ".";
            assertEquals(larch[0], Double.parseDouble(out.getAttribute(p + "e0.median")), 0.5, p + "e0.median");
            assertEquals(larch[0], Double.parseDouble(out.getAttribute(p + "e0.min")), 0.5, p + "e0.min");
            assertEquals(larch[0], Double.parseDouble(out.getAttribute(p + "e0.max")), 0.5, p + "e0.max");
            // pixel scales run linearly from 0.5 to 2.0 over 20 pixels: the median scale is 1.25
            assertEquals(1.25 * larch[1], Double.parseDouble(out.getAttribute(p + "edge.step.median")), 0.01 * 1.25 * larch[1],
                    p + "edge.step.median");
            out.assertAttributeEquals(p + "pixels.with.edge", "20");
        }

        Path result = dir.resolve("result.h5");
        Files.write(result, out.toByteArray());
        try (HdfFile h = new HdfFile(result)) {
            for (int w = 0; w < 2; w++) {
                double[] larch = ChainFixtures.larch(ids[w]);
                float[][] e0 = (float[][]) h.getDatasetByPath(NormalizedStackLayout.dataPath(NormalizedStackLayout.e0(labels[w])))
                        .getData();
                float[][] step = (float[][]) h.getDatasetByPath(
                        NormalizedStackLayout.dataPath(NormalizedStackLayout.edgeStep(labels[w]))).getData();
                for (int y = 0; y < NY; y++) {
                    for (int x = 0; x < NX; x++) {
                        double sc = ChainFixtures.scale(y, x, NY, NX);
                        assertEquals(larch[0], e0[y][x], 0.5, labels[w] + " e0 at " + y + "," + x);
                        assertEquals(larch[1] * sc, step[y][x], 0.01 * larch[1] * sc, labels[w] + " step at " + y + "," + x);
                    }
                }
            }
            assertNotNull(h.getDatasetByPath(NormalizedStackLayout.dataPath(NormalizedStackLayout.preEdgeNoise("L2"))));
        }
        try (StackReader r = StackReader.open(result)) { // NeXus @default: the L3 normalized stack
            assertEquals(NY, r.info().ny());
            assertEquals(NX, r.info().nx());
            assertEquals(556, r.info().nE());
            List<ProcessStep> history = r.history();
            assertEquals(1, history.size());
            assertEquals("nifi-spectro NormalizeSpectra", history.get(0).program());
            assertEquals("scan_0042.h5", history.get(0).inputFile());
            assertEquals(original.getAttribute("uuid"), history.get(0).inputUuid());
            assertTrue(history.get(0).parametersJson().contains("\"Edge Windows\":\"" + ChainFixtures.WINDOWS + "\""),
                    history.get(0).parametersJson());
        }

        // nifi-mock also records the detail-less FORK that session.create(parent) implies; the real
        // StandardProcessSession drops that one because it equals the processor-reported event
        List<ProvenanceEventRecord> fork = runner.getProvenanceEvents().stream()
                .filter(e -> e.getEventType() == ProvenanceEventType.FORK && e.getDetails() != null).toList();
        assertEquals(1, fork.size());
        assertEquals(original.getAttribute("uuid"), fork.get(0).getFlowFileUuid());
        assertTrue(fork.get(0).getChildUuids().contains(out.getAttribute("uuid")));
        assertTrue(fork.get(0).getDetails().contains("Edge Windows=" + ChainFixtures.WINDOWS), fork.get(0).getDetails());
        assertTrue(fork.get(0).getDetails().contains("duration="), fork.get(0).getDetails());
        assertTrue(fork.get(0).getEventDuration() >= 0);
        OutputChecks.assertForkOf(runner, original.getAttribute("uuid"), List.of(out), "Edge Windows=");
        OutputChecks.assertCarriesHistory(out, "NormalizeSpectra", "scan_0042.h5", original.getAttribute("uuid"),
                "\"Edge Windows\"");
    }

    @Test
    void concurrentTasksGiveIdenticalResults() throws Exception {
        byte[] input = twoEdgeStack(dir, NY, NX);
        int n = 4;
        for (int i = 0; i < n; i++) {
            runner.enqueue(input);
        }
        runner.setThreadCount(3);
        runner.run(n);
        runner.assertTransferCount(NormalizeSpectra.REL_SUCCESS, n);
        float[][] first = null;
        for (MockFlowFile out : runner.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS)) {
            Path f = dir.resolve("c" + out.getId() + ".h5");
            Files.write(f, out.toByteArray());
            try (HdfFile h = new HdfFile(f)) {
                float[][] step = (float[][]) h.getDatasetByPath(
                        NormalizedStackLayout.dataPath(NormalizedStackLayout.edgeStep("L2"))).getData();
                if (first == null) {
                    first = step;
                } else {
                    assertTrue(Arrays.deepEquals(first, step), "edge-step maps differ between concurrent tasks");
                }
            }
            out.assertAttributeEquals("xas.L3.e0.median",
                    runner.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS).get(0).getAttribute("xas.L3.e0.median"));
        }
    }

    @Test
    void datasetPathsComeFromAttributes() throws Exception {
        double[][] s = ChainFixtures.twoEdgeScan();
        Path file = ChainFixtures.customYxeKev(dir.resolve("c.h5"), s[0], ChainFixtures.stack(s[0], s[1], 2, 3), 2, 3);
        runner.setProperty(NormalizeSpectra.DATA_PATH, "${stack.data.path}");
        runner.setProperty(NormalizeSpectra.ENERGY_PATH, "${stack.energy.path}");
        runner.enqueue(file, Map.of("stack.data.path", "/measurement/spectra", "stack.energy.path", "/measurement/photon_energy"));
        runner.run();
        runner.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 1);
        MockFlowFile out = runner.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS).get(0);
        out.assertAttributeEquals("stack.width", "3");
        out.assertAttributeEquals("stack.height", "2");
        assertEquals(ChainFixtures.larch(ChainFixtures.L2_ID)[0], Double.parseDouble(out.getAttribute("xas.L2.e0.median")), 0.5);
    }

    @Test
    void larchParametersAreUsedAsGiven() throws Exception {
        runner.setProperty(NormalizeSpectra.PRE1, "-150");
        runner.setProperty(NormalizeSpectra.PRE2, "-60");
        runner.setProperty(NormalizeSpectra.NNORM, "1");
        runner.enqueue(twoEdgeStack(dir, 2, 2));
        runner.run();
        runner.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 1);
        Path result = dir.resolve("r.h5");
        Files.write(result, runner.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS).get(0).toByteArray());
        try (HdfFile h = new HdfFile(result)) {
            var entry = h.getByPath("/entry");
            // L3 (Ce, e0 5727 eV) takes them as given; L2 (Fe, e0 7118 eV, window from 7030 eV) clips pre1 to the
            // window start as Larch clips to the data range
            double[] pre1 = (double[]) entry.getAttribute("pre1").getData();
            double[] pre2 = (double[]) entry.getAttribute("pre2").getData();
            assertEquals(-150, pre1[0], 1e-9);
            assertEquals(-60, pre2[0], 1e-9);
            assertEquals(-60, pre2[1], 1e-9);
            assertTrue(pre1[1] > -150 && pre1[1] < -60, "clipped pre1 " + pre1[1]);
            assertTrue(Arrays.equals(new int[] {1, 1}, (int[]) entry.getAttribute("nnorm").getData()));
        }
    }

    // ------------------------------------------------------------------ bad input

    private MockFlowFile fails(byte[] content, String errorPart, String wherePart, String kind) throws Exception {
        runner.enqueue(content, Map.of("filename", "bad.h5"));
        runner.run();
        runner.assertTransferCount(NormalizeSpectra.REL_FAILURE, 1);
        runner.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 0);
        runner.assertTransferCount(NormalizeSpectra.REL_ORIGINAL, 0);
        MockFlowFile f = runner.getFlowFilesForRelationship(NormalizeSpectra.REL_FAILURE).get(0);
        f.assertContentEquals(content);
        assertTrue(f.isPenalized(), "penalized");
        String error = f.getAttribute(SpectroAttributes.ERROR);
        assertTrue(error.contains(errorPart), "spectro.error '" + error + "' should contain '" + errorPart + "'");
        String where = f.getAttribute(SpectroAttributes.ERROR_WHERE);
        assertTrue(where.contains(wherePart), "spectro.error.where '" + where + "' should contain '" + wherePart + "'");
        f.assertAttributeEquals(SpectroAttributes.ERROR_KIND, kind);
        f.assertAttributeEquals(SpectroAttributes.ERROR_PROCESSOR, "NormalizeSpectra");
        runner.clearTransferState();
        return f;
    }

    private byte[] exchange(float[][][] data, double[] energy) throws Exception {
        Path file = dir.resolve("x" + System.nanoTime() + ".h5");
        try (WritableHdfFile w = HdfFile.write(file)) {
            WritableGroup ex = w.putGroup("exchange");
            ex.putDataset("data", data);
            ex.putDataset("energy", energy).putAttribute("units", "eV");
        }
        return Files.readAllBytes(file);
    }

    private static double[] ramp(int n) {
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = 7000 + i;
        }
        return e;
    }

    @Test
    void randomBytesAndEmptyContent() throws Exception {
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        fails(junk, "NOT_HDF5", "file bad.h5", "input");
        fails(new byte[0], "empty", "file bad.h5", "input");
    }

    @Test
    void truncatedFile() throws Exception {
        byte[] full = twoEdgeStack(dir, NY, NX);
        fails(Arrays.copyOf(full, full.length / 2), "truncated", "file bad.h5", "input");
    }

    @Test
    void missingDatasets() throws Exception {
        runner.setProperty(NormalizeSpectra.DATA_PATH, "/exchange/nothing");
        runner.setProperty(NormalizeSpectra.ENERGY_PATH, "/exchange/energy");
        fails(twoEdgeStack(dir, 2, 2), "MISSING_DATASET", "/exchange/nothing", "input");
    }

    @Test
    void energyNotMonotonic() throws Exception {
        double[] e = ramp(20);
        e[12] = e[9];
        fails(exchange(new float[20][2][2], e), "ENERGY_NOT_MONOTONIC", "dataset /exchange/energy", "input");
    }

    @Test
    void energyOfWrongLength() throws Exception {
        fails(exchange(new float[20][2][2], ramp(19)), "", "file bad.h5", "input");
    }

    @Test
    void nonFiniteEnergyAndMostlyNanData() throws Exception {
        double[] e = ramp(20);
        e[3] = Double.NaN;
        fails(exchange(new float[20][2][2], e), "ENERGY_NOT_FINITE", "/exchange/energy", "input");

        float[][][] d = new float[20][2][2];
        for (float[][] plane : d) {
            plane[0][1] = Float.NaN;
        }
        runner.setProperty(NormalizeSpectra.EDGE_WINDOWS, "");
        fails(exchange(d, ramp(20)), "1 of 4 pixels (25.0 %) hold NaN or infinite values", "/exchange/data", "input");
    }

    @Test
    void singleEnergy() throws Exception {
        fails(exchange(new float[1][3][3], new double[] {7000}), "TOO_FEW_ENERGIES", "file bad.h5", "input");
    }

    @Test
    void zeroSizeDimension() throws Exception {
        byte[] zero;
        try (InputStream in = getClass().getResourceAsStream("/io/stack/zero_size.h5")) {
            zero = in.readAllBytes();
        }
        fails(zero, "ZERO_SIZE", "file bad.h5", "input");
    }

    @Test
    void overMemoryBudget() throws Exception {
        runner.setProperty(NormalizeSpectra.MEMORY_BUDGET, "10 KB");
        MockFlowFile f = fails(twoEdgeStack(dir, NY, NX), "needs ", "dataset /exchange/data", "limit");
        assertTrue(f.getAttribute(SpectroAttributes.ERROR).contains("budget 10.24 kB"), f.getAttribute(SpectroAttributes.ERROR));
    }

    @Test
    void windowWithTooFewEnergies() throws Exception {
        runner.setProperty(NormalizeSpectra.EDGE_WINDOWS, "L3:5450-6160, L2:6500-6600");
        fails(twoEdgeStack(dir, 2, 2), "edge window L2:6500-6600 holds 0 of the 1005 stack energies", "Edge Windows: L2", "input");
    }

    @Test
    void flatStackHasNoEdge() throws Exception {
        float[][][] d = new float[20][2][2];
        for (float[][] plane : d) {
            for (float[] row : plane) {
                Arrays.fill(row, 1.5f);
            }
        }
        runner.setProperty(NormalizeSpectra.EDGE_WINDOWS, "");
        fails(exchange(d, ramp(20)), "cannot be normalized from the mean spectrum", "Edge Windows: edge", "input");
    }

    @Test
    void noTempFilesLeftBehind() throws Exception {
        long before = countTempFiles();
        runner.enqueue(twoEdgeStack(dir, 2, 2));
        runner.enqueue(new byte[] {1, 2, 3});
        runner.run(2);
        runner.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 1);
        runner.assertTransferCount(NormalizeSpectra.REL_FAILURE, 1);
        assertEquals(before, countTempFiles());
    }

    static long countTempFiles() throws Exception {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("nifi-spectro-")).count();
        }
    }

    /**
     * MBACK through the processor against Larch 0.9.58 {@code mback(order=3)} (columns norm_mback_full and
     * mback_full_step of the xas references, made by make_reference.py): every pixel is a scaled, offset and
     * tilted copy of the reference, which MBACK's scale and cubic background absorb, so the edge step is
     * scale x Larch's and the normalized spectrum is Larch's (tolerances of MbackTest: 1 % and 0.01).
     */
    @Test
    void mbackMatchesLarchMback() throws Exception {
        runner.setProperty(NormalizeSpectra.METHOD, NormalizationMethod.MBACK);
        runner.setProperty(NormalizeSpectra.ABSORBER, "L3=Ce, L2=Fe K");
        runner.enqueue(twoEdgeStack(dir, NY, NX), Map.of("filename", "scan_0042.h5"));
        runner.run();

        runner.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 1);
        MockFlowFile out = runner.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS).get(0);
        out.assertAttributeEquals("xas.normalization.method", "mback");
        out.assertAttributeEquals("xas.L3.absorber", "Ce L3");
        out.assertAttributeEquals("xas.L2.absorber", "Fe K");
        String[] ids = {ChainFixtures.L3_ID, ChainFixtures.L2_ID};
        String[] labels = {"L3", "L2"};
        Path result = dir.resolve("mback.h5");
        Files.write(result, out.toByteArray());
        try (HdfFile h = new HdfFile(result)) {
            for (int w = 0; w < 2; w++) {
                Map<String, String> summary = RefData.summary().get(ids[w]);
                Map<String, double[]> ref = RefData.csv(ids[w] + "_norm.csv");
                double e0 = Double.parseDouble(summary.get("e0"));
                double larchStep = Double.parseDouble(summary.get("mback_full_step"));
                double[] larchNorm = ref.get("norm_mback_full");
                double[] energy = ref.get("energy_eV");
                String p = "xas." + labels[w] + ".";
                assertEquals(e0, Double.parseDouble(out.getAttribute(p + "e0.reference")), 0.5, p + "e0.reference");
                assertEquals(1.25 * larchStep, Double.parseDouble(out.getAttribute(p + "edge.step.median")),
                        0.01 * 1.25 * larchStep, p + "edge.step.median");
                out.assertAttributeEquals(p + "pixels.with.edge", "20");
                float[][] step = (float[][]) h.getDatasetByPath(
                        NormalizedStackLayout.dataPath(NormalizedStackLayout.edgeStep(labels[w]))).getData();
                float[][][] norm = (float[][][]) h.getDatasetByPath(
                        NormalizedStackLayout.dataPath(NormalizedStackLayout.norm(labels[w]))).getData();
                float[][] noise = (float[][]) h.getDatasetByPath(
                        NormalizedStackLayout.dataPath(NormalizedStackLayout.preEdgeNoise(labels[w]))).getData();
                assertEquals(energy.length, norm.length, labels[w] + " energies in the window");
                for (int y = 0; y < NY; y++) {
                    for (int x = 0; x < NX; x++) {
                        double sc = ChainFixtures.scale(y, x, NY, NX);
                        assertEquals(larchStep * sc, step[y][x], 0.01 * larchStep * sc, labels[w] + " step at " + y + "," + x);
                        assertTrue(Float.isFinite(noise[y][x]) && noise[y][x] >= 0, labels[w] + " noise at " + y + "," + x);
                        double maxDev = 0;
                        for (int i = 0; i < energy.length; i++) {
                            if (energy[i] >= e0 + 100) {
                                maxDev = Math.max(maxDev, Math.abs(norm[i][y][x] - larchNorm[i]));
                            }
                        }
                        assertTrue(maxDev <= 0.01, labels[w] + " max |norm - larch mback| post-edge at " + y + "," + x
                                + " = " + maxDev);
                    }
                }
            }
        }
    }

    @Test
    void mbackConfiguration() {
        runner.setProperty(NormalizeSpectra.METHOD, NormalizationMethod.MBACK);
        runner.assertNotValid(); // Absorber required
        runner.setProperty(NormalizeSpectra.ABSORBER, "Xx L3");
        runner.assertNotValid();
        runner.setProperty(NormalizeSpectra.ABSORBER, "Nd Q9");
        runner.assertNotValid();
        runner.setProperty(NormalizeSpectra.ABSORBER, "L3=Nd L3"); // no absorber for window L2
        runner.assertNotValid();
        runner.setProperty(NormalizeSpectra.ABSORBER, "L3=Nd L3, L1=Nd L1"); // L1 is not a window
        runner.assertNotValid();
        runner.setProperty(NormalizeSpectra.ABSORBER, "Nd");
        runner.assertValid();
        runner.setProperty(NormalizeSpectra.ABSORBER, "L3=Nd L3, L2=Nd L2");
        runner.assertValid();
        runner.setProperty(NormalizeSpectra.METHOD, NormalizationMethod.PRE_EDGE);
        runner.setProperty(NormalizeSpectra.ABSORBER, "Xx");
        runner.assertValid(); // Absorber only matters for MBACK
    }

    @Test
    void invalidConfigurations() {
        runner.setProperty(NormalizeSpectra.DATA_PATH, "/exchange/data");
        runner.assertNotValid();
        runner.setProperty(NormalizeSpectra.ENERGY_PATH, "/exchange/energy");
        runner.assertValid();
        runner.setProperty(NormalizeSpectra.PRE1, "-30");
        runner.setProperty(NormalizeSpectra.PRE2, "-50");
        runner.assertNotValid();
        runner.setProperty(NormalizeSpectra.PRE2, "-10");
        runner.assertValid();
        runner.setProperty(NormalizeSpectra.EDGE_WINDOWS, "L3:6190-6680, L2");
        runner.assertNotValid();
        runner.setProperty(NormalizeSpectra.EDGE_WINDOWS, "L3:6190-6680");
        runner.setProperty(NormalizeSpectra.NNORM, "6");
        runner.assertNotValid();
        runner.setProperty(NormalizeSpectra.NNORM, "2");
        runner.setProperty(NormalizeSpectra.NORM1, "abc");
        runner.assertNotValid();
        runner.setProperty(NormalizeSpectra.NORM1, "50");
        runner.assertValid();
        assertFalse(runner.getProcessContext().getProperty(NormalizeSpectra.NORM2).isSet());
    }

    static StackOptions custom(String group) {
        return StackOptions.custom(NormalizedStackLayout.dataPath(group), NormalizedStackLayout.energyPath(group));
    }
}
