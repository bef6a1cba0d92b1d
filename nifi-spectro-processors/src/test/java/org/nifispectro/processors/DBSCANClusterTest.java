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

    static final int NY = 120;
    static final int NX = 120;
    /** L3 and L2 edges of the Fe L2,3 scan (700-730 eV), as the seed clusters Nd L3 and L2 apart. */
    static final String WINDOWS = "L3:700-716, L2:714-730";

    @TempDir
    static Path dir;

    static SeedLikeStacks.Scene scene;
    static MockFlowFile rejected;
    static MockFlowFile normalizedOnly;

    @BeforeAll
    static void chain() throws Exception {
        scene = SeedLikeStacks.opticalDensity(NY, NX, 20261121L);
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
        // the synthetic Fe L edge steps are 10-15x the OD noise at full thickness, 0.1x in the low-signal region
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
            ClusterAgreement.Contingency t = ClusterAgreement.contingency(pair[0], pair[1]);
            double ari = ClusterAgreement.adjustedRandIndex(t);
            String table = w + " ARI " + ari + " truth rows " + Arrays.toString(t.rowLabels()) + " cols "
                    + Arrays.toString(t.colLabels()) + " " + Arrays.deepToString(t.counts());
            System.out.println("DBSCANCluster synthetic chain: " + table);
            assertTrue(ari >= 0.95, table);
            // the minority phase (truth 2) is found: mostly in the outlier group, hardly in the major clusters
            int minority = 0, minorityOutliers = 0, outliers = 0;
            for (int i = 0; i < pair[0].length; i++) {
                if (pair[0][i] == 2) {
                    minority++;
                    minorityOutliers += pair[1][i] == ClusterJob.OUTLIER ? 1 : 0;
                }
                outliers += pair[1][i] == ClusterJob.OUTLIER ? 1 : 0;
            }
            assertTrue(minorityOutliers >= 0.9 * minority, w + ": " + minorityOutliers + " of " + minority
                    + " minority pixels are outliers; " + table);
            assertTrue(minorityOutliers >= 0.5 * outliers, w + ": outlier group is " + minorityOutliers + " minority of "
                    + outliers + "; " + table);
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
}
