package org.nifispectro.decompose;

import java.util.Arrays;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;


/**
 * Exact principal component analysis by eigen-decomposition of the covariance matrix, with the
 * covariance accumulated slab by slab so that a stack larger than the heap can be streamed.
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>{@link Accumulator}: rows (pixel spectra, curves) arrive in slabs. The window
 *       {@code [from, to)} of each row is shifted by a fixed reference row {@code s} (the first
 *       row seen; this keeps the sums small and avoids the catastrophic cancellation of the
 *       textbook one-pass formula) and the sums {@code S1 = sum(x - s)} and the upper triangle of
 *       {@code S2 = sum((x - s)(x - s)^T)} are updated. The rank-B update of S2 is blocked:
 *       tiles of 16 rows of S2 (L2 resident) are updated by 4 slab rows at a time in a loop the
 *       JIT vectorises, tiles in parallel on the common ForkJoinPool.</li>
 *   <li>{@link Accumulator#finish}: {@code C = (S2 - S1 S1^T / n) / (n - 1)}, eigen-decomposition
 *       of the symmetric C with {@link SymmetricEigen}: every eigenvalue, eigenvectors of the
 *       {@link #MAX_AXES} largest only (measured for d = 1024 under load: 0.53 s against 8.2 s for
 *       Commons Math's EigenDecomposition, which computes all vectors; same values to 1e-15). Eigenvalues are the
 *       explained variances (divisor n-1 like scikit-learn), ratios are relative to trace(C).</li>
 *   <li>Scores are computed slab by slab ({@link PcaModel#project}); {@link #svdFlip} then fixes
 *       the sign of each axis the way scikit-learn 1.2's {@code PCA} does ({@code svd_flip} with
 *       {@code u_based_decision=True}: the score of largest magnitude of each component is made
 *       positive), so scores compare one to one with scikit-learn.</li>
 * </ol>
 * When there are fewer rows than features (a short series of long curves: 3 PDFs of 2901
 * points), {@link #fit(double[][])} uses the equivalent n x n Gram matrix of the centred rows
 * instead, which gives the same non-zero variances and axes exactly.
 *
 * <h2>Precision</h2>
 * {@link Precision#DOUBLE} (default) accumulates in double: explained variance ratios agree with
 * numpy/scikit-learn to ~1e-12. {@link Precision#FLOAT_SLAB} multiplies in float inside a slab
 * (at most 1024 rows) and adds each slab's products into the double sums: faster for
 * large d (measured 1.5x-4.6x on 387,086 x 1024), relative error of the covariance ~1e-6 (the
 * leading explained variance ratios of the benchmark agreed with DOUBLE to 6 decimals); meant
 * for 387k x 1024 stacks where the clustering only needs a few leading scores.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>scikit-learn 1.2 {@code sklearn.decomposition.PCA} (svd_solver='full'), {@code
 *       sklearn.utils.extmath.svd_flip}.</li>
 *   <li>Jolliffe, I. T., Principal Component Analysis, 2nd ed., Springer 2002.</li>
 *   <li>Chan, Golub, LeVeque, Algorithms for computing the sample variance, Am. Stat. 37 (1983)
 *       242 (shifted sums).</li>
 * </ul>
 */
public final class Pca {

    /** Arithmetic of the covariance accumulation. */
    public enum Precision {
        /** Products and sums in double. */
        DOUBLE,
        /** Products and per-slab sums in float, totals in double (about 2x faster). */
        FLOAT_SLAB
    }

    /**
     * Most principal axes (eigenvectors) a model keeps; every explained variance ratio is kept.
     * Clustering keeps at most a handful of axes and NMF needs none, so 128 is far above any use,
     * while computing all 1024 eigenvectors of a full spectral window would cost seconds.
     */
    public static final int MAX_AXES = 128;

    private static final int TILE = 16;
    /**
     * Rows multiplied in float before their products are added to the double sums. Each flush streams all of S2
     * (6 MB for d = 1024), so fewer flushes save memory traffic: 65,536 x 1024 took 1.85 CPU-s with 1024 rows
     * against 2.07 with 256, and the leading explained variance ratios differed from the DOUBLE path by 3e-10
     * (1024) and 2e-10 (256).
     */
    private static final int FLOAT_SLAB_ROWS = 1024;

    private Pca() {
    }

    /**
     * A streaming accumulator over full rows of {@code nFeatures} values using all features.
     */
    public static Accumulator accumulator(int nFeatures) {
        return new Accumulator(nFeatures, 0, nFeatures, Precision.DOUBLE);
    }

