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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end in a real NiFi: the in-situ series flow gathers the three files of series "sini" (measured
 * X-ray PDFs of Si, Si90Ni10 and Ni) with MergeContent, decomposes them with PCA + NMF, stores the weights,
 * the scree and weight plots and the components, and sends each component through ClassifyStructure.
 */
class InsituSeriesFlowIT {

    private static FlowHarness flow;

    @RegisterExtension
    static final BeforeAllCallback START = context -> flow = new FlowHarness(SharedNiFi.get(context), "insitu-series")
            .deploy(Map.of("series.files", "3", "series.max.wait", "2 min"));

    @Test
    void aSeriesIsGatheredDecomposedAndItsComponentsClassified() throws Exception {
        Path samples = NiFiInstance.repo().resolve("samples/insitu-series");
        for (String name : List.of("sini_0001.gr", "sini_0002.gr", "sini_0003.gr")) {
            flow.feed(samples.resolve(name), name);
        }
        Path series = flow.storage.resolve("sini");
        List<Path> pngs = FlowHarness.await(series, p -> p.toString().endsWith(".png") && !p.toString().contains("identification"),
                2, Duration.ofSeconds(240));
        assertTrue(pngs.size() >= 2, "scree and weight plots expected in " + series + ": " + pngs);
        List<Path> weights = FlowHarness.files(series, p -> p.getFileName().toString().equals("sini_weights.csv"));
        assertFalse(weights.isEmpty(), "sini_weights.csv (named after the series) expected in " + series);
        List<String> rows = Files.readAllLines(weights.get(0)).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertTrue(rows.size() >= 4, "a header and one row per sample (3): " + rows);
        // the flow's rule is 'Variance Threshold Plus One': one significant mean-centred axis, two end members
        List<Path> components = FlowHarness.await(series, p -> p.getFileName().toString().contains("_nmf_")
                && !p.toString().contains("identification"), 2, Duration.ofSeconds(120));
        assertEquals(2, components.size(), "two components (Si and Ni end members) expected in " + series + ": " + components);
        // end-member fractions: Si (sini_0001) and Ni (sini_0003) are the end members, Si90Ni10 is mostly Si
        String header = rows.get(0);
        assertTrue(header.endsWith("fraction1,fraction2,closure"), header);
        String[] mix = rows.stream().filter(l -> l.startsWith("2,")).findFirst().orElseThrow().split(",");
        double f1 = Double.parseDouble(mix[6]), f2 = Double.parseDouble(mix[7]);
        assertTrue(Math.max(f1, f2) > 0.7 && Math.min(f1, f2) > 0.1, "Si90Ni10 fractions " + f1 + ", " + f2);

        List<Path> identified = FlowHarness.await(series.resolve("identification"),
                p -> p.toString().endsWith(".classify.json"), 1, Duration.ofSeconds(120));
        assertFalse(identified.isEmpty(), "each component should have been classified");
        JsonNode report = NiFiRest.json().readTree(identified.get(0).toFile());
        assertTrue(report.path("candidates").size() > 0, report.toString());

        // every file the series produced: decomposition outputs and, for each component, ranking and chart
        List<Path> decomposition = FlowHarness.files(series, p -> !p.toString().contains("identification"));
        List<String> names = decomposition.stream().map(p -> p.getFileName().toString()).toList();
        for (String expected : List.of("sini_weights.csv", "sini_weights.json", "sini_scree.png", "sini_weights.png",
                "sini_components.png")) {
            assertTrue(names.contains(expected), expected + " not stored: " + names);
        }
        List<Path> identification = FlowHarness.await(series.resolve("identification"), p -> true, 2 * components.size(),
                Duration.ofSeconds(120));
        assertEquals(2 * components.size(), identification.size(), "a ranking and a chart per component: " + identification);
        List<Path> stored = new ArrayList<>(decomposition);
        stored.addAll(identification);

        FlowHarness.assertEveryFileCarriesHistory(stored, name -> name.contains(".classify.")
                ? List.of("nifi-spectro DecomposePCANMF", "nifi-spectro ClassifyStructure")
                : List.of("nifi-spectro DecomposePCANMF"));

        // lineage of one measured PDF of the series to EACH stored file
        flow.assertLineageToEachStoredFile("sini_0002.gr", stored, name -> name.contains(".classify.")
                ? List.of("List incoming files:CREATE", "Fetch file:FETCH", "Gather series:JOIN", "DecomposePCANMF:FORK",
                        "ClassifyStructure:FORK", "Store component identification:SEND")
                : List.of("List incoming files:CREATE", "Fetch file:FETCH", "Gather series:JOIN", "DecomposePCANMF:FORK",
                        "Store decomposition:SEND"), Duration.ofSeconds(60));
    }
}
