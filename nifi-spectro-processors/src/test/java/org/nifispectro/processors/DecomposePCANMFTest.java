package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.nifispectro.pdf.io.GrData;
import org.nifispectro.pdf.io.GrReader;
import org.nifispectro.processors.common.SpectroAttributes;
import org.nifispectro.processors.property.ComponentCountRule;
import org.nifispectro.processors.property.NegativeValueRule;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.processors.property.SeriesGridRule;
import org.nifispectro.processors.property.SeriesMemberOrder;

/**
 * DecomposePCANMF end to end. Fidelity: the scikit-learn 1.2.1 outputs of make_pcanmf_reference.py (in
 * test resources under decompose/, see SOURCES.md there), fed as MergeContent would: a TAR of the .gr
 * files, entries named by the filename attribute, in fragment order. Bad input: every case of issue 7 and
 * the archive cases of issue 9 go to failure with the reason and the place, input unchanged, no children.
 */
class DecomposePCANMFTest {

    static final String[] SI_NI = {"si-q27r60-xray_r1-30.gr", "si90ni10-q27r60-xray_r1-30.gr",
        "ni-q27r60nodg-xray_r1-30.gr"};
    static final String[] CDSE = {"CdSe-1_r1-30.gr", "CdSe-2_r1-30.gr", "CdSe-3_r1-30.gr", "CdSe-4_r1-30.gr",
        "CdSe-bulk_r1-30.gr"};
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestRunner runner;

    @BeforeEach
    void setUp() {
        runner = TestRunners.newTestRunner(DecomposePCANMF.class);
    }

    // ------------------------------------------------------------------ fidelity

    @Test
    void siNiSeriesAsMergeContentTarMatchesScikitLearn() throws Exception {
        JsonNode ref = reference("Si_Ni_SiNi_mixture");
        runner.enqueue(tar(entries(SI_NI)), Map.of("filename", "sini.tar"));
        runner.run();
        runner.assertTransferCount(DecomposePCANMF.REL_FAILURE, 0);
        runner.assertTransferCount(DecomposePCANMF.REL_ORIGINAL, 1);
        MockFlowFile json = single("weights.json");
        JsonNode out = JSON.readTree(json.getContent());
        assertRatios(ref, out);
        assertEquals(ref.get("n_pca_used").asInt(), out.get("components").asInt());
        double err = out.get("nmf_reconstruction_err").asDouble();
        assertTrue(err <= 1.01 * ref.get("nmf_reconstruction_err").asDouble(), "error " + err + " vs scikit-learn "
                + ref.get("nmf_reconstruction_err"));
        assertEquals(ref.get("nmf_shift_subtracted").asDouble(), out.get("nmf_shift_subtracted").asDouble(), 1e-9);
        json.assertAttributeEquals("pca.components", "1");
        json.assertAttributeEquals("decompose.samples", "3");
        json.assertAttributeEquals("decompose.grid.points", "2901");
        json.assertAttributeEquals("decompose.resampled", "false");
        assertEquals(err, Double.parseDouble(json.getAttribute("nmf.reconstruction.error")), 1e-6 * err);

        List<MockFlowFile> comps = ofKind("component");
        assertEquals(1, comps.size());
        MockFlowFile gr = comps.get(0);
        gr.assertAttributeEquals("filename", "sini_nmf_1.gr");
        gr.assertAttributeEquals("decompose.component.index", "1");
        GrData d = GrReader.parse(gr.getContent().lines().toList(), "component");
        assertEquals(2901, d.r().length);
        assertEquals(1.0, d.r()[0], 1e-12);
        assertEquals(30.0, d.r()[2900], 1e-9);
        assertTrue(gr.getContent().contains("history.1 = nifi-spectro DecomposePCANMF"), "history in the .gr header");
        // the component against scikit-learn's H (same scale: W and H of the same optimum)
        double[][] h = componentsCsv("Si_Ni_SiNi_mixture_nmf_components.csv");
        double num = 0, den = 0;
        for (int j = 0; j < 2901; j++) {
            num += Math.pow(d.g()[j] - h[j][1], 2);
            den += h[j][1] * h[j][1];
        }
        assertTrue(Math.sqrt(num / den) < 0.01, "relative difference of H to scikit-learn " + Math.sqrt(num / den));

        assertEquals(4, ofKind("plot").size() + ofKind("weights.csv").size());
        String csv = single("weights.csv").getContent();
        assertTrue(csv.contains("1,si-q27r60-xray_r1-30.gr,"), csv);
        assertTrue(csv.startsWith("# history.1: nifi-spectro DecomposePCANMF"), "history in the CSV");

        List<ProvenanceEventRecord> forks = runner.getProvenanceEvents().stream()
                .filter(e -> e.getEventType() == ProvenanceEventType.FORK).toList();
        java.util.Set<String> children = new java.util.HashSet<>();
        forks.forEach(e -> children.addAll(e.getChildUuids()));
        for (MockFlowFile c : runner.getFlowFilesForRelationship(DecomposePCANMF.REL_SUCCESS)) {
            assertTrue(children.contains(c.getAttribute("uuid")), "FORK event for " + c.getAttribute("filename"));
        }
        ProvenanceEventRecord fork = forks.stream().filter(e -> e.getDetails() != null).findFirst().orElseThrow();
        assertTrue(fork.getDetails().contains("Variance Threshold=0.99") && fork.getDetails().contains("duration="),
                fork.getDetails());
        MockFlowFile original = runner.getFlowFilesForRelationship(DecomposePCANMF.REL_ORIGINAL).get(0);
        assertArrayEquals(tar(entries(SI_NI)), original.toByteArray());
        // every output (component .gr, weights CSV and JSON, scree/weights/components PNGs) carries the history
        List<MockFlowFile> outputs = runner.getFlowFilesForRelationship(DecomposePCANMF.REL_SUCCESS);
        assertEquals(6, outputs.size(), outputs.stream().map(f -> f.getAttribute("filename")).toList().toString());
        OutputChecks.assertEveryOutputCarriesHistory(outputs, "DecomposePCANMF", "sini.tar", original.getAttribute("uuid"),
                "\"Variance Threshold\":\"0.99\"");
        OutputChecks.assertForkOf(runner, original.getAttribute("uuid"), outputs, "Variance Threshold=0.99");
        assertTrue(JSON.readTree(single("weights.json").getContent()).get("history").isArray(), "history as a JSON array");
    }