    /**
     * A streaming accumulator over the feature window {@code [from, to)} of rows of
     * {@code nFeatures} values (e.g. the energy channels of one absorption edge).
     */
    public static Accumulator accumulator(int nFeatures, int from, int to, Precision precision) {
        return new Accumulator(nFeatures, from, to, precision);
    }

    /**
     * Exact PCA of an in-memory matrix (rows = samples) keeping all components with non-zero
     * variance (at least one). Uses the Gram matrix when there are fewer rows than features.
     *
     * @param x rows of equal length, at least 2 rows
     * @return the model; call {@link #svdFlip} with the scores for scikit-learn signs, or use
     *         {@link #fitTransform}
     */
    public static PcaModel fit(double[][] x) {
        return fit(x, ratios -> MAX_AXES);
    }

    /**
     * Exact PCA of an in-memory matrix that computes only the principal axes a caller needs: all
     * explained variance ratios are computed first, then {@code axesFor} (given those ratios,
     * descending) says how many axes (eigenvectors) to compute; e.g. the number a cumulative
     * variance threshold selects. Fewer axes is cheaper (measured on 500 x 300: eigen-decomposition
     * 5 ms for 4 axes against 20 ms for 128).
     *
     * @param x       rows of equal length, at least 2 rows
     * @param axesFor number of axes wanted given all explained variance ratios; clamped to
     *                1..min(kept components, {@link #MAX_AXES})
     */
    public static PcaModel fit(double[][] x, ToIntFunction<double[]> axesFor) {
        checkMatrix(x);
        if (axesFor == null) {
            throw new IllegalArgumentException("axesFor must not be null");
        }
        int n = x.length, d = x[0].length;
        if (n >= d) {
            Accumulator acc = accumulator(d);
            acc.addRows(x);
            return acc.finish(axesFor);
        }
        return fitGram(x, axesFor);
    }

