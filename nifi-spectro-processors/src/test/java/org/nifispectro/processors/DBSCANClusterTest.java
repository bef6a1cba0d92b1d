package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import org.apache.nifi.provenance.ProvenanceEventRecord;
import org.apache.nifi.provenance.ProvenanceEventType;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.cluster.ClusterAgreement;
import org.nifispectro.cluster.SeedLikeStacks;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.pipeline.ChainFixtures;
import org.nifispectro.pipeline.ClusterJob;
import org.nifispectro.plot.CategoricalMap;
import org.nifispectro.processors.common.SpectroAttributes;

/**
 * NormalizeSpectra -> RejectLowSNR -> DBSCANCluster chained in nifi-mock on the seed-like synthetic stack
 * ({@link SeedLikeStacks}: real Fe L2,3 end members, known phase map with two major phases, a 0.5 %
 * minority phase, Poisson noise, a low-signal rectangle): the known map is the expected value.
 */
class DBSCANClusterTest {

    static final int NY = 200;
    static final int NX = 200;
    /** L3 and L2 edges of the Fe L2,3 scan (700-730 eV), as the seed clusters Nd L3 and L2 apart. */
    static final String WINDOWS = "L3:700-716, L2:714-730";

    @TempDir
    static Path dir;

    static SeedLikeStacks.Scene scene;
    static MockFlowFile rejected;
    static MockFlowFile normalizedOnly;

