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
        List<Path> components = FlowHarness.files(series, p -> p.getFileName().toString().contains("_nmf_")
                && !p.toString().contains("identification"));
        assertFalse(components.isEmpty(), "component files expected in " + series);

        List<Path> identified = FlowHarness.await(series.resolve("identification"),
                p -> p.toString().endsWith(".classify.json"), 1, Duration.ofSeconds(120));
        assertFalse(identified.isEmpty(), "each component should have been classified");
        JsonNode report = NiFiRest.json().readTree(identified.get(0).toFile());
        assertTrue(report.path("candidates").size() > 0, report.toString());

        List<String> path = new ArrayList<>();
        for (JsonNode e : flow.datasetEvents("sini_0002.gr")) {
            path.add(e.path("componentName").asText() + ":" + e.path("eventType").asText());
        }
        String[] expected = {"List incoming files:CREATE", "Fetch file:FETCH", "Gather series:JOIN", "DecomposePCANMF:FORK",
            "Store decomposition:SEND"};
        int at = 0;
        for (String step : path) {
            if (at < expected.length && step.equals(expected[at])) {
                at++;
            }
        }
        assertEquals(expected.length, at, "expected " + List.of(expected) + " in order, got " + path);
    }
}
