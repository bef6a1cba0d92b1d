package org.nifispectro.cluster;

/**
 * A static KD-tree over n points in d dimensions (d small, 1 to ~20) with a bounding box per
 * node, for exact fixed-radius counting/enumeration and k-nearest-neighbour distances.
 *
 * <p>Points are copied once into a flat array in tree order (leaves contiguous, cache
 * friendly). Nodes split the dimension of largest extent at the median (quickselect), leaves
 * hold at most {@value #LEAF} points. A query prunes a node when the squared distance from the
 * query to its box exceeds the squared radius, and takes a whole node without distance
 * computations when the farthest box corner is inside the radius. Distances are Euclidean and
 * "within eps" means {@code dist <= eps}, as scikit-learn's {@code radius_neighbors}.
 *
 * <p>Queries are thread-safe (the tree is immutable after construction).
 *
 * <p>References: Bentley, J. L., Multidimensional binary search trees used for associative
 * searching, CACM 18 (1975) 509; Friedman, Bentley, Finkel, An algorithm for finding best matches
 * in logarithmic expected time, ACM TOMS 3 (1977) 209.
 */
public final class KdTree {

    static final int LEAF = 16;

    private final int n;
    private final int d;
    /** Points in tree order, row-major. */
    final double[] pts;
    /** perm[treeIndex] = original index. */
    final int[] perm;
    int[] lo;
    int[] hi;
    int[] left;
    int[] right;
    private double[] bmin;
    private double[] bmax;
    private int nodes;

    /** Visitor of neighbours, given as tree-order indices. */
    public interface NeighbourVisitor {
        /** Called once per neighbour (tree index). */
        void visit(int treeIndex);
    }

    /**
     * Builds the tree.
     *
     * @param points row-major coordinates, {@code n * d} values
     * @param n      number of points (at least 1)
     * @param d      dimensions (at least 1)
     */
    public KdTree(double[] points, int n, int d) {
        if (n < 1 || d < 1) {
            throw new IllegalArgumentException("KD-tree needs at least one point and one dimension, got n=" + n
                    + ", d=" + d);
        }
        if (points.length < (long) n * d) {
            throw new IllegalArgumentException("coordinate array holds " + points.length + " values, need n*d = "
                    + ((long) n * d));
        }
        this.n = n;
        this.d = d;
        for (int i = 0; i < n * d; i++) {
            if (!Double.isFinite(points[i])) {
                throw new IllegalArgumentException("point " + (i / d) + ", coordinate " + (i % d) + " is not finite ("
                        + points[i] + ")");
            }
        }
        perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        int cap = 2 * (n / LEAF + 1) * 2 + 8;
        lo = new int[cap];
        hi = new int[cap];
        left = new int[cap];
        right = new int[cap];
        bmin = new double[cap * d];
        bmax = new double[cap * d];
        build(points, 0, n);
        pts = new double[n * d];
        for (int t = 0; t < n; t++) {
            System.arraycopy(points, perm[t] * d, pts, t * d, d);
        }
    }

    /** Number of points. */
    public int size() {
        return n;
    }

    /** Dimensions. */
    public int dims() {
        return d;
    }

    /** Original index of the point at tree index {@code t}. */
    public int originalIndex(int t) {
        return perm[t];
    }

    private int build(double[] p, int from, int to) {
        int node = nodes++;
        lo[node] = from;
        hi[node] = to;
        left[node] = -1;
        right[node] = -1;
        int bo = node * d;
        for (int k = 0; k < d; k++) {
            bmin[bo + k] = Double.POSITIVE_INFINITY;
            bmax[bo + k] = Double.NEGATIVE_INFINITY;
        }
        for (int i = from; i < to; i++) {
            int b = perm[i] * d;
            for (int k = 0; k < d; k++) {
                double v = p[b + k];
                if (v < bmin[bo + k]) {
                    bmin[bo + k] = v;
                }
                if (v > bmax[bo + k]) {
                    bmax[bo + k] = v;
                }
            }
        }
        if (to - from <= LEAF) {
            return node;
        }
        int dim = 0;
        double ext = -1;
        for (int k = 0; k < d; k++) {
            double e = bmax[bo + k] - bmin[bo + k];
            if (e > ext) {
                ext = e;
                dim = k;
            }
        }
        if (ext <= 0) {
            return node; // all points identical: a (large) leaf
        }
        int mid = (from + to) >>> 1;
        select(p, from, to - 1, mid, dim);
        int l = build(p, from, mid);
        int r = build(p, mid, to);
        left[node] = l;
        right[node] = r;
        return node;
    }

