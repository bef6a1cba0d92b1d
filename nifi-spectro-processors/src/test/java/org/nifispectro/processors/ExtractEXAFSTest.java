package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

import org.apache.nifi.provenance.ProvenanceEventRecord;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.StackWriter;
import org.nifispectro.xas.RefData;

/**
 * ExtractEXAFS through nifi-mock. Expected chi(k) and |chi(R)| come from Larch 0.9.58 (the references in
 * src/test/resources/xas/reference, made by make_reference.py there): autobk with all defaults, xftf with
 * kweight 2, kmin 3, kmax = min(12, floor(kmax)-1), dk 1, hanning. The inputs are the exact energy/mu
 * arrays Larch used (the first two columns of each _norm.csv), fed to the processor as column files.
 */
class ExtractEXAFSTest {

    private TestRunner runner;

    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() {
        runner = TestRunners.newTestRunner(ExtractEXAFS.class);
        // the xftf settings of the Larch references (autobk: Larch defaults = processor defaults)
        runner.setProperty(ExtractEXAFS.KWEIGHT, "2");
        runner.setProperty(ExtractEXAFS.KMIN, "3");
        runner.setProperty(ExtractEXAFS.KMAX, "${xftf.kmax:replaceNull(12)}");
        runner.setProperty(ExtractEXAFS.DK, "1");
        runner.setProperty(ExtractEXAFS.WINDOW, "hanning");
    }

    // ------------------------------------------------------------------ fidelity

    @Test
    void everyLarchReferenceSpectrumThroughTheProcessor() throws IOException {
        runner.setProperty(ExtractEXAFS.ENERGY_COLUMN, "energy_eV");
        runner.setProperty(ExtractEXAFS.MU_COLUMN, "mu");
        List<String> ids = RefData.ids("exafs");
        Map<String, Map<String, String>> summary = RefData.summary();
        assertTrue(ids.size() >= 20, "reference spectra found: " + ids.size());
        for (String id : ids) {
            runner.enqueue(resource("/xas/reference/" + id + "_norm.csv"),
                    Map.of("filename", id + ".csv", "xftf.kmax", summary.get(id).get("xftf_kmax")));
        }
        runner.run(ids.size());
        runner.assertTransferCount(ExtractEXAFS.REL_FAILURE, 0);
        runner.assertTransferCount(ExtractEXAFS.REL_ORIGINAL, ids.size());
        runner.assertTransferCount(ExtractEXAFS.REL_SUCCESS, 3 * ids.size());

        StringBuilder report = new StringBuilder();
        double worstCorr = 1;
        double worstDr = 0;
        for (String id : ids) {
            double kmaxFt = Double.parseDouble(summary.get(id).get("xftf_kmax"));
            MockFlowFile chik = output(id + "_chik.xdi");
            MockFlowFile chir = output(id + "_chir.xdi");
            double corr = chiCorrelation(table(chik.getContent()), RefData.csv(id + "_chik.csv"), 3.0, kmaxFt);
            double[][] r = table(chir.getContent());
            double peak = firstPeak(r[0], r[1]);
            double larchPeak = Double.parseDouble(summary.get(id).get("chir_peaks_R").split(" ")[0]);
            double dr = Math.abs(peak - larchPeak);
            assertEquals(peak, Double.parseDouble(chir.getAttribute("xas.r.first.peak")), 1e-3, id);
            report.append(String.format("%s corr=%.5f dR=%.4f%n", id, corr, dr));
            worstCorr = Math.min(worstCorr, corr);
            worstDr = Math.max(worstDr, dr);
            assertTrue(corr >= 0.99, id + ": chi(k) correlation with Larch " + corr);
            assertTrue(dr <= 0.05, id + ": first |chi(R)| peak " + peak + " vs Larch " + larchPeak);
            chik.assertAttributeEquals("spectro.output", "chik");
            chik.assertAttributeEquals("xas.k.min", "3");
            assertEquals(kmaxFt, Double.parseDouble(chik.getAttribute("xas.k.max")), 1e-9, id);
            assertEquals(Double.parseDouble(summary.get(id).get("e0")), Double.parseDouble(chik.getAttribute("xas.e0")),
                    0.01, id + " e0");
            assertEquals(Double.parseDouble(summary.get(id).get("edge_step")),
                    Double.parseDouble(chik.getAttribute("xas.edge.step")),
                    2e-3 * Double.parseDouble(summary.get(id).get("edge_step")), id + " edge step");
        }
        System.out.printf("ExtractEXAFS vs Larch over %d spectra: worst chi(k) correlation %.5f, worst first-peak "
                + "|dR| %.4f A%n%s", ids.size(), worstCorr, worstDr, report);
    }