    @Test
    void siNiEndMemberFractionsWithinTwoHundredthsOfScikitLearn() throws Exception {
        // k significant centred axes <-> k + 1 end-members: the reference's nmf_plus1 (2 components)
        JsonNode ref = reference("Si_Ni_SiNi_mixture").get("nmf_plus1");
        runner.setProperty(DecomposePCANMF.COUNT_RULE, ComponentCountRule.THRESHOLD_PLUS_ONE.getValue());
        runner.enqueue(tar(entries(SI_NI)), Map.of("filename", "sini.tar"));
        runner.run();
        runner.assertTransferCount(DecomposePCANMF.REL_FAILURE, 0);
        JsonNode out = JSON.readTree(single("weights.json").getContent());
        assertEquals(2, out.get("components").asInt());
        double err = out.get("nmf_reconstruction_err").asDouble();
        assertTrue(err <= 1.01 * ref.get("reconstruction_err").asDouble(), "error " + err);
        JsonNode known = ref.get("W_rownorm");
        JsonNode mine = out.get("W_rownorm");
        for (int i = 0; i < 3; i++) {
            for (int t = 0; t < 2; t++) {
                assertEquals(known.get(i).get(t).asDouble(), mine.get(i).get(t).asDouble(), 0.02,
                        SI_NI[i] + " component " + (t + 1));
            }
        }
        // pure Si is one end-member alone
        assertEquals(1.0, Math.max(mine.get(0).get(0).asDouble(), mine.get(0).get(1).asDouble()), 0.02);
        assertEquals(2, ofKind("component").size());
        // the same row-normalised weights are in the CSV
        String weightsCsv = single("weights.csv").getContent();
        String row2 = weightsCsv.lines().filter(l -> l.startsWith("2,")).findFirst().orElseThrow();
        String[] f = row2.split(",");
        assertEquals(known.get(1).get(0).asDouble(), Double.parseDouble(f[4]), 0.02);
        // end-member fractions: the pure Si and Ni samples are the end members; Si90Ni10 is Si-rich, its Ni share of
        // the X-ray signal above the nominal 10 at.% (Ni scatters ~4x more per atom), closure near 1
        JsonNode em = out.get("end_member_fractions");
        assertEquals(java.util.Set.of(SI_NI[0], SI_NI[2]),
                java.util.Set.of(em.get("end_members").get(0).asText(), em.get("end_members").get(1).asText()));
        int si = em.get("end_members").get(0).asText().equals(SI_NI[0]) ? 0 : 1;
        JsonNode mix = em.get("fractions").get(1);
        assertTrue(mix.get(si).asDouble() > 0.7 && mix.get(1 - si).asDouble() > 0.1 && mix.get(1 - si).asDouble() < 0.35,
                "Si90Ni10 fractions " + mix);
        assertTrue(weightsCsv.contains("rownorm1,rownorm2,fraction1,fraction2,closure"), weightsCsv);
        assertEquals(mix.get(0).asDouble(), Double.parseDouble(f[6]), 1e-12, "CSV fraction1 = JSON");
    }

