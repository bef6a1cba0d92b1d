package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.nifi.provenance.ProvenanceEventRecord;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatePDFTest {

    private TestRunner runner;

    @BeforeEach
    void setUp() {
        runner = TestRunners.newTestRunner(SimulatePDF.class);
        runner.setProperty(SimulatePDF.UISO, "0.005");
    }

    @Test
    void naclMatchesDiffPyAndCarriesItsHistory() throws IOException {
        runner.enqueue(resource("NaCl.cif"), Map.of("filename", "NaCl.cif"));
        runner.run();

        runner.assertTransferCount(SimulatePDF.REL_SUCCESS, 1);
        runner.assertTransferCount(SimulatePDF.REL_ORIGINAL, 1);
        runner.assertTransferCount(SimulatePDF.REL_FAILURE, 0);
        MockFlowFile gr = runner.getFlowFilesForRelationship(SimulatePDF.REL_SUCCESS).get(0);
        gr.assertAttributeEquals("filename", "NaCl.gr");
        gr.assertAttributeEquals("pdf.atoms.in.cell", "8");
        gr.assertAttributeEquals("pdf.source", "NaCl");
        assertEquals(8 / Math.pow(5.62, 3), Double.parseDouble(gr.getAttribute("pdf.number.density")), 2e-3);

        String text = gr.getContent();
        assertTrue(text.contains("#### start data"));
        assertTrue(text.contains("history.1 = nifi-spectro SimulatePDF"), "history in the header");
        assertTrue(text.contains("\"qmax\":\"20.0\""), "parameters in the history");
        double rw = rw(parse(text), reference("NaCl_mlsm.csv"));
        assertTrue(rw <= 0.01, "Rw against DiffPy-CMI = " + rw);

        List<ProvenanceEventRecord> events = runner.getProvenanceEvents();
        ProvenanceEventRecord fork = events.stream().filter(e -> e.getEventType() == ProvenanceEventType.FORK)
                .filter(e -> e.getDetails() != null).findFirst().orElseThrow();
        assertTrue(fork.getDetails().contains("qmax=20.0"), fork.getDetails());
        MockFlowFile original = runner.getFlowFilesForRelationship(SimulatePDF.REL_ORIGINAL).get(0);
        OutputChecks.assertForkOf(runner, original.getAttribute("uuid"), List.of(gr), "qmax=20.0");
        OutputChecks.assertCarriesHistory(gr, "SimulatePDF", "NaCl.cif", original.getAttribute("uuid"), "\"qmax\":\"20.0\"");
    }

    @Test
    void symmetrySourceChoosesBetweenListedOperatorsAndDiffpysSetting() throws IOException {
        byte[] cif;
        try (InputStream in = getClass().getResourceAsStream("/pdf/symmetry/AMCSD_00945.cif")) {
            cif = in.readAllBytes();
        }
        // default: the listed (origin choice 2) operators of magnetite
        runner.enqueue(cif, Map.of("filename", "AMCSD_00945.cif"));
        runner.run();
        MockFlowFile listed = runner.getFlowFilesForRelationship(SimulatePDF.REL_SUCCESS).get(0);
        listed.assertAttributeEquals("pdf.symmetry.source", "Listed Operators");
        listed.assertAttributeEquals("pdf.atoms.in.cell", "56");
        List<double[]> ref = csv("/pdf/key_structures/Fe3O4_magnetite_mlsm.csv");
        assertTrue(rw(parse(listed.getContent()), ref) > 0.1, "listed operators are not DiffPy's reading");

        runner.clearTransferState();
        runner.setProperty(SimulatePDF.SYMMETRY_SOURCE, "DiffPy Compatible");
        runner.enqueue(cif, Map.of("filename", "AMCSD_00945.cif"));
        runner.run();
        MockFlowFile diffpy = runner.getFlowFilesForRelationship(SimulatePDF.REL_SUCCESS).get(0);
        diffpy.assertAttributeEquals("pdf.symmetry.source", "DiffPy Compatible");
        double rw = rw(parse(diffpy.getContent()), ref);
        assertTrue(rw <= 0.01, "DiffPy-compatible Rw against DiffPy-CMI = " + rw);
        assertTrue(diffpy.getContent().contains("DiffPy Compatible"), "mode in the processing history");
    }

    @Test
    void variantsAreReproducibleFromTheSeed() throws IOException {
        runner.setProperty(SimulatePDF.VARIANTS, "3");
        runner.setProperty(SimulatePDF.SEED, "7");
        runner.enqueue(resource("NaCl.cif"), Map.of("filename", "NaCl.cif"));
        runner.enqueue(resource("NaCl.cif"), Map.of("filename", "NaCl.cif"));
        runner.run(2);
        List<MockFlowFile> out = runner.getFlowFilesForRelationship(SimulatePDF.REL_SUCCESS);
        assertEquals(6, out.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(out.get(i).getAttribute("filename"), out.get(i + 3).getAttribute("filename"));
            assertEquals(out.get(i).getContent().replaceAll("history.*\\n", ""),
                    out.get(i + 3).getContent().replaceAll("history.*\\n", ""));
        }
        assertNotEquals(out.get(0).getContent(), out.get(1).getContent(), "variants differ from each other");
        out.get(0).assertAttributeEquals("filename", "NaCl_v0001.gr");
    }

    @Test
    void badCifsGoToFailureSayingWhatAndWhere() {
        String negativeCell = "data_x\n_cell_length_a -3\n_cell_length_b 3\n_cell_length_c 3\n"
                + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0\n";
        String unknownElement = "data_x\n_cell_length_a 3\n_cell_length_b 3\n_cell_length_c 3\n"
                + "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nQq1 Qq 0 0 0\n";
        String missingCoordinates = "data_x\n_cell_length_a 3\n_cell_length_b 3\n_cell_length_c 3\n"
                + "loop_\n_atom_site_label\n_atom_site_fract_x\nNa1 0\n";
        String garbage = "\u0000\u0001 this is not a CIF at all {{{";
        for (String cif : List.of(negativeCell, unknownElement, missingCoordinates, garbage, "")) {
            runner.enqueue(cif, Map.of("filename", "bad.cif"));
        }
        runner.run(5);
        runner.assertTransferCount(SimulatePDF.REL_FAILURE, 5);
        runner.assertTransferCount(SimulatePDF.REL_SUCCESS, 0);
        List<MockFlowFile> failed = runner.getFlowFilesForRelationship(SimulatePDF.REL_FAILURE);
        for (MockFlowFile f : failed) {
            assertFalse(f.getAttribute("spectro.error").isBlank());
            assertTrue(f.getAttribute("spectro.error.where").contains("bad.cif"), f.getAttributes().toString());
            assertTrue(f.isPenalized());
        }
        assertEquals(negativeCell, failed.get(0).getContent(), "the failed input is kept as it arrived");
        assertTrue(failed.get(0).getAttribute("spectro.error").toLowerCase().contains("cell"), failed.get(0).getAttributes().toString());
    }

    @Test
    void oversizedStructureIsRefusedWithTheCount() throws IOException {
        runner.setProperty(SimulatePDF.MAX_ATOMS, "4");
        runner.enqueue(resource("NaCl.cif"), Map.of("filename", "NaCl.cif"));
        runner.run();
        MockFlowFile f = runner.getFlowFilesForRelationship(SimulatePDF.REL_FAILURE).get(0);
        f.assertAttributeEquals("spectro.error.kind", "limit");
        assertTrue(f.getAttribute("spectro.error").contains("8"), f.getAttribute("spectro.error"));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SimulatePDFTest.class.getResourceAsStream("/processors/SimulatePDFTest/" + name)) {
            return in.readAllBytes();
        }
    }

    private static List<double[]> parse(String gr) {
        List<double[]> rows = new ArrayList<>();
        boolean data = false;
        for (String line : gr.split("\n")) {
            if (line.startsWith("#### start data")) {
                data = true;
            } else if (data && !line.isBlank() && !line.startsWith("#")) {
                String[] f = line.strip().split("\\s+");
                rows.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
            }
        }
        return rows;
    }

    private static List<double[]> csv(String classpath) throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (InputStream in = SimulatePDFTest.class.getResourceAsStream(classpath)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    String[] f = line.split(",");
                    rows.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
                }
            }
        }
        return rows;
    }

    private static List<double[]> reference(String name) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (String line : new String(resource(name), StandardCharsets.UTF_8).split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] f = line.split(",");
                rows.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
            }
        }
        return rows;
    }

    private static double rw(List<double[]> calc, List<double[]> ref) {
        assertEquals(ref.size(), calc.size(), "same r grid as DiffPy");
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.size(); i++) {
            assertEquals(ref.get(i)[0], calc.get(i)[0], 1e-9);
            num += Math.pow(calc.get(i)[1] - ref.get(i)[1], 2);
            den += ref.get(i)[1] * ref.get(i)[1];
        }
        return Math.sqrt(num / den);
    }
}