    private void select(double[] p, int l, int r, int k, int dim) {
        while (r > l) {
            double pivot = p[perm[(l + r) >>> 1] * d + dim];
            int i = l, j = r;
            while (i <= j) {
                while (p[perm[i] * d + dim] < pivot) {
                    i++;
                }
                while (p[perm[j] * d + dim] > pivot) {
                    j--;
                }
                if (i <= j) {
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                r = j;
            } else if (k >= i) {
                l = i;
            } else {
                return;
            }
        }
    }

    double minDist2(double[] q, int qo, int node) {
        int bo = node * d;
        double s = 0;
        for (int k = 0; k < d; k++) {
            double v = q[qo + k];
            double a = bmin[bo + k] - v;
            double b = v - bmax[bo + k];
            double e = a > 0 ? a : (b > 0 ? b : 0);
            s += e * e;
        }
        return s;
    }

    double maxDist2(double[] q, int qo, int node) {
        int bo = node * d;
        double s = 0;
        for (int k = 0; k < d; k++) {
            double v = q[qo + k];
            double a = Math.max(Math.abs(v - bmin[bo + k]), Math.abs(bmax[bo + k] - v));
            s += a * a;
        }
        return s;
    }

    /**
     * Counts points within {@code sqrt(eps2)} of the point at tree index {@code t} (itself
     * included), stopping as soon as {@code limit} is reached.
     */
    public int countWithin(int t, double eps2, int limit) {
        final double[] q = pts;
        final int qo = t * d;
        int[] stack = new int[64];
        int sp = 0;
        stack[sp++] = 0;
        int count = 0;
        while (sp > 0) {
            int node = stack[--sp];
            if (minDist2(q, qo, node) > eps2) {
                continue;
            }
            if (maxDist2(q, qo, node) <= eps2) {
                count += hi[node] - lo[node];
                if (count >= limit) {
                    return count;
                }
                continue;
            }
            if (left[node] < 0) {
                for (int i = lo[node]; i < hi[node]; i++) {
                    if (dist2(qo, i) <= eps2 && ++count >= limit) {
                        return count;
                    }
                }
                continue;
            }
            if (sp + 2 > stack.length) {
                stack = java.util.Arrays.copyOf(stack, stack.length * 2);
            }
            int l = left[node], r = right[node];
            if (minDist2(q, qo, l) <= minDist2(q, qo, r)) {
                stack[sp++] = r;
                stack[sp++] = l;
            } else {
                stack[sp++] = l;
                stack[sp++] = r;
            }
        }
        return count;
    }

    /** Visits every point within {@code sqrt(eps2)} of the point at tree index {@code t} (itself included). */
    public void visitWithin(int t, double eps2, NeighbourVisitor v) {
        final double[] q = pts;
        final int qo = t * d;
        int[] stack = new int[64];
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int node = stack[--sp];
            if (minDist2(q, qo, node) > eps2) {
                continue;
            }
            boolean all = maxDist2(q, qo, node) <= eps2;
            if (all) {
                for (int i = lo[node]; i < hi[node]; i++) {
                    v.visit(i);
                }
                continue;
            }
            if (left[node] < 0) {
                for (int i = lo[node]; i < hi[node]; i++) {
                    if (dist2(qo, i) <= eps2) {
                        v.visit(i);
                    }
                }
                continue;
            }
            if (sp + 2 > stack.length) {
                stack = java.util.Arrays.copyOf(stack, stack.length * 2);
            }
            stack[sp++] = right[node];
            stack[sp++] = left[node];
        }
    }

    private double dist2(int qo, int i) {
        int b = i * d;
        double s = 0;
        for (int k = 0; k < d; k++) {
            double e = pts[qo + k] - pts[b + k];
            s += e * e;
        }
        return s;
    }