    @Test
    void cdSeZipInNaturalNameOrderMatchesScikitLearn() throws Exception {
        JsonNode ref = reference("CdSe_size_series");
        // stored shuffled; natural name order restores CdSe-1 .. CdSe-4, CdSe-bulk
        Map<String, byte[]> e = entries(CDSE[3], CDSE[0], CDSE[4], CDSE[2], CDSE[1]);
        runner.setProperty(DecomposePCANMF.MEMBER_ORDER, SeriesMemberOrder.NATURAL_NAME.getValue());
        runner.enqueue(zip(e), Map.of("filename", "cdse.zip"));
        runner.run();
        runner.assertTransferCount(DecomposePCANMF.REL_FAILURE, 0);
        JsonNode out = JSON.readTree(single("weights.json").getContent());
        assertRatios(ref, out);
        for (int i = 0; i < CDSE.length; i++) {
            assertEquals(CDSE[i], out.get("samples").get(i).asText());
        }
        assertEquals(ref.get("n_pca_used").asInt(), out.get("components").asInt());
        assertTrue(out.get("nmf_reconstruction_err").asDouble() <= 1.01 * ref.get("nmf_reconstruction_err").asDouble());
        JsonNode w = ref.get("W_rownorm");
        for (int i = 0; i < CDSE.length; i++) {
            for (int t = 0; t < w.get(i).size(); t++) {
                assertEquals(w.get(i).get(t).asDouble(), out.get("W_rownorm").get(i).get(t).asDouble(), 0.02);
            }
        }
    }

    @Test
    void multiColumnTextGivesTheSameDecomposition() throws Exception {
        JsonNode ref = reference("Si_Ni_SiNi_mixture");
        double[][] g = new double[3][];
        double[] r = null;
        for (int i = 0; i < 3; i++) {
            GrData d = GrReader.parse(new String(resource(SI_NI[i]), StandardCharsets.US_ASCII).lines().toList(), SI_NI[i]);
            g[i] = d.g();
            r = d.r();
        }
        StringBuilder b = new StringBuilder("# three PDFs\nr si sini ni\n");
        for (int j = 0; j < r.length; j++) {
            b.append(r[j]).append(' ').append(g[0][j]).append(' ').append(g[1][j]).append(' ').append(g[2][j]).append('\n');
        }
        runner.enqueue(b.toString(), Map.of("filename", "sini.txt"));
        runner.run();
        runner.assertTransferCount(DecomposePCANMF.REL_FAILURE, 0);
        JsonNode out = JSON.readTree(single("weights.json").getContent());
        assertRatios(ref, out);
        assertEquals("sini", out.get("samples").get(1).asText());
        // not .gr members: components are two-column spectrum files
        MockFlowFile c = ofKind("component").get(0);
        c.assertAttributeEquals("filename", "sini_nmf_1.csv");
        assertTrue(c.getContent().contains("\nx,intensity\n1.0,"), "two-column spectrum");
    }

    @Test
    void hdf5TwoDimensionalDatasetGivesTheSameDecomposition() throws Exception {
        JsonNode ref = reference("Si_Ni_SiNi_mixture");
        double[][] g = new double[3][];
        double[] r = null;
        for (int i = 0; i < 3; i++) {
            GrData d = GrReader.parse(new String(resource(SI_NI[i]), StandardCharsets.US_ASCII).lines().toList(), SI_NI[i]);
            g[i] = d.g();
            r = d.r();
        }
        Path file = dir.resolve("series.h5");
        try (WritableHdfFile w = HdfFile.write(file)) {
            WritableGroup grp = w.putGroup("series");
            grp.putDataset("G", g);
            grp.putDataset("r", r);
        }
        runner.setProperty(DecomposePCANMF.DATASET_PATH, "/series/G");
        runner.setProperty(DecomposePCANMF.GRID_PATH, "/series/r");
        runner.enqueue(Files.readAllBytes(file), Map.of("filename", "series.h5"));
        runner.run();
        runner.assertTransferCount(DecomposePCANMF.REL_FAILURE, 0);
        JsonNode out = JSON.readTree(single("weights.json").getContent());
        assertRatios(ref, out);
        assertTrue(out.get("nmf_reconstruction_err").asDouble() <= 1.01 * ref.get("nmf_reconstruction_err").asDouble());
    }

