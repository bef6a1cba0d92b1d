package org.nifispectro.decompose;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;


/**
 * Non-negative matrix factorisation {@code X ~ W H} (X: n samples x m channels, W: n x k
 * weights, H: k x m components, all &gt;= 0) minimising the Frobenius norm, reproducing
 * scikit-learn 1.2's {@code NMF(solver='cd', beta_loss='frobenius')}.
 *
 * <h2>Algorithm (as scikit-learn)</h2>
 * <ul>
 *   <li>Initialisation NNDSVD (Boutsidis and Gallopoulos 2008) from the k leading singular
 *       triplets of X; {@link Init#NNDSVDA} (scikit-learn's choice when {@code init=None} and
 *       k &lt;= min(n, m)) then replaces the zeros by the mean of X. The singular triplets come
 *       from Lanczos on X (converged to ~1e-11, {@link #lanczosSvd}) for inputs of up to
 *       2^22 values; exact (eigen-decomposition of the smaller Gram matrix) when Lanczos breaks
 *       down or converges slowly, or when min(n, m) &lt;= 512 and n m min(n, m) &lt; 2e9, else
 *       from a randomized range finder (Halko et al. 2011; k + 10 columns, 7 power iterations,
 *       4 when n*m &gt; 1e7, re-orthonormalised each step, fixed seed).</li>
 *   <li>Coordinate descent (Cichocki and Phan 2009; scikit-learn {@code _update_cdnmf_fast}):
 *       each iteration updates every W[i, t] by a projected Newton step using {@code H H^T} and
 *       {@code X H^T}, then every H[t, j] the same way with {@code W^T W} and {@code X^T W}.
 *       The projected-gradient "violation" of the first iteration is the reference; iterations
 *       stop when violation / violation_first &lt;= tol or after maxIter.</li>
 *   <li>Reported reconstruction error: {@code ||X - W H||_F} (scikit-learn's
 *       {@code reconstruction_err_}).</li>
 * </ul>
 * The two large products per iteration ({@code X H^T}, {@code X^T W}) share one pass over X
 * (the W update of a row only needs that row of {@code X H^T}), over row chunks in parallel
 * (common ForkJoinPool). X is held as float rows (4 bytes a value: 387,000 x 1024
 * fits in a 2 GB heap); all sums are double. Inputs of up to 2^22 values keep X and X^T and
 * compute both products as AXPYs, each group of eight products in float (W and H rounded to
 * float for them) added to double sums: reconstruction errors within ~1e-8 relative of the
 * all-double arithmetic (measured on benchmark (a) and the Si-Ni and CdSe PDF series). The float
 * rounding also puts a floor of about 1e-7 under the relative violation there: a tolerance below
 * 1e-7 runs such inputs to maxIter (the default 1e-4 is far above it).
 *
 * <h2>Negative input</h2>
 * PDFs G(r) are negative below the first peak and between peaks. {@link NegativeRule}:
 * <ul>
 *   <li>{@code REJECT}: refuse with the position of the first negative value (default).</li>
 *   <li>{@code SHIFT_GLOBAL_MIN}: subtract the global minimum of X from every value (one scalar,
 *       reported as {@link Result#shift()}); the recipe of make_pcanmf_reference.py.</li>
 *   <li>{@code CLIP_ZERO}: negative values set to 0 (loses the negative parts).</li>
 *   <li>{@code SPLIT_POS_NEG}: X is replaced by {@code [max(X,0), max(-X,0)]} (2m columns): the
 *       weights describe both parts, and a signed component is {@code H[:, :m] - H[:, m:]}
 *       ({@link Result#signedComponent(int)}).</li>
 * </ul>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>scikit-learn 1.2 {@code sklearn/decomposition/_nmf.py}, {@code _cdnmf_fast.pyx}.</li>
 *   <li>Cichocki, A., Phan, A.-H., Fast local algorithms for large scale nonnegative matrix and
 *       tensor factorizations, IEICE Trans. Fundam. E92-A (2009) 708.</li>
 *   <li>Boutsidis, C., Gallopoulos, E., SVD based initialization: a head start for nonnegative
 *       matrix factorization, Pattern Recognit. 41 (2008) 1350.</li>
 *   <li>Halko, Martinsson, Tropp, Finding structure with randomness, SIAM Rev. 53 (2011) 217.</li>
 *   <li>Golub, G. H., Van Loan, C. F., Matrix Computations, 4th ed., section 10.1 (Lanczos with full
 *       re-orthogonalisation) and 8.6 (the SVD from the Gram matrix).</li>
 * </ul>
 */
public final class Nmf {

    /** Initialisation of W and H. */
    public enum Init {
        /** NNDSVD with zeros replaced by mean(X) (scikit-learn's default for k &lt;= min(n, m)). */
        NNDSVDA,
        /** Plain NNDSVD (zeros stay zero; suits sparse factors). */
        NNDSVD
    }

    /** How negative input values are handled; see the class documentation. */
    public enum NegativeRule {
        /** Refuse negative input. */
        REJECT,
        /** Subtract the global minimum (one scalar shift). */
        SHIFT_GLOBAL_MIN,
        /** Set negative values to zero. */
        CLIP_ZERO,
        /** Factorise the positive and negative parts side by side. */
        SPLIT_POS_NEG
    }

    /**
     * Settings.
     *
     * @param nComponents k &gt;= 1
     * @param init        initialisation
     * @param maxIter     maximum number of iterations (scikit-learn default 200)
     * @param tol         stopping tolerance on the relative violation (default 1e-4)
     * @param seed        seed of the randomized SVD (only used for large matrices)
     * @param negativeRule handling of negative values
     */
    public record Options(int nComponents, Init init, int maxIter, double tol, long seed, NegativeRule negativeRule) {
        /** scikit-learn defaults: nndsvda, 200 iterations, tol 1e-4; negative values refused. */
        public static Options defaults(int nComponents) {
            return new Options(nComponents, Init.NNDSVDA, 200, 1e-4, 0, NegativeRule.REJECT);
        }

        /** Copy with another iteration limit. */
        public Options withMaxIter(int m) {
            return new Options(nComponents, init, m, tol, seed, negativeRule);
        }

        /** Copy with another negative-value rule. */
        public Options withNegativeRule(NegativeRule r) {
            return new Options(nComponents, init, maxIter, tol, seed, r);
        }
    }

    /**
     * Result.
     *
     * @param w                   weights, n x k
     * @param h                   components, k x m (k x 2m for SPLIT_POS_NEG)
     * @param reconstructionError ||X' - W H||_F of the matrix actually factorised
     * @param nIter               iterations done
     * @param converged           whether the tolerance was reached before maxIter
     * @param shift               value subtracted (SHIFT_GLOBAL_MIN; 0 otherwise)
     * @param rule                negative-value rule applied
     * @param nChannels           m, channels of the input rows
     */
    public record Result(double[][] w, double[][] h, double reconstructionError, int nIter, boolean converged,
                         double shift, NegativeRule rule, int nChannels) {
        /** Component t on the input channels (positive minus negative part for SPLIT_POS_NEG). */
        public double[] signedComponent(int t) {
            if (rule != NegativeRule.SPLIT_POS_NEG) {
                return h[t].clone();
            }
            double[] out = new double[nChannels];
            for (int j = 0; j < nChannels; j++) {
                out[j] = h[t][j] - h[t][nChannels + j];
            }
            return out;
        }

        /** Weights of sample i divided by their sum (0 when the row is all zero). */
        public double[] rowNormalisedWeights(int i) {
            double s = 0;
            for (double v : w[i]) {
                s += v;
            }
            double[] out = w[i].clone();
            for (int t = 0; t < out.length; t++) {
                out[t] = s > 0 ? out[t] / s : 0;
            }
            return out;
        }
    }