    /**
     * Distance from the point at tree index {@code t} to its k-th nearest other point (the
     * point itself is the 0-th neighbour; as scikit-learn's
     * {@code kneighbors(n_neighbors=k+1)[0][:, k]}).
     */
    public double kthNeighbourDistance(int t, int k) {
        if (k < 1 || k >= n) {
            throw new IllegalArgumentException("k = " + k + " must be in 1.." + (n - 1) + " for " + n + " points");
        }
        int m = k + 1;
        // max-heap of squared distances, size m
        double[] heap = new double[m];
        int hs = 0;
        final int qo = t * d;
        int[] stack = new int[64];
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int node = stack[--sp];
            double bound = hs == m ? heap[0] : Double.POSITIVE_INFINITY;
            if (minDist2(pts, qo, node) > bound) {
                continue;
            }
            if (left[node] < 0) {
                for (int i = lo[node]; i < hi[node]; i++) {
                    double e = dist2(qo, i);
                    if (hs < m) {
                        heap[hs] = e;
                        siftUp(heap, hs++);
                    } else if (e < heap[0]) {
                        heap[0] = e;
                        siftDown(heap, m);
                    }
                }
                continue;
            }
            if (sp + 2 > stack.length) {
                stack = java.util.Arrays.copyOf(stack, stack.length * 2);
            }
            int l = left[node], r = right[node];
            // visit the nearer child first (pushed last)
            if (minDist2(pts, qo, l) <= minDist2(pts, qo, r)) {
                stack[sp++] = r;
                stack[sp++] = l;
            } else {
                stack[sp++] = l;
                stack[sp++] = r;
            }
        }
        return Math.sqrt(heap[0]);
    }

    /** Node ids of all leaves, in tree order (their point ranges tile 0..n). */
    int[] leaves() {
        int c = 0;
        for (int i = 0; i < nodes; i++) {
            if (left[i] < 0) {
                c++;
            }
        }
        int[] out = new int[c];
        c = 0;
        for (int i = 0; i < nodes; i++) {
            if (left[i] < 0) {
                out[c++] = i;
            }
        }
        return out;
    }

    int nodeCount() {
        return nodes;
    }

    int nodeLo(int node) {
        return lo[node];
    }

    int nodeHi(int node) {
        return hi[node];
    }

    /** Squared minimum distance between the boxes of two nodes. */
    private double boxMinDist2(int a, int b) {
        int ao = a * d, bo = b * d;
        double s = 0;
        for (int k = 0; k < d; k++) {
            double g1 = bmin[bo + k] - bmax[ao + k];
            double g2 = bmin[ao + k] - bmax[bo + k];
            double g = g1 > 0 ? g1 : (g2 > 0 ? g2 : 0);
            s += g * g;
        }
        return s;
    }

    /** Squared maximum distance between the boxes of two nodes. */
    double boxMaxDist2(int a, int b) {
        int ao = a * d, bo = b * d;
        double s = 0;
        for (int k = 0; k < d; k++) {
            double g = Math.max(bmax[bo + k] - bmin[ao + k], bmax[ao + k] - bmin[bo + k]);
            s += g * g;
        }
        return s;
    }

    /**
     * Leaves whose box comes within {@code sqrt(eps2)} of the box of leaf {@code leaf} (the leaf
     * itself included): every eps-neighbour of every point of the leaf lies in one of them;
     * null when there are more than {@code cap} of them.
     */
    int[] candidateLeaves(int leaf, double eps2, int cap) {
        int[] out = new int[16];
        int c = 0;
        int[] stack = new int[64];
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int node = stack[--sp];
            if (boxMinDist2(leaf, node) > eps2) {
                continue;
            }
            if (left[node] < 0) {
                if (c == cap) {
                    return null;
                }
                if (c == out.length) {
                    out = java.util.Arrays.copyOf(out, c * 2);
                }
                out[c++] = node;
                continue;
            }
            if (sp + 2 > stack.length) {
                stack = java.util.Arrays.copyOf(stack, stack.length * 2);
            }
            stack[sp++] = right[node];
            stack[sp++] = left[node];
        }
        return java.util.Arrays.copyOf(out, c);
    }

    /** Squared distance between the points at tree indices i and j. */
    double dist2Tree(int i, int j) {
        int a = i * d, b = j * d;
        double s = 0;
        for (int k = 0; k < d; k++) {
            double e = pts[a + k] - pts[b + k];
            s += e * e;
        }
        return s;
    }

    private static void siftUp(double[] h, int i) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (h[p] >= h[i]) {
                return;
            }
            double t = h[p];
            h[p] = h[i];
            h[i] = t;
            i = p;
        }
    }

    private static void siftDown(double[] h, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < size && h[l] > h[m]) {
                m = l;
            }
            if (r < size && h[r] > h[m]) {
                m = r;
            }
            if (m == i) {
                return;
            }
            double t = h[m];
            h[m] = h[i];
            h[i] = t;
            i = m;
        }
    }
}