    @Test
    void processingHistoryOfTheMemberFilesIsKeptInTheWeightsJson() throws Exception {
        // two members as SimulatePDF writes them (history.N header lines before "#### start data"), one without
        Map<String, byte[]> e = entries(SI_NI);
        String[] names = SI_NI;
        String[] cifs = {"si.cif", "ni.cif"};
        int[] withHistory = {0, 2};
        for (int i = 0; i < 2; i++) {
            String member = names[withHistory[i]];
            String head = "[DEFAULT]\n"
                    + "history.0 = nifi-spectro SimulatePDF 9.9 at 2026-11-21T10:00:00Z from " + cifs[i]
                    + " (FlowFile uuid-" + i + ")\n"
                    + "history.0.parameters = {\"qmax\":\"27\"}\n"
                    + "#### start data\n#L r G\n";
            String body = new String(e.get(member), StandardCharsets.ISO_8859_1).lines()
                    .filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
            e.put(member, (head + body).getBytes(StandardCharsets.ISO_8859_1));
        }
        runner.enqueue(tar(e), Map.of("filename", "sini.tar"));
        runner.run();
        runner.assertTransferCount(DecomposePCANMF.REL_FAILURE, 0);
        JsonNode doc = JSON.readTree(ofKind("weights.json").get(0).getContent());
        JsonNode sh = doc.get("sample_history");
        assertEquals(2, sh.size(), sh.toString());
        for (int i = 0; i < 2; i++) {
            JsonNode steps = sh.get(names[withHistory[i]]);
            assertEquals(1, steps.size(), steps.toString());
            assertEquals("nifi-spectro SimulatePDF", steps.get(0).get("program").asText());
            assertEquals(cifs[i], steps.get(0).get("inputFile").asText());
            assertEquals("uuid-" + i, steps.get(0).get("inputUuid").asText());
            assertTrue(steps.get(0).get("parametersJson").asText().contains("qmax"), steps.toString());
        }
        assertTrue(!sh.has(names[1]), "the measured member has no history");
        // the series' own history still ends with this processor's step
        JsonNode own = doc.get("history");
        assertTrue(own.get(own.size() - 1).get("program").asText().endsWith("DecomposePCANMF"), own.toString());
        // the other text outputs say where the members' history is
        String csv = ofKind("weights.csv").get(0).getContent();
        assertTrue(csv.contains("processing history of 2 of the 3 samples is in sini_weights.json"), csv);
        String component = ofKind("component").get(0).getContent();
        assertTrue(component.contains("samplehistory = the processing history of 2 of the 3 samples"), component);
    }

    @Test
    void curvesOnDifferentGridsAreResampledOntoTheOverlap() throws Exception {
        // member 2 on a 0.02 A grid from 0.5 to 35 A (linear in r, so interpolation is exact), members 1 and 3 on
        // 0.01 A grids from 1 to 30 and 2 to 40: overlap 2..30 A with the finest step 0.01 -> 2801 points
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("a.dat", curve(1.0, 30.0, 0.01, x -> Math.sin(x)));
        e.put("b.dat", curve(0.5, 35.0, 0.02, x -> 2 + 0.1 * x));
        e.put("c.dat", curve(2.0, 40.0, 0.01, x -> Math.cos(x) + 3));
        runner.enqueue(tar(e), Map.of("filename", "grids.tar"));
        runner.run();
        runner.assertTransferCount(DecomposePCANMF.REL_FAILURE, 0);
        MockFlowFile c = ofKind("component").get(0);
        c.assertAttributeEquals("decompose.resampled", "true");
        c.assertAttributeEquals("decompose.grid.points", "2801");
        String[] first = c.getContent().lines().filter(l -> l.matches("^[0-9].*")).findFirst().orElseThrow().split(",");
        assertEquals(2.0, Double.parseDouble(first[0]), 1e-12);
    }

    @Test
    void differentGridsRefusedWhenConfigured() throws Exception {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("a.dat", curve(1.0, 30.0, 0.01, Math::sin));
        e.put("b.dat", curve(1.0, 30.0, 0.02, Math::cos));
        runner.setProperty(DecomposePCANMF.GRID_RULE, SeriesGridRule.REFUSE.getValue());
        runner.enqueue(tar(e), Map.of("filename", "grids.tar"));
        runner.run();
        failed("different grids: a.dat has 2901 points from 1 to 30 but b.dat has 1451 points from 1 to 30", "b.dat",
                "input");
    }