    @BeforeAll
    static void chain() throws Exception {
        // the seed's fine energy grid (1024 energies over 700-730 eV, 120-130 in each pre-edge range): on the 123 energies
        // of the ALS stack (13 pre-edge energies in L3) the per-pixel pre-edge line, extrapolated ~12 eV to the
        // post-edge, scatters the edge step by ~3x the OD noise, more than the Fe(II) L3 step of thin pixels, and their
        // normalized spectra bridge the two phases (L3 ARI 0.001 with correct pre-edge ranges)
        scene = SeedLikeStacks.opticalDensity(NY, NX, 1024, 20261121L);
        Path in = ChainFixtures.dataExchange(dir.resolve("fe_scene.h5"), scene.energy(), scene.od(), NY, NX);
        TestRunner norm = TestRunners.newTestRunner(NormalizeSpectra.class);
        norm.setProperty(NormalizeSpectra.EDGE_WINDOWS, WINDOWS);
        norm.enqueue(in, Map.of("filename", "fe_scene.h5"));
        norm.run();
        norm.getFlowFilesForRelationship(NormalizeSpectra.REL_FAILURE).forEach(f -> System.out.println(
                "NormalizeSpectra failure: " + f.getAttribute(SpectroAttributes.ERROR)));
        norm.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 1);
        normalizedOnly = norm.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS).get(0);

        TestRunner rej = TestRunners.newTestRunner(RejectLowSNR.class);
        // edge steps (with pre-edge ranges that end below the edge): phases A, B, C 0.25-0.36, 0.15-0.16, 0.20-0.26 OD x
        // thickness 0.75-1.25, the low-signal rectangle 1 % of that; pre-edge noise ~0.025 OD
        rej.setProperty(RejectLowSNR.MIN_SNR, "2");
        rej.enqueue(normalizedOnly.toByteArray(), Map.of("filename", normalizedOnly.getAttribute("filename")));
        rej.run();
        rej.getFlowFilesForRelationship(RejectLowSNR.REL_FAILURE).forEach(f -> System.out.println(
                "RejectLowSNR failure: " + f.getAttribute(SpectroAttributes.ERROR)));
        rej.assertTransferCount(RejectLowSNR.REL_SUCCESS, 1);
        rejected = rej.getFlowFilesForRelationship(RejectLowSNR.REL_SUCCESS).get(0);
    }

    private static TestRunner cluster(MockFlowFile input, Map<String, String> properties) {
        TestRunner runner = TestRunners.newTestRunner(DBSCANCluster.class);
        properties.forEach(runner::setProperty);
        runner.enqueue(input.toByteArray(), Map.of("filename", input.getAttribute("filename")));
        runner.run();
        runner.getFlowFilesForRelationship(DBSCANCluster.REL_FAILURE).forEach(f -> System.out.println(
                "DBSCANCluster failure: " + f.getAttribute(SpectroAttributes.ERROR) + " at "
                        + f.getAttribute(SpectroAttributes.ERROR_WHERE)));
        return runner;
    }

    private static MockFlowFile output(TestRunner runner, String kind) {
        for (MockFlowFile f : runner.getFlowFilesForRelationship(DBSCANCluster.REL_SUCCESS)) {
            if (kind.equals(f.getAttribute(SpectroAttributes.OUTPUT_KIND))) {
                return f;
            }
        }
        throw new AssertionError("no " + kind + " output");
    }

    /** Label map of a window from the HDF5 output. */
    private static int[] labels(Path h5, String window) {
        try (HdfFile f = new HdfFile(h5)) {
            int[][] a = (int[][]) f.getDatasetByPath("/entry/" + ClusterJob.labelsGroup(window) + "/data").getData();
            int[] out = new int[NY * NX];
            for (int y = 0; y < NY; y++) {
                System.arraycopy(a[y], 0, out, y * NX, NX);
            }
            return out;
        }
    }

    private static Path save(MockFlowFile f, String name) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, f.toByteArray());
        return p;
    }

    @Test
    void recoversThePhasesAndTheMinorityPhaseWithDefaults() throws Exception {
        TestRunner runner = cluster(rejected, Map.of());
        runner.assertTransferCount(DBSCANCluster.REL_SUCCESS, 2);
        runner.assertTransferCount(DBSCANCluster.REL_ORIGINAL, 1);
        runner.assertTransferCount(DBSCANCluster.REL_FAILURE, 0);
        MockFlowFile h5 = output(runner, "phase-map");
        Path file = save(h5, "out.h5");
        Files.write(Path.of("target", "DBSCANClusterTest-L3-L2.png"), output(runner, "plot").toByteArray());
        h5.assertAttributeEquals(DBSCANCluster.ATTR_EPS_METHOD,
                "k-distance exceeded by 1 % of the pixels (Ester et al. 1996, k = 9)");
        for (String w : List.of("L3", "L2")) {
            int[] labels = labels(file, w);
            // the low-signal rectangle is rejected, the rest clustered
            int lowRejected = 0, low = 0, otherRejected = 0;
            for (int p = 0; p < labels.length; p++) {
                if (scene.lowSignal()[p]) {
                    low++;
                    lowRejected += labels[p] == ClusterJob.REJECTED ? 1 : 0;
                } else {
                    otherRejected += labels[p] == ClusterJob.REJECTED ? 1 : 0;
                }
            }
            assertTrue(lowRejected >= 0.95 * low, w + ": " + lowRejected + " of " + low + " low-signal pixels rejected");
            assertTrue(otherRejected <= 0.01 * (labels.length - low), w + ": " + otherRejected + " sample pixels rejected");
            // phases over the clustered pixels: the known map against DBSCAN (outliers = their own group)
            int[][] pair = kept(labels);
            int minorityAll = 0, minorityRejected = 0;
            for (int p = 0; p < labels.length; p++) {
                if (scene.phase()[p] == 2) {
                    minorityAll++;
                    minorityRejected += labels[p] == ClusterJob.REJECTED ? 1 : 0;
                }
            }
            System.out.println(w + ": minority pixels " + minorityAll + ", rejected by RejectLowSNR " + minorityRejected);
            ClusterAgreement.Contingency t = ClusterAgreement.contingency(pair[0], pair[1]);
            double ari = ClusterAgreement.adjustedRandIndex(t);
            String table = w + " ARI " + ari + " truth rows " + Arrays.toString(t.rowLabels()) + " cols "
                    + Arrays.toString(t.colLabels()) + " " + Arrays.deepToString(t.counts());
            System.out.println("DBSCANCluster synthetic chain: " + table);
            // the seed analyses the stronger L3 edge; the weaker L2 edge is the cross-check
            assertTrue(ari >= (w.equals("L3") ? 0.95 : 0.9), table);
            // the minority phase (truth 2) is found: its clustered pixels are in the outlier group or in clusters of
            // their own (whose majority is the minority phase), hardly ever absorbed by a major-phase cluster
            long[][] c = t.counts();
            int minorityRow = Arrays.binarySearch(t.rowLabels(), 2);
            assertTrue(minorityRow >= 0, "no minority pixel reached DBSCAN; " + table);
            long minority = 0, absorbed = 0, own = 0;
            for (int j = 0; j < c[minorityRow].length; j++) {
                long m = c[minorityRow][j];
                minority += m;
                int majority = 0;
                for (int r = 1; r < c.length; r++) {
                    if (c[r][j] > c[majority][j]) {
                        majority = r;
                    }
                }
                if (t.colLabels()[j] == ClusterJob.OUTLIER || majority == minorityRow) {
                    own += m;
                } else {
                    absorbed += m;
                }
            }
            System.out.println(w + ": minority pixels clustered " + minority + ", in the outlier group or their own clusters "
                    + own + ", absorbed by major clusters " + absorbed);
            assertTrue(absorbed <= 0.1 * minority, w + ": " + absorbed + " of " + minority
                    + " minority pixels absorbed by major-phase clusters; " + table);
            // the minority phase has the thickness of the others: RejectLowSNR keeps it
            assertTrue(minorityRejected <= 0.01 * minorityAll, w + ": " + minorityRejected + " of " + minorityAll
                    + " minority pixels rejected");
        }
        assertNotNull(h5.getAttribute(DBSCANCluster.ATTR_ARI));
        assertTrue(Double.parseDouble(h5.getAttribute(DBSCANCluster.ATTR_ARI)) >= 0.9, h5.getAttribute(DBSCANCluster.ATTR_ARI));
    }

    /** Truth and DBSCAN labels of the pixels DBSCAN clustered. */
    private static int[][] kept(int[] labels) {
        int n = 0;
        for (int l : labels) {
            n += l == ClusterJob.REJECTED ? 0 : 1;
        }
        int[][] out = new int[2][n];
        int i = 0;
        for (int p = 0; p < labels.length; p++) {
            if (labels[p] != ClusterJob.REJECTED) {
                out[0][i] = scene.phase()[p];
                out[1][i++] = labels[p];
            }
        }
        return out;
    }

    @Test
    void attributesProvenanceHistoryAndSpectra() throws Exception {
        TestRunner runner = cluster(rejected, Map.of("Edge Windows", "L3", "Eps", "0.3", "MinPts", "8"));
        runner.assertTransferCount(DBSCANCluster.REL_SUCCESS, 2);
        MockFlowFile h5 = output(runner, "phase-map");
        MockFlowFile png = output(runner, "plot");
        MockFlowFile original = runner.getFlowFilesForRelationship(DBSCANCluster.REL_ORIGINAL).get(0);
        original.assertContentEquals(rejected.toByteArray());
        h5.assertAttributeEquals("filename", "fe_scene_norm_snr_dbscan.h5");
        png.assertAttributeEquals("filename", "fe_scene_norm_snr_dbscan.png");
        png.assertAttributeEquals("mime.type", "image/png");
        h5.assertAttributeEquals(DBSCANCluster.ATTR_EPS, "0.300000");
        h5.assertAttributeEquals(DBSCANCluster.ATTR_EPS_METHOD, "given");
        h5.assertAttributeEquals(DBSCANCluster.ATTR_MINPTS, "8");
        h5.assertAttributeEquals(DBSCANCluster.ATTR_COMPONENTS, "3");
        h5.assertAttributeEquals(DBSCANCluster.ATTR_WINDOWS, "L3");
        h5.assertAttributeNotExists(DBSCANCluster.ATTR_ARI);
        int clusters = Integer.parseInt(h5.getAttribute(DBSCANCluster.ATTR_CLUSTERS));
        long outliers = Long.parseLong(h5.getAttribute(DBSCANCluster.ATTR_OUTLIERS));
        // pixels per cluster text adds up with the rejected fraction to the whole image
        long sum = 0;
        for (String part : h5.getAttribute(DBSCANCluster.ATTR_PER_CLUSTER).split(",")) {
            sum += Long.parseLong(part.substring(part.indexOf(':') + 1));
        }
        double rejectedFraction = Double.parseDouble(h5.getAttribute(DBSCANCluster.ATTR_REJECTED_FRACTION));
        assertEquals(NY * NX, sum + Math.round(rejectedFraction * NY * NX));
        assertTrue(h5.getAttribute(DBSCANCluster.ATTR_PER_CLUSTER).endsWith(",outliers:" + outliers));

        Path file = save(h5, "l3.h5");
        int[] labels = labels(file, "L3");
        try (HdfFile f = new HdfFile(file)) {
            Dataset data = f.getDatasetByPath("/entry/" + ClusterJob.spectraGroup("L3") + "/data");
            int[] ids = (int[]) f.getDatasetByPath("/entry/" + ClusterJob.spectraGroup("L3") + "/cluster").getData();
            long[] counts = (long[]) f.getDatasetByPath("/entry/" + ClusterJob.spectraGroup("L3") + "/pixel_count").getData();
            double[] energy = (double[]) f.getDatasetByPath("/entry/" + ClusterJob.spectraGroup("L3") + "/energy").getData();
            assertEquals(clusters + (outliers > 0 ? 1 : 0), ids.length);
            assertEquals(ClusterJob.OUTLIER, ids[ids.length - 1]);
            for (int i = 0; i < ids.length; i++) {
                long n = 0;
                for (int l : labels) {
                    n += l == ids[i] ? 1 : 0;
                }
                assertEquals(n, counts[i], "pixel count of id " + ids[i]);
            }
            assertEquals(energy.length, data.getDimensions()[1]);
            assertTrue(energy[0] >= 700 && energy[energy.length - 1] <= 716, Arrays.toString(energy));
            // legend of the label map
            String[] names = (String[]) f.getDatasetByPath("/entry/" + ClusterJob.labelsGroup("L3") + "/data")
                    .getAttribute("label_names").getData();
            assertTrue(Arrays.asList(names).contains("outliers (minority phase)"), Arrays.toString(names));
            // history: NormalizeSpectra, RejectLowSNR, DBSCANCluster
            List<ProcessStep> steps = ProcessStep.readAll(f);
            assertEquals(3, steps.size(), steps.toString());
            assertTrue(steps.get(2).program().endsWith("DBSCANCluster"), steps.get(2).program());
            assertTrue(steps.get(2).parametersJson().contains("\"Eps\":\"0.3\""), steps.get(2).parametersJson());
            double[] evr = (double[]) ((io.jhdf.api.Group) f.getByPath("/entry")).getAttribute("pca_explained_variance_ratio_L3").getData();
            assertTrue(evr[0] >= evr[1] && evr[1] >= evr[2], Arrays.toString(evr));
        }

        // PNG decodes; the map's pixels carry the label colours (outlier red, rejected dark grey)
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertNotNull(img);
        assertTrue(img.getWidth() > NX && img.getHeight() > NY);
        Map<Integer, Integer> colours = new HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                colours.merge(img.getRGB(x, y) & 0xffffff, 1, Integer::sum);
            }
        }
        assertTrue(colours.getOrDefault(CategoricalMap.REJECTED_COLOR.getRGB() & 0xffffff, 0) > 1444,
                "rejected rectangle drawn in the rejected colour");
        assertTrue(colours.getOrDefault(CategoricalMap.OUTLIER_COLOR.getRGB() & 0xffffff, 0) > 0, "outliers drawn red");
        Files.write(Path.of("target", "DBSCANClusterTest-L3.png"), png.toByteArray());

        List<ProvenanceEventRecord> forks = runner.getProvenanceEvents().stream()
                .filter(e -> e.getEventType() == ProvenanceEventType.FORK && e.getDetails() != null).toList();
        assertEquals(1, forks.size(), runner.getProvenanceEvents().toString());
        assertEquals(2, forks.get(0).getChildUuids().size());
        assertTrue(forks.get(0).getChildUuids().containsAll(List.of(h5.getAttribute("uuid"), png.getAttribute("uuid"))));
        assertTrue(forks.get(0).getDetails().contains("MinPts=8"), forks.get(0).getDetails());
        OutputChecks.assertForkOf(runner, original.getAttribute("uuid"), List.of(h5, png), "MinPts=8");
        // the PNG phase map carries the same history as the HDF5 result: the chain's three steps
        for (MockFlowFile out : List.of(h5, png)) {
            List<ProcessStep> steps = OutputChecks.assertCarriesHistory(out, "DBSCANCluster", "fe_scene_norm_snr.h5",
                    original.getAttribute("uuid"), "\"Eps\":\"0.3\"");
            assertEquals(List.of("nifi-spectro NormalizeSpectra", "nifi-spectro RejectLowSNR", "nifi-spectro DBSCANCluster"),
                    steps.stream().map(ProcessStep::program).toList(), out.getAttribute("filename"));
        }
    }

    @Test
    void normalizeSpectraOutputWithoutMaskUsesEveryPixel() throws Exception {
        TestRunner runner = cluster(normalizedOnly, Map.of("Edge Windows", "L3", "PCA Energy Range", "705-714"));
        runner.assertTransferCount(DBSCANCluster.REL_SUCCESS, 2);
        MockFlowFile h5 = output(runner, "phase-map");
        h5.assertAttributeEquals(DBSCANCluster.ATTR_REJECTED_FRACTION, "0.000000");
        try (HdfFile f = new HdfFile(save(h5, "unmasked.h5"))) {
            double[] range = (double[]) ((io.jhdf.api.Group) f.getByPath("/entry")).getAttribute("pca_energy_range_eV_L3").getData();
            assertTrue(range[0] >= 705 && range[1] <= 714, Arrays.toString(range));
        }
        Files.write(Path.of("target", "DBSCANClusterTest-unmasked.png"), output(runner, "plot").toByteArray());
    }

    @Test
    void badInputGoesToFailureWithTheReason() throws Exception {
        Map<String, String> expect = new HashMap<>();
        TestRunner runner = TestRunners.newTestRunner(DBSCANCluster.class);
        runner.enqueue(new byte[0], Map.of("filename", "empty.h5"));
        runner.enqueue("not hdf5 at all".getBytes(), Map.of("filename", "text.h5"));
        byte[] good = rejected.toByteArray();
        runner.enqueue(Arrays.copyOf(good, good.length / 3), Map.of("filename", "truncated.h5"));
        Path raw = ChainFixtures.dataExchange(dir.resolve("raw.h5"), scene.energy(), scene.od(), NY, NX);
        runner.enqueue(raw, Map.of("filename", "raw.h5"));
        runner.run(4);
        runner.assertTransferCount(DBSCANCluster.REL_FAILURE, 4);
        runner.assertTransferCount(DBSCANCluster.REL_SUCCESS, 0);
        for (MockFlowFile f : runner.getFlowFilesForRelationship(DBSCANCluster.REL_FAILURE)) {
            String error = f.getAttribute(SpectroAttributes.ERROR);
            String where = f.getAttribute(SpectroAttributes.ERROR_WHERE);
            assertNotNull(error);
            assertTrue(where.contains(f.getAttribute("filename")), where + " / " + error);
            assertTrue(f.isPenalized());
            expect.put(f.getAttribute("filename"), error);
        }
        assertTrue(expect.get("empty.h5").contains("empty"), expect.get("empty.h5"));
        assertTrue(expect.get("raw.h5").contains("run NormalizeSpectra"), expect.get("raw.h5"));

        // unknown window and memory budget
        TestRunner w = cluster(rejected, Map.of("Edge Windows", "K"));
        w.assertTransferCount(DBSCANCluster.REL_FAILURE, 1);
        assertTrue(w.getFlowFilesForRelationship(DBSCANCluster.REL_FAILURE).get(0).getAttribute(SpectroAttributes.ERROR)
                .contains("'K' is not in the file"));
        TestRunner m = cluster(rejected, Map.of("Memory Budget", "100 KB"));
        m.assertTransferCount(DBSCANCluster.REL_FAILURE, 1);
        MockFlowFile over = m.getFlowFilesForRelationship(DBSCANCluster.REL_FAILURE).get(0);
        over.assertAttributeEquals(SpectroAttributes.ERROR_KIND, "limit");
        assertTrue(over.getAttribute(SpectroAttributes.ERROR).contains("budget"), over.getAttribute(SpectroAttributes.ERROR));
        // PCA range outside the window
        TestRunner r = cluster(rejected, Map.of("PCA Energy Range", "800-900"));
        r.assertTransferCount(DBSCANCluster.REL_FAILURE, 1);
        assertTrue(r.getFlowFilesForRelationship(DBSCANCluster.REL_FAILURE).get(0).getAttribute(SpectroAttributes.ERROR)
                .contains("PCA energy range"));
    }

    @Test
    void invalidConfigurations() {
        TestRunner runner = TestRunners.newTestRunner(DBSCANCluster.class);
        runner.setProperty(DBSCANCluster.EPS, "0");
        runner.assertNotValid();
        runner.removeProperty(DBSCANCluster.EPS);
        runner.setProperty(DBSCANCluster.PCA_RANGE, "720-710");
        runner.assertNotValid();
        runner.setProperty(DBSCANCluster.PCA_RANGE, "705-714");
        runner.setProperty(DBSCANCluster.COMPONENT_RULE, "Explained Variance");
        runner.setProperty(DBSCANCluster.VARIANCE, "1.5");
        runner.assertNotValid();
        runner.setProperty(DBSCANCluster.VARIANCE, "0.95");
        runner.assertValid();
    }
}