    @Test
    void xdiTransmissionFileKeepsItsFieldsAndWritesParametersAndHistory() throws IOException {
        runner.setProperty(ExtractEXAFS.I0_COLUMN, "i0");
        runner.setProperty(ExtractEXAFS.ITRANS_COLUMN, "i1");
        runner.enqueue(resource("/xas/spectra/v_foil.xdi"), Map.of("filename", "v_foil.xdi", "xftf.kmax", "11"));
        runner.run();
        runner.assertTransferCount(ExtractEXAFS.REL_FAILURE, 0);
        runner.assertTransferCount(ExtractEXAFS.REL_SUCCESS, 3);
        MockFlowFile chik = output("v_foil_chik.xdi");
        String text = chik.getContent();
        assertTrue(text.startsWith("# XDI/1.0"), "XDI version line");
        assertTrue(text.contains("# Element.symbol: V"), "element kept");
        assertTrue(text.contains("# Mono.dspacing: 3.13555"), "unknown input fields kept");
        assertTrue(text.contains("# Autobk.rbkg: 1"), "autobk parameters in the header");
        assertTrue(text.contains("# Xftf.window: hanning"), "xftf parameters in the header");
        assertTrue(text.contains("# Spectrum.mu: ln(i0/i1)"), "how mu was formed");
        assertTrue(text.contains("# History.1: nifi-spectro ExtractEXAFS"), "this step in the history");
        assertTrue(text.contains("\"kweight\":\"2\""), "parameters in the history");
        double corr = chiCorrelation(table(text), RefData.csv("v_foil_chik.csv"), 3.0, 11.0);
        assertTrue(corr >= 0.99, "v_foil from XDI: correlation " + corr);
        double[][] r = table(output("v_foil_chir.xdi").getContent());
        assertEquals(4, r.length, "chir columns r, |chi|, Re, Im");
        for (int i = 0; i < r[0].length; i++) {
            assertEquals(Math.hypot(r[2][i], r[3][i]), r[1][i], 1e-6 * (1 + r[1][i]), "|chi| from Re, Im");
        }
        assertEquals(1.0978, firstPeak(r[0], r[1]), 0.05, "first peak vs Larch");

        // provenance: FORK with the parameters and the duration
        ProvenanceEventRecord fork = runner.getProvenanceEvents().stream()
                .filter(e -> e.getEventType() == ProvenanceEventType.FORK).filter(e -> e.getDetails() != null)
                .findFirst().orElseThrow();
        assertEquals(3, fork.getChildUuids().size(), "one FORK event for all outputs");
        assertTrue(fork.getDetails().contains("kweight=2"), fork.getDetails());
        assertTrue(fork.getDetails().contains("duration="), fork.getDetails());
        // chi(k), chi(R) and the PNG: FORK children of the input, each with the history inside
        MockFlowFile original = runner.getFlowFilesForRelationship(ExtractEXAFS.REL_ORIGINAL).get(0);
        List<MockFlowFile> outputs = runner.getFlowFilesForRelationship(ExtractEXAFS.REL_SUCCESS);
        OutputChecks.assertForkOf(runner, original.getAttribute("uuid"), outputs, "kweight=2");
        OutputChecks.assertEveryOutputCarriesHistory(outputs, "ExtractEXAFS", "v_foil.xdi", original.getAttribute("uuid"),
                "\"kweight\":\"2\"");

        // the history continues when a chi(k) output comes back... as an XDI input it is refused (no mu)
        // but an XDI input carrying History fields gets them renumbered before this step
        runner.clearTransferState();
        String withHistory = new String(resource("/xas/spectra/v_foil.xdi"), StandardCharsets.ISO_8859_1)
                .replace("# Element.edge:  K", "# Element.edge:  K\n# History.1: beamline writer 1.0\n"
                        + "# History.1_parameters: {\"a\":\"b\"}");
        runner.enqueue(withHistory.getBytes(StandardCharsets.ISO_8859_1), Map.of("filename", "v2.xdi"));
        runner.run();
        String t2 = output("v2_chik.xdi").getContent();
        assertTrue(t2.contains("# History.1: beamline writer 1.0"), t2.substring(0, 400));
        assertTrue(t2.contains("# History.2: nifi-spectro ExtractEXAFS"));
        List<ProcessStep> pngHistory = OutputChecks.assertCarriesHistory(output("v2_exafs.png"), "ExtractEXAFS", "v2.xdi",
                null, "kweight");
        assertEquals(2, pngHistory.size(), pngHistory.toString());
        assertEquals("beamline writer 1.0", pngHistory.get(0).program());
        assertEquals("{\"a\":\"b\"}", pngHistory.get(0).parametersJson());
    }

