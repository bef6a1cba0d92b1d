package org.nifispectro.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.BeforeAllCallback;

/**
 * End to end in a real NiFi 2.3.0: the structure-catalog flow is imported through the REST API,
 * CIF files are dropped into its incoming folder, and the test checks the stored .gr files against
 * DiffPy-CMI, the quarantined bad CIF and its error report, the archived raw files, and the
 * provenance of one dataset from the detector folder to storage.
 */
class StructureCatalogFlowIT {

    private static FlowHarness flow;

    @RegisterExtension
    static final BeforeAllCallback START = context -> {
        flow = new FlowHarness(SharedNiFi.get(context), "structure-catalog")
                .deploy(Map.of("pdf.uiso", "0.005", "pdf.qmax", "20.0", "pdf.variants", "0"));
    };

    @Test
    void cifsBecomePdfsBadCifIsQuarantinedAndProvenanceTracesTheDataset() throws Exception {
        Path samples = NiFiInstance.repo().resolve("samples/structure-catalog");
        flow.feed(samples.resolve("Ni.cif"), "Ni.cif");
        flow.feed(samples.resolve("NaCl.cif"), "NaCl.cif");
        Path bad = Files.createTempFile("bad", ".cif");
        Files.writeString(bad, "data_broken\n_cell_length_a -3.5\n_cell_length_b 4\n_cell_length_c 4\n"
                + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNi1 0 0 0\n");
        flow.feed(bad, "broken.cif");

        List<Path> stored = FlowHarness.await(flow.storage, p -> p.toString().endsWith(".gr"), 2, Duration.ofSeconds(180));
        assertEquals(2, stored.size(), "stored .gr files: " + stored);
        List<Path> quarantined = FlowHarness.await(flow.quarantine, p -> p.getFileName().toString().startsWith("broken.cif"),
                2, Duration.ofSeconds(60));
        assertEquals(2, quarantined.size(), "quarantine should hold broken.cif and broken.cif.error.json: " + quarantined);

        // the stored PDFs agree with DiffPy-CMI (Rw <= 1 %, issue 5)
        assertPdfMatchesDiffPy(find(stored, "Ni"), "Ni_fcc_mlsm.csv");
        assertPdfMatchesDiffPy(find(stored, "NaCl"), "NaCl_mlsm.csv");

        // the quarantined CIF is byte for byte what arrived, its report says what is wrong and where
        Path report = quarantined.stream().filter(p -> p.toString().endsWith(".error.json")).findFirst().orElseThrow();
        JsonNode attributes = NiFiRest.json().readTree(report.toFile());
        assertTrue(attributes.path("spectro.error").asText().toLowerCase().contains("cell"),
                "error should name the cell problem: " + attributes);
        assertFalse(attributes.path("spectro.error.where").asText().isBlank(), "error should say where: " + attributes);
        Path quarantinedCif = quarantined.stream().filter(p -> p.toString().endsWith("broken.cif")).findFirst().orElseThrow();
        assertEquals(Files.readString(bad), Files.readString(quarantinedCif));

        // raw inputs are archived, none is left behind
        assertEquals(3, FlowHarness.files(flow.archive, p -> p.toString().endsWith(".cif")).size());

        // the history inside each stored PDF; provenance: each CIF went ListFile -> FetchFile -> SimulatePDF -> PutFile
        FlowHarness.assertEveryFileCarriesHistory(stored, name -> List.of("nifi-spectro SimulatePDF"));
        for (String cif : List.of("Ni", "NaCl")) {
            flow.assertLineageToEachStoredFile(cif + ".cif", List.of(find(stored, cif)), name -> List.of(
                    "List incoming files:CREATE", "Fetch file:FETCH", "SimulatePDF:FORK", "Store PDFs:SEND"),
                    Duration.ofSeconds(60));
        }
        List<JsonNode> events = flow.datasetEvents("Ni.cif");
        assertTrue(events.stream().anyMatch(e -> "FORK".equals(e.path("eventType").asText())
                && e.path("details").asText().contains("qmax=20.0")), "a FORK event should carry the parameters: " + events);
    }

    private static Path find(List<Path> files, String stem) {
        return files.stream().filter(p -> p.getFileName().toString().startsWith(stem + ".") || p.getFileName().toString().startsWith(stem + "_"))
                .findFirst().orElseThrow(() -> new AssertionError("no stored PDF for " + stem + " in " + files));
    }

    /** Rw = sqrt(sum (Gcalc - Gref)^2 / sum Gref^2) over the common r grid. */
    private static void assertPdfMatchesDiffPy(Path gr, String reference) throws IOException {
        List<String> lines = Files.readAllLines(gr, StandardCharsets.UTF_8);
        int start = lines.indexOf("#### start data");
        assertTrue(start >= 0, gr + " lacks the PDFgetX3 '#### start data' line");
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            rows.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
        }
        List<double[]> ref = new ArrayList<>();
        try (InputStream in = StructureCatalogFlowIT.class.getResourceAsStream("/e2e/" + reference)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                ref.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
            }
        }
        double num = 0;
        double den = 0;
        int matched = 0;
        for (double[] r : ref) {
            for (double[] c : rows) {
                if (Math.abs(c[0] - r[0]) < 1e-6) {
                    num += (c[1] - r[1]) * (c[1] - r[1]);
                    den += r[1] * r[1];
                    matched++;
                    break;
                }
            }
        }
        assertTrue(matched >= ref.size() - 1, gr + ": only " + matched + " of " + ref.size() + " reference r values found");
        double rw = Math.sqrt(num / den);
        assertTrue(rw <= 0.01, gr + ": Rw against DiffPy-CMI = " + rw);
    }
}
