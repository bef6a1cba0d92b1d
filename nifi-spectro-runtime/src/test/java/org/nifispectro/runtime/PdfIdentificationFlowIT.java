package org.nifispectro.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * End to end in a real NiFi: the PDF identification flow with the model shipped in the NAR names the
 * structure behind real measured PDFs (Ni and bulk CdSe from the DiffPy-CMI examples), stores the ranking
 * and its chart under identified/, and quarantines a file that is not a PDF.
 */
class PdfIdentificationFlowIT {

    private static FlowHarness flow;

    @RegisterExtension
    static final BeforeAllCallback START = context -> flow = new FlowHarness(SharedNiFi.get(context), "pdf-identification")
            .deploy(Map.of());

    @Test
    void measuredPdfsAreIdentifiedAndANonPdfIsQuarantined() throws Exception {
        Path samples = NiFiInstance.repo().resolve("samples/pdf-identification");
        flow.feed(samples.resolve("Ni.gr"), "Ni.gr");
        flow.feed(samples.resolve("CdSe-bulk.gr"), "CdSe-bulk.gr");
        Path notPdf = Files.createTempFile("notes", ".gr");
        Files.writeString(notPdf, "beamtime notes\nsample changed at 3 am\nnothing to see here\n");
        flow.feed(notPdf, "notes.gr");

        Path identified = flow.storage.resolve("identified");
        List<Path> rankings = FlowHarness.await(identified, p -> p.toString().endsWith(".classify.json"), 2, Duration.ofSeconds(180));
        assertEquals(2, rankings.size(), "rankings stored: " + rankings);
        assertEquals(2, FlowHarness.files(identified, p -> p.toString().endsWith(".classify.png")).size());
        assertTopFormula(identified.resolve("Ni.classify.json"), "Ni");
        assertTopFormula(identified.resolve("CdSe-bulk.classify.json"), "Cd", "Se");

        List<Path> quarantined = FlowHarness.await(flow.quarantine, p -> p.getFileName().toString().startsWith("notes.gr"),
                2, Duration.ofSeconds(60));
        assertEquals(2, quarantined.size(), "quarantine: " + quarantined);

        List<Path> stored = FlowHarness.files(identified, p -> true);
        FlowHarness.assertEveryFileCarriesHistory(stored, name -> List.of("nifi-spectro ClassifyStructure"));
        for (String pdf : List.of("Ni", "CdSe-bulk")) {
            List<Path> ofPdf = stored.stream().filter(p -> p.getFileName().toString().startsWith(pdf + ".classify.")).toList();
            assertEquals(2, ofPdf.size(), pdf + ": ranking and chart expected in " + stored);
            flow.assertLineageToEachStoredFile(pdf + ".gr", ofPdf, name -> List.of("List incoming files:CREATE",
                    "Fetch file:FETCH", "ClassifyStructure:FORK", "Store identified:SEND"), Duration.ofSeconds(60));
        }
    }

    private static void assertTopFormula(Path json, String... elements) throws Exception {
        JsonNode report = NiFiRest.json().readTree(json.toFile());
        assertTrue(report.path("identified").asBoolean(), json + " " + report.path("candidates").path(0));
        String formula = report.path("candidates").path(0).path("representative").path("formula").asText();
        for (String element : elements) {
            assertTrue(formula.matches(".*\\b" + element + "\\d*\\b.*") || formula.contains(element),
                    json.getFileName() + ": top candidate " + formula + " should contain " + element);
        }
    }
}
