package org.nifispectro.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.jhdf.HdfFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DBSCAN and the k-distance Eps rule against scikit-learn 1.2.1 on the real ALS STXM Fe L2,3
 * stack 71214078: make_stack_reference.py ran PCA on the normalized Fe-pixel spectra, then
 * DBSCAN(eps = 90th percentile of the 10th-neighbour distance, min_samples = 10) on the first 3
 * scores. The same scores (pca_scores in the reference file) are clustered here.
 */
class DbscanSklearnReferenceTest {

    static double[][] x3;
    static int[] refLabels;
    static double refEps;

    @BeforeAll
    static void load() throws Exception {
        Path p = Path.of(DbscanSklearnReferenceTest.class.getResource("/cluster/stxm_71214078_reference.h5").toURI());
        try (HdfFile h = new HdfFile(p)) {
            double[][] scores = (double[][]) h.getDatasetByPath("/pca_scores").getData();
            int[][] labels = (int[][]) h.getDatasetByPath("/labels").getData();
            Object eps = h.getAttribute("dbscan_eps").getData();
            refEps = eps instanceof double[] a ? a[0] : (Double) eps;
            x3 = new double[scores.length][];
            for (int i = 0; i < scores.length; i++) {
                x3[i] = new double[] {scores[i][0], scores[i][1], scores[i][2]};
            }
            List<Integer> l = new ArrayList<>();
            for (int[] row : labels) {
                for (int v : row) {
                    if (v != -2) { // -2 = not an Fe pixel
                        l.add(v);
                    }
                }
            }
            refLabels = l.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    @Test
    void labelsIdenticalToSklearn() {
        assertEquals(5581, x3.length);
        assertEquals(x3.length, refLabels.length);
        Dbscan.Result r = Dbscan.cluster(x3, refEps, 10);
        // identical labels, numbering and border points included
        assertArrayEquals(refLabels, r.labels());
        assertEquals(2, r.nClusters());
        assertEquals(314, r.nNoise());
        assertArrayEquals(new int[] {5259, 8}, r.clusterSizes());
        assertEquals(1.0, ClusterAgreement.adjustedRandIndex(refLabels, r.labels()), 0);
    }

    @Test
    void percentileEpsRuleMatchesSklearnNearestNeighbors() {
        double[] flat = new double[x3.length * 3];
        for (int i = 0; i < x3.length; i++) {
            System.arraycopy(x3[i], 0, flat, i * 3, 3);
        }
        KdTree tree = new KdTree(flat, x3.length, 3);
        EpsEstimator.Estimate e = EpsEstimator.percentile(tree, 10, 90, Integer.MAX_VALUE);
        assertEquals(refEps, e.eps(), 1e-12 * refEps);
    }

    @Test
    void kneedleEstimateGivesAUsableRadius() {
        double[] flat = new double[x3.length * 3];
        for (int i = 0; i < x3.length; i++) {
            System.arraycopy(x3[i], 0, flat, i * 3, 3);
        }
        KdTree tree = new KdTree(flat, x3.length, 3);
        EpsEstimator.Estimate e = EpsEstimator.estimate(tree, 10);
        Dbscan.Result r = Dbscan.cluster(tree, e.eps(), 10);
        // the main Fe phase must come out as one large cluster holding most Fe pixels
        int largest = 0;
        for (int s : r.clusterSizes()) {
            largest = Math.max(largest, s);
        }
        assertTrue(largest > 0.8 * x3.length, "largest cluster " + largest + " of " + x3.length + " at eps " + e.eps());
        assertTrue(ClusterAgreement.adjustedRandIndex(refLabels, r.labels()) > 0.5,
                "ARI vs sklearn labels at eps " + e.eps());
    }
}
