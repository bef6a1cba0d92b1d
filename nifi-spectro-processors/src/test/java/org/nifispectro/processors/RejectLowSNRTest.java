package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import org.apache.nifi.provenance.ProvenanceEventRecord;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.StackReader;
import org.nifispectro.pipeline.ChainFixtures;
import org.nifispectro.pipeline.NormalizedStackLayout;
import org.nifispectro.processors.common.SpectroAttributes;

/**
 * RejectLowSNR on NormalizeSpectra's real output: a 4 x 5 two-edge stack whose first row holds no
 * sample (flat absorption with +-0.01 alternating noise, no edge: SNR of order 1) and whose other rows
 * hold scaled Larch reference spectra (SNR in the hundreds): the first row must be rejected, the rest
 * kept.
 */
class RejectLowSNRTest {

    static final int NY = 4;
    static final int NX = 5;

    @TempDir
    Path dir;

    private TestRunner runner;

    @BeforeEach
    void setUp() {
        runner = TestRunners.newTestRunner(RejectLowSNR.class);
    }

    /** NormalizeSpectra's output for the stack described above. */
    private MockFlowFile normalized() throws Exception {
        double[][] s = ChainFixtures.twoEdgeScan();
        int nE = s[0].length;
        float[] st = ChainFixtures.stack(s[0], s[1], NY, NX);
        for (int p = 0; p < NX; p++) {
            for (int i = 0; i < nE; i++) {
                st[p * nE + i] = (float) (0.5 + ((i + p) % 2 == 0 ? 0.01 : -0.01));
            }
        }
        Path in = ChainFixtures.dataExchange(dir.resolve("scan.h5"), s[0], st, NY, NX);
        TestRunner norm = TestRunners.newTestRunner(NormalizeSpectra.class);
        norm.setProperty(NormalizeSpectra.EDGE_WINDOWS, ChainFixtures.WINDOWS);
        norm.enqueue(in, Map.of("filename", "scan.h5"));
        norm.run();
        norm.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 1);
        return norm.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS).get(0);
    }

    @Test
    void rejectsTheEmptyRowAndKeepsTheSample() throws Exception {
        MockFlowFile normalized = normalized();
        byte[] input = normalized.toByteArray();
        runner.enqueue(input, Map.of("filename", normalized.getAttribute("filename")));
        runner.run();

        runner.assertTransferCount(RejectLowSNR.REL_SUCCESS, 1);
        runner.assertTransferCount(RejectLowSNR.REL_ORIGINAL, 1);
        MockFlowFile original = runner.getFlowFilesForRelationship(RejectLowSNR.REL_ORIGINAL).get(0);
        original.assertContentEquals(input);
        MockFlowFile out = runner.getFlowFilesForRelationship(RejectLowSNR.REL_SUCCESS).get(0);
        out.assertAttributeEquals("filename", "scan_norm_snr.h5");
        out.assertAttributeEquals("snr.pixels.kept", "15");
        out.assertAttributeEquals("snr.pixels.rejected", "5");
        out.assertAttributeEquals("snr.rejected.fraction", "0.250000");
        out.assertAttributeEquals("snr.threshold", "10");
        out.assertAttributeEquals(SpectroAttributes.PRODUCER, "RejectLowSNR");
        out.assertAttributeEquals("mime.type", "application/x-hdf5");
        assertTrue(Double.parseDouble(out.getAttribute("snr.L3.median")) > 100, out.getAttribute("snr.L3.median"));

        Path result = dir.resolve("r.h5");
        Files.write(result, out.toByteArray());
        try (HdfFile h = new HdfFile(result)) {
            int[][] mask = (int[][]) h.getDatasetByPath(NormalizedStackLayout.dataPath(NormalizedStackLayout.MASK)).getData();
            assertArrayEquals(new int[] {0, 0, 0, 0, 0}, mask[0]);
            for (int y = 1; y < NY; y++) {
                assertArrayEquals(new int[] {1, 1, 1, 1, 1}, mask[y], "row " + y);
            }
            float[][] snr = (float[][]) h.getDatasetByPath(NormalizedStackLayout.dataPath(NormalizedStackLayout.snr("L2"))).getData();
            float[][] step = (float[][]) h.getDatasetByPath(
                    NormalizedStackLayout.dataPath(NormalizedStackLayout.edgeStep("L2"))).getData();
            float[][] noise = (float[][]) h.getDatasetByPath(
                    NormalizedStackLayout.dataPath(NormalizedStackLayout.preEdgeNoise("L2"))).getData();
            for (int y = 1; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    assertEquals(step[y][x] / noise[y][x], snr[y][x], 1e-6 * snr[y][x], "SNR = edge step / pre-edge noise");
                }
            }
        }
        try (StackReader r = StackReader.open(result)) {
            assertEquals(NY, r.info().ny());
            List<ProcessStep> history = r.history();
            assertEquals(List.of("nifi-spectro NormalizeSpectra", "nifi-spectro RejectLowSNR"),
                    history.stream().map(ProcessStep::program).toList());
            assertTrue(history.get(1).parametersJson().contains("\"Minimum SNR\":\"10\""), history.get(1).parametersJson());
        }
        List<ProvenanceEventRecord> fork = runner.getProvenanceEvents().stream()
                .filter(e -> e.getEventType() == ProvenanceEventType.FORK && e.getDetails() != null).toList();
        assertEquals(1, fork.size());
        assertTrue(fork.get(0).getDetails().contains("Minimum SNR=10"), fork.get(0).getDetails());
        assertTrue(fork.get(0).getChildUuids().contains(out.getAttribute("uuid")));
        OutputChecks.assertForkOf(runner, original.getAttribute("uuid"), List.of(out), "Minimum SNR=10");
        List<ProcessStep> steps = OutputChecks.assertCarriesHistory(out, "RejectLowSNR", "scan_norm.h5",
                original.getAttribute("uuid"), "\"Minimum SNR\":\"10\"");
        assertEquals("scan.h5", steps.get(0).inputFile(), "the input's history continues");
    }

    @Test
    void everyPixelRejectedGoesToFailureWithTheBestSnr() throws Exception {
        byte[] input = normalized().toByteArray();
        runner.setProperty(RejectLowSNR.MIN_SNR, "1e8");
        runner.enqueue(input);
        runner.run();
        runner.assertAllFlowFilesTransferred(RejectLowSNR.REL_FAILURE, 1);
        MockFlowFile f = runner.getFlowFilesForRelationship(RejectLowSNR.REL_FAILURE).get(0);
        f.assertContentEquals(input);
        assertTrue(f.isPenalized());
        String error = f.getAttribute(SpectroAttributes.ERROR);
        assertTrue(error.startsWith("all 20 pixels rejected") && error.contains("highest SNR per window: L3 "), error);
        assertTrue(f.getAttribute(SpectroAttributes.ERROR_WHERE).contains("edge_step_"), f.getAttribute(SpectroAttributes.ERROR_WHERE));
        f.assertAttributeEquals(SpectroAttributes.ERROR_KIND, "input");
    }

    @Test
    void anyWindowRule() throws Exception {
        runner.setProperty(RejectLowSNR.WINDOW_RULE, "Any Window");
        runner.enqueue(normalized().toByteArray());
        runner.run();
        runner.assertTransferCount(RejectLowSNR.REL_SUCCESS, 1);
        runner.getFlowFilesForRelationship(RejectLowSNR.REL_SUCCESS).get(0).assertAttributeEquals("snr.pixels.kept", "15");
    }

    @Test
    void badInputsGoToFailureUnchanged() throws Exception {
        double[][] s = ChainFixtures.twoEdgeScan();
        byte[] raw = Files.readAllBytes(ChainFixtures.dataExchange(dir.resolve("raw.h5"), s[0],
                ChainFixtures.stack(s[0], s[1], 2, 2), 2, 2));
        byte[] normalized = normalized().toByteArray();
        byte[] junk = new byte[3000];
        new java.util.Random(3).nextBytes(junk);
        Map<String, byte[]> cases = Map.of(
                "not a NormalizeSpectra output", raw,
                "truncated", Arrays.copyOf(normalized, normalized.length / 3),
                "not a readable HDF5 file", junk,
                "file is empty", new byte[0]);
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            runner.clearTransferState();
            runner.enqueue(c.getValue(), Map.of("filename", "in.h5"));
            runner.run();
            runner.assertAllFlowFilesTransferred(RejectLowSNR.REL_FAILURE, 1);
            MockFlowFile f = runner.getFlowFilesForRelationship(RejectLowSNR.REL_FAILURE).get(0);
            f.assertContentEquals(c.getValue());
            assertTrue(f.getAttribute(SpectroAttributes.ERROR).contains(c.getKey())
                    || c.getKey().equals("truncated") && !f.getAttribute(SpectroAttributes.ERROR).isBlank(),
                    c.getKey() + ": " + f.getAttribute(SpectroAttributes.ERROR));
            assertTrue(f.getAttribute(SpectroAttributes.ERROR_WHERE).contains("file in.h5"), f.getAttribute(SpectroAttributes.ERROR_WHERE));
            assertTrue(f.isPenalized());
        }
    }

    @Test
    void overBudgetIsALimit() throws Exception {
        runner.setProperty(RejectLowSNR.MEMORY_BUDGET, "1 KB");
        runner.enqueue(normalized().toByteArray());
        runner.run();
        runner.assertAllFlowFilesTransferred(RejectLowSNR.REL_FAILURE, 1);
        MockFlowFile f = runner.getFlowFilesForRelationship(RejectLowSNR.REL_FAILURE).get(0);
        f.assertAttributeEquals(SpectroAttributes.ERROR_KIND, "limit");
        assertTrue(f.getAttribute(SpectroAttributes.ERROR).contains("needs "), f.getAttribute(SpectroAttributes.ERROR));
    }

    @Test
    void invalidThreshold() {
        runner.setProperty(RejectLowSNR.MIN_SNR, "-1");
        runner.assertNotValid();
        runner.setProperty(RejectLowSNR.MIN_SNR, "3.5");
        runner.assertValid();
    }
}
