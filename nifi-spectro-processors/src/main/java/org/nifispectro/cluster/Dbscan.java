package org.nifispectro.cluster;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;

/**
 * Exact DBSCAN (Ester et al. 1996) with the labels scikit-learn 1.2's
 * {@code sklearn.cluster.DBSCAN} gives, border points included.
 *
 * <h2>Definitions (as scikit-learn)</h2>
 * A point is a <em>core</em> point when at least {@code minPts} points, itself included, lie at
 * Euclidean distance {@code <= eps}. Core points within eps of each other are in the same
 * cluster; a non-core point within eps of a core point is a <em>border</em> point of that
 * cluster; every other point is noise ({@link #NOISE}). Clusters are numbered 0, 1, ... in the
 * order of their lowest-index core point, and a border point reached by several clusters gets
 * the lowest-numbered one: both are exactly what scikit-learn's depth-first expansion in index
 * order produces, so labels are identical, not just equal up to relabelling.
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>A bounding-box {@link KdTree} over the points; for every leaf (at most 16 points) the
 *       leaves whose boxes come within eps of its box are found once (one tree walk per leaf
 *       instead of one per point), and each point then scans only those, after a point-to-box
 *       test.</li>
 *   <li>Core test: a radius count per point that stops at {@code minPts} (parallel).</li>
 *   <li>Core points are joined with a lock-free union-find (link by CAS of the larger root
 *       under the smaller) while enumerating each core point's neighbours (parallel).</li>
 *   <li>Clusters are numbered by their smallest original core index; each border point takes
 *       the smallest cluster number among its core neighbours.</li>
 * </ol>
 * Cost is dominated by neighbour enumeration for core points (proportional to the mean number
 * of eps-neighbours), memory is O(n d).
 *
 * <h2>Why not SMILE</h2>
 * {@code smile.clustering.DBSCAN.fit(double[][], minPts, radius)} (SMILE 4.4.2) took 56.4 s
 * on the 387,086-point, d = 5, eps = 0.3, minPts = 10 benchmark set (bench_sklearn_dbscan.py
 * recipe) on the 2-core test machine (2026-11-21), far from the few seconds the 30 s chain
 * target leaves for clustering; this implementation is measured in ClusterBenchmark.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>Ester, Kriegel, Sander, Xu, A density-based algorithm for discovering clusters in large
 *       spatial databases with noise, KDD-96, 226-231.</li>
 *   <li>Schubert, Sander, Ester, Kriegel, Xu, DBSCAN revisited, revisited, ACM TODS 42 (2017) 19.</li>
 *   <li>scikit-learn 1.2 {@code sklearn/cluster/_dbscan.py}, {@code _dbscan_inner.pyx}.</li>
 *   <li>Duan et al., Sci. Rep. 6:34406 (2016): DBSCAN on PCA scores of XANES pixel spectra.</li>
 * </ul>
 */
public final class Dbscan {

    /** Label of noise (outlier) points, as scikit-learn. */
    public static final int NOISE = -1;

    private Dbscan() {
    }

    /**
     * Result: labels per input point ({@link #NOISE} or 0..nClusters-1), core flags and sizes.
     *
     * @param labels       one label per point, input order
     * @param core         core-point flags, input order
     * @param nClusters    number of clusters
     * @param clusterSizes points per cluster (core + border)
     * @param nNoise       number of noise points
     * @param eps          radius used
     * @param minPts       minimum neighbourhood size used (point itself included)
     */
    public record Result(int[] labels, boolean[] core, int nClusters, int[] clusterSizes, int nNoise, double eps,
                         int minPts) {
    }

