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

    /**
     * The EXAFS branch on a hard X-ray stack: a second deployment of the flow (EXAFS on, one Cu K-edge window)
     * gets a 16 x 16 pixel Cu K-edge stack of two phases, built from the measured Cu foil spectrum of the
     * processor tests (cu_rt01.xmu, Larch examples): phase A the foil, phase B the same spectrum shifted by
     * +4 eV with its EXAFS stretched by 1/0.93 in energy, each pixel scaled and with 0.2 % noise. Every stored
     * file, the chi(k), chi(R) and EXAFS plot files of the cluster spectra included, carries its history and is
     * reached by the lineage of the detector file.
     */
    @Test
    void hardXrayStackGoesOnToExafsAndEveryExafsFileIsTraced() throws Exception {
        FlowHarness exafs = new FlowHarness(flow.nifi, "xanes-imaging", "xanes-exafs").deploy(Map.of(
                "xanes.edge.windows", "K:8779-10146", "xanes.min.snr", "10", "xanes.snr.signal", "Edge Step",
                "exafs.enabled", "true"));
        Path stack = Files.createTempDirectory("cu-stack").resolve("cu_0001.h5");
        cuTwoPhaseStack(stack, 16, 16);
        exafs.feed(stack, "cu_0001.h5");

        Path scanDir = exafs.storage.resolve("cu").resolve("cu_0001");
        List<Path> exafsFiles = FlowHarness.await(scanDir.resolve("exafs"), p -> p.toString().endsWith(".png"), 1,
                Duration.ofSeconds(240));
        assertFalse(exafsFiles.isEmpty(), "no EXAFS plot stored in " + scanDir.resolve("exafs"));
        Thread.sleep(3000); // the chi(k) / chi(R) files of the same FORK land with the plot
        List<Path> stored = FlowHarness.files(scanDir, p -> true);
        List<String> names = stored.stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.stream().anyMatch(n -> n.endsWith("_chik.xdi")) && names.stream().anyMatch(n -> n.endsWith("_chir.xdi")),
                "chi(k) and chi(R) files expected: " + names);
        assertTrue(names.contains("cu_0001_norm_snr_dbscan.h5") && names.contains("cu_0001_norm_snr_dbscan.png")
                && names.contains("cu_0001_norm_snr.h5"), "stored: " + names);

        List<String> chain = List.of("nifi-spectro NormalizeSpectra", "nifi-spectro RejectLowSNR", "nifi-spectro DBSCANCluster");
        FlowHarness.assertEveryFileCarriesHistory(stored, name -> {
            List<String> steps = new ArrayList<>(name.contains("_dbscan") ? chain : chain.subList(0, 2));
            if (name.endsWith(".xdi") || name.endsWith("_exafs.png")) {
                steps = new ArrayList<>(chain);
                steps.add("nifi-spectro ExtractEXAFS");
            }
            return steps;
        });
        Map<String, List<String>> lineages = exafs.assertLineageToEachStoredFile("cu_0001.h5", stored, name -> {
            List<String> steps = new ArrayList<>(List.of("List incoming files:CREATE", "Fetch file:FETCH",
                    "NormalizeSpectra:FORK", "RejectLowSNR:FORK"));
            if (name.endsWith(".xdi") || name.endsWith("_exafs.png")) {
                steps.addAll(List.of("DBSCANCluster:FORK", "Cluster spectra only:ROUTE", "ExtractEXAFS:FORK", "Store EXAFS:SEND"));
            } else {
                if (name.contains("_dbscan")) {
                    steps.add("DBSCANCluster:FORK");
                }
                steps.add("Store results:SEND");
            }
            return steps;
        }, Duration.ofSeconds(60));
        assertEquals(stored.size(), lineages.size());
    }

    /** APS Data Exchange stack (/exchange/data [energy][y][x], /exchange/energy in eV) of two Cu K-edge phases. */
    private static void cuTwoPhaseStack(Path file, int ny, int nx) throws java.io.IOException {
        Path xmu = NiFiInstance.repo().resolve("nifi-spectro-processors/src/test/resources/xas/spectra/cu_rt01.xmu");
        List<double[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(xmu)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                String[] f = t.split("\\s+");
                rows.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
            }
        }
        int nE = rows.size();
        double[] e = new double[nE];
        double[] mu = new double[nE];
        for (int i = 0; i < nE; i++) {
            e[i] = rows.get(i)[0];
            mu[i] = rows.get(i)[1];
        }
        java.util.Random random = new java.util.Random(71214078);
        float[][][] d = new float[nE][ny][nx];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                double scale = 0.8 + 0.4 * random.nextDouble();
                for (int i = 0; i < nE; i++) {
                    double v = mu[i];
                    if (x >= nx / 2) {
                        double eb = Math.min(e[nE - 1], Math.max(e[0], 8979 + (e[i] - 8983) * 0.93));
                        int j = Math.max(0, Math.min(nE - 2, java.util.Arrays.binarySearch(e, eb) >= 0
                                ? java.util.Arrays.binarySearch(e, eb) : -java.util.Arrays.binarySearch(e, eb) - 2));
                        v = mu[j] + (mu[j + 1] - mu[j]) * (eb - e[j]) / (e[j + 1] - e[j]);
                    }
                    d[i][y][x] = (float) (scale * v + 0.002 * random.nextGaussian());
                }
            }
        }
        try (io.jhdf.WritableHdfFile w = HdfFile.write(file)) {
            io.jhdf.api.WritableGroup ex = w.putGroup("exchange");
            ex.putDataset("data", d).putAttribute("axes", "energy:y:x");
            ex.putDataset("energy", e).putAttribute("units", "eV");
        }
    }

    private static List<ProcessStep> historyOf(Path file) {
        try (HdfFile hdf = new HdfFile(file)) {
            return ProcessStep.readAll(hdf);
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
