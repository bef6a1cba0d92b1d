package org.nifispectro.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.cluster.ClusterAgreement;

/**
 * ClusterJob against scikit-learn 1.2.1 on the same normalized spectra: PCA(3, svd_solver='full')
 * and DBSCAN(eps, min_samples=10) per window, made by make_cluster_reference.py from the committed
 * RejectLowSNR output seedlike48_snr.h5 (see SOURCES.md). With the PCA fitted on every kept pixel the
 * reduced coordinates are the same, so the labels must be identical (up to relabelling; border points
 * that two clusters reach may differ) and the explained variance ratios agree within 1e-6.
 */
class ClusterJobSklearnTest {

    static final int N = 48;

    @TempDir
    Path dir;

    private Path fixture() throws Exception {
        Path in = dir.resolve("seedlike48_snr.h5");
        try (InputStream s = getClass().getResourceAsStream("/pipeline/seedlike48_snr.h5")) {
            Files.copy(s, in);
        }
        return in;
    }

    private static String[] reference(String label) throws Exception {
        try (InputStream s = ClusterJobSklearnTest.class.getResourceAsStream("/pipeline/seedlike48_sklearn_" + label + ".txt")) {
            return new String(s.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
        }
    }

    @Test
    void labelsAndExplainedVarianceMatchScikitLearn() throws Exception {
        Path in = fixture();
        for (String label : List.of("L3", "L2")) {
            double eps = label.equals("L3") ? 0.3 : 0.15;
            ClusterJob.Result r = ClusterJob.run(in, dir.resolve("out_" + label + ".h5"), ClusterJob.Config.defaults()
                    .withWindows(List.of(label)).withEps(eps).withMaxFitPixels(0).withThreads(2)
                    .withMinClusterSize(ClusterJob.MinClusterSize.OFF), null);
            ClusterJob.WindowResult w = r.windows().get(0);
            String[] ref = reference(label);
            double[] ratio = Arrays.stream(ref[0].trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
            for (int i = 0; i < ratio.length; i++) {
                assertEquals(ratio[i], w.explainedVarianceRatio()[i], 1e-6, label + " explained variance ratio " + i);
            }
            int[] expected = Arrays.stream(ref[1].trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
            assertEquals(N * N, expected.length);
            int differ = 0;
            int clustered = 0;
            for (int p = 0; p < expected.length; p++) {
                assertEquals(expected[p] == -2, w.labels()[p] == ClusterJob.REJECTED, label + " pixel " + p + " rejected");
                if (expected[p] != -2) {
                    clustered++;
                }
            }
            int[] a = new int[clustered];
            int[] b = new int[clustered];
            int i = 0;
            for (int p = 0; p < expected.length; p++) {
                if (expected[p] != -2) {
                    a[i] = expected[p];
                    b[i++] = w.labels()[p];
                }
            }
            // identical partition: the contingency table has one non-zero cell per row and per column
            ClusterAgreement.Contingency t = ClusterAgreement.contingency(a, b);
            for (long[] row : t.counts()) {
                int nonZero = 0;
                for (long v : row) {
                    nonZero += v > 0 ? 1 : 0;
                }
                differ += nonZero - 1;
            }
            assertEquals(0, differ, label + " contingency " + Arrays.deepToString(t.counts()));
            assertEquals(1.0, ClusterAgreement.adjustedRandIndex(t), 1e-12, label);
            // noise is noise in both
            for (int k = 0; k < a.length; k++) {
                assertEquals(a[k] == -1, b[k] == ClusterJob.OUTLIER, label + " outlier " + k);
            }
        }
    }
}
