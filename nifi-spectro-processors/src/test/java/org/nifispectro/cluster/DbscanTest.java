package org.nifispectro.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** DBSCAN on hand-checkable configurations and against a brute-force O(n^2) definition. */
class DbscanTest {

    @Test
    void lineOfPointsBorderAndNoise() {
        // 1-D: 0,1,2,3 spaced 1 (eps 1, minPts 3): 1 and 2 are core (3 points within 1), 0 and 3
        // border; 10 is noise
        double[][] x = {{0}, {1}, {2}, {3}, {10}};
        Dbscan.Result r = Dbscan.cluster(x, 1.0, 3);
        assertArrayEquals(new int[] {0, 0, 0, 0, -1}, r.labels());
        assertArrayEquals(new boolean[] {false, true, true, false, false}, r.core());
        assertEquals(1, r.nNoise());
    }

    @Test
    void borderPointTakesLowestClusterLikeSklearn() {
        // two core groups at 0 and 4 (3 points each), a border point at 2 reachable from both
        // (eps 2): sklearn expands cluster 0 first, so the border point gets label 0
        double[][] x = {{4}, {4.1}, {4.2}, {2.1}, {0}, {-0.1}, {-0.2}};
        Dbscan.Result r = Dbscan.cluster(x, 2.0, 3);
        // lowest core index is 0 (the group at 4): that group is cluster 0
        assertEquals(0, r.labels()[0]);
        assertEquals(1, r.labels()[4]);
        assertEquals(0, r.labels()[3]);
    }

    @Test
    void matchesBruteForceDefinition() {
        Random rnd = new Random(42);
        int n = 3000, d = 4;
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            for (int j = 0; j < d; j++) {
                x[i][j] = (c == 2 ? rnd.nextDouble() * 20 - 10 : c * 5 + rnd.nextGaussian() * 0.7);
            }
        }
        double eps = 0.9;
        int minPts = 8;
        int[] expected = bruteForceSklearn(x, eps, minPts);
        Dbscan.Result r = Dbscan.cluster(x, eps, minPts);
        assertArrayEquals(expected, r.labels());
        assertTrue(r.nClusters() >= 2);
    }

    /** Direct transcription of scikit-learn's dbscan_inner on brute-force neighbourhoods. */
    static int[] bruteForceSklearn(double[][] x, double eps, int minPts) {
        int n = x.length;
        int[][] nb = new int[n][];
        boolean[] core = new boolean[n];
        for (int i = 0; i < n; i++) {
            int[] tmp = new int[n];
            int c = 0;
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < x[i].length; k++) {
                    double e = x[i][k] - x[j][k];
                    s += e * e;
                }
                if (Math.sqrt(s) <= eps) {
                    tmp[c++] = j;
                }
            }
            nb[i] = java.util.Arrays.copyOf(tmp, c);
            core[i] = c >= minPts;
        }
        int[] labels = new int[n];
        java.util.Arrays.fill(labels, -1);
        int label = 0;
        java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            if (labels[i] != -1 || !core[i]) {
                continue;
            }
            int p = i;
            while (true) {
                if (labels[p] == -1) {
                    labels[p] = label;
                    if (core[p]) {
                        for (int j : nb[p]) {
                            if (labels[j] == -1) {
                                stack.push(j);
                            }
                        }
                    }
                }
                if (stack.isEmpty()) {
                    break;
                }
                p = stack.pop();
            }
            label++;
        }
        return labels;
    }

    @Test
    void badParametersRefusedWithReason() {
        double[][] x = {{0}, {1}};
        assertEquals("DBSCAN Eps must be a positive finite distance, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> Dbscan.cluster(x, 0, 3)).getMessage());
        assertEquals("DBSCAN MinPts must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Dbscan.cluster(x, 1, 0)).getMessage());
        double[][] bad = {{0}, {Double.NaN}};
        assertEquals("point 1, coordinate 0 is not finite (NaN)",
                assertThrows(IllegalArgumentException.class, () -> Dbscan.cluster(bad, 1, 1)).getMessage());
    }
}
