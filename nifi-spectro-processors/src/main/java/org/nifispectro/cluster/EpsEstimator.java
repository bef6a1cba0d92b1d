package org.nifispectro.cluster;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Automatic DBSCAN Eps from the sorted k-distance graph (Ester et al. 1996, section 4.2), for
 * users who do not know a radius.
 *
 * <h2>Method</h2>
 * <ol>
 *   <li>For a deterministic sample of the points (every s-th point in input order, at most
 *       {@code maxSample}, default {@value #DEFAULT_SAMPLE}) compute the distance to the k-th
 *       nearest other point in the whole set, with k = MinPts - 1 so that an Eps equal to that
 *       distance makes the point a core point under scikit-learn's MinPts convention (which
 *       counts the point itself). The same distance is scikit-learn's
 *       {@code NearestNeighbors(n_neighbors=k+1).kneighbors(X)[0][:, k]}.</li>
 *   <li>Sort ascending and drop the MinPts largest values (a handful of far outliers, which
 *       could never form a cluster of their own, must not set the scale of the curve).</li>
 *   <li>Knee ("Kneedle", Satopaa et al. 2011): scale index and distance of the remaining curve
 *       to [0, 1]; the knee is the point farthest below the chord from the first to the last
 *       point, i.e. the maximum of {@code x_norm - y_norm}. Eps = the k-distance there.</li>
 * </ol>
 * Design note (measured on the synthetic stack of SyntheticPhaseRecoveryTest, 36,107 kept
 * pixels, 3 PCA scores, MinPts 10): cutting the curve at its 99th percentile instead put the knee
 * at the 84th percentile (Eps 0.016, ARI 0.82: 3,489 pixels of the major phases became noise);
 * the whole curve less the top MinPts values gives the knee at the 98th percentile (Eps 0.037,
 * ARI 0.989, 284 noise points).
 * Points whose k-distance lies above the knee (sparse points) become noise, which is how the
 * seed paper isolates its minority phase. {@link #percentile} offers the simpler rule used by
 * the reference script {@code make_stack_reference.py} (90th percentile of the k-distances).
 *
 * <h2>References</h2>
 * <ul>
 *   <li>Ester, Kriegel, Sander, Xu, KDD-96 (sorted k-dist graph).</li>
 *   <li>Satopaa, Albrecht, Irwin, Raghavan, Finding a "Kneedle" in a haystack: detecting knee
 *       points in system behavior, ICDCS Workshops 2011, 166-171.</li>
 * </ul>
 */
public final class EpsEstimator {

    /** Default number of sampled points for the k-distance graph. */
    public static final int DEFAULT_SAMPLE = 50000;

    private EpsEstimator() {
    }

    /**
     * An Eps estimate.
     *
     * @param eps         the estimated radius
     * @param k           neighbour rank used (MinPts - 1, at least 1)
     * @param kDistances  sorted k-distances of the sample (ascending)
     * @param kneeIndex   index of the knee in {@code kDistances}
     * @param method      "kneedle" or "percentile"
     */
    public record Estimate(double eps, int k, double[] kDistances, int kneeIndex, String method) {
    }

    /**
     * Sorted k-distances (k-th nearest other point) of a deterministic sample.
     */
    public static double[] kDistances(KdTree tree, int k, int maxSample) {
        int n = tree.size();
        if (k < 1 || k >= n) {
            throw new IllegalArgumentException("k-distance rank " + k + " needs more than " + k + " points, have " + n);
        }
        if (maxSample < 1) {
            throw new IllegalArgumentException("k-distance sample size must be positive, got " + maxSample);
        }
        int m = Math.min(n, maxSample);
        double step = (double) n / m;
        // sample in original index order: map original -> tree index
        int[] treeOf = new int[n];
        for (int t = 0; t < n; t++) {
            treeOf[tree.originalIndex(t)] = t;
        }
        double[] out = new double[m];
        IntStream.range(0, m).parallel().forEach(i -> out[i] = tree.kthNeighbourDistance(treeOf[(int) (i * step)], k));
        Arrays.sort(out);
        return out;
    }

    /** Kneedle estimate with the default sample size. */
    public static Estimate estimate(KdTree tree, int minPts) {
        return estimate(tree, minPts, DEFAULT_SAMPLE);
    }

    /** Kneedle estimate on the sorted k-distance graph (k = max(1, minPts - 1)). */
    public static Estimate estimate(KdTree tree, int minPts, int maxSample) {
        int k = Math.max(1, minPts - 1);
        double[] kd = kDistances(tree, k, maxSample);
        int knee = knee(kd, kd.length - 1 - Math.min(minPts, kd.length / 100));
        double eps = kd[knee];
        if (!(eps > 0)) {
            // duplicated points: fall back to the first positive distance
            for (double v : kd) {
                if (v > 0) {
                    eps = v;
                    break;
                }
            }
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("cannot estimate Eps: all sampled points coincide with their "
                    + k + " nearest neighbours");
        }
        return new Estimate(eps, k, kd, knee, "kneedle");
    }

    /**
     * The rule of the reference script: Eps = the q-th percentile (numpy linear interpolation)
     * of the distances to the k-th nearest other point, k = {@code kRank}.
     */
    public static Estimate percentile(KdTree tree, int kRank, double q, int maxSample) {
        if (!(q >= 0 && q <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + q);
        }
        double[] kd = kDistances(tree, kRank, maxSample);
        double pos = q / 100.0 * (kd.length - 1);
        int i = (int) Math.floor(pos);
        double f = pos - i;
        double eps = i + 1 < kd.length ? kd[i] + f * (kd[i + 1] - kd[i]) : kd[i];
        return new Estimate(eps, kRank, kd, i, "percentile");
    }

    /**
     * Knee of an ascending curve (Kneedle, maximum of {@code x_norm - y_norm}) computed on
     * {@code sorted[0..last]}.
     *
     * @return index into {@code sorted}
     */
    public static int knee(double[] sorted, int last) {
        int m = sorted.length;
        if (m < 3) {
            return m - 1;
        }
        last = Math.max(2, Math.min(last, m - 1));
        double y0 = sorted[0], y1 = sorted[last];
        if (!(y1 > y0)) {
            return last;
        }
        int best = last;
        double bestD = -1;
        for (int i = 0; i <= last; i++) {
            double x = (double) i / last;
            double y = (sorted[i] - y0) / (y1 - y0);
            double dd = x - y;
            if (dd > bestD) {
                bestD = dd;
                best = i;
            }
        }
        return best;
    }
}