    /**
     * End-member fractions of every sample.
     *
     * @param endMembers for each component t, the sample that is most nearly pure in it
     * @param fractions  n x k non-negative least-squares weights of each sample on those samples
     * @param closure    per sample, the sum of its fractions (1 when the end members explain it)
     */
    public record EndMemberFractions(int[] endMembers, double[][] fractions, double[] closure) {
    }

    /**
     * Fractions of the end members found by NMF. NMF components are only defined up to a rotation
     * inside the non-negative cone (two factorisations with the same error can mix the phases
     * differently: measured on a synthetic Si/Ni series, NMF weights put a 65 % Si sample at 47 %),
     * so fractions are not read off W. Instead, for each component t the sample with the largest
     * row-normalised weight of t is taken as its end member (as an in-situ series starts and ends in
     * nearly pure phases), and every sample is fitted as a non-negative linear combination of those
     * end-member samples in the data's own units (PDFs mix linearly in G). For X-ray PDFs a
     * fraction is the phase's share of the scattered signal (atoms x f^2), not its atomic or mass
     * fraction.
     *
     * @param x the samples that were factorised (before any negative-value rule), n x m
     * @param r their NMF
     * @return null when two components have the same most-pure sample (no end members to fit on)
     */
    public static EndMemberFractions endMemberFractions(double[][] x, Result r) {
        int n = x.length, k = r.w()[0].length;
        int[] em = new int[k];
        double[][] rn = new double[n][];
        for (int i = 0; i < n; i++) {
            rn[i] = r.rowNormalisedWeights(i);
        }
        for (int t = 0; t < k; t++) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (rn[i][t] > rn[best][t]) {
                    best = i;
                }
            }
            for (int u = 0; u < t; u++) {
                if (em[u] == best) {
                    return null;
                }
            }
            em[t] = best;
        }
        double[][] g = new double[k][k];
        for (int t = 0; t < k; t++) {
            for (int u = 0; u < k; u++) {
                g[t][u] = dotRows(x[em[t]], x[em[u]]);
            }
        }
        double[][] f = new double[n][k];
        double[] closure = new double[n];
        double[] b = new double[k];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < k; t++) {
                b[t] = dotRows(x[i], x[em[t]]);
            }
            nonNegativeLeastSquares(g, b, f[i], 10_000);
            for (int t = 0; t < k; t++) {
                closure[i] += f[i][t];
            }
        }
        return new EndMemberFractions(em, f, closure);
    }

    private static double dotRows(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /**
     * Minimises {@code |A c - y|^2} over {@code c >= 0} given the normal equations {@code G = A^T A},
     * {@code b = A^T y}, by cyclic coordinate descent (converges for positive semi-definite G; meant
     * for the handful of unknowns of NMF components: at most {@code sweeps} sweeps, stopping when a
     * sweep changes the sum of |c| by less than 1e-10 of it).
     */
    public static void nonNegativeLeastSquares(double[][] g, double[] b, double[] c, int sweeps) {
        int k = b.length;
        Arrays.fill(c, 0);
        for (int sweep = 0; sweep < sweeps; sweep++) {
            double change = 0, scale = 0;
            for (int t = 0; t < k; t++) {
                if (g[t][t] <= 0) {
                    continue;
                }
                double grad = -b[t];
                for (int u = 0; u < k; u++) {
                    grad += g[t][u] * c[u];
                }
                double next = Math.max(0, c[t] - grad / g[t][t]);
                change += Math.abs(next - c[t]);
                scale += next;
                c[t] = next;
            }
            if (change <= 1e-10 * Math.max(scale, 1e-300)) {
                return;
            }
        }
    }

    private static final int ROW_CHUNK = 1024;
    /**
     * Up to this many matrix elements the W half-iteration uses a transposed copy of X so that
     * X H^T is computed as AXPYs the JIT vectorises instead of dot products it cannot (measured on
     * 500 x 300, k = 4, 200 iterations: 55 ms CPU against 85-100 ms); larger inputs keep the single
     * fused pass, which reads X once per iteration and splits rows over the cores.
     */
    private static final long TRANSPOSED_MAX_ELEMENTS = 1L << 22;
    /** From this many matrix elements the small-input pass splits its work in two halves over the common pool. */
    private static final long SPLIT_MIN_ELEMENTS = 1L << 18;

    private Nmf() {
    }

    /**
     * Factorises an in-memory matrix (rows = samples, e.g. PDFs on a common r grid).
     */
    public static Result fit(double[][] x, Options o) {
        checkOptions(o);
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException("NMF needs at least one sample (row)");
        }
        int m = x[0] == null ? 0 : x[0].length;
        if (m == 0) {
            throw new IllegalArgumentException("row 0 is empty");
        }
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != m) {
                throw new IllegalArgumentException("row " + i + " has " + (x[i] == null ? 0 : x[i].length)
                        + " values, row 0 has " + m);
            }
            for (int j = 0; j < m; j++) {
                double v = x[i][j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("row " + i + ", column " + j + " is not finite (" + v + ")");
                }
                if (v < min) {
                    min = v;
                }
            }
        }
        NegativeRule rule = o.negativeRule();
        double shift = 0;
        int mm = rule == NegativeRule.SPLIT_POS_NEG ? 2 * m : m;
        float[][] xf = new float[x.length][mm];
        if (rule == NegativeRule.REJECT && min < 0) {
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < m; j++) {
                    if (x[i][j] < 0) {
                        throw new IllegalArgumentException("negative value " + x[i][j] + " at row " + i + ", column " + j
                                + ": choose a negative-value rule (shift, clip or split) for NMF");
                    }
                }
            }
        }
        if (rule == NegativeRule.SHIFT_GLOBAL_MIN) {
            shift = Math.min(0, min);
        }
        for (int i = 0; i < x.length; i++) {
            double[] row = x[i];
            float[] out = xf[i];
            switch (rule) { // outside the loops over values (a switch per value cost 0.4 ms on 500 x 300)
                case SHIFT_GLOBAL_MIN -> {
                    for (int j = 0; j < m; j++) {
                        out[j] = (float) (row[j] - shift);
                    }
                }
                case CLIP_ZERO -> {
                    for (int j = 0; j < m; j++) {
                        out[j] = (float) Math.max(0, row[j]);
                    }
                }
                case SPLIT_POS_NEG -> {
                    for (int j = 0; j < m; j++) {
                        out[j] = (float) Math.max(0, row[j]);
                        out[m + j] = (float) Math.max(0, -row[j]);
                    }
                }
                default -> {
                    for (int j = 0; j < m; j++) {
                        out[j] = (float) row[j];
                    }
                }
            }
        }
        Result r = fitNonNegative(xf, o);
        return new Result(r.w(), r.h(), r.reconstructionError(), r.nIter(), r.converged(), shift, rule, m);
    }

    /**
     * Factorises a large non-negative matrix given as float rows (each row one sample, all the
     * same length). Values must already be non-negative (apply a rule upstream).
     */
    public static Result fitNonNegative(float[][] x, Options o) {
        checkOptions(o);
        final int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("NMF needs at least one sample (row)");
        }
        final int m = x[0].length;
        final int k = o.nComponents();
        if (m == 0) {
            throw new IllegalArgumentException("row 0 is empty");
        }
        for (int i = 0; i < n; i++) {
            float[] row = x[i];
            if (row == null || row.length != m) {
                throw new IllegalArgumentException("row " + i + " has " + (row == null ? 0 : row.length)
                        + " values, row 0 has " + m);
            }
            for (int j = 0; j < m; j++) {
                if (!(row[j] >= 0) || row[j] == Float.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("row " + i + ", column " + j + " is " + row[j]
                            + ": NMF needs finite non-negative values");
                }
            }
        }
        if (k > Math.min(n, m) && o.init() != null) {
            throw new IllegalArgumentException(k + " components asked but NNDSVD initialisation allows at most min(samples, "
                    + "channels) = " + Math.min(n, m));
        }
        double[] w = new double[n * k]; // row-major n x k
        double[] ht = new double[m * k]; // H transposed, row-major m x k
        final boolean small = (long) n * m <= TRANSPOSED_MAX_ELEMENTS;
        if (small) { // double copies of X and X^T for the Lanczos initialisation only
            double[][] xd = widen(x);
            initNndsvd(x, xd, transpose(xd), k, o, w, ht);
        } else {
            initNndsvd(x, null, null, k, o, w, ht);
        }
        final SmallPass sp = small ? new SmallPass(x, ht, k) : null;
        double violationInit = 0;
        int iter = 0;
        boolean converged = false;
        for (iter = 1; iter <= o.maxIter(); iter++) {
            double violation;
            if (small) {
                violation = sp.iterate(w, ht);
            } else {
                // one pass over X: W rows updated from HHt and X Ht, then X^T W and W^T W accumulated
                // with the new W rows while the X row is in cache
                Pass p = fusedWPass(x, w, ht, k);
                // H update: needs WtW (k x k) and X^T W (m x k)
                violation = p.violation + cdUpdate(ht, m, k, p.wtw, p.xtw);
            }
            if (iter == 1) {
                violationInit = violation;
            }
            if (violationInit == 0) {
                converged = true;
                break;
            }
            if (violation / violationInit <= o.tol()) {
                converged = true;
                break;
            }
        }
        if (iter > o.maxIter()) {
            iter = o.maxIter();
        }
        double err = reconstructionError(x, w, ht, k);
        double[][] W = new double[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w, i * k, W[i], 0, k);
        }
        double[][] H = new double[k][m];
        for (int j = 0; j < m; j++) {
            for (int t = 0; t < k; t++) {
                H[t][j] = ht[j * k + t];
            }
        }
        return new Result(W, H, err, iter, converged, 0, NegativeRule.REJECT, m);
    }

    private static void checkOptions(Options o) {
        if (o == null) {
            throw new IllegalArgumentException("NMF options must not be null");
        }
        if (o.nComponents() < 1) {
            throw new IllegalArgumentException("NMF needs at least 1 component, got " + o.nComponents());
        }
        if (o.maxIter() < 1) {
            throw new IllegalArgumentException("NMF maximum iterations must be >= 1, got " + o.maxIter());
        }
        if (!(o.tol() >= 0)) {
            throw new IllegalArgumentException("NMF tolerance must be >= 0, got " + o.tol());
        }
        if (o.init() == null || o.negativeRule() == null) {
            throw new IllegalArgumentException("NMF init and negative-value rule must be set");
        }
    }

    private record Pass(double violation, double[] xtw, double[] wtw) {
    }

    /**
     * W half-iteration fused with the products the H half-iteration needs. Row i of W depends
     * only on row i of X H^T, so rows are updated chunk by chunk (same arithmetic as
     * scikit-learn's sweep over all rows), and X^T W, W^T W use the updated rows.
     */
    private static Pass fusedWPass(float[][] x, double[] w, double[] ht, int k) {
        final int n = x.length, m = x[0].length;
        final double[] hht = gram(ht, m, k);
        final double[][] h = new double[k][m];
        for (int j = 0; j < m; j++) {
            for (int t = 0; t < k; t++) {
                h[t][j] = ht[j * k + t];
            }
        }
        final int chunk = ROW_CHUNK * 4;
        int chunks = (n + chunk - 1) / chunk;
        Object[] parts = IntStream.range(0, chunks).parallel().mapToObj(ch -> {
            double viol = 0;
            double[][] xtw = new double[k][m];
            double[] wtw = new double[k * k];
            double[] xh = new double[k];
            for (int i = ch * chunk, e = Math.min(n, i + chunk); i < e; i++) {
                float[] row = x[i];
                for (int t = 0; t < k; t++) {
                    xh[t] = dot(row, h[t], m);
                }
                int o = i * k;
                viol += cdRow(w, o, hht, xh, 0, k);
                accumulate(row, w, o, k, xtw, wtw);
            }
            return new Object[] {viol, xtw, wtw};
        }).toArray();
        double viol = 0;
        double[] xtwFlat = new double[m * k];
        double[] wtw = new double[k * k];
        for (Object o : parts) {
            Object[] a = (Object[]) o;
            viol += (Double) a[0];
            double[][] xtw = (double[][]) a[1];
            for (int t = 0; t < k; t++) {
                for (int j = 0; j < m; j++) {
                    xtwFlat[j * k + t] += xtw[t][j];
                }
            }
            double[] g = (double[]) a[2];
            for (int q = 0; q < k * k; q++) {
                wtw[q] += g[q];
            }
        }
        for (int t = 0; t < k; t++) {
            for (int r = 0; r < t; r++) {
                wtw[t * k + r] = wtw[r * k + t];
            }
        }
        return new Pass(viol, xtwFlat, wtw);
    }

    /**
     * One coordinate-descent sweep over row {@code o / k} of W (scikit-learn's {@code _update_cdnmf_fast}):
     * gradient {@code hht w - xh[xo..xo+k)}, projected-gradient violation returned.
     */
    private static double cdRow(double[] w, int o, double[] hht, double[] xh, int xo, int k) {
        double viol = 0;
        for (int t = 0; t < k; t++) {
            double grad = -xh[xo + t];
            int go = t * k;
            for (int r = 0; r < k; r++) {
                grad += hht[go + r] * w[o + r];
            }
            double cur = w[o + t];
            double pg = cur == 0 ? Math.min(0, grad) : grad;
            viol += Math.abs(pg);
            double hess = hht[go + t];
            if (hess != 0) {
                w[o + t] = Math.max(cur - grad / hess, 0);
            }
        }
        return viol;
    }

    /** Adds row {@code o / k} of W's share of X^T W (xtw[t][j]) and of the upper triangle of W^T W. */
    private static void accumulate(float[] row, double[] w, int o, int k, double[][] xtw, double[] wtw) {
        int m = row.length;
        for (int t = 0; t < k; t++) {
            double v = w[o + t];
            if (v == 0) {
                continue;
            }
            for (int r = t; r < k; r++) {
                wtw[t * k + r] += v * w[o + r];
            }
            double[] p = xtw[t];
            for (int j = 0; j < m; j++) {
                p[j] += v * row[j];
            }
        }
    }

    /** X^T, in 32 x 32 tiles (both arrays' tiles stay in L1). */
    private static float[][] transpose(float[][] x) {
        int n = x.length, m = x[0].length;
        float[][] t = new float[m][n];
        final int b = 32;
        for (int i0 = 0; i0 < n; i0 += b) {
            int i1 = Math.min(n, i0 + b);
            for (int j0 = 0; j0 < m; j0 += b) {
                int j1 = Math.min(m, j0 + b);
                for (int i = i0; i < i1; i++) {
                    float[] row = x[i];
                    for (int j = j0; j < j1; j++) {
                        t[j][i] = row[j];
                    }
                }
            }
        }
        return t;
    }

    /** X^T, in 32 x 32 tiles (both arrays' tiles stay in L1). */
    private static double[][] transpose(double[][] x) {
        int n = x.length, m = x[0].length;
        double[][] t = new double[m][n];
        final int b = 32;
        for (int i0 = 0; i0 < n; i0 += b) {
            int i1 = Math.min(n, i0 + b);
            for (int j0 = 0; j0 < m; j0 += b) {
                int j1 = Math.min(m, j0 + b);
                for (int i = i0; i < i1; i++) {
                    double[] row = x[i];
                    for (int j = j0; j < j1; j++) {
                        t[j][i] = row[j];
                    }
                }
            }
        }
        return t;
    }

    private static double[][] widen(float[][] x) {
        double[][] d = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            float[] row = x[i];
            double[] r = new double[row.length];
            for (int j = 0; j < r.length; j++) {
                r[j] = row[j];
            }
            d[i] = r;
        }
        return d;
    }

    /**
     * One coordinate-descent iteration (W then H) for inputs of up to {@link #TRANSPOSED_MAX_ELEMENTS} values, with
     * buffers allocated once: X H^T as AXPYs over the rows of X^T, eight per sweep, the sweep over W, then X^T W as
     * AXPYs over the rows of X (eight rows, all k components while they are in cache) with the new W, then the sweep
     * over H; the k x k Gram matrices are made in one pass over the updated factor (ten sums in registers for
     * k = 4). In the two products, each group of eight products is multiplied and summed in float (X is held in
     * float anyway; W and H are rounded to float for them: eight floats per 256-bit vector against four doubles) and
     * added to double sums; the coordinate-descent sweeps are in double. From {@link #SPLIT_MIN_ELEMENTS} elements
     * on (and at least 3 cores), rows (W update) and then channels (X^T W) are split in two halves over the common
     * pool; each half then has its own arrays (X^T restricted to its rows, X to its channels), because every
     * vectorised loop starts at index 0: C2 compiled the same eight-row AXPY 1.8x slower when its loop started at a
     * parameter (40.9 ms against 22.7 ms for the 200 iterations below, double version; a single or four-row AXPY
     * showed no such difference).
     * <p>
     * Measured (CPU time of the 200 iterations on the 500 x 300, k = 4 series of benchmark (a), best of 30, same
     * JVM, load ~3): 15.2 ms with float groups of eight and double sums, 12.5 ms all in float, 23.1 ms all in double
     * with the same loops, 27.9 ms for the previous double version (four rows per sweep, per-iteration arrays, X^T W
     * one component at a time, W^T W pair by pair). Reconstruction errors (scikit-learn / all double / float groups):
     * benchmark (a) 3.8761699365 / 3.8761699555 / 3.8761699363; Si-Ni PDF series k = 2 11.458684 / 11.45868419 /
     * 11.45868202; CdSe k = 2 2.461122 / 2.46112221 / 2.46112228. All in float moved them by up to 5e-6 relative
     * (sums of 2901 float products), so it is not used. Not kept either: double products from float copies of X
     * (29.3 ms: one conversion per product); Math.fma (no faster here, and a software fallback on CPUs without FMA);
     * pairwise (tree) sums of the eight products (slower than left to right as written).
     */
    private static final class SmallPass {
        private final int n, m, k;
        /** Per part: X^T restricted to the part's rows (m arrays), X restricted to the part's channels (n arrays). */
        private final float[][][] xtPart, xPart;
        /** Per part: X H^T of the part's rows (xh[p][t][i]), X^T W of the part's channels (xtw[p][t][c]). */
        private final double[][][] xh, xtw;
        /** W and H^T rounded to float for the products. */
        private final float[] wf, htf;
        private final int[] rowFrom, colFrom;
        private final double[] hht, wtw;

        SmallPass(float[][] x, double[] ht, int k) {
            this.n = x.length;
            this.m = x[0].length;
            this.k = k;
            boolean split = (long) n * m >= SPLIT_MIN_ELEMENTS && n >= 16 && m >= 16
                    && java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() >= 2;
            int parts = split ? 2 : 1;
            rowFrom = new int[] {0, split ? n / 2 : n, n};
            colFrom = new int[] {0, split ? m / 2 : m, m};
            float[][] xt = transpose(x);
            xtPart = new float[parts][][];
            xPart = new float[parts][][];
            xh = new double[parts][][];
            xtw = new double[parts][][];
            for (int p = 0; p < parts; p++) {
                int r0 = rowFrom[p], r1 = rowFrom[p + 1], c0 = colFrom[p], c1 = colFrom[p + 1];
                xtPart[p] = split ? slice(xt, r0, r1) : xt;
                xPart[p] = split ? slice(x, c0, c1) : x;
                xh[p] = new double[k][r1 - r0];
                xtw[p] = new double[k][c1 - c0];
            }
            this.wf = new float[n * k];
            this.htf = new float[m * k];
            this.hht = new double[k * k];
            this.wtw = new double[k * k];
            gramInto(ht, m, k, hht);
        }

        private static float[][] slice(float[][] rows, int from, int to) {
            float[][] out = new float[rows.length][];
            for (int r = 0; r < rows.length; r++) {
                out[r] = Arrays.copyOfRange(rows[r], from, to);
            }
            return out;
        }

        /** Updates w then ht; returns the summed projected-gradient violation. Keeps H H^T current for the next call. */
        double iterate(double[] w, double[] ht) {
            for (int i = 0; i < htf.length; i++) {
                htf[i] = (float) ht[i];
            }
            double viol;
            if (xh.length == 2) {
                viol = IntStream.range(0, 2).parallel().mapToDouble(p -> wPart(p, w)).sum();
                toFloat(w, wf);
                IntStream.range(0, 2).parallel().forEach(this::xtwPart);
            } else {
                viol = wPart(0, w);
                toFloat(w, wf);
                xtwPart(0);
            }
            gramInto(w, n, k, wtw);
            for (int p = 0; p < xtw.length; p++) {
                viol += cdSweep(ht, colFrom[p], wtw, xtw[p], k);
            }
            gramInto(ht, m, k, hht);
            return viol;
        }

        private static void toFloat(double[] a, float[] f) {
            for (int i = 0; i < a.length; i++) {
                f[i] = (float) a[i];
            }
        }

        /** X H^T for the rows of part p, then the coordinate-descent sweep over those rows of W. */
        private double wPart(int p, double[] w) {
            rowCombination(xtPart[p], htf, xh[p], k);
            return cdSweep(w, rowFrom[p], hht, xh[p], k);
        }

        private void xtwPart(int p) {
            rowCombination(xPart[p], wf, xtw[p], k);
        }

        /**
         * out[t][c] = sum_j coef[j][t] rows[j][c]: eight rows per sweep of each out[t], all k components per
         * eight rows (X H^T with rows = the columns of X and coef = H^T; X^T W with rows = the rows of X and
         * coef = W).
         */
        private static void rowCombination(float[][] rows, float[] coef, double[][] out, int k) {
            final int n = rows.length, len = out[0].length;
            for (double[] r : out) {
                Arrays.fill(r, 0);
            }
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                float[] r0 = rows[i], r1 = rows[i + 1], r2 = rows[i + 2], r3 = rows[i + 3];
                float[] r4 = rows[i + 4], r5 = rows[i + 5], r6 = rows[i + 6], r7 = rows[i + 7];
                for (int t = 0; t < k; t++) {
                    float v0 = coef[i * k + t], v1 = coef[(i + 1) * k + t], v2 = coef[(i + 2) * k + t];
                    float v3 = coef[(i + 3) * k + t], v4 = coef[(i + 4) * k + t], v5 = coef[(i + 5) * k + t];
                    float v6 = coef[(i + 6) * k + t], v7 = coef[(i + 7) * k + t];
                    double[] p = out[t];
                    for (int c = 0; c < len; c++) {
                        p[c] += (v0 * r0[c] + v1 * r1[c] + v2 * r2[c] + v3 * r3[c])
                                + (v4 * r4[c] + v5 * r5[c] + v6 * r6[c] + v7 * r7[c]);
                    }
                }
            }
            for (; i < n; i++) {
                float[] row = rows[i];
                for (int t = 0; t < k; t++) {
                    float v = coef[i * k + t];
                    double[] p = out[t];
                    for (int c = 0; c < len; c++) {
                        p[c] += v * row[c];
                    }
                }
            }
        }
    }

    /**
     * Coordinate-descent sweep over rows from..from+b[0].length-1 of a (rows x k, row-major) with Gram matrix g and the
     * products b[t][i - from] (scikit-learn's {@code _update_cdnmf_fast} in its loop order: component outer, rows
     * inner, so the rows' updates are independent and the out-of-order core overlaps them); returns the
     * projected-gradient violation.
     */
    private static double cdSweep(double[] a, int from, double[] g, double[][] b, int k) {
        if (k == 4) {
            return cdSweep4(a, from, g, b);
        }
        double viol = 0;
        final int count = b[0].length;
        for (int t = 0; t < k; t++) {
            double[] bt = b[t];
            int go = t * k;
            double hess = g[go + t];
            for (int q = 0; q < count; q++) {
                int o = (from + q) * k;
                double grad = -bt[q];
                for (int r = 0; r < k; r++) {
                    grad += g[go + r] * a[o + r];
                }
                double cur = a[o + t];
                viol += Math.abs(cur == 0 ? Math.min(0, grad) : grad);
                if (hess != 0) {
                    a[o + t] = Math.max(cur - grad / hess, 0);
                }
            }
        }
        return viol;
    }

    /**
     * {@link #cdSweep} for k = 4 with the row of g in registers (same operations in the same order; measured 1.0 ms
     * of the 15.3 ms of the 200 iterations of benchmark (a) saved).
     */
    private static double cdSweep4(double[] a, int from, double[] g, double[][] b) {
        double viol = 0;
        final int count = b[0].length;
        for (int t = 0; t < 4; t++) {
            double[] bt = b[t];
            int go = t * 4;
            double g0 = g[go], g1 = g[go + 1], g2 = g[go + 2], g3 = g[go + 3];
            double hess = g[go + t];
            for (int q = 0; q < count; q++) {
                int o = (from + q) * 4;
                double grad = -bt[q] + g0 * a[o] + g1 * a[o + 1] + g2 * a[o + 2] + g3 * a[o + 3];
                double cur = a[o + t];
                viol += Math.abs(cur == 0 ? Math.min(0, grad) : grad);
                if (hess != 0) {
                    a[o + t] = Math.max(cur - grad / hess, 0);
                }
            }
        }
        return viol;
    }

    /** g = A^T A for a (rows x k, row-major) in one pass over the rows (k = 4: the ten sums in registers). */
    private static void gramInto(double[] a, int rows, int k, double[] g) {
        if (k != 4) {
            System.arraycopy(gram(a, rows, k), 0, g, 0, k * k);
            return;
        }
        double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s11 = 0, s12 = 0, s13 = 0, s22 = 0, s23 = 0, s33 = 0;
        for (int i = 0; i < rows; i++) {
            int o = i * 4;
            double a0 = a[o], a1 = a[o + 1], a2 = a[o + 2], a3 = a[o + 3];
            s00 += a0 * a0;
            s01 += a0 * a1;
            s02 += a0 * a2;
            s03 += a0 * a3;
            s11 += a1 * a1;
            s12 += a1 * a2;
            s13 += a1 * a3;
            s22 += a2 * a2;
            s23 += a2 * a3;
            s33 += a3 * a3;
        }
        g[0] = s00;
        g[1] = s01;
        g[2] = s02;
        g[3] = s03;
        g[4] = s01;
        g[5] = s11;
        g[6] = s12;
        g[7] = s13;
        g[8] = s02;
        g[9] = s12;
        g[10] = s22;
        g[11] = s23;
        g[12] = s03;
        g[13] = s13;
        g[14] = s23;
        g[15] = s33;
    }

    /** Coordinate-descent sweep over all rows of a (rows x k, row-major); returns the violation. */
    private static double cdUpdate(double[] a, int rows, int k, double[] g, double[] b) {
        int chunks = (rows + ROW_CHUNK - 1) / ROW_CHUNK;
        if (chunks == 1) { // no fork-join round trip for a single chunk; scikit-learn's loop order (see cdSweep)
            double viol = 0;
            for (int t = 0; t < k; t++) {
                int go = t * k;
                double hess = g[go + t];
                for (int i = 0; i < rows; i++) {
                    int o = i * k;
                    double grad = -b[o + t];
                    for (int r = 0; r < k; r++) {
                        grad += g[go + r] * a[o + r];
                    }
                    double cur = a[o + t];
                    viol += Math.abs(cur == 0 ? Math.min(0, grad) : grad);
                    if (hess != 0) {
                        a[o + t] = Math.max(cur - grad / hess, 0);
                    }
                }
            }
            return viol;
        }
        return IntStream.range(0, chunks).parallel().mapToDouble(c -> {
            double viol = 0;
            for (int i = c * ROW_CHUNK, e = Math.min(rows, i + ROW_CHUNK); i < e; i++) {
                viol += cdRow(a, i * k, g, b, i * k, k);
            }
            return viol;
        }).sum();
    }

    /** A^T A for a (rows x k, row-major). */
    private static double[] gram(double[] a, int rows, int k) {
        double[] g = new double[k * k];
        // one pair of columns at a time, two independent sums in registers (no branch, no store per product)
        for (int s = 0; s < k; s++) {
            for (int t = s; t < k; t++) {
                double s0 = 0, s1 = 0;
                int i = 0;
                for (; i + 1 < rows; i += 2) {
                    s0 += a[i * k + s] * a[i * k + t];
                    s1 += a[(i + 1) * k + s] * a[(i + 1) * k + t];
                }
                if (i < rows) {
                    s0 += a[i * k + s] * a[i * k + t];
                }
                g[s * k + t] = s0 + s1;
            }
        }
        for (int s = 0; s < k; s++) {
            for (int t = 0; t < s; t++) {
                g[s * k + t] = g[t * k + s];
            }
        }
        return g;
    }

    /** X B for B (m x l, row-major): n x l row-major. */
    static double[] xTimes(float[][] x, double[] b, int l) {
        final int n = x.length, m = x[0].length;
        double[] out = new double[n * l];
        int chunks = (n + ROW_CHUNK - 1) / ROW_CHUNK;
        // B transposed (l x m) so that each product is a contiguous dot product
        double[][] bt = new double[l][m];
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < l; c++) {
                bt[c][j] = b[j * l + c];
            }
        }
        IntStream.range(0, chunks).parallel().forEach(ch -> {
            for (int i = ch * ROW_CHUNK, e = Math.min(n, i + ROW_CHUNK); i < e; i++) {
                float[] row = x[i];
                for (int c = 0; c < l; c++) {
                    out[i * l + c] = dot(row, bt[c], m);
                }
            }
        });
        return out;
    }

    private static double dot(float[] x, double[] y, int m) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= m; j += 4) {
            s0 += x[j] * y[j];
            s1 += x[j + 1] * y[j + 1];
            s2 += x[j + 2] * y[j + 2];
            s3 += x[j + 3] * y[j + 3];
        }
        for (; j < m; j++) {
            s0 += x[j] * y[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** X^T A for A (n x l, row-major): m x l row-major. */
    static double[] xtTimes(float[][] x, double[] a, int l) {
        final int n = x.length, m = x[0].length;
        int chunks = (n + ROW_CHUNK * 8 - 1) / (ROW_CHUNK * 8);
        double[][] acc = IntStream.range(0, chunks).parallel().mapToObj(ch -> {
            double[][] part = new double[l][m];
            for (int i = ch * ROW_CHUNK * 8, e = Math.min(n, i + ROW_CHUNK * 8); i < e; i++) {
                float[] row = x[i];
                for (int c = 0; c < l; c++) {
                    double v = a[i * l + c];
                    if (v == 0) {
                        continue;
                    }
                    double[] p = part[c];
                    for (int j = 0; j < m; j++) {
                        p[j] += v * row[j];
                    }
                }
            }
            return part;
        }).reduce((p, q) -> {
            for (int c = 0; c < l; c++) {
                for (int j = 0; j < m; j++) {
                    p[c][j] += q[c][j];
                }
            }
            return p;
        }).orElseThrow();
        double[] out = new double[m * l];
        for (int c = 0; c < l; c++) {
            for (int j = 0; j < m; j++) {
                out[j * l + c] = acc[c][j];
            }
        }
        return out;
    }

    /** ||X - W H||_F, exact, row by row. */
    static double reconstructionError(float[][] x, double[] w, double[] ht, int k) {
        final int n = x.length, m = x[0].length;
        double[][] h = new double[k][m];
        for (int j = 0; j < m; j++) {
            for (int t = 0; t < k; t++) {
                h[t][j] = ht[j * k + t];
            }
        }
        int chunks = (n + ROW_CHUNK - 1) / ROW_CHUNK;
        double ss = IntStream.range(0, chunks).parallel().mapToDouble(ch -> {
            double s = 0;
            double[] rec = new double[m];
            for (int i = ch * ROW_CHUNK, e = Math.min(n, i + ROW_CHUNK); i < e; i++) {
                Arrays.fill(rec, 0);
                for (int t = 0; t < k; t++) {
                    double v = w[i * k + t];
                    if (v == 0) {
                        continue;
                    }
                    double[] ht2 = h[t];
                    for (int j = 0; j < m; j++) {
                        rec[j] += v * ht2[j];
                    }
                }
                float[] row = x[i];
                for (int j = 0; j < m; j++) {
                    double r = row[j] - rec[j];
                    s += r * r;
                }
            }
            return s;
        }).sum();
        return Math.sqrt(ss);
    }

    // ---------------------------------------------------------------- initialisation

    /** NNDSVD(A) from the leading singular triplets; {@code xd}, {@code xt} (double X and X^T, or null) select Lanczos. */
    private static void initNndsvd(float[][] x, double[][] xd, double[][] xt, int k, Options o, double[] w, double[] ht) {
        int n = x.length, m = x[0].length;
        Svd svd = leadingSvd(x, xd, xt, k, o.seed());
        for (int t = 0; t < k; t++) {
            double[] u = svd.u[t], v = svd.v[t];
            double s = svd.s[t];
            if (t == 0) {
                double f = Math.sqrt(s);
                for (int i = 0; i < n; i++) {
                    w[i * k] = f * Math.abs(u[i]);
                }
                for (int j = 0; j < m; j++) {
                    ht[j * k] = f * Math.abs(v[j]);
                }
                continue;
            }
            double xp = 0, xn = 0, yp = 0, yn = 0;
            for (double a : u) {
                if (a > 0) {
                    xp += a * a;
                } else {
                    xn += a * a;
                }
            }
            for (double a : v) {
                if (a > 0) {
                    yp += a * a;
                } else {
                    yn += a * a;
                }
            }
            xp = Math.sqrt(xp);
            xn = Math.sqrt(xn);
            yp = Math.sqrt(yp);
            yn = Math.sqrt(yn);
            double mp = xp * yp, mn = xn * yn;
            boolean pos = mp > mn;
            double sigma = pos ? mp : mn;
            double lbd = Math.sqrt(s * sigma);
            double nu = pos ? xp : xn, nv = pos ? yp : yn;
            for (int i = 0; i < n; i++) {
                double a = pos ? Math.max(u[i], 0) : Math.max(-u[i], 0);
                w[i * k + t] = nu > 0 ? lbd * a / nu : 0;
            }
            for (int j = 0; j < m; j++) {
                double a = pos ? Math.max(v[j], 0) : Math.max(-v[j], 0);
                ht[j * k + t] = nv > 0 ? lbd * a / nv : 0;
            }
        }
        double avg = 0;
        if (o.init() == Init.NNDSVDA) {
            for (float[] row : x) {
                for (float v : row) {
                    avg += v;
                }
            }
            avg /= ((double) n * m);
        }
        for (int i = 0; i < w.length; i++) {
            if (w[i] < 1e-6) {
                w[i] = o.init() == Init.NNDSVDA ? avg : 0;
            }
        }
        for (int i = 0; i < ht.length; i++) {
            if (ht[i] < 1e-6) {
                ht[i] = o.init() == Init.NNDSVDA ? avg : 0;
            }
        }
    }

    /** Leading singular triplets: u[t] (n), v[t] (m), s[t]. */
    record Svd(double[][] u, double[] s, double[][] v) {
    }

    /**
     * Leading singular triplets: by {@link #lanczosSvd} when the double copies {@code xd} (X) and {@code xt} (X^T) are
     * given (small inputs) and it does not break down, else by {@link #leadingSvd(float[][], int, long)}.
     */
    static Svd leadingSvd(float[][] x, double[][] xd, double[][] xt, int k, long seed) {
        Svd svd = xd != null ? lanczosSvd(xd, xt, k, seed) : null;
        return svd != null ? svd : leadingSvd(x, k, seed);
    }

    /** Leading singular triplets: exact (Gram matrix) for small min(n, m), else randomized. */
    static Svd leadingSvd(float[][] x, int k, long seed) {
        int n = x.length, m = x[0].length;
        if (Math.min(n, m) <= 512 && (double) n * m * Math.min(n, m) < 2e9) {
            return exactSvd(x, k);
        }
        int l = Math.min(k + 10, Math.min(n, m));
        int powerIter = (double) n * m > 1e7 ? 4 : 7;
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] omega = new double[m * l];
        for (int i = 0; i < omega.length; i++) {
            omega[i] = gaussian(rnd);
        }
        double[] q = xTimes(x, omega, l); // n x l
        orthonormalise(q, n, l);
        for (int it = 0; it < powerIter; it++) {
            double[] z = xtTimes(x, q, l); // m x l
            orthonormalise(z, m, l);
            q = xTimes(x, z, l);
            orthonormalise(q, n, l);
        }
        // B = Q^T X (l x m) as its transpose X^T Q (m x l); B B^T = (X^T Q)^T (X^T Q)
        double[] bt = xtTimes(x, q, l);
        double[] bbt = gram(bt, m, l);
        SymmetricEigen.Result ed = SymmetricEigen.decompose(toSquare(bbt, l), k);
        double[][] u = new double[k][n];
        double[][] v = new double[k][m];
        double[] s = new double[k];
        for (int t = 0; t < k; t++) {
            double lam = Math.max(0, ed.values()[t]);
            double[] ub = ed.vectors()[t]; // l
            s[t] = Math.sqrt(lam);
            for (int i = 0; i < n; i++) {
                double a = 0;
                for (int c = 0; c < l; c++) {
                    a += q[i * l + c] * ub[c];
                }
                u[t][i] = a;
            }
            for (int j = 0; j < m; j++) {
                double a = 0;
                for (int c = 0; c < l; c++) {
                    a += bt[j * l + c] * ub[c];
                }
                v[t][j] = s[t] > 0 ? a / s[t] : 0;
            }
        }
        return new Svd(u, s, v);
    }

    private static Svd exactSvd(float[][] x, int k) {
        int n = x.length, m = x[0].length;
        boolean rowsGram = n <= m;
        int g = rowsGram ? n : m;
        double[][] a = new double[g][g];
        if (rowsGram) {
            for (int i = 0; i < n; i++) {
                for (int r = i; r < n; r++) {
                    double s = 0;
                    for (int j = 0; j < m; j++) {
                        s += (double) x[i][j] * x[r][j];
                    }
                    a[i][r] = s;
                    a[r][i] = s;
                }
            }
        } else {
            // upper triangle of X^T X, four rows of X per sweep of a row of the result (one store per four products)
            double[][] xd = widen(x);
            int i = 0;
            for (; i + 4 <= n; i += 4) {
                double[] r0 = xd[i], r1 = xd[i + 1], r2 = xd[i + 2], r3 = xd[i + 3];
                for (int p = 0; p < m; p++) {
                    double v0 = r0[p], v1 = r1[p], v2 = r2[p], v3 = r3[p];
                    double[] ap = a[p];
                    for (int q = p; q < m; q++) {
                        ap[q] += v0 * r0[q] + v1 * r1[q] + v2 * r2[q] + v3 * r3[q];
                    }
                }
            }
            for (; i < n; i++) {
                double[] row = xd[i];
                for (int p = 0; p < m; p++) {
                    double v = row[p];
                    double[] ap = a[p];
                    for (int q = p; q < m; q++) {
                        ap[q] += v * row[q];
                    }
                }
            }
            for (int p = 0; p < m; p++) {
                for (int q = 0; q < p; q++) {
                    a[p][q] = a[q][p];
                }
            }
        }
        SymmetricEigen.Result ed = SymmetricEigen.decompose(a, k);
        double[] lams = ed.values();
        double[][] vecs = ed.vectors();
        double[][] u = new double[k][];
        double[][] v = new double[k][];
        double[] s = new double[k];
        for (int t = 0; t < k; t++) {
            double lam = Math.max(0, lams[t]);
            double[] e = vecs[t];
            s[t] = Math.sqrt(lam);
            double[] other = rowsGram ? new double[m] : new double[n];
            if (rowsGram) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < m; j++) {
                        other[j] += e[i] * x[i][j];
                    }
                }
            } else {
                for (int i = 0; i < n; i++) {
                    double sum = 0;
                    for (int j = 0; j < m; j++) {
                        sum += x[i][j] * e[j];
                    }
                    other[i] = sum;
                }
            }
            for (int i = 0; i < other.length; i++) {
                other[i] = s[t] > 0 ? other[i] / s[t] : 0;
            }
            u[t] = rowsGram ? e : other;
            v[t] = rowsGram ? other : e;
        }
        return new Svd(u, s, v);
    }

    /**
     * The k leading singular triplets of X by Lanczos on the Gram operator of the smaller side
     * ({@code X^T X} when m &lt;= n, else {@code X X^T}), applied as two products with X (AXPYs over the rows of
     * {@code x} and of {@code xt}) without forming the Gram matrix; full re-orthogonalisation (classical Gram-Schmidt,
     * twice) against all Lanczos vectors; stops when the residual {@code beta_j |y_i,j|} of each of the k leading Ritz
     * pairs is at most {@link #LANCZOS_TOL} times the largest Ritz value, or when the basis spans the whole space
     * (then exact). Singular values are {@code ||X v||}. Not converged after {@code max(k + 24, p / 4)} steps, it
     * returns null (the exact route is then cheaper).
     * <p>
     * A single Lanczos vector finds one copy of a repeated eigenvalue; an exactly repeated or zero singular value
     * (noise-free synthetic data of lower rank than k) shows up as a breakdown (the Krylov space is invariant,
     * {@code beta ~ 0}) and this method then returns null: the caller uses the exact route instead.
     * <p>
     * Written here because Commons Math 3.6.1 has no Lanczos or partial SVD (its SingularValueDecomposition computes
     * all triplets). Measured on the 500 x 300, k = 4 series of benchmark (a): 0.9 ms (17 steps) against 8.2 ms for
     * the exact route (300 x 300 Gram matrix + {@link SymmetricEigen}); singular values agree to 3e-12 relative and
     * vectors to 1e-11 (the exact route's own results for X and X^T differ by as much), so the NMF is the same.
     * Components at the noise level (k above the number of end-members) converge slowly: measured on the same
     * matrix with k = 5..8, 4.7-8.5 ms against 8.4-10 ms exact (the step limit keeps it near the exact cost).
     *
     * @return the triplets, or null after a breakdown
     */
    static Svd lanczosSvd(double[][] x, double[][] xt, int k, long seed) {
        final int n = x.length, m = x[0].length;
        final boolean right = m <= n; // Lanczos vectors of length p = min(n, m)
        final int p = right ? m : n;
        // beyond p / 4 steps (2 n m + 4 j p operations each) the exact route (n m p / 2 for the Gram matrix) is cheaper
        final int maxSteps = Math.max(k + 24, p / 4);
        double[][] q = new double[Math.min(p, 32)][];
        double[] alpha = new double[q.length], beta = new double[q.length];
        double[] tmp = new double[right ? n : m];
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x1A2C05L);
        double[] start = new double[p];
        for (int i = 0; i < p; i++) {
            start[i] = rnd.nextDouble(-1, 1);
        }
        normalise(start);
        q[0] = start;
        double anorm = 0;
        SymmetricEigen.Result ritz = null;
        int steps = 0;
        for (int j = 0; j < p; j++) {
            double[] w = gramTimes(x, xt, right, q[j], tmp);
            double a = 0;
            for (int i = 0; i < p; i++) {
                a += q[j][i] * w[i];
            }
            alpha[j] = a;
            reorthogonalise(w, q, j + 1);
            reorthogonalise(w, q, j + 1);
            double b = 0;
            for (int i = 0; i < p; i++) {
                b += w[i] * w[i];
            }
            b = Math.sqrt(b);
            anorm = Math.max(anorm, Math.abs(a) + b);
            steps = j + 1;
            if (steps < p && (!(b > 1e-13 * anorm) || steps >= maxSteps)) {
                return null; // breakdown (exactly degenerate spectrum) or slow convergence: the exact route is cheaper
            }
            if (steps >= k) {
                ritz = SymmetricEigen.tridiagonal(Arrays.copyOf(alpha, steps), Arrays.copyOf(beta, steps), k);
                if (steps == p) {
                    break;
                }
                double tol = LANCZOS_TOL * Math.max(Math.abs(ritz.values()[0]), Double.MIN_NORMAL);
                boolean done = true;
                for (int t = 0; t < k && done; t++) {
                    done = b * Math.abs(ritz.vectors()[t][steps - 1]) <= tol;
                }
                if (done) {
                    break;
                }
            }
            beta[j] = b;
            for (int i = 0; i < p; i++) {
                w[i] /= b;
            }
            if (j + 1 == q.length) {
                int len = Math.min(p, 2 * q.length);
                q = Arrays.copyOf(q, len);
                alpha = Arrays.copyOf(alpha, len);
                beta = Arrays.copyOf(beta, len);
            }
            q[j + 1] = w;
        }
        double[][] u = new double[k][];
        double[][] v = new double[k][];
        double[] s = new double[k];
        for (int t = 0; t < k; t++) {
            double[] y = ritz.vectors()[t];
            double[] z = new double[p];
            for (int c = 0; c < steps; c++) {
                double yc = y[c];
                double[] qc = q[c];
                for (int i = 0; i < p; i++) {
                    z[i] += yc * qc[i];
                }
            }
            normalise(z);
            double[] other = new double[right ? n : m];
            axpyRows(right ? xt : x, z, other); // X v (length n) or X^T u (length m)
            double nrm = 0;
            for (double a : other) {
                nrm += a * a;
            }
            nrm = Math.sqrt(nrm);
            s[t] = nrm;
            for (int i = 0; i < other.length; i++) {
                other[i] = nrm > 0 ? other[i] / nrm : 0;
            }
            u[t] = right ? other : z;
            v[t] = right ? z : other;
        }
        return new Svd(u, s, v);
    }

    /** Residual of a Ritz pair relative to the largest Ritz value at which {@link #lanczosSvd} stops. */
    private static final double LANCZOS_TOL = 1e-15;

    /** X^T X v (right) or X X^T u, as two AXPY products; {@code tmp} holds the intermediate vector. */
    private static double[] gramTimes(double[][] x, double[][] xt, boolean right, double[] v, double[] tmp) {
        if (right) {
            axpyRows(xt, v, tmp); // X v = sum_j v_j X^T[j]
            double[] out = new double[v.length];
            axpyRows(x, tmp, out); // X^T (X v) = sum_i (X v)_i X[i]
            return out;
        }
        axpyRows(x, v, tmp);
        double[] out = new double[v.length];
        axpyRows(xt, tmp, out);
        return out;
    }

    /** out = sum_r c[r] rows[r] (out overwritten), four rows per sweep (one store per four products). */
    private static void axpyRows(double[][] rows, double[] c, double[] out) {
        final int len = out.length, nr = rows.length;
        Arrays.fill(out, 0);
        int r = 0;
        for (; r + 4 <= nr; r += 4) {
            double c0 = c[r], c1 = c[r + 1], c2 = c[r + 2], c3 = c[r + 3];
            double[] r0 = rows[r], r1 = rows[r + 1], r2 = rows[r + 2], r3 = rows[r + 3];
            for (int i = 0; i < len; i++) {
                out[i] += c0 * r0[i] + c1 * r1[i] + c2 * r2[i] + c3 * r3[i];
            }
        }
        for (; r < nr; r++) {
            double c0 = c[r];
            double[] r0 = rows[r];
            for (int i = 0; i < len; i++) {
                out[i] += c0 * r0[i];
            }
        }
    }

    /** Classical Gram-Schmidt of w against q[0..count-1]. */
    private static void reorthogonalise(double[] w, double[][] q, int count) {
        int p = w.length;
        double[] dots = new double[count];
        for (int c = 0; c < count; c++) {
            double[] qc = q[c];
            double d0 = 0, d1 = 0;
            int i = 0;
            for (; i + 1 < p; i += 2) {
                d0 += qc[i] * w[i];
                d1 += qc[i + 1] * w[i + 1];
            }
            if (i < p) {
                d0 += qc[i] * w[i];
            }
            dots[c] = d0 + d1;
        }
        for (int c = 0; c < count; c++) {
            double d = dots[c];
            double[] qc = q[c];
            for (int i = 0; i < p; i++) {
                w[i] -= d * qc[i];
            }
        }
    }

    private static void normalise(double[] z) {
        double nrm = 0;
        for (double a : z) {
            nrm += a * a;
        }
        nrm = Math.sqrt(nrm);
        for (int i = 0; i < z.length; i++) {
            z[i] = nrm > 0 ? z[i] / nrm : 0;
        }
    }

    private static double[][] toSquare(double[] flat, int l) {
        double[][] a = new double[l][l];
        for (int i = 0; i < l; i++) {
            System.arraycopy(flat, i * l, a[i], 0, l);
        }
        return a;
    }

    /** Modified Gram-Schmidt on the l columns of a (rows x l, row-major), twice for stability. */
    private static void orthonormalise(double[] a, int rows, int l) {
        for (int pass = 0; pass < 2; pass++) {
            for (int c = 0; c < l; c++) {
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (int i = 0; i < rows; i++) {
                        dot += a[i * l + c] * a[i * l + p];
                    }
                    for (int i = 0; i < rows; i++) {
                        a[i * l + c] -= dot * a[i * l + p];
                    }
                }
                double nrm = 0;
                for (int i = 0; i < rows; i++) {
                    nrm += a[i * l + c] * a[i * l + c];
                }
                nrm = Math.sqrt(nrm);
                for (int i = 0; i < rows; i++) {
                    a[i * l + c] = nrm > 0 ? a[i * l + c] / nrm : 0;
                }
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble(), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