    @Test
    void plotIsATwoPanelPngOfTheDeclaredSize() throws IOException {
        runner.setProperty(ExtractEXAFS.I0_COLUMN, "i0");
        runner.setProperty(ExtractEXAFS.ITRANS_COLUMN, "i1");
        runner.enqueue(resource("/xas/spectra/v_foil.xdi"), Map.of("filename", "v_foil.xdi"));
        runner.run();
        MockFlowFile png = output("v_foil_exafs.png");
        png.assertAttributeEquals("spectro.output", "plot");
        png.assertAttributeEquals("mime.type", "image/png");
        assertNotNull(png.getAttribute("xas.e0"));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertNotNull(img, "PNG decodes");
        assertEquals(ExtractEXAFS.PLOT_WIDTH, img.getWidth());
        assertEquals(ExtractEXAFS.PLOT_HEIGHT, img.getHeight());
        // both halves hold drawn curves (coloured, non-grey pixels)
        assertTrue(colouredPixels(img, 0, img.getWidth() / 2) > 500, "k panel has curves");
        assertTrue(colouredPixels(img, img.getWidth() / 2, img.getWidth()) > 500, "R panel has curves");
    }

    @Test
    void everySpectrumOfEveryNxdataGroupOfAClusterFile() throws IOException {
        Map<String, double[]> cu = RefData.csv("cu_rt01_norm.csv");
        double[] e = cu.get("energy_eV");
        double[] mu = cu.get("mu");
        // three "clusters": the same absorber seen through different thickness and background (mu -> a mu + b);
        // chi(k) = (mu - mu0)/edge_step is invariant, so each must match Larch's cu_rt01
        double[][] ab = {{1, 0}, {0.5, 0.2}, {3, -1}};
        float[][] spectra = new float[3][e.length];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < e.length; i++) {
                spectra[c][i] = (float) (ab[c][0] * mu[i] + ab[c][1]);
            }
        }
        Map<String, double[]> fe = RefData.csv("fe_metal_rt_norm.csv");
        float[][] feSpectra = {toFloat(fe.get("mu"))};
        Path h5 = tmp.resolve("clusters.h5");
        StackWriter.builder("entry")
                .spectra("cluster_spectra", e, spectra, new int[] {1, 2, 3}, new long[] {500, 300, 20})
                .spectra("fe_window", fe.get("energy_eV"), feSpectra, new int[] {7}, new long[] {42})
                .step(ProcessStep.now("nifi-spectro DBSCANCluster", "test", "{\"eps\":\"0.1\"}", "stack.h5", "u-1"))
                .write(h5).close();
        double cuKmax = Double.parseDouble(RefData.summary().get("cu_rt01").get("xftf_kmax"));
        double feKmax = Double.parseDouble(RefData.summary().get("fe_metal_rt").get("xftf_kmax"));
        runner.setProperty(ExtractEXAFS.KMAX, String.valueOf(Math.min(cuKmax, feKmax)));
        runner.enqueue(Files.readAllBytes(h5), Map.of("filename", "clusters.h5"));
        runner.run();
        runner.assertTransferCount(ExtractEXAFS.REL_FAILURE, 0);
        runner.assertTransferCount(ExtractEXAFS.REL_SUCCESS, 4 * 2 + 2);
        double cuPeak = Double.parseDouble(RefData.summary().get("cu_rt01").get("chir_peaks_R").split(" ")[0]);
        for (int c = 1; c <= 3; c++) {
            MockFlowFile chik = output("clusters_cluster_spectra_cluster" + c + "_chik.xdi");
            chik.assertAttributeEquals("xas.spectrum.id", String.valueOf(c));
            chik.assertAttributeEquals("xas.spectrum.group", "/entry/cluster_spectra");
            String text = chik.getContent();
            assertTrue(text.contains("# History.1: nifi-spectro DBSCANCluster test"), "input history continued");
            assertTrue(text.contains("# History.2: nifi-spectro ExtractEXAFS"), "this step appended");
            assertTrue(text.contains("# Spectrum.pixel_count: " + new long[] {500, 300, 20}[c - 1]));
            double corr = chiCorrelation(table(text), RefData.csv("cu_rt01_chik.csv"), 3.0, Math.min(cuKmax, feKmax));
            assertTrue(corr >= 0.99, "cluster " + c + ": correlation " + corr);
            MockFlowFile chir = output("clusters_cluster_spectra_cluster" + c + "_chir.xdi");
            double[][] r = table(chir.getContent());
            if (cuKmax <= feKmax) {
                assertEquals(cuPeak, firstPeak(r[0], r[1]), 0.05, "cluster " + c + " first peak");
            }
        }
        MockFlowFile feChik = output("clusters_fe_window_cluster7_chik.xdi");
        feChik.assertAttributeEquals("xas.spectrum.id", "7");
        double corr = chiCorrelation(table(feChik.getContent()), RefData.csv("fe_metal_rt_chik.csv"), 3.0,
                Math.min(cuKmax, feKmax));
        assertTrue(corr >= 0.99, "fe group: correlation " + corr);

        MockFlowFile plot = output("clusters_cluster_spectra_exafs.png");
        plot.assertAttributeEquals("xas.spectrum.count", "3");
        plot.assertAttributeEquals("xas.spectrum.group", "/entry/cluster_spectra");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(plot.toByteArray()));
        assertEquals(ExtractEXAFS.PLOT_WIDTH, img.getWidth());
        output("clusters_fe_window_exafs.png").assertAttributeEquals("xas.spectrum.count", "1");
    }

    @Test
    void emaxLimitsTheRangeAsIfTheDataStoppedThere() throws IOException {
        // the L3 EXAFS stops before the L2 edge: data above emax must not change anything
        Map<String, double[]> cu = RefData.csv("cu_rt01_norm.csv");
        double[] e = cu.get("energy_eV");
        double[] mu = cu.get("mu");
        double emax = 9400;
        StringBuilder full = new StringBuilder("# energy mu\n");
        StringBuilder cut = new StringBuilder("# energy mu\n");
        for (int i = 0; i < e.length; i++) {
            // a fake second edge above emax in the full file
            double m = mu[i] + (e[i] > emax + 20 ? 0.8 : 0);
            full.append(e[i]).append(' ').append(m).append('\n');
            if (e[i] <= emax) {
                cut.append(e[i]).append(' ').append(mu[i]).append('\n');
            }
        }
        runner.setProperty(ExtractEXAFS.KMAX, "10");
        runner.setProperty(ExtractEXAFS.EMAX, String.valueOf(emax));
        runner.setProperty(ExtractEXAFS.E0, "8980.0");
        runner.setProperty(ExtractEXAFS.EDGE_STEP, "1.0");
        runner.enqueue(full.toString(), Map.of("filename", "full.dat"));
        runner.enqueue(cut.toString(), Map.of("filename", "cut.dat"));
        runner.run(2);
        runner.assertTransferCount(ExtractEXAFS.REL_FAILURE, 0);
        assertEquals(dataRows(output("cut_chik.xdi").getContent()), dataRows(output("full_chik.xdi").getContent()));
        assertEquals(dataRows(output("cut_chir.xdi").getContent()), dataRows(output("full_chir.xdi").getContent()));
        assertTrue(output("full_chik.xdi").getContent().contains("# Autobk.emax: 9400"));
    }

    @Test
    void l3ExafsStopsBeforeTheL2EdgeAsLarchOnTheSameRange() throws IOException {
        // seed 000's case (Nd L3 EXAFS before L2) on a real scan that runs into the next edge: Ba L3 -> L2
        runner.setProperty(ExtractEXAFS.EMAX, "5594");
        runner.setProperty(ExtractEXAFS.KMIN, "2");
        runner.setProperty(ExtractEXAFS.KMAX, "8");
        runner.enqueue(resource("/processors/ExtractEXAFSTest/BaL3_YBCO_010.dat"), Map.of("filename", "bal3.dat"));
        runner.run();
        runner.assertTransferCount(ExtractEXAFS.REL_FAILURE, 0);
        MockFlowFile chik = output("bal3_chik.xdi");
        double corr = chiCorrelation(table(chik.getContent()), csv("bal3_emax_chik.csv"), 2.0, 8.0);
        assertTrue(corr >= 0.99, "Ba L3 below L2: correlation with Larch " + corr);
        double[][] r = table(output("bal3_chir.xdi").getContent());
        assertEquals(1.1843, firstPeak(r[0], r[1]), 0.05, "first peak vs Larch (bal3_emax_summary.json)");
        assertEquals(5247.0026, Double.parseDouble(chik.getAttribute("xas.e0")), 0.01);
        System.out.printf("Ba L3 with emax: correlation %.5f, first peak %.4f (Larch 1.1843)%n", corr,
                firstPeak(r[0], r[1]));
    }

    private static Map<String, double[]> csv(String name) throws IOException {
        String[] lines = new String(resource("/processors/ExtractEXAFSTest/" + name), StandardCharsets.UTF_8).split("\n");
        String[] head = lines[0].split(",");
        Map<String, double[]> out = new HashMap<>();
        for (int c = 0; c < head.length; c++) {
            double[] v = new double[lines.length - 1];
            for (int i = 1; i < lines.length; i++) {
                v[i - 1] = Double.parseDouble(lines[i].split(",")[c]);
            }
            out.put(head[c], v);
        }
        return out;
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputGoesToFailureNamingFileAndLine() throws IOException {
        String vfoil = new String(resource("/xas/spectra/v_foil.xdi"), StandardCharsets.ISO_8859_1);
        String[] lines = vfoil.split("\n", -1);
        int firstData = 0;
        while (lines[firstData].startsWith("#")) {
            firstData++;
        }
        int row = firstData + 10; // 0-based index of a data line; file line = row + 1
        runner.setProperty(ExtractEXAFS.I0_COLUMN, "i0");
        runner.setProperty(ExtractEXAFS.ITRANS_COLUMN, "i1");

        Map<String, byte[]> bad = new HashMap<>();
        bad.put("missing_edge.xdi", vfoil.replace("# Element.edge:  K\n", "").getBytes(StandardCharsets.ISO_8859_1));
        bad.put("non_numeric.xdi", replaceLine(lines, row, "  5.43e3  2.0  abc  1.9e5"));
        bad.put("decreasing.xdi", replaceLine(lines, row, "  5.0e3  2.0  1.2e5  1.9e5"));
        String[] prev = lines[row - 1].trim().split("\\s+");
        bad.put("duplicated.xdi", replaceLine(lines, row, prev[0] + " 2.0 1.2e5 1.9e5"));
        bad.put("empty.dat", new byte[0]);
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        bad.put("noise.dat", noise);
        for (Map.Entry<String, byte[]> b : bad.entrySet()) {
            runner.enqueue(b.getValue(), Map.of("filename", b.getKey()));
        }
        runner.run(bad.size());
        runner.assertTransferCount(ExtractEXAFS.REL_SUCCESS, 0);
        runner.assertTransferCount(ExtractEXAFS.REL_FAILURE, bad.size());
        Map<String, MockFlowFile> failed = new HashMap<>();
        for (MockFlowFile f : runner.getFlowFilesForRelationship(ExtractEXAFS.REL_FAILURE)) {
            failed.put(f.getAttribute("filename"), f);
            assertTrue(f.isPenalized(), f.getAttribute("filename") + " penalized");
            f.assertContentEquals(bad.get(f.getAttribute("filename")));
            assertTrue(f.getAttribute("spectro.error").length() > 10, f.getAttribute("spectro.error"));
            assertTrue(f.getAttribute("spectro.error.where").startsWith(f.getAttribute("filename")),
                    f.getAttribute("spectro.error.where"));
        }
        assertTrue(failed.get("missing_edge.xdi").getAttribute("spectro.error").contains("Element.edge"));
        assertTrue(failed.get("missing_edge.xdi").getAttribute("spectro.error.where").matches(".*, line \\d+"));
        String line = ", line " + (row + 1);
        for (String f : List.of("non_numeric.xdi", "decreasing.xdi", "duplicated.xdi")) {
            assertEquals(f + line, failed.get(f).getAttribute("spectro.error.where"), failed.get(f).getAttribute("spectro.error"));
        }
        assertTrue(failed.get("non_numeric.xdi").getAttribute("spectro.error").contains("abc"));
        assertTrue(failed.get("decreasing.xdi").getAttribute("spectro.error").contains("decreasing"));
        assertTrue(failed.get("duplicated.xdi").getAttribute("spectro.error").contains("duplicated"));
        failed.get("empty.dat").assertAttributeEquals("spectro.error.kind", "input");
    }

    @Test
    void rangeTooShortForTheSplineAndEdgeOutsideTheData() throws IOException {
        runner.setProperty(ExtractEXAFS.I0_COLUMN, "i0");
        runner.setProperty(ExtractEXAFS.ITRANS_COLUMN, "i1");
        runner.setProperty(ExtractEXAFS.EMAX, "${emax}");
        runner.setProperty(ExtractEXAFS.E0, "${e0}");
        runner.setProperty(ExtractEXAFS.EDGE_STEP, "2.5");
        byte[] v = resource("/xas/spectra/v_foil.xdi");
        // V K edge at 5465.5 eV: stopping 3 eV above it leaves k < 1 for the spline
        runner.enqueue(v, Map.of("filename", "short.xdi", "emax", "5468.5", "e0", "5465.5"));
        runner.enqueue(v, Map.of("filename", "edge_outside.xdi", "emax", "", "e0", "9000"));
        runner.enqueue(v, Map.of("filename", "edge_at_end.xdi", "emax", "", "e0", "6089"));
        runner.run(3);
        runner.assertTransferCount(ExtractEXAFS.REL_SUCCESS, 0);
        runner.assertTransferCount(ExtractEXAFS.REL_FAILURE, 3);
        for (MockFlowFile f : runner.getFlowFilesForRelationship(ExtractEXAFS.REL_FAILURE)) {
            String name = f.getAttribute("filename");
            String error = f.getAttribute("spectro.error");
            f.assertAttributeEquals("spectro.error.where", name);
            f.assertContentEquals(v);
            assertTrue(f.isPenalized());
            switch (name) {
                case "short.xdi", "edge_at_end.xdi" -> assertTrue(error.contains("too short for a background spline"), error);
                default -> assertTrue(error.contains("outside the data range"), error);
            }
        }
    }

    @Test
    void corruptHdf5GoesToFailure() throws IOException {
        Path h5 = tmp.resolve("c.h5");
        Map<String, double[]> cu = RefData.csv("cu_rt01_norm.csv");
        StackWriter.builder("entry").spectra("s", cu.get("energy_eV"), new float[][] {toFloat(cu.get("mu"))},
                new int[] {0}, new long[] {1}).write(h5).close();
        byte[] good = Files.readAllBytes(h5);
        byte[] truncated = Arrays.copyOf(good, good.length / 3);
        byte[] garbled = good.clone();
        Random rnd = new Random(11);
        for (int i = 64; i < Math.min(garbled.length, 2048); i++) {
            garbled[i] = (byte) rnd.nextInt(256);
        }
        byte[] signatureOnly = Arrays.copyOf(good, 8);
        Path none = tmp.resolve("none.h5");
        StackWriter.builder("entry").map("m", new float[] {1, 2, 3, 4}, 2, 2, "").write(none).close();
        List<byte[]> inputs = List.of(truncated, garbled, signatureOnly, Files.readAllBytes(none));
        for (int i = 0; i < inputs.size(); i++) {
            runner.enqueue(inputs.get(i), Map.of("filename", "bad" + i + ".h5"));
        }
        runner.run(inputs.size());
        runner.assertTransferCount(ExtractEXAFS.REL_SUCCESS, 0);
        runner.assertTransferCount(ExtractEXAFS.REL_FAILURE, inputs.size());
        for (MockFlowFile f : runner.getFlowFilesForRelationship(ExtractEXAFS.REL_FAILURE)) {
            int i = Integer.parseInt(f.getAttribute("filename").substring(3, 4));
            f.assertContentEquals(inputs.get(i));
            assertTrue(f.isPenalized());
            assertTrue(f.getAttribute("spectro.error.where").startsWith("bad" + i + ".h5"));
        }
        MockFlowFile noSpectra = runner.getFlowFilesForRelationship(ExtractEXAFS.REL_FAILURE).stream()
                .filter(f -> f.getAttribute("filename").equals("bad3.h5")).findFirst().orElseThrow();
        assertTrue(noSpectra.getAttribute("spectro.error").contains("no spectra"), noSpectra.getAttribute("spectro.error"));
    }

    @Test
    void mutatedInputsNeverEscapeAsExceptions() throws IOException {
        // a small seeded corpus: byte flips, truncations and line shuffles of a real XDI and a real HDF5 file;
        // every input must end in success or failure (with a reason), none lost, no exception out of onTrigger
        runner.setProperty(ExtractEXAFS.I0_COLUMN, "${i0:replaceNull('i0')}");
        runner.setProperty(ExtractEXAFS.ITRANS_COLUMN, "${itrans:replaceNull('i1')}");
        byte[] xdi = resource("/xas/spectra/v_foil.xdi");
        Path h5 = tmp.resolve("m.h5");
        Map<String, double[]> cu = RefData.csv("cu_rt01_norm.csv");
        StackWriter.builder("entry").spectra("s", cu.get("energy_eV"), new float[][] {toFloat(cu.get("mu"))},
                new int[] {0}, new long[] {1}).write(h5).close();
        byte[] hdf = Files.readAllBytes(h5);
        Random rnd = new Random(2026);
        int n = 120;
        for (int i = 0; i < n; i++) {
            byte[] base = i % 3 == 2 ? hdf : xdi;
            byte[] m = base.clone();
            switch (i % 4) {
                case 0 -> {
                    for (int f = 0; f < 1 + rnd.nextInt(20); f++) {
                        m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                    }
                }
                case 1 -> m = Arrays.copyOf(m, rnd.nextInt(m.length));
                case 2 -> {
                    int at = rnd.nextInt(m.length);
                    m[at] = (byte) (m[at] ^ (1 << rnd.nextInt(8)));
                }
                default -> {
                    int a = rnd.nextInt(m.length);
                    int b = rnd.nextInt(m.length);
                    byte t = m[a];
                    m[a] = m[b];
                    m[b] = t;
                }
            }
            runner.enqueue(m, Map.of("filename", "mut" + i + (base == hdf ? ".h5" : ".xdi")));
        }
        runner.run(n);
        int failed = runner.getFlowFilesForRelationship(ExtractEXAFS.REL_FAILURE).size();
        int original = runner.getFlowFilesForRelationship(ExtractEXAFS.REL_ORIGINAL).size();
        assertEquals(n, failed + original, "every input accounted for");
        for (MockFlowFile f : runner.getFlowFilesForRelationship(ExtractEXAFS.REL_FAILURE)) {
            assertTrue(!f.getAttribute("spectro.error").isBlank());
            assertTrue(f.getAttribute("spectro.error.where").startsWith(f.getAttribute("filename")),
                    f.getAttribute("spectro.error") + " @ " + f.getAttribute("spectro.error.where"));
        }
        long internal = runner.getFlowFilesForRelationship(ExtractEXAFS.REL_FAILURE).stream()
                .filter(f -> "internal".equals(f.getAttribute("spectro.error.kind"))).count();
        assertEquals(0, internal, "no unforeseen exceptions");
        System.out.printf("mutated inputs: %d, failure %d, success %d%n", n, failed, original);
    }

    @Test
    void inconsistentConfigurationIsInvalid() {
        runner.setProperty(ExtractEXAFS.I0_COLUMN, "i0");
        runner.assertNotValid();
        runner.setProperty(ExtractEXAFS.ITRANS_COLUMN, "i1");
        runner.assertValid();
        runner.setProperty(ExtractEXAFS.KMAX, "2");
        runner.assertNotValid();
        runner.setProperty(ExtractEXAFS.KMAX, "12");
        runner.setProperty(ExtractEXAFS.NFFT, "1000");
        runner.assertNotValid();
    }

    // ------------------------------------------------------------------ helpers

    private MockFlowFile output(String filename) {
        return runner.getFlowFilesForRelationship(ExtractEXAFS.REL_SUCCESS).stream()
                .filter(f -> filename.equals(f.getAttribute("filename"))).findFirst()
                .orElseThrow(() -> new AssertionError("no output " + filename));
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = ExtractEXAFSTest.class.getResourceAsStream(path)) {
            assertNotNull(in, "test resource " + path);
            return in.readAllBytes();
        }
    }

    private static byte[] replaceLine(String[] lines, int index, String replacement) {
        String[] copy = lines.clone();
        copy[index] = replacement;
        return String.join("\n", copy).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Data columns of an XDI-style output (lines not starting with #). */
    static double[][] table(String text) {
        List<double[]> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] t = line.trim().split("\\s+");
            double[] v = new double[t.length];
            for (int i = 0; i < t.length; i++) {
                v[i] = Double.parseDouble(t[i]);
            }
            rows.add(v);
        }
        double[][] cols = new double[rows.get(0).length][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols.length; c++) {
                cols[c][r] = rows.get(r)[c];
            }
        }
        return cols;
    }

    private static String dataRows(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    /** Pearson correlation of chi(k) with Larch's on the common grid points in [kmin, kmax]. */
    static double chiCorrelation(double[][] out, Map<String, double[]> larch, double kmin, double kmax) {
        double[] lk = larch.get("k_invA");
        double[] lc = larch.get("chi");
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < out[0].length; i++) {
            double k = out[0][i];
            if (k < kmin - 1e-9 || k > kmax + 1e-9) {
                continue;
            }
            int j = (int) Math.round(k / 0.05);
            if (j < lk.length && Math.abs(lk[j] - k) < 1e-6) {
                pairs.add(new double[] {out[1][i], lc[j]});
            }
        }
        assertTrue(pairs.size() > 50, "common k points: " + pairs.size());
        double ma = 0;
        double mb = 0;
        for (double[] p : pairs) {
            ma += p[0];
            mb += p[1];
        }
        ma /= pairs.size();
        mb /= pairs.size();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (double[] p : pairs) {
            sab += (p[0] - ma) * (p[1] - mb);
            saa += (p[0] - ma) * (p[0] - ma);
            sbb += (p[1] - mb) * (p[1] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    /** First local maximum of |chi(R)| in 0.8..6 A above 10 % of the largest, parabola-refined (make_reference.py). */
    static double firstPeak(double[] r, double[] y) {
        double ymax = 0;
        for (int i = 0; i < r.length; i++) {
            if (r[i] >= 0.8 && r[i] <= 6.0) {
                ymax = Math.max(ymax, y[i]);
            }
        }
        for (int i = 1; i < r.length - 1; i++) {
            if (r[i] >= 0.8 && r[i] <= 6.0 && r[i - 1] >= 0.8 && r[i + 1] <= 6.0
                    && y[i] > y[i - 1] && y[i] >= y[i + 1] && y[i] >= 0.1 * ymax) {
                double den = y[i - 1] - 2 * y[i] + y[i + 1];
                double off = den != 0 ? 0.5 * (y[i - 1] - y[i + 1]) / den : 0;
                return r[i] + off * (r[1] - r[0]);
            }
        }
        return Double.NaN;
    }

    private static int colouredPixels(BufferedImage img, int x0, int x1) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x1; x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    n++;
                }
            }
        }
        return n;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
