package org.nifispectro.cluster;

import java.util.Arrays;

/**
 * Agreement between two labelings of the same points (e.g. the L3-edge and the L2-edge phase
 * maps, or a clustering against a known phase map): the contingency table and the adjusted Rand
 * index (Hubert and Arabie 1985), computed exactly as scikit-learn's
 * {@code adjusted_rand_score}. Every distinct label, including {@link Dbscan#NOISE}, counts as
 * one group; points a caller wants to leave out (rejected pixels) must be removed beforehand.
 *
 * <p>References: Hubert, L., Arabie, P., Comparing partitions, J. Classif. 2 (1985) 193;
 * scikit-learn 1.2 {@code sklearn.metrics.cluster.adjusted_rand_score}.
 */
public final class ClusterAgreement {

    private ClusterAgreement() {
    }

    /**
     * Contingency table: {@code counts[i][j]} = points with label {@code rowLabels[i]} in the
     * first labeling and {@code colLabels[j]} in the second (labels sorted ascending).
     */
    public record Contingency(int[] rowLabels, int[] colLabels, long[][] counts, long n) {
    }

    /** Builds the contingency table of two labelings of equal length. */
    public static Contingency contingency(int[] a, int[] b) {
        if (a == null || b == null || a.length != b.length) {
            throw new IllegalArgumentException("labelings must have the same length, got "
                    + (a == null ? "null" : a.length) + " and " + (b == null ? "null" : b.length));
        }
        if (a.length == 0) {
            throw new IllegalArgumentException("labelings are empty");
        }
        int[] ra = Arrays.stream(a).distinct().sorted().toArray();
        int[] rb = Arrays.stream(b).distinct().sorted().toArray();
        long[][] c = new long[ra.length][rb.length];
        for (int i = 0; i < a.length; i++) {
            c[Arrays.binarySearch(ra, a[i])][Arrays.binarySearch(rb, b[i])]++;
        }
        return new Contingency(ra, rb, c, a.length);
    }

    /** Adjusted Rand index of two labelings (1 = identical up to relabelling, ~0 = chance). */
    public static double adjustedRandIndex(int[] a, int[] b) {
        return adjustedRandIndex(contingency(a, b));
    }

    /** Adjusted Rand index from a contingency table. */
    public static double adjustedRandIndex(Contingency t) {
        double sumComb = 0;
        double[] rowSum = new double[t.rowLabels().length];
        double[] colSum = new double[t.colLabels().length];
        for (int i = 0; i < rowSum.length; i++) {
            for (int j = 0; j < colSum.length; j++) {
                long v = t.counts()[i][j];
                sumComb += comb2(v);
                rowSum[i] += v;
                colSum[j] += v;
            }
        }
        double sa = 0, sb = 0;
        for (double v : rowSum) {
            sa += comb2(v);
        }
        for (double v : colSum) {
            sb += comb2(v);
        }
        double total = comb2(t.n());
        double expected = total == 0 ? 0 : sa * sb / total;
        double max = 0.5 * (sa + sb);
        if (max == expected) {
            return 1.0; // both trivial (one group each, or all singletons): scikit-learn returns 1
        }
        return (sumComb - expected) / (max - expected);
    }

    private static double comb2(double v) {
        return v * (v - 1) / 2.0;
    }

    /**
     * For each label of {@code a}, the label of {@code b} it overlaps most (majority mapping),
     * useful to relabel one phase map onto another.
     */
    public static int[] majorityMap(Contingency t) {
        int[] m = new int[t.rowLabels().length];
        for (int i = 0; i < m.length; i++) {
            long best = -1;
            for (int j = 0; j < t.colLabels().length; j++) {
                if (t.counts()[i][j] > best) {
                    best = t.counts()[i][j];
                    m[i] = t.colLabels()[j];
                }
            }
        }
        return m;
    }
}
