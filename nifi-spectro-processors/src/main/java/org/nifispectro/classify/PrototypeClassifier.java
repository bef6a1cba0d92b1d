package org.nifispectro.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Nearest-prototype classifier of PDF profiles with calibrated SoftMax probabilities.
 *
 * <h2>Model</h2> Each class c has K_c prototypes p_ck: unit-norm, zero-mean profiles on the
 * model grid ({@link PdfProfile}), learned by spherical k-means (cosine similarity, Dhillon &amp;
 * Modha 2001) from the class's augmented training PDFs, so they span the lattice, Uiso, Qmax,
 * Qdamp, particle-size and noise variation seen in training. The score of class c for an input
 * profile x is s_c = max_k x . p_ck, i.e. the best Pearson correlation with a prototype, and the
 * probability is P(c) = exp(s_c / T) / sum_c' exp(s_c' / T) with the temperature T fitted by
 * minimising the log-loss on validation PDFs (structure variants not used for the prototypes).
 * The SoftMax also holds a "none of the catalog" outcome with a fixed score s_none (the 1 %
 * quantile of the true-class scores of the validation PDFs, perturbed ones included): an input
 * unlike every class (best correlation well below what catalog structures reach under
 * augmentation) gives that outcome most of the probability and every class a low one, a flat
 * profile: MLstructureMining's "no good candidate" signal.
 *
 * <h2>Second stage: r-scaling re-rank (model format 2)</h2> A model may also hold a finer set of
 * prototypes per class (k-means of the same training profiles into more centroids) and re-rank
 * the {@code shortlist} best classes of the first stage with them: the input profile is
 * resampled at r * s for 2 m + 1 scale factors s in [1 - delta, 1 + delta] (steps delta / m;
 * linear interpolation on the model grid, the edge value beyond its end, re-centred and
 * re-normalised) and the class score becomes the best correlation over fine prototypes and
 * scale factors. An isotropic change of the lattice scales every interatomic distance, so this
 * absorbs the part of a lattice difference the +-4 % training variants sample only sparsely;
 * measured on the 233-CIF inorganic catalog (179 classes, 40 variants x 6 conditions per class,
 * 16 + 48 prototypes, shortlist 10; 8 or 4 first-stage prototypes gave the same) held-out top-1 rose from 84.6 % (first stage alone, 20
 * variants) to 91.3 % with delta 0.03 (91.8 % with 0.06) and top-3 from 97.1 % to 98.9 %; on the
 * full 841-class catalog from 78.7 % / 93.0 % to 85.4 % / 96.6 % (16 + 48; shipped 8 + 32: 85.9 % /
 * 96.3 %) (docs/classify-report.md;
 * delta 0.03 was shipped because 0.06 merges fcc metals 2.5-6 % apart). Classes outside the
 * shortlist keep their first-stage score, which is below every re-ranked score of the same class.
 *
 * <p>Lattice prior (optional): each fine prototype carries the mean lattice deviation d_k of the
 * training variants it stands for, and a match at scale s scores corr - lambda ((d_k + s - 1) /
 * 0.04)^2, i.e. an input is preferably explained by a class near its catalog cell rather than by
 * the edge of the +-4 % variant range of another class. Without it, monatomic fcc metals whose
 * lattice constants differ by less than the variant range (Ni 3.52 A, Cu 3.61 A) are matched
 * equally well by both classes and a measured Ni PDF came out Cu first (p 0.358 vs 0.358). With a
 * prior the re-ranked score replaces the first-stage score (it can be lower).
 *
 * <h2>Third stage: pairwise discriminants (model format 3)</h2> Most remaining errors of the two
 * stages are between classes of the same structure type whose lattices differ by about 1 %
 * (isotypic mineral series such as Ho2O3 / Dy2O3, spinels, rocksalts): their nominal PDFs differ
 * (Pearson r median 0.6) but their +-4 % variant clouds overlap, and in 57 % of the misses some
 * training profile of the wrong class is closer to the input than any of the true class's
 * (docs/classify-report.md, session 4). A model may therefore hold, for the class pairs the two
 * stages confuse on training and validation profiles, a Fisher linear discriminant computed
 * from the two classes' training profiles ({@link Pairwise}; {@link Trainer} explains the fit).
 * The {@code window} best classes after the second stage play a round robin: each pair with a
 * discriminant is decided by the sign of its margin, every other pair by the scores; the classes
 * are re-ordered by wins minus losses (ties keep the score order) and the window's score values
 * are handed out again in that order, so the probabilities keep the calibration of the two
 * stages (the temperature is fitted with the third stage in place). Measured on the full
 * 841-class catalog (default model, same test profiles, shortlist 15): held-out top-1 / top-3
 * from 86.1 / 96.6 % (two stages) to 91.9 / 98.9 %, perturbed from 85.4 / 96.6 % to 91.8 / 99.0 %
 * (window 10, shrinkage 0.01, 932 pairs; with shortlist 10: 91.6 / 98.4 % and 91.4 / 98.6 %).
 * Pairs of isotypic one-element classes (fcc Ni / Cu) get no discriminant
 * ({@code Trainer.latticeOnly}): they differ only by the lattice constant, which the second stage
 * weighs, and a discriminant put measured Ni behind Cu.
 *
 * <h2>Cost</h2> First stage: one dot product per prototype, sum K_c * n multiply-adds (float,
 * laid out point-major so HotSpot vectorises it). Second stage: shortlist * K_fine * (2 m + 1)
 * * n multiply-adds (15 * 32 * 13 * 291 = 1.8 M for the default model, the same layout per class;
 * session 4: 1.4-1.6 ms per profile with the shortlist 15, 1.2-1.4 ms with 10). Measured for the
 * session-3 model (841 classes, 8 + 32 prototypes, shortlist 10): 1.4-1.5 ms per profile (16 + 48:
 * 2.8 ms).
 *
 * Third stage: at most window (window - 1) / 2 = 45 dot products of n points.
 *
 * <p>References: I. S. Dhillon, D. S. Modha, Machine Learning 42 (2001) 143 (spherical
 * k-means); C. Guo et al., ICML 2017 (temperature scaling); R. A. Fisher, Ann. Eugenics 7 (1936)
 * 179 (linear discriminant); O. Ledoit, M. Wolf, J. Multivariate Anal. 88 (2004) 365 (covariance
 * shrinkage); T. Hastie, R. Tibshirani, Ann. Statist. 26 (1998) 451 (classification by pairwise
 * coupling: one-vs-one decisions combined by votes, as sklearn's OneVsOneClassifier); E. T. S. Kjaer et al., Digital
 * Discovery 3 (2024) 908 (MLstructureMining, seed 004).
 */
public final class PrototypeClassifier {

    private final ModelGrid grid;
    private final int[] start;
    private final float[][] prototypes;
    private final double temperature;
    private final double noneScore;
    /**
     * First-stage prototypes transposed, grid point major, as 16-bit integers:
     * byPoint[i * P + k] = round(prototypes[k][i] / pointScale[k]), pointScale[k] = max_i |p_k[i]| / 32767.
     */
    private final short[] byPoint;
    private final float[] pointScale;
    private final Refinement refinement;
    /** Per class: fine prototypes point-major (fineByPoint[c][i * K_c + k]); null without refinement. */
    private final float[][] fineByPoint;
    /** Per scale factor: interpolation index and weight of each grid point. */
    private final int[][] scaleIndex;
    private final float[][] scaleWeight;
    private final Pairwise pairwise;
    /** Sorted pair keys (first << 32 | second) of the pairwise stage, with the index of each pair. */
    private final long[] pairKeys;
    private final int[] pairIndex;

    /**
     * The second stage.
     *
     * @param start class c owns fine prototypes start[c] .. start[c+1]-1 (length classes + 1)
     * @param prototypes unit-norm fine prototypes of grid.n() points
     * @param shortlist number of first-stage classes re-ranked (>= 1)
     * @param maxScale largest relative r scaling delta (0 <= delta < 0.5)
     * @param steps scale steps m on each side of 1 (>= 0; 2 m + 1 factors)
     * @param deviation per fine prototype, the mean isotropic lattice deviation of the training
     *        variants it stands for ((V / V_catalog)^(1/3) - 1); null: all 0
     * @param latticePenalty lambda of the lattice prior: a match of fine prototype k at scale s
     *        scores corr - lambda * ((deviation_k + s - 1) / tolerance)^2 (0: no prior)
     * @param tolerance lattice tolerance of the training variants (0.04)
     */
    public record Refinement(int[] start, float[][] prototypes, int shortlist, double maxScale, int steps,
                             float[] deviation, double latticePenalty, double tolerance) {
        /** Without the lattice prior. */
        public Refinement(int[] start, float[][] prototypes, int shortlist, double maxScale, int steps) {
            this(start, prototypes, shortlist, maxScale, steps, null, 0, 0.04);
        }

        public Refinement {
            if (deviation != null && deviation.length != prototypes.length) {
                throw new IllegalArgumentException(deviation.length + " lattice deviations for " + prototypes.length
                        + " fine prototypes");
            }
            if (!(latticePenalty >= 0) || !(tolerance > 0)) {
                throw new IllegalArgumentException("lattice penalty must be >= 0 and tolerance > 0, got "
                        + latticePenalty + ", " + tolerance);
            }
            if (shortlist < 1 || !(maxScale >= 0 && maxScale < 0.5) || steps < 0 || (steps == 0 && maxScale > 0)) {
                throw new IllegalArgumentException("invalid refinement: shortlist " + shortlist + ", scale range "
                        + maxScale + ", steps " + steps + " (need shortlist >= 1, 0 <= range < 0.5, steps >= 1 when"
                        + " the range is positive)");
            }
            checkTable(start, prototypes, "fine");
        }
    }

    /**
     * The third stage (model format 3): pairwise linear discriminants between classes the two
     * stages confuse, used to re-order the {@code window} best classes.
     *
     * @param first first class of each pair (first[i] &lt; second[i])
     * @param second second class of each pair
     * @param weights per pair a discriminant w of grid.n() values: m(x) = w . x + bias is +1 at the
     *        mean training profile of the first class and -1 at the second's (Fisher direction)
     * @param bias per pair
     * @param window number of best classes re-ordered by the pairwise tournament (>= 2)
     */
    public record Pairwise(int[] first, int[] second, float[][] weights, float[] bias, int window) {
        public Pairwise {
            if (first.length != second.length || first.length != weights.length || first.length != bias.length) {
                throw new IllegalArgumentException("pairwise stage: " + first.length + " first classes, "
                        + second.length + " second classes, " + weights.length + " discriminants and " + bias.length
                        + " biases; need one of each per pair");
            }
            if (window < 2) {
                throw new IllegalArgumentException("pairwise window must be >= 2, got " + window);
            }
            for (int i = 0; i < first.length; i++) {
                if (first[i] < 0 || first[i] >= second[i]) {
                    throw new IllegalArgumentException("pair " + i + " (" + first[i] + ", " + second[i]
                            + ") is not two classes in increasing order");
                }
                if (!Float.isFinite(bias[i])) {
                    throw new IllegalArgumentException("pair " + i + " has a non-finite bias");
                }
            }
        }

        /** @return number of pairs */
        public int size() {
            return first.length;
        }
    }

    static long pairKey(int a, int b) {
        return a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
    }

    /** @return true when the third stage holds a discriminant for classes a and b (either order) */
    boolean hasPair(int a, int b) {
        return pairKeys != null && Arrays.binarySearch(pairKeys, pairKey(a, b)) >= 0;
    }

    private static void checkTable(int[] start, float[][] prototypes, String what) {
        if (start.length < 2 || start[0] != 0 || start[start.length - 1] != prototypes.length) {
            throw new IllegalArgumentException(what + " class table does not match " + prototypes.length
                    + " prototypes");
        }
        for (int c = 0; c + 1 < start.length; c++) {
            if (start[c + 1] <= start[c]) {
                throw new IllegalArgumentException("class " + c + " has no " + what + " prototype");
            }
        }
    }

    /**
     * @param grid model grid
     * @param start class c owns prototypes start[c] .. start[c+1]-1 (length classes + 1)
     * @param prototypes unit-norm profiles of grid.n() points
     * @param temperature SoftMax temperature (> 0)
     * @param noneScore score of the "none of the catalog" outcome in the SoftMax denominator (NaN: none)
     */
    public PrototypeClassifier(ModelGrid grid, int[] start, float[][] prototypes, double temperature,
                               double noneScore) {
        this(grid, start, prototypes, null, temperature, noneScore);
    }

    /**
     * @param grid model grid
     * @param start class c owns prototypes start[c] .. start[c+1]-1 (length classes + 1)
     * @param prototypes unit-norm profiles of grid.n() points (first stage)
     * @param refinement second stage, or null for the first stage alone
     * @param temperature SoftMax temperature (> 0)
     * @param noneScore score of the "none of the catalog" outcome in the SoftMax denominator (NaN: none)
     */
    public PrototypeClassifier(ModelGrid grid, int[] start, float[][] prototypes, Refinement refinement,
                               double temperature, double noneScore) {
        this(grid, start, prototypes, refinement, null, temperature, noneScore);
    }

    /**
     * @param grid model grid
     * @param start class c owns prototypes start[c] .. start[c+1]-1 (length classes + 1)
     * @param prototypes unit-norm profiles of grid.n() points (first stage)
     * @param refinement second stage, or null for the first stage alone
     * @param pairwise third stage, or null (needs a second stage)
     * @param temperature SoftMax temperature (> 0)
     * @param noneScore score of the "none of the catalog" outcome in the SoftMax denominator (NaN: none)
     */
    public PrototypeClassifier(ModelGrid grid, int[] start, float[][] prototypes, Refinement refinement,
                               Pairwise pairwise, double temperature, double noneScore) {
        checkTable(start, prototypes, "first-stage");
        for (float[] p : prototypes) {
            if (p.length != grid.n()) {
                throw new IllegalArgumentException("prototype length " + p.length + " != grid " + grid.n());
            }
        }
        if (refinement != null) {
            if (refinement.start().length != start.length) {
                throw new IllegalArgumentException("fine prototypes cover " + (refinement.start().length - 1)
                        + " classes, first stage " + (start.length - 1));
            }
            for (float[] p : refinement.prototypes()) {
                if (p.length != grid.n()) {
                    throw new IllegalArgumentException("fine prototype length " + p.length + " != grid " + grid.n());
                }
            }
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        if (pairwise != null) {
            if (refinement == null) {
                throw new IllegalArgumentException("a pairwise stage needs the second stage");
            }
            for (int i = 0; i < pairwise.size(); i++) {
                if (pairwise.second()[i] >= start.length - 1) {
                    throw new IllegalArgumentException("pair " + i + " names class " + pairwise.second()[i] + " of "
                            + (start.length - 1));
                }
                if (pairwise.weights()[i].length != grid.n()) {
                    throw new IllegalArgumentException("discriminant " + i + " has " + pairwise.weights()[i].length
                            + " values, grid " + grid.n());
                }
            }
        }
        this.pairwise = pairwise;
        if (pairwise == null) {
            pairKeys = null;
            pairIndex = null;
        } else {
            int np = pairwise.size();
            long[][] kv = new long[np][];
            for (int i = 0; i < np; i++) {
                kv[i] = new long[] {pairKey(pairwise.first()[i], pairwise.second()[i]), i};
            }
            Arrays.sort(kv, (p, q) -> Long.compare(p[0], q[0]));
            pairKeys = new long[np];
            pairIndex = new int[np];
            for (int i = 0; i < np; i++) {
                if (i > 0 && kv[i][0] == kv[i - 1][0]) {
                    throw new IllegalArgumentException("pair (" + (kv[i][0] >>> 32) + ", " + (int) kv[i][0]
                            + ") is given twice");
                }
                pairKeys[i] = kv[i][0];
                pairIndex[i] = (int) kv[i][1];
            }
        }
        this.grid = grid;
        this.start = start.clone();
        this.prototypes = prototypes;
        this.refinement = refinement;
        this.temperature = temperature;
        this.noneScore = noneScore;
        int np = prototypes.length;
        this.byPoint = new short[grid.n() * np];
        this.pointScale = new float[np];
        for (int k = 0; k < np; k++) {
            float max = 0;
            for (float v : prototypes[k]) {
                max = Math.max(max, Math.abs(v));
            }
            pointScale[k] = max / 32767f;
            for (int i = 0; i < grid.n(); i++) {
                byPoint[i * np + k] = max == 0 ? 0 : (short) Math.round(prototypes[k][i] / max * 32767f);
            }
        }
        if (refinement == null) {
            fineByPoint = null;
            scaleIndex = null;
            scaleWeight = null;
        } else {
            int nc = start.length - 1;
            int n = grid.n();
            fineByPoint = new float[nc][];
            for (int c = 0; c < nc; c++) {
                int s0 = refinement.start()[c];
                int kc = refinement.start()[c + 1] - s0;
                float[] b = new float[n * kc];
                for (int k = 0; k < kc; k++) {
                    float[] p = refinement.prototypes()[s0 + k];
                    for (int i = 0; i < n; i++) {
                        b[i * kc + k] = p[i];
                    }
                }
                fineByPoint[c] = b;
            }
            int m = refinement.steps();
            scaleIndex = new int[2 * m + 1][n];
            scaleWeight = new float[2 * m + 1][n];
            for (int j = -m; j <= m; j++) {
                double sc = m == 0 ? 1 : 1 + refinement.maxScale() * j / m;
                for (int k = 0; k < n; k++) {
                    double u = (grid.r(k) * sc - grid.rmin()) / grid.rstep();
                    int i = (int) Math.floor(u);
                    if (i < 0) {
                        scaleIndex[j + m][k] = 0;
                        scaleWeight[j + m][k] = 0f;
                    } else if (i >= n - 1) {
                        scaleIndex[j + m][k] = n - 2;
                        scaleWeight[j + m][k] = 1f;
                    } else {
                        scaleIndex[j + m][k] = i;
                        scaleWeight[j + m][k] = (float) (u - i);
                    }
                }
            }
        }
    }

    /** @return the same classifier with another none score */
    public PrototypeClassifier withNoneScore(double s) {
        return new PrototypeClassifier(grid, start, prototypes, refinement, pairwise, temperature, s);
    }

    /** @return the same classifier with another temperature and none score */
    PrototypeClassifier calibrated(double t, double s) {
        return new PrototypeClassifier(grid, start, prototypes, refinement, pairwise, t, s);
    }

    /** @return the same classifier with another pairwise stage (null: none), for comparisons */
    public PrototypeClassifier withPairwise(Pairwise p) {
        return new PrototypeClassifier(grid, start, prototypes, refinement, p, temperature, noneScore);
    }

    /** @return the third stage, or null when the model has none (formats 1, 2) */
    public Pairwise pairwise() {
        return pairwise;
    }

    /**
     * @return the same classifier with the second stage's shortlist and scale search changed (the
     *         fine prototypes kept; maxScale 0 with steps 0 re-ranks with the fine prototypes at
     *         r * 1 only), for comparisons; null refinement if this one has none
     */
    public PrototypeClassifier withScaleSearch(int shortlist, double maxScale, int steps) {
        if (refinement == null) {
            return this;
        }
        return new PrototypeClassifier(grid, start, prototypes, new Refinement(refinement.start(),
                refinement.prototypes(), shortlist, maxScale, steps, refinement.deviation(),
                refinement.latticePenalty(), refinement.tolerance()), pairwise, temperature, noneScore);
    }

    /** @return the same classifier with another lattice penalty (for comparisons) */
    public PrototypeClassifier withLatticePenalty(double lambda) {
        if (refinement == null) {
            return this;
        }
        Refinement r = refinement;
        return new PrototypeClassifier(grid, start, prototypes, new Refinement(r.start(), r.prototypes(),
                r.shortlist(), r.maxScale(), r.steps(), r.deviation(), lambda, r.tolerance()), pairwise, temperature,
                noneScore);
    }

    /** @return the first stage alone (same prototypes, temperature and none score) */
    public PrototypeClassifier firstStage() {
        return new PrototypeClassifier(grid, start, prototypes, null, temperature, noneScore);
    }

    /** @return the second stage, or null when the model has none (format 1) */
    public Refinement refinement() {
        return refinement;
    }

    /** @return score of the "none of the catalog" outcome, NaN if the model has none */
    public double noneScore() {
        return noneScore;
    }

    public ModelGrid grid() {
        return grid;
    }

    public int classCount() {
        return start.length - 1;
    }

    public int prototypeCount() {
        return prototypes.length;
    }

    public double temperature() {
        return temperature;
    }

    int[] start() {
        return start;
    }

    float[][] prototypes() {
        return prototypes;
    }

    /**
     * @return s_c, the best correlation per class. The dot products of all prototypes are
     *         accumulated grid point by grid point (acc[k] += x[i] * p_k[i] over a contiguous
     *         row), a loop HotSpot vectorises: measured 5.0 ms instead of 16.8 ms for the
     *         prototype-by-prototype reductions over 13,312 prototypes of 291 points (2-core
     *         machine shared with other jobs, load average ~11; both scale alike). The first-stage
     *         prototypes are held as 16-bit integers with one scale per prototype (session 5): the
     *         loop streams the whole table for every profile (6,728 x 291 values for the default
     *         model: 7.8 MB as float, more than this machine's cache share), and at half the bytes
     *         it ran 0.14 ms instead of 1.5 ms per profile (same run, load ~3.6). The rounding
     *         changes a correlation by at most sqrt(n) / 65534 (2.6e-4 for 291 points, |x| = 1;
     *         measured at most 1.5e-5 on measured PDFs); the second stage re-scores the
     *         shortlist from the float prototypes.
     */
    public double[] scores(float[] x) {
        if (x.length != grid.n()) {
            throw new IllegalArgumentException("profile has " + x.length + " points, model grid " + grid.n());
        }
        int np = prototypes.length;
        float[] acc = new float[np];
        for (int i = 0; i < x.length; i++) {
            float xi = x[i];
            if (xi == 0f) {
                continue;
            }
            int off = i * np;
            for (int k = 0; k < np; k++) {
                acc[k] += xi * byPoint[off + k];
            }
        }
        for (int k = 0; k < np; k++) {
            acc[k] *= pointScale[k];
        }
        int nc = classCount();
        double[] s = new double[nc];
        for (int c = 0; c < nc; c++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int k = start[c]; k < start[c + 1]; k++) {
                best = Math.max(best, acc[k]);
            }
            s[c] = best;
        }
        if (refinement != null) {
            refine(x, s);
        }
        if (pairwise != null) {
            tournament(x, s);
        }
        return s;
    }

    /**
     * Third stage: the {@code window} best classes play a round robin; a pair with a discriminant
     * is decided by the sign of its margin, any other pair by the scores. The classes are
     * re-ordered by wins minus losses (ties keep the score order) and given the same scores in
     * that order, so the score values (and the SoftMax temperature and none outcome fitted on them)
     * stay those of the two stages, only which class holds which changes.
     */
    private void tournament(float[] x, double[] s) {
        int w = Math.min(pairwise.window(), s.length);
        int[] top = topIndices(s, w); // best first
        int[] net = new int[w];
        for (int i = 0; i < w; i++) {
            for (int j = i + 1; j < w; j++) {
                int a = top[i];
                int b = top[j];
                int p = Arrays.binarySearch(pairKeys, pairKey(a, b));
                double m;
                if (p < 0) {
                    m = s[a] - s[b];
                } else {
                    int q = pairIndex[p];
                    float[] wt = pairwise.weights()[q];
                    double acc = pairwise.bias()[q];
                    for (int k = 0; k < x.length; k++) {
                        acc += wt[k] * x[k];
                    }
                    m = a < b ? acc : -acc; // the discriminant is positive for the pair's first (smaller) class
                }
                int v = m > 0 ? 1 : m < 0 ? -1 : 0;
                net[i] += v;
                net[j] -= v;
            }
        }
        double[] val = new double[w];
        Integer[] order = new Integer[w];
        for (int i = 0; i < w; i++) {
            val[i] = s[top[i]];
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> net[p] != net[q] ? Integer.compare(net[q], net[p]) : Integer.compare(p, q));
        for (int i = 0; i < w; i++) {
            s[top[order[i]]] = val[i];
        }
    }

    /** Second stage: re-scores the shortlist with the fine prototypes and the r-scaled input. */
    private void refine(float[] x, double[] s) {
        int nc = s.length;
        int m = Math.min(refinement.shortlist(), nc);
        int[] top = topIndices(s, m);
        int n = x.length;
        int ns = scaleIndex.length;
        float[][] q = new float[ns][n];
        for (int j = 0; j < ns; j++) {
            int[] idx = scaleIndex[j];
            float[] w = scaleWeight[j];
            float[] y = q[j];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                y[k] = x[idx[k]] * (1 - w[k]) + x[idx[k] + 1] * w[k];
                sum += y[k];
            }
            float mean = (float) (sum / n);
            double ss = 0;
            for (int k = 0; k < n; k++) {
                y[k] -= mean;
                ss += y[k] * y[k];
            }
            float inv = ss > 0 ? (float) (1 / Math.sqrt(ss)) : 0f;
            for (int k = 0; k < n; k++) {
                y[k] *= inv;
            }
        }
        // every scale factor: a coarse-to-fine search (every third, then the neighbours of the
        // best) cost 0.7 points of top-1 on the inorganic catalog and saved < 10 % CPU time
        int[] fs = refinement.start();
        float[] dev = refinement.deviation();
        double lambda = dev == null ? 0 : refinement.latticePenalty();
        double tol = refinement.tolerance();
        for (int c : top) {
            int kc = fs[c + 1] - fs[c];
            float[] b = fineByPoint[c];
            float best = Float.NEGATIVE_INFINITY;
            float[] acc = new float[kc];
            for (int j = 0; j < ns; j++) {
                float[] y = q[j];
                java.util.Arrays.fill(acc, 0f);
                for (int i = 0; i < n; i++) {
                    float yi = y[i];
                    int off = i * kc;
                    for (int k = 0; k < kc; k++) {
                        acc[k] += yi * b[off + k];
                    }
                }
                if (lambda == 0) {
                    for (int k = 0; k < kc; k++) {
                        best = Math.max(best, acc[k]);
                    }
                } else {
                    double sm1 = scaleFactor(j) - 1;
                    for (int k = 0; k < kc; k++) {
                        double u = (dev[fs[c] + k] + sm1) / tol;
                        best = Math.max(best, (float) (acc[k] - lambda * u * u));
                    }
                }
            }
            s[c] = lambda == 0 ? Math.max(s[c], best) : best;
        }
        if (lambda > 0) {
            // classes outside the shortlist stay below it (their first-stage scores carry no penalty)
            double floor = Double.POSITIVE_INFINITY;
            boolean[] in = new boolean[nc];
            for (int c : top) {
                floor = Math.min(floor, s[c]);
                in[c] = true;
            }
            for (int c = 0; c < nc; c++) {
                if (!in[c]) {
                    s[c] = Math.min(s[c], floor);
                }
            }
        }
    }

    private double scaleFactor(int j) {
        int m = refinement.steps();
        return m == 0 ? 1 : 1 + refinement.maxScale() * (j - m) / m;
    }

    /** @return indices of the m largest scores, best first (equal scores: lower index first) */
    static int[] topIndices(double[] s, int m) {
        if (m <= 0) {
            return new int[0];
        }
        int[] top = new int[m];
        double[] val = new double[m];
        int filled = 0;
        for (int i = 0; i < s.length; i++) {
            double v = s[i];
            int p; // insertion point: the next free slot, or the last one when v beats the smallest kept
            if (filled < m) {
                p = filled++;
            } else if (v > val[m - 1]) {
                p = m - 1;
            } else {
                continue;
            }
            while (p > 0 && val[p - 1] < v) {
                val[p] = val[p - 1];
                top[p] = top[p - 1];
                p--;
            }
            val[p] = v;
            top[p] = i;
        }
        return top;
    }

    /** @return the k most probable classes, best first */
    public List<Candidate> rank(float[] x, int k) {
        return rank(scores(x), temperature, noneScore, k);
    }

    /**
     * A ranking and the probability of "none of the catalog".
     *
     * @param candidates top k, best first
     * @param noneProbability probability of the none outcome (0 when the model has none)
     */
    public record Ranking(List<Candidate> candidates, double noneProbability) {
    }

    /** @return top k and the none probability, from one scoring pass */
    public Ranking classify(float[] x, int k) {
        double[] s = scores(x);
        return new Ranking(rank(s, temperature, noneScore, k), noneProbability(s));
    }

    /**
     * Top k among the admitted classes only (a chemical constraint, {@link ElementFilter}); the probabilities
     * are those over the whole catalog, not renormalised over the admitted classes.
     *
     * @param admitted per class, whether it may be ranked; null: every class
     * @return top k admitted classes (fewer when fewer are admitted) and the none probability
     */
    public Ranking classify(float[] x, int k, boolean[] admitted) {
        if (admitted == null) {
            return classify(x, k);
        }
        if (admitted.length != classCount()) {
            throw new IllegalArgumentException("admitted mask has " + admitted.length + " entries, model "
                    + classCount() + " classes");
        }
        double[] s = scores(x);
        double[] masked = s.clone();
        int n = 0;
        for (int c = 0; c < masked.length; c++) {
            if (admitted[c]) {
                n++;
            } else {
                masked[c] = Double.NEGATIVE_INFINITY;
            }
        }
        return new Ranking(candidates(s, softmax(s, temperature, noneScore), topIndices(masked, Math.min(k, n))),
                noneProbability(s));
    }

    /** @return probability of "none of the catalog" for an input (0 when the model has no none score) */
    public double noneProbability(float[] x) {
        return noneProbability(scores(x));
    }

    private double noneProbability(double[] s) {
        if (Double.isNaN(noneScore)) {
            return 0;
        }
        double max = noneScore;
        for (double v : s) {
            max = Math.max(max, v);
        }
        double z = Math.exp((noneScore - max) / temperature);
        double none = z;
        for (double v : s) {
            z += Math.exp((v - max) / temperature);
        }
        return none / z;
    }

    /**
     * SoftMax of scores / t (with the none outcome when noneScore is finite) and the top k.
     */
    public static List<Candidate> rank(double[] scores, double t, double noneScore, int k) {
        return candidates(scores, softmax(scores, t, noneScore), topIndices(scores, Math.min(k, scores.length)));
    }

    private static List<Candidate> candidates(double[] scores, double[] p, int[] top) {
        List<Candidate> out = new ArrayList<>(top.length);
        for (int c : top) {
            out.add(new Candidate(c, p[c], scores[c]));
        }
        return out;
    }

    /** @return exp(s/t) normalised, the none outcome (if noneScore is not NaN) included in the sum */
    public static double[] softmax(double[] s, double t, double noneScore) {
        double max = Arrays.stream(s).max().orElse(0);
        if (!Double.isNaN(noneScore)) {
            max = Math.max(max, noneScore);
        }
        double[] p = new double[s.length];
        double sum = Double.isNaN(noneScore) ? 0 : Math.exp((noneScore - max) / t);
        for (int i = 0; i < s.length; i++) {
            p[i] = Math.exp((s[i] - max) / t);
            sum += p[i];
        }
        for (int i = 0; i < s.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** @return 0-based rank of the true class among the scores (0 = top) */
    public static int rankOf(double[] scores, int trueClass) {
        double s = scores[trueClass];
        int r = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > s || (scores[i] == s && i < trueClass)) {
                r++;
            }
        }
        return r;
    }
}