    @Test
    void gridsWithoutOverlapAreRefused() throws Exception {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("low.dat", curve(1.0, 5.0, 0.01, Math::sin));
        e.put("high.dat", curve(6.0, 9.0, 0.01, Math::cos));
        runner.enqueue(tar(e), Map.of("filename", "grids.tar"));
        runner.run();
        failed("the grids do not overlap", "high.dat", "input");
    }

    @Test
    void spectralStackPixelsAsSamplesUnmixesKnownFractions() throws Exception {
        // two Gaussian end-member spectra, pixel (y, x) holds fraction a = x / (nx - 1) of the first: closed form
        int ny = 12, nx = 21, ne = 60;
        double[] energy = new double[ne];
        float[][][] data = new float[ne][ny][nx];
        double[][] em = new double[2][ne];
        for (int j = 0; j < ne; j++) {
            energy[j] = 7100 + j;
            em[0][j] = Math.exp(-0.5 * Math.pow((energy[j] - 7115) / 4, 2));
            em[1][j] = Math.exp(-0.5 * Math.pow((energy[j] - 7145) / 4, 2));
        }
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                double a = x / (double) (nx - 1);
                for (int j = 0; j < ne; j++) {
                    data[j][y][x] = (float) (a * em[0][j] + (1 - a) * em[1][j]);
                }
            }
        }
        data[5][3][4] = Float.NaN; // a rejected pixel: left out, grey in the maps
        Path file = dir.resolve("stack.h5");
        try (WritableHdfFile w = HdfFile.write(file)) {
            WritableGroup ex = w.putGroup("exchange");
            ex.putDataset("data", data);
            ex.putDataset("energy", energy).putAttribute("units", "eV");
        }
        runner.setProperty(DecomposePCANMF.COUNT_RULE, ComponentCountRule.THRESHOLD_PLUS_ONE.getValue());
        runner.setProperty(DecomposePCANMF.MAX_ITER, "5000");
        runner.setProperty(DecomposePCANMF.TOLERANCE, "1e-7"); // scikit-learn's 1e-4 stops at 41 iterations here
        runner.enqueue(Files.readAllBytes(file), Map.of("filename", "stack.h5"));
        runner.run();
        runner.assertTransferCount(DecomposePCANMF.REL_FAILURE, 0);
        assertEquals(2, ofKind("map").size());
        assertEquals(2, ofKind("component").size());
        JsonNode out = JSON.readTree(single("weights.json").getContent());
        assertEquals(ny * nx - 1, out.get("pixels_used").asInt());
        assertEquals(1, out.get("pixels_skipped").asInt());
        JsonNode maps = out.get("maps");
        assertTrue(maps.get(0).get(3 * nx + 4).isNull());
        // component whose spectrum peaks at 7115 eV is end-member 0
        int first = peak(ofKind("component").get(0).getContent()) < 7130 ? 0 : 1;
        // NMF fixes components only up to scale: the end-members have equal areas, so the fraction of end-member 0
        // is w0 A0 / (w0 A0 + w1 A1) with A the area of each component spectrum
        double a0 = area(ofKind("component").get(first).getContent());
        double a1 = area(ofKind("component").get(1 - first).getContent());
        double worst = 0;
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                if (y == 3 && x == 4) {
                    continue;
                }
                double w0 = maps.get(first).get(y * nx + x).asDouble(), w1 = maps.get(1 - first).get(y * nx + x).asDouble();
                worst = Math.max(worst, Math.abs(w0 * a0 / (w0 * a0 + w1 * a1) - x / (double) (nx - 1)));
            }
        }
        System.out.println("stack: fraction error " + worst + ", reconstruction error " + out.get("nmf_reconstruction_err")
                + ", iterations " + out.get("nmf_n_iter"));
        assertTrue(worst < 0.02, "largest fraction error " + worst);
        assertTrue(out.get("nmf_reconstruction_err").asDouble() < 1e-3, "exact two-component data: error "
                + out.get("nmf_reconstruction_err"));
        List<MockFlowFile> outputs = runner.getFlowFilesForRelationship(DecomposePCANMF.REL_SUCCESS);
        List<ProcessStep> steps = OutputChecks.assertCarriesHistory(ofKind("map").get(0), "DecomposePCANMF", "stack.h5",
                null, "\"Variance Threshold\"");
        OutputChecks.assertEveryOutputCarriesHistory(outputs, "DecomposePCANMF", "stack.h5", null, "\"Variance Threshold\"");
        assertEquals(steps.size(), OutputChecks.historyOf("weights.csv", single("weights.csv").toByteArray()).size(),
                "PNG and CSV carry the same history");
        for (MockFlowFile png : ofKind("map")) {
            byte[] b = png.toByteArray();
            assertEquals((byte) 0x89, b[0]);
            assertEquals('P', b[1]);
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void fewerSamplesThanComponents() throws Exception {
        runner.setProperty(DecomposePCANMF.COUNT_RULE, ComponentCountRule.FIXED.getValue());
        runner.setProperty(DecomposePCANMF.COUNT, "4");
        runner.enqueue(tar(entries(SI_NI)), Map.of("filename", "sini.tar"));
        runner.run();
        failed("fewer samples (3) than components (4)", "sini.tar", "input");
    }

    @Test
    void constantCurve() throws Exception {
        Map<String, byte[]> e = entries(SI_NI);
        e.put("flat.gr", curve(1.0, 30.0, 0.01, x -> 0.0));
        runner.enqueue(tar(e), Map.of("filename", "s.tar"));
        runner.run();
        failed("constant curve", "flat.gr", "input");
    }

    @Test
    void emptyMember() throws Exception {
        Map<String, byte[]> e = entries(SI_NI);
        e.put("empty.gr", new byte[0]);
        runner.enqueue(tar(e), Map.of("filename", "s.tar"));
        runner.run();
        failed("empty member", "entry empty.gr", "input");
    }

    @Test
    void notANumberInACurve() throws Exception {
        Map<String, byte[]> e = entries(SI_NI);
        e.put("nan.gr", "1.0 0.5\n1.01 NaN\n1.02 0.3\n".getBytes(StandardCharsets.US_ASCII));
        runner.enqueue(tar(e), Map.of("filename", "s.tar"));
        runner.run();
        failed("value is NaN at point 2 (x = 1.01)", "nan.gr, point 2", "input");
    }

    @Test
    void nonNumericMemberNamesEntryAndLine() throws Exception {
        Map<String, byte[]> e = entries(SI_NI);
        e.put("notes.gr", "1.0 0.5\n1.01 0.4\nthis is not data\n".getBytes(StandardCharsets.US_ASCII));
        runner.enqueue(tar(e), Map.of("filename", "s.tar"));
        runner.run();
        failed("not a numeric curve", "entry notes.gr, line 3", "input");
    }

    @Test
    void binaryMemberIsNotACurve() throws Exception {
        Map<String, byte[]> e = entries(SI_NI);
        byte[] junk = new byte[3000];
        new java.util.Random(3).nextBytes(junk);
        e.put("image.png", junk);
        runner.enqueue(zip(e), Map.of("filename", "s.zip"));
        runner.run();
        failed("", "entry image.png", "input");
    }

    @Test
    void tooManyEntries() throws Exception {
        Map<String, byte[]> e = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            e.put("c" + i + ".dat", curve(1, 2, 0.5, x -> x));
        }
        runner.setProperty(DecomposePCANMF.MAX_ENTRIES, "20");
        runner.enqueue(zip(e), Map.of("filename", "many.zip"));
        runner.run();
        failed("more than 20 entries", "entry c20.dat", "limit");
    }

    @Test
    void zipBombEntryStopsAtTheLimitWhileInflating() throws Exception {
        // 64 MB of zeros deflate to ~64 kB; the local header declares no size (streamed entry)
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            z.putNextEntry(new ZipEntry("bomb.dat"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        assertTrue(bos.size() < 200_000);
        runner.setProperty(DecomposePCANMF.MAX_ENTRY_SIZE, "1 MB");
        runner.enqueue(bos.toByteArray(), Map.of("filename", "bomb.zip"));
        runner.run();
        failed("entry expands to more than 1048576 bytes", "entry bomb.dat", "limit");
    }

    @Test
    void totalExpandedSizeOverBudget() throws Exception {
        Map<String, byte[]> e = entries(SI_NI); // ~83 kB each
        runner.setProperty(DecomposePCANMF.MAX_EXPANDED, "150 KB");
        runner.enqueue(tar(e), Map.of("filename", "s.tar"));
        runner.run();
        failed("in total (Maximum Expanded Size)", "entry si90ni10", "limit");
    }

    @Test
    void tarEntryDeclaringAHugeSizeIsRefusedBeforeReading() throws Exception {
        Map<String, byte[]> e = entries(SI_NI);
        byte[] t = tar(e);
        // rewrite the first header's size field to 8 GB (octal 100000000000) and fix the checksum
        byte[] size = String.format(Locale.ROOT, "%011o\0", 8L << 30).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, t, 124, 12);
        checksum(t, 0);
        runner.enqueue(t, Map.of("filename", "s.tar"));
        runner.run();
        failed("exceeds Maximum Entry Size", "entry si-q27r60", "limit");
    }

    @Test
    void entryNamesEscapingADirectoryAreRefused() throws Exception {
        for (String bad : new String[] {"../../etc/cron.d/x.gr", "/etc/passwd", "data/../../x.gr", "C:\\windows\\x.gr",
            "..\\x.gr"}) {
            Map<String, byte[]> e = entries(SI_NI);
            e.put(bad, curve(1.0, 30.0, 0.01, Math::sin));
            runner.enqueue(tar(e), Map.of("filename", "s.tar"));
            runner.run();
            failed("unsafe archive entry name", "entry ", "input");
            runner.enqueue(zip(e), Map.of("filename", "s.zip"));
            runner.run();
            failed("unsafe archive entry name", "entry ", "input");
        }
    }

    @Test
    void truncatedTar() throws Exception {
        byte[] t = tar(entries(SI_NI));
        runner.enqueue(Arrays.copyOf(t, 50_000), Map.of("filename", "s.tar"));
        runner.run();
        failed("truncated archive", "entry si-q27r60-xray_r1-30.gr", "input");
    }

    @Test
    void randomBytesAreNotAnArchive() throws Exception {
        byte[] junk = new byte[5000];
        new java.util.Random(1).nextBytes(junk);
        runner.setProperty(DecomposePCANMF.INPUT_FORMAT, "TAR or ZIP Archive");
        runner.enqueue(junk, Map.of("filename", "x.tar"));
        runner.run();
        failed("not a TAR or ZIP archive", "x.tar", "input");
    }

    @Test
    void emptyFlowFile() {
        runner.enqueue(new byte[0], Map.of("filename", "nothing.tar"));
        runner.run();
        failed("the FlowFile is empty", "nothing.tar", "input");
    }

    @Test
    void seriesOverTheMemoryBudgetIsRefused() throws Exception {
        runner.setProperty(DecomposePCANMF.MEMORY_BUDGET, "64 KB");
        runner.enqueue(tar(entries(SI_NI)), Map.of("filename", "s.tar"));
        runner.run();
        failed("exceed the budget of 2048 values", "s.tar", "limit");
    }

    @Test
    void negativeValuesRefusedWhenConfiguredNameTheCurve() throws Exception {
        runner.setProperty(DecomposePCANMF.NEGATIVE_RULE, NegativeValueRule.REJECT.getValue());
        runner.enqueue(tar(entries(SI_NI)), Map.of("filename", "s.tar"));
        runner.run();
        failed("negative value", "si-q27r60-xray_r1-30.gr, point", "input");
    }

    @Test
    void singleCurveIsNotASeries() throws Exception {
        runner.enqueue(tar(entries(SI_NI[0])), Map.of("filename", "s.tar"));
        runner.run();
        failed("at least 2 curves", "s.tar", "input");
    }

    @Test
    void thresholdOutsideTheUnitIntervalIsInvalid() {
        runner.setProperty(DecomposePCANMF.THRESHOLD, "1.5");
        runner.assertNotValid();
    }

    // ------------------------------------------------------------------ helpers

    private MockFlowFile failed(String messagePart, String wherePart, String kind) {
        runner.assertTransferCount(DecomposePCANMF.REL_FAILURE, 1);
        runner.assertTransferCount(DecomposePCANMF.REL_SUCCESS, 0);
        runner.assertTransferCount(DecomposePCANMF.REL_ORIGINAL, 0);
        MockFlowFile f = runner.getFlowFilesForRelationship(DecomposePCANMF.REL_FAILURE).get(0);
        String error = f.getAttribute(SpectroAttributes.ERROR);
        String where = f.getAttribute(SpectroAttributes.ERROR_WHERE);
        assertTrue(error.contains(messagePart), "spectro.error '" + error + "' should contain '" + messagePart + "'");
        assertTrue(where.contains(wherePart), "spectro.error.where '" + where + "' should contain '" + wherePart + "'");
        f.assertAttributeEquals(SpectroAttributes.ERROR_KIND, kind);
        f.assertAttributeEquals(SpectroAttributes.ERROR_PROCESSOR, "DecomposePCANMF");
        assertTrue(f.isPenalized());
        runner.clearTransferState();
        runner.clearProvenanceEvents();
        return f;
    }

    private void assertRatios(JsonNode ref, JsonNode out) {
        JsonNode a = ref.get("pca_explained_variance_ratio");
        JsonNode b = out.get("pca_explained_variance_ratio");
        for (int i = 0; i < a.size(); i++) {
            double mine = i < b.size() ? b.get(i).asDouble() : 0;
            assertEquals(a.get(i).asDouble(), mine, 1e-6, "explained variance ratio " + (i + 1));
        }
    }

    private MockFlowFile single(String kind) {
        List<MockFlowFile> l = ofKind(kind);
        assertEquals(1, l.size(), kind);
        return l.get(0);
    }

    private List<MockFlowFile> ofKind(String kind) {
        return runner.getFlowFilesForRelationship(DecomposePCANMF.REL_SUCCESS).stream()
                .filter(f -> kind.equals(f.getAttribute(SpectroAttributes.OUTPUT_KIND))).toList();
    }

    private static double area(String csv) {
        return csv.lines().filter(l -> l.matches("^[0-9].*")).mapToDouble(l -> Double.parseDouble(l.split(",")[1])).sum();
    }

    private static double peak(String csv) {
        double best = Double.NEGATIVE_INFINITY, at = 0;
        for (String l : csv.lines().filter(l -> l.matches("^[0-9].*")).toList()) {
            String[] p = l.split(",");
            double v = Double.parseDouble(p[1]);
            if (v > best) {
                best = v;
                at = Double.parseDouble(p[0]);
            }
        }
        return at;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DecomposePCANMFTest.class.getResourceAsStream("/decompose/" + name)) {
            return in.readAllBytes();
        }
    }

    static JsonNode reference(String series) throws IOException {
        return JSON.readTree(resource(series + "_pca_nmf.json"));
    }

    static double[][] componentsCsv(String name) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (String l : new String(resource(name), StandardCharsets.US_ASCII).lines().skip(1).toList()) {
            rows.add(Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray());
        }
        return rows.toArray(new double[0][]);
    }

    static Map<String, byte[]> entries(String... names) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, resource(n));
        }
        return m;
    }

    static byte[] curve(double from, double to, double step, java.util.function.DoubleUnaryOperator f) {
        StringBuilder b = new StringBuilder();
        int n = (int) Math.round((to - from) / step) + 1;
        for (int j = 0; j < n; j++) {
            double x = from + j * step;
            b.append(String.format(Locale.ROOT, "%.4f %.10g%n", x, f.applyAsDouble(x)));
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** ZIP as MergeContent writes it: java.util.zip, one entry per FlowFile named by its filename. */
    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bos.toByteArray();
    }

    /**
     * TAR as MergeContent writes it with commons-compress TarArchiveOutputStream (POSIX ustar headers,
     * magic "ustar\0" version "00", mode 0644, GNU ././@LongLink records for names over 100 bytes), entries in
     * fragment.index order. Written here byte by byte from the POSIX layout, independent of the reader.
     */
    static byte[] tar(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (name.length > 100) {
                byte[] nm = Arrays.copyOf(name, name.length + 1);
                bos.write(header("././@LongLink", nm.length, 'L'));
                bos.write(nm);
                bos.write(new byte[(512 - nm.length % 512) % 512]);
            }
            bos.write(header(e.getKey(), e.getValue().length, '0'));
            bos.write(e.getValue());
            bos.write(new byte[(512 - e.getValue().length % 512) % 512]);
        }
        bos.write(new byte[1024]);
        return bos.toByteArray();
    }

    private static byte[] header(String name, long size, char type) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
        put(h, 100, String.format(Locale.ROOT, "%07o\0", 0644));
        put(h, 108, String.format(Locale.ROOT, "%07o\0", 0));
        put(h, 116, String.format(Locale.ROOT, "%07o\0", 0));
        put(h, 124, String.format(Locale.ROOT, "%011o\0", size));
        put(h, 136, String.format(Locale.ROOT, "%011o\0", 1_700_000_000L));
        h[156] = (byte) type;
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        checksum(h, 0);
        return h;
    }

    private static void checksum(byte[] t, int off) {
        Arrays.fill(t, off + 148, off + 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += t[off + i] & 0xff;
        }
        put(t, off + 148, String.format(Locale.ROOT, "%06o\0 ", sum));
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