    /**
     * Clusters points given as rows.
     *
     * @param points {@code n} rows of equal dimension d &gt;= 1
     * @param eps    neighbourhood radius (&gt; 0, finite)
     * @param minPts minimum number of points in a core point's eps-neighbourhood, itself
     *               included (scikit-learn's {@code min_samples}), &gt;= 1
     */
    public static Result cluster(double[][] points, double eps, int minPts) {
        if (points == null || points.length == 0) {
            throw new IllegalArgumentException("DBSCAN needs at least one point");
        }
        int d = points[0].length;
        double[] flat = new double[points.length * d];
        for (int i = 0; i < points.length; i++) {
            if (points[i].length != d) {
                throw new IllegalArgumentException("point " + i + " has " + points[i].length + " coordinates, point 0 has "
                        + d);
            }
            System.arraycopy(points[i], 0, flat, i * d, d);
        }
        return cluster(flat, points.length, d, eps, minPts);
    }

    /**
     * Clusters points given row-major in a flat array ({@code n * d} values).
     */
    public static Result cluster(double[] flat, int n, int d, double eps, int minPts) {
        checkParams(eps, minPts);
        return cluster(new KdTree(flat, n, d), eps, minPts);
    }

    /**
     * Clusters the points of an existing tree (e.g. the one used for {@link EpsEstimator}).
     */
    public static Result cluster(KdTree tree, double eps, int minPts) {
        checkParams(eps, minPts);
        final int n = tree.size();
        final double eps2 = eps * eps;
        final int[] leaves = tree.leaves();
        final int nl = leaves.length;
        final int[][] cand = new int[nl][];
        final double[] pts = tree.pts;
        final int d = tree.dims();
        // 1. core test: per-point radius count, nearest subtree first, stopping at minPts
        final boolean[] coreT = new boolean[n];
        IntStream.range(0, nl).parallel().forEach(li -> {
            int leaf = leaves[li];
            for (int p = tree.nodeLo(leaf), e = tree.nodeHi(leaf); p < e; p++) {
                coreT[p] = tree.countWithin(p, eps2, minPts) >= minPts;
            }
            cand[li] = tree.candidateLeaves(leaf, eps2);
        });
        // 2. union-find over core points (tree order)
        final AtomicIntegerArray parent = new AtomicIntegerArray(n);
        for (int t = 0; t < n; t++) {
            parent.set(t, t);
        }
        // leaves whose points are all core and whose box diagonal is <= eps are "units": all
        // their points are mutually eps-close, so they are united once and a single eps-close
        // pair then connects a whole unit
        final boolean[] unit = new boolean[tree.nodeCount()];
        for (int leaf : leaves) {
            int lo = tree.nodeLo(leaf), hi = tree.nodeHi(leaf);
            boolean all = true;
            for (int p = lo; p < hi && all; p++) {
                all = coreT[p];
            }
            if (all && tree.boxMaxDist2(leaf, leaf) <= eps2) {
                unit[leaf] = true;
                for (int p = lo + 1; p < hi; p++) {
                    union(parent, lo, p);
                }
            }
        }
        IntStream.range(0, nl).parallel().forEach(li -> {
            int leaf = leaves[li];
            int[] cl = cand[li];
            boolean selfUnit = unit[leaf];
            for (int p = tree.nodeLo(leaf), e = tree.nodeHi(leaf); p < e; p++) {
                if (!coreT[p]) {
                    continue;
                }
                int po = p * d;
                for (int c : cl) {
                    int qlo = tree.nodeLo(c), qhi = tree.nodeHi(c);
                    if (c == leaf && selfUnit) {
                        continue;
                    }
                    if (unit[c]) {
                        // one eps-close pair connects p to the whole unit
                        if (find(parent, qlo) == find(parent, p) || tree.minDist2(pts, po, c) > eps2) {
                            continue;
                        }
                        if (tree.maxDist2(pts, po, c) <= eps2) {
                            union(parent, p, qlo);
                            continue;
                        }
                        for (int q = qlo; q < qhi; q++) {
                            if (tree.dist2Tree(p, q) <= eps2) {
                                union(parent, p, q);
                                break;
                            }
                        }
                        continue;
                    }
                    if (qhi <= p + 1 || tree.minDist2(pts, po, c) > eps2) {
                        continue;
                    }
                    boolean all = tree.maxDist2(pts, po, c) <= eps2;
                    for (int q = Math.max(qlo, p + 1); q < qhi; q++) {
                        if (coreT[q] && (all || tree.dist2Tree(p, q) <= eps2)) {
                            union(parent, p, q);
                        }
                    }
                }
            }
        });
        // 3. number clusters by their smallest original core index
        int[] minOrig = new int[n];
        Arrays.fill(minOrig, Integer.MAX_VALUE);
        int[] rootOf = new int[n];
        for (int t = 0; t < n; t++) {
            if (coreT[t]) {
                int r = find(parent, t);
                rootOf[t] = r;
                int o = tree.originalIndex(t);
                if (o < minOrig[r]) {
                    minOrig[r] = o;
                }
            }
        }
        int[] rootsByMin = new int[n];
        Arrays.fill(rootsByMin, -1);
        for (int t = 0; t < n; t++) {
            if (coreT[t] && rootOf[t] == t) {
                rootsByMin[minOrig[t]] = t;
            }
        }
        int[] clusterOfRoot = new int[n];
        int nc = 0;
        for (int o = 0; o < n; o++) {
            if (rootsByMin[o] >= 0) {
                clusterOfRoot[rootsByMin[o]] = nc++;
            }
        }
        final int[] labelT = new int[n];
        for (int t = 0; t < n; t++) {
            labelT[t] = coreT[t] ? clusterOfRoot[rootOf[t]] : NOISE;
        }
        // 4. border points: smallest cluster number among core neighbours
        final int[] borderT = new int[n];
        IntStream.range(0, nl).parallel().forEach(li -> {
            int leaf = leaves[li];
            int[] cl = cand[li];
            for (int p = tree.nodeLo(leaf), e = tree.nodeHi(leaf); p < e; p++) {
                if (coreT[p]) {
                    borderT[p] = labelT[p];
                    continue;
                }
                int best = Integer.MAX_VALUE;
                int po = p * d;
                for (int c : cl) {
                    if (tree.minDist2(pts, po, c) > eps2) {
                        continue;
                    }
                    for (int q = tree.nodeLo(c), qhi = tree.nodeHi(c); q < qhi; q++) {
                        if (coreT[q] && labelT[q] < best && tree.dist2Tree(p, q) <= eps2) {
                            best = labelT[q];
                        }
                    }
                }
                borderT[p] = best == Integer.MAX_VALUE ? NOISE : best;
            }
        });
        int[] labels = new int[n];
        boolean[] core = new boolean[n];
        int[] sizes = new int[nc];
        int noise = 0;
        for (int t = 0; t < n; t++) {
            int o = tree.originalIndex(t);
            labels[o] = borderT[t];
            core[o] = coreT[t];
            if (borderT[t] >= 0) {
                sizes[borderT[t]]++;
            } else {
                noise++;
            }
        }
        return new Result(labels, core, nc, sizes, noise, eps, minPts);
    }

    private static void checkParams(double eps, int minPts) {
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("DBSCAN Eps must be a positive finite distance, got " + eps);
        }
        if (minPts < 1) {
            throw new IllegalArgumentException("DBSCAN MinPts must be at least 1, got " + minPts);
        }
    }

    private static int find(AtomicIntegerArray parent, int x) {
        while (true) {
            int p = parent.get(x);
            if (p == x) {
                return x;
            }
            int g = parent.get(p);
            if (g != p) {
                parent.compareAndSet(x, p, g); // path halving; only ever points to an ancestor
            }
            x = g;
        }
    }

    private static void union(AtomicIntegerArray parent, int a, int b) {
        while (true) {
            int ra = find(parent, a);
            int rb = find(parent, b);
            if (ra == rb) {
                return;
            }
            if (ra < rb) {
                int t = ra;
                ra = rb;
                rb = t;
            }
            if (parent.compareAndSet(ra, ra, rb)) {
                return;
            }
        }
    }
}
