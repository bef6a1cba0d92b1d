package org.nifispectro.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.jhdf.HdfFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nifispectro.io.stack.ProcessStep;

/**
 * End to end in a real NiFi: the XANES imaging flow on a real ALS STXM Fe L3/L2 stack (optical density).
 * The stack goes NormalizeSpectra -> RejectLowSNR -> DBSCANCluster and its results land in
 * storage/<sample>/<scan>/ with the full processing history inside the files; a truncated copy of the
 * same file ends in quarantine with a report of what is wrong. EXAFS is switched off for this soft X-ray
 * L-edge stack (30 eV above the edge is no EXAFS range); ExtractEXAFS is covered by its processor tests.
 */
class XanesImagingFlowIT {

    private static FlowHarness flow;

    @RegisterExtension
    static final BeforeAllCallback START = context -> flow = new FlowHarness(SharedNiFi.get(context), "xanes-imaging")
            .deploy(Map.of("xanes.edge.windows", "L3:700-716, L2:716-730", "xanes.min.snr", "10", "xanes.snr.signal", "White Line",
                    "exafs.enabled", "false"));

    @Test
    void stackIsNormalizedMaskedClusteredAndStoredPerSampleAndScan() throws Exception {
        Path sample = NiFiInstance.repo().resolve("samples/xanes-imaging/als_stxm_71214078_FeL23_od.h5");
        flow.feed(sample, "als_stxm_71214078_FeL23_od.h5");
        Path truncated = Files.createTempFile("truncated", ".h5");
        byte[] bytes = Files.readAllBytes(sample);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        flow.feed(truncated, "broken_scan7.h5");

        Path scanDir = flow.storage.resolve("als").resolve("als_stxm_71214078_FeL23_od");
        List<Path> pngs = FlowHarness.await(scanDir, p -> p.toString().endsWith(".png"), 1, Duration.ofSeconds(240));
        assertFalse(pngs.isEmpty(), "no phase map stored in " + scanDir);
        List<Path> h5 = FlowHarness.await(scanDir, p -> p.toString().endsWith(".h5"), 2, Duration.ofSeconds(60));
        assertTrue(h5.size() >= 2, "the masked stack and the clustering result should be stored: " + h5);

        // the clustering result carries the whole history, in order, inside the file
        Path clusters = h5.stream().filter(p -> historyOf(p).size() == 3).findFirst()
                .orElseThrow(() -> new AssertionError("no stored file with a 3-step history among " + h5));
        List<String> programs = new ArrayList<>();
        for (ProcessStep s : historyOf(clusters)) {
            programs.add(s.program());
            assertTrue(s.inputFile().startsWith("als_stxm_71214078_FeL23_od"), "input of " + s.program() + ": " + s.inputFile());
        }
        assertTrue(programs.get(0).endsWith("NormalizeSpectra") && programs.get(1).endsWith("RejectLowSNR")
                && programs.get(2).endsWith("DBSCANCluster"), "history " + programs);

        List<Path> quarantined = FlowHarness.await(flow.quarantine, p -> p.getFileName().toString().startsWith("broken_scan7"),
                2, Duration.ofSeconds(120));
        assertEquals(2, quarantined.size(), "quarantine: " + quarantined);
        Path report = quarantined.stream().filter(p -> p.toString().endsWith(".error.json")).findFirst().orElseThrow();
        JsonNode attributes = NiFiRest.json().readTree(report.toFile());
        assertEquals("NormalizeSpectra", attributes.path("spectro.error.processor").asText(), attributes.toString());
        assertFalse(attributes.path("spectro.error").asText().isBlank());

        // every file the dataset produced in storage: the masked stack, the clustering result, the phase map
        List<Path> stored = FlowHarness.await(scanDir, p -> true, 3, Duration.ofSeconds(60));
        assertEquals(List.of("als_stxm_71214078_FeL23_od_norm_snr.h5", "als_stxm_71214078_FeL23_od_norm_snr_dbscan.h5",
                "als_stxm_71214078_FeL23_od_norm_snr_dbscan.png"), stored.stream().map(p -> p.getFileName().toString()).toList());

        // each carries its processing history inside (the PNG as an iTXt chunk)
        FlowHarness.assertEveryFileCarriesHistory(stored, name -> name.contains("_dbscan")
                ? List.of("nifi-spectro NormalizeSpectra", "nifi-spectro RejectLowSNR", "nifi-spectro DBSCANCluster")
                : List.of("nifi-spectro NormalizeSpectra", "nifi-spectro RejectLowSNR"));

        // provenance: the detector file to EACH stored file, through the processors in order
        List<String> toMasked = List.of("List incoming files:CREATE", "Fetch file:FETCH", "NormalizeSpectra:FORK",
                "RejectLowSNR:FORK");
        List<String> toClusters = new ArrayList<>(toMasked);
        toClusters.add("DBSCANCluster:FORK");
        Map<String, List<String>> lineages = flow.assertLineageToEachStoredFile("als_stxm_71214078_FeL23_od.h5", stored,
                name -> {
                    List<String> steps = new ArrayList<>(name.contains("_dbscan") ? toClusters : toMasked);
                    steps.add("Store results:SEND");
                    return steps;
                }, Duration.ofSeconds(60));
        assertEquals(3, lineages.size(), lineages.toString());
        assertFalse(FlowHarness.inOrder(lineages.get("als_stxm_71214078_FeL23_od_norm_snr.h5"), List.of("DBSCANCluster:FORK")),
                "the masked stack is stored before clustering: " + lineages);
    }

    private static List<ProcessStep> historyOf(Path file) {
        try (HdfFile hdf = new HdfFile(file)) {
            return ProcessStep.readAll(hdf);
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