    /**
     * Exact PCA plus scores with scikit-learn's signs.
     *
     * @param x rows of equal length, at least 2 rows
     * @param k number of scores per row (at most the number of kept components)
     */
    public static Result fitTransform(double[][] x, int k) {
        PcaModel m = fit(x);
        int kk = Math.min(k, m.nComponents());
        double[][] s = m.transform(x, kk);
        double[] flat = new double[x.length * kk];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(s[i], 0, flat, i * kk, kk);
        }
        PcaModel f = svdFlip(m, flat, kk);
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(flat, i * kk, s[i], 0, kk);
        }
        return new Result(f, s);
    }

    /** A model and the scores of the rows it was fitted on. */
    public record Result(PcaModel model, double[][] scores) {
    }

    /**
     * scikit-learn 1.2 sign convention ({@code svd_flip(U, Vt)}, u-based): for every component
     * c &lt; k, the first row with the largest |score| gets a positive score; if it was negative
     * the scores of that component and the axis are negated.
     *
     * @param model  the model whose axes produced the scores
     * @param scores row-major scores, k per row, all rows of the fitted data; modified in place
     * @param k      scores per row
     * @return the model with the (possibly negated) axes
     */
    public static PcaModel svdFlip(PcaModel model, double[] scores, int k) {
        if (k < 1 || k > model.nComponents() || scores.length % k != 0) {
            throw new IllegalArgumentException("svdFlip: " + scores.length + " scores is not a multiple of k=" + k
                    + " or k exceeds the " + model.nComponents() + " components");
        }
        int n = scores.length / k;
        double[][] comps = model.components().clone();
        for (int c = 0; c < k; c++) {
            double best = -1;
            double sign = 1;
            for (int i = 0; i < n; i++) {
                double v = scores[i * k + c];
                if (Math.abs(v) > best) {
                    best = Math.abs(v);
                    sign = v < 0 ? -1 : 1;
                }
            }
            if (sign < 0) {
                for (int i = 0; i < n; i++) {
                    scores[i * k + c] = -scores[i * k + c];
                }
                double[] a = comps[c].clone();
                for (int j = 0; j < a.length; j++) {
                    a[j] = -a[j];
                }
                comps[c] = a;
            }
        }
        return new PcaModel(model.mean(), comps, model.explainedVariance(), model.explainedVarianceRatio(),
                model.totalVariance(), model.nSamples(), model.nFeatures(), model.windowFrom(), model.windowTo());
    }

    /**
     * Streaming covariance accumulator. Not thread-safe: feed slabs from one thread (the update
     * itself runs in parallel).
     */
    public static final class Accumulator {
        private final int nFeatures;
        private final int from;
        private final int d;
        private final Precision precision;
        private final double[][] s2;
        private final double[] s1;
        private double[] shift;
        private long n;
        /** FLOAT_SLAB buffers kept across slabs: shifted rows and one float accumulator per tile of S2. */
        private float[][] floatRows;
        private float[][][] floatAcc;

        private Accumulator(int nFeatures, int from, int to, Precision precision) {
            if (nFeatures < 1) {
                throw new IllegalArgumentException("PCA needs at least one feature per row, got " + nFeatures);
            }
            if (from < 0 || to > nFeatures || from >= to) {
                throw new IllegalArgumentException("feature window [" + from + ", " + to + ") is empty or outside 0.."
                        + nFeatures);
            }
            if (precision == null) {
                throw new IllegalArgumentException("precision must not be null");
            }
            this.nFeatures = nFeatures;
            this.from = from;
            this.d = to - from;
            this.precision = precision;
            this.s2 = new double[d][d];
            this.s1 = new double[d];
        }

        /** Rows accumulated so far. */
        public long count() {
            return n;
        }

        /** Adds rows given as arrays of {@code nFeatures} values. */
        public void addRows(double[][] rows) {
            int chunk = 256;
            for (int start = 0; start < rows.length; start += chunk) {
                int m = Math.min(chunk, rows.length - start);
                double[][] y = new double[m][];
                for (int r = 0; r < m; r++) {
                    double[] row = rows[start + r];
                    if (row == null || row.length != nFeatures) {
                        throw new IllegalArgumentException("row " + (n + r) + " has " + (row == null ? 0 : row.length)
                                + " values, expected " + nFeatures);
                    }
                    y[r] = Arrays.copyOfRange(row, from, from + d);
                }
                addShifted(y, m);
            }
        }

        /**
         * Adds a row-major float slab.
         *
         * @param slab      values, row r starts at {@code offset + r * rowStride}
         * @param offset    first value of the first row
         * @param rows      rows in the slab
         * @param rowStride distance between rows, at least {@code nFeatures}
         */
        public void addRows(float[] slab, int offset, int rows, int rowStride) {
            if (rows < 0 || rowStride < nFeatures || offset < 0
                    || (rows > 0 && (long) offset + (long) (rows - 1) * rowStride + nFeatures > slab.length)) {
                throw new IllegalArgumentException("slab of " + slab.length + " floats cannot hold " + rows
                        + " rows of stride " + rowStride + " from offset " + offset + " (" + nFeatures + " features)");
            }
            if (precision == Precision.FLOAT_SLAB) {
                for (int start = 0; start < rows; start += FLOAT_SLAB_ROWS) {
                    addFloatSlab(slab, offset + start * rowStride, Math.min(FLOAT_SLAB_ROWS, rows - start), rowStride);
                }
                return;
            }
            int chunk = 256;
            for (int start = 0; start < rows; start += chunk) {
                int m = Math.min(chunk, rows - start);
                double[][] y = new double[m][d];
                for (int r = 0; r < m; r++) {
                    int b = offset + (start + r) * rowStride + from;
                    double[] yr = y[r];
                    for (int j = 0; j < d; j++) {
                        yr[j] = slab[b + j];
                    }
                }
                addShifted(y, m);
            }
        }

        /**
         * FLOAT_SLAB path straight from the caller's floats: shifted rows go into a reused float
         * buffer (s1 summed in double as in {@link #addShifted}), then the tiles of S2 are updated in
         * parallel with per-tile float accumulators that are kept across slabs (no allocation per
         * slab: 65,536 x 1024 took 1.94 CPU-s against 2.0 with a double copy and fresh accumulators
         * per slab; the rank-B update itself is ~90 % of the time).
         */
        private void addFloatSlab(float[] slab, int offset, int m, int rowStride) {
            if (m == 0) {
                return;
            }
            if (shift == null) {
                shift = new double[d];
                for (int j = 0; j < d; j++) {
                    shift[j] = slab[offset + from + j];
                }
            }
            if (floatRows == null) {
                floatRows = new float[FLOAT_SLAB_ROWS][d];
                floatAcc = new float[(d + TILE - 1) / TILE][][];
            }
            final float[][] f = floatRows;
            for (int r = 0; r < m; r++) {
                int b = offset + r * rowStride + from;
                float[] fr = f[r];
                for (int j = 0; j < d; j++) {
                    double v = slab[b + j];
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("row " + (n + r) + ", feature " + (from + j)
                                + " is not finite (" + v + ")");
                    }
                    v -= shift[j];
                    s1[j] += v;
                    fr[j] = (float) v;
                }
            }
            int tiles = (d + TILE - 1) / TILE;
            IntStream.range(0, tiles).parallel().forEach(t -> {
                int i0 = t * TILE, i1 = Math.min(d, i0 + TILE);
                float[][] acc = floatAcc[t];
                if (acc == null) {
                    acc = new float[i1 - i0][d];
                    floatAcc[t] = acc;
                }
                updateTileFloat(f, m, i0, i1, acc);
            });
            n += m;
        }

        private void addShifted(double[][] y, int m) {
            if (m == 0) {
                return;
            }
            if (shift == null) {
                shift = y[0].clone();
            }
            for (int r = 0; r < m; r++) {
                double[] yr = y[r];
                for (int j = 0; j < d; j++) {
                    double v = yr[j];
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("row " + (n + r) + ", feature " + (from + j)
                                + " is not finite (" + v + ")");
                    }
                    v -= shift[j];
                    yr[j] = v;
                    s1[j] += v;
                }
            }
            int tiles = (d + TILE - 1) / TILE;
            if (precision == Precision.FLOAT_SLAB) {
                float[][] f = new float[m][d];
                for (int r = 0; r < m; r++) {
                    for (int j = 0; j < d; j++) {
                        f[r][j] = (float) y[r][j];
                    }
                }
                IntStream.range(0, tiles).parallel().forEach(t -> updateTileFloat(f, m, t * TILE, Math.min(d, t * TILE + TILE),
                        new float[Math.min(d, t * TILE + TILE) - t * TILE][d]));
            } else {
                IntStream.range(0, tiles).parallel().forEach(t -> updateTile(y, m, t * TILE, Math.min(d, t * TILE + TILE)));
            }
            n += m;
        }

        private void updateTile(double[][] y, int rows, int i0, int i1) {
            final int dd = d;
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                double[] y0 = y[r], y1 = y[r + 1], y2 = y[r + 2], y3 = y[r + 3];
                for (int i = i0; i < i1; i++) {
                    double a0 = y0[i], a1 = y1[i], a2 = y2[i], a3 = y3[i];
                    double[] c = s2[i];
                    for (int j = i; j < dd; j++) {
                        c[j] += a0 * y0[j] + a1 * y1[j] + a2 * y2[j] + a3 * y3[j];
                    }
                }
            }
            for (; r < rows; r++) {
                double[] y0 = y[r];
                for (int i = i0; i < i1; i++) {
                    double a0 = y0[i];
                    double[] c = s2[i];
                    for (int j = i; j < dd; j++) {
                        c[j] += a0 * y0[j];
                    }
                }
            }
        }

        /** Adds the products of a float slab to rows i0..i1-1 of S2 through the zeroed float accumulator acc (zeroed again on return). */
        private void updateTileFloat(float[][] y, int rows, int i0, int i1, float[][] acc) {
            final int dd = d;
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                float[] y0 = y[r], y1 = y[r + 1], y2 = y[r + 2], y3 = y[r + 3];
                for (int i = i0; i < i1; i++) {
                    float a0 = y0[i], a1 = y1[i], a2 = y2[i], a3 = y3[i];
                    float[] c = acc[i - i0];
                    for (int j = i; j < dd; j++) {
                        c[j] += a0 * y0[j] + a1 * y1[j] + a2 * y2[j] + a3 * y3[j];
                    }
                }
            }
            for (; r < rows; r++) {
                float[] y0 = y[r];
                for (int i = i0; i < i1; i++) {
                    float a0 = y0[i];
                    float[] c = acc[i - i0];
                    for (int j = i; j < dd; j++) {
                        c[j] += a0 * y0[j];
                    }
                }
            }
            for (int i = i0; i < i1; i++) {
                double[] c = s2[i];
                float[] a = acc[i - i0];
                for (int j = i; j < dd; j++) {
                    c[j] += a[j];
                    a[j] = 0;
                }
            }
        }

        /**
         * Covariance matrix of the rows accumulated so far (divisor n-1).
         */
        public double[][] covariance() {
            if (n < 2) {
                throw new IllegalArgumentException("PCA needs at least 2 rows, got " + n);
            }
            double[][] c = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    double v = (s2[i][j] - s1[i] * s1[j] / n) / (n - 1);
                    c[i][j] = v;
                    c[j][i] = v;
                }
            }
            return c;
        }

        /** Eigen-decomposes the covariance; keeps every explained variance and the first min(d, {@link #MAX_AXES}) axes. */
        public PcaModel finish() {
            return finish(ratios -> MAX_AXES);
        }

        /**
         * Eigen-decomposes the covariance; keeps every explained variance and as many axes as
         * {@code axesFor} asks for given all explained variance ratios (clamped to
         * 1..min(d, {@link #MAX_AXES})).
         */
        public PcaModel finish(ToIntFunction<double[]> axesFor) {
            if (axesFor == null) {
                throw new IllegalArgumentException("axesFor must not be null");
            }
            double[][] c = covariance();
            double[] mean = new double[d];
            for (int j = 0; j < d; j++) {
                mean[j] = shift[j] + s1[j] / n;
            }
            double trace = 0;
            for (int j = 0; j < d; j++) {
                trace += c[j][j];
            }
            SymmetricEigen.Result ed;
            try {
                final double tr = trace;
                ed = SymmetricEigen.decompose(c, values -> clampAxes(axesFor.applyAsInt(ratios(values, 1, tr)),
                        Math.min(d, MAX_AXES)));
            } catch (IllegalStateException e) {
                // a decomposition that does not converge is bad input for the caller, not an internal error (Commons
                // Math's solver gave up on a 3 x 4 pixel stack of scaled copies of one spectrum: DegenerateInputTest)
                throw new IllegalArgumentException("the eigen-decomposition of the covariance did not converge (total "
                        + "variance " + trace + "; the spectra may be nearly identical): " + e.getMessage(), e);
            }
            double[] var = new double[d];
            for (int i = 0; i < d; i++) {
                var[i] = Math.max(0, ed.values()[i]);
            }
            double[][] comps = ed.vectors();
            return build(mean, comps, var, trace, n, nFeatures, from, from + d);
        }
    }

    /** Explained variance ratios of eigenvalues {@code values / divisor} against {@code trace}, as {@link #build} makes them. */
    private static double[] ratios(double[] values, double divisor, double trace) {
        double[] r = new double[values.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = trace > 0 ? Math.max(0, values[i]) / divisor / trace : 0;
        }
        return r;
    }

    private static int clampAxes(int wanted, int max) {
        return Math.max(1, Math.min(wanted, max));
    }

    private static PcaModel build(double[] mean, double[][] comps, double[] var, double trace, long n, int nFeatures,
                                  int from, int to) {
        double[] ratio = new double[var.length];
        for (int i = 0; i < var.length; i++) {
            ratio[i] = trace > 0 ? var[i] / trace : 0;
        }
        return new PcaModel(mean, comps, var, ratio, trace, n, nFeatures, from, to);
    }

    private static PcaModel fitGram(double[][] x, ToIntFunction<double[]> axesFor) {
        int n = x.length, d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] xc = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                xc[i][j] = x[i][j] - mean[j];
            }
        }
        double[][] g = new double[n][n];
        double trace = 0;
        for (int i = 0; i < n; i++) {
            for (int k = i; k < n; k++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += xc[i][j] * xc[k][j];
                }
                g[i][k] = s;
                g[k][i] = s;
            }
            trace += g[i][i];
        }
        trace /= (n - 1);
        final double tr = trace;
        SymmetricEigen.Result ed = SymmetricEigen.decompose(g, values -> clampAxes(axesFor.applyAsInt(ratios(values, n - 1, tr)),
                Math.min(n, MAX_AXES)));
        double[] ev = ed.values();
        // all min(n, d) ratios as scikit-learn reports them; axes only for non-zero variance
        double[] var = new double[n];
        double[][] comps = new double[n][];
        int kept = 0;
        double tol = Math.max(1e-300, ev[0] * 1e-12 * n);
        for (int i = 0; i < n; i++) {
            double lam = ev[i];
            var[i] = Math.max(0, lam) / (n - 1);
            if (lam > tol && i < ed.vectors().length) {
                double[] u = ed.vectors()[i];
                double[] v = new double[d];
                for (int r = 0; r < n; r++) {
                    double ur = u[r];
                    for (int j = 0; j < d; j++) {
                        v[j] += ur * xc[r][j];
                    }
                }
                double inv = 1.0 / Math.sqrt(lam);
                for (int j = 0; j < d; j++) {
                    v[j] *= inv;
                }
                comps[kept++] = v;
            }
        }
        if (kept == 0) {
            throw new IllegalArgumentException("all " + n + " rows are identical: PCA has no variance to explain");
        }
        return build(mean, Arrays.copyOf(comps, kept), var, trace, n, d, 0, d);
    }

    static void checkMatrix(double[][] x) {
        if (x == null || x.length < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 rows (samples), got " + (x == null ? 0 : x.length));
        }
        int d = x[0] == null ? 0 : x[0].length;
        if (d < 1) {
            throw new IllegalArgumentException("row 0 is empty");
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + (x[i] == null ? 0 : x[i].length)
                        + " values, row 0 has " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(x[i][j])) {
                    throw new IllegalArgumentException("row " + i + ", column " + j + " is not finite (" + x[i][j] + ")");
                }
            }
        }
    }
}
