package org.nifispectro.processors.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.plot.Png;

/** One history, every form an output keeps it in (text header, key = value header, JSON, PNG), read back exactly. */
class ProcessingHistoryTest {

    private static final List<ProcessStep> STEPS = List.of(
            new ProcessStep(1, "nifi-spectro NormalizeSpectra", "0.3.0", "2026-11-21T10:00:00Z",
                    "{\"Edge Windows\":\"L3:700-716\"}", "scan 7 at beam.h5", "uuid-1"),
            new ProcessStep(2, "nifi-spectro DBSCANCluster", "0.3.0", "2026-11-21T10:01:02Z", "{\"Eps\":\"0.3\"}",
                    "scan 7 at beam_norm.h5", ""));

    @Test
    void commentLinesAndHeaderFieldsReadBack() {
        List<String> csv = ProcessingHistory.toCommentLines(STEPS, "# ");
        assertEquals("# history.1: nifi-spectro NormalizeSpectra 0.3.0 at 2026-11-21T10:00:00Z from scan 7 at beam.h5"
                + " (FlowFile uuid-1)", csv.get(0));
        assertEquals(STEPS, ProcessingHistory.fromText(csv));

        List<String> gr = new ArrayList<>(List.of("[DEFAULT]", "qmax = 25"));
        for (Map.Entry<String, String> e : ProcessingHistory.toHeaderFields(STEPS).entrySet()) {
            gr.add(e.getKey() + " = " + e.getValue());
        }
        gr.add("#### start data");
        assertEquals(STEPS, ProcessingHistory.fromText(gr));

        List<String> xdi = List.of("# XDI/1.0", "# History.2_parameters: {\"Eps\":\"0.3\"}",
                "# History.1: " + ProcessingHistory.summary(STEPS.get(0)), "# History.1_parameters: " + STEPS.get(0).parametersJson(),
                "# History.2: " + ProcessingHistory.summary(STEPS.get(1)));
        assertEquals(STEPS, ProcessingHistory.fromText(xdi), "XDI fields, any order");
    }

    @Test
    void jsonAndPngReadBack() throws Exception {
        JsonNode node = ProcessingHistory.toJsonNode(STEPS);
        assertTrue(node.isArray());
        assertEquals("nifi-spectro DBSCANCluster", node.get(1).get("program").asText());
        String doc = new ObjectMapper().writeValueAsString(Map.of("history", node));
        assertEquals(STEPS, ProcessingHistory.fromJson(new ObjectMapper().readTree(doc).get("history")));
        assertEquals(STEPS, ProcessingHistory.fromJson(new ObjectMapper().readTree(doc).get("history").toString()));

        byte[] png = Png.encode(new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB), ProcessingHistory.pngText(STEPS));
        assertEquals(STEPS, ProcessingHistory.fromPng(png));
        assertEquals(List.of(), ProcessingHistory.fromPng(Png.encode(new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB))));
    }

    @Test
    void aForeignHistoryLineIsKeptWhole() {
        List<ProcessStep> steps = ProcessingHistory.fromText(List.of("# History.1: beamline writer 1.0"));
        assertEquals(1, steps.size());
        assertEquals("beamline writer 1.0", steps.get(0).program());
        assertEquals("beamline writer 1.0", ProcessingHistory.summary(steps.get(0)));
    }
}
