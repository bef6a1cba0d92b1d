package org.nifispectro.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.nifispectro.pdf.PdfCalculator;

/**
 * Trains a {@link PrototypeClassifier} from a {@link Catalog} and measures it.
 *
 * <ol>
 * <li>Per class: {@code variants} structure variants ({@link ClassSamples}, training stream),
 * each simulated once and given {@code augmentations} measurement conditions: the first the
 * MLstructureMining settings, the others drawn from {@link Augmentation.Ranges} (Qmax, Qdamp,
 * Qmin, particle size, noise).</li>
 * <li>Per class: spherical k-means (farthest-point initialisation, 10 Lloyd steps) of those
 * profiles into {@code prototypes} first-stage prototypes and, when {@code finePrototypes} &gt; 0,
 * into that many fine prototypes for the r-scaling re-rank of {@link PrototypeClassifier}.</li>
 * <li>Third stage (when {@code pairWindow} &gt; 0): every third training profile and the
 * validation profiles of each class are scored by the two stages; every pair (true class, other
 * class) where the true class is in the shortlist and the other scores above it minus
 * {@code pairMargin} (and the two are not isotypic one-element structures, {@link #latticeOnly})
 * gets a Fisher discriminant of the two classes' training profiles plus, per class,
 * {@code pairVariants} further variants' profiles drawn only for this (pooled covariance shrunk
 * towards its mean variance by {@code pairShrinkage}; Cholesky solve of Commons Math), see
 * {@link #pairwise} and {@link PrototypeClassifier.Pairwise}. The covariance of 291 grid points
 * estimated from 2 x 240 profiles is what limits the discriminants: 2 x 480 raised held-out top-1
 * by 1.8 points (session 5, docs/classify-report.md).</li>
 * <li>Validation variants (own stream; one clean and one perturbed profile each) fix the SoftMax
 * temperature (Brent minimisation of the mean log-loss over log T), for the classifier and for
 * the {@link CorrelationBaseline} alike.</li>
 * <li>Test variants (own stream, never used above): a clean profile at the MLstructureMining
 * settings ("held-out simulated") and a perturbed one with random conditions ("perturbed
 * held-out") each; top-1/3/5 accuracy of classifier and baseline.</li>
 * </ol>
 * Classes are processed in parallel by {@code threads} workers; results do not depend on the
 * thread count.
 */
public final class Trainer {

    /**
     * Training options.
     *
     * @param variants structure variants per class for training
     * @param augmentations profiles per variant (first one clean)
     * @param prototypes prototypes per class
     * @param validationVariants variants per class for the temperature fit
     * @param testVariants variants per class for the accuracy report (0: none)
     * @param ranges augmentation ranges
     * @param seed global seed
     * @param threads worker threads
     * @param finePrototypes fine prototypes per class for the second stage (0: first stage only,
     *        a format-1 model)
     * @param shortlist classes re-ranked by the second stage
     * @param maxScale relative r-scaling range of the second stage
     * @param scaleSteps scale steps on each side of 1
     * @param latticePenalty second stage: lambda of the lattice prior (0: none), see
     *        {@link PrototypeClassifier.Refinement}
     * @param pairWindow third stage: classes re-ordered by the pairwise tournament (0: no third
     *        stage; needs fine prototypes; at most the shortlist), see {@link PrototypeClassifier.Pairwise}
     * @param pairMargin third stage: a class pair gets a discriminant when, on a scanned training or
     *        validation profile whose class is in the shortlist, the other class scores above the
     *        true one minus this margin
     * @param pairShrinkage third stage: shrinkage gamma of the pooled covariance towards its mean
     *        variance (0 &lt; gamma &lt;= 1)
     * @param pairVariants third stage: further structure variants per class (own random stream,
     *        {@link ClassSamples.Purpose#PAIRWISE}, {@code augmentations} conditions each like the
     *        training variants) whose profiles enter only the discriminants' class means and
     *        covariances, not the prototypes nor the pair scan (0: the training profiles alone)
     */
    public record Options(int variants, int augmentations, int prototypes, int validationVariants, int testVariants,
                          Augmentation.Ranges ranges, long seed, int threads, int finePrototypes, int shortlist,
                          double maxScale, int scaleSteps, double latticePenalty, int pairWindow, double pairMargin,
                          double pairShrinkage, int pairVariants) {
        public Options {
            if (variants < 1 || augmentations < 1 || prototypes < 1 || validationVariants < 1 || testVariants < 0
                    || threads < 1 || finePrototypes < 0 || shortlist < 1 || scaleSteps < 0
                    || !(maxScale >= 0 && maxScale < 0.5) || !(latticePenalty >= 0) || pairWindow < 0
                    || pairWindow == 1 || (pairWindow > 0 && (finePrototypes == 0 || pairWindow > shortlist))
                    || !(pairMargin >= 0)
                    || !(pairShrinkage > 0 && pairShrinkage <= 1) || pairVariants < 0) {
                throw new IllegalArgumentException("training options must be positive: variants " + variants
                        + ", augmentations " + augmentations + ", prototypes " + prototypes + ", validation "
                        + validationVariants + ", test " + testVariants + ", threads " + threads
                        + ", fine prototypes " + finePrototypes + " (>= 0), shortlist " + shortlist
                        + ", scale range " + maxScale + " (0..0.5), scale steps " + scaleSteps + ", lattice penalty "
                        + latticePenalty + " (>= 0), pair window " + pairWindow + " (0, or 2 .. shortlist with fine prototypes:"
                        + " classes beyond the shortlist share the lattice prior's floor score)"
                        + ", pair margin " + pairMargin + " (>= 0), pair shrinkage " + pairShrinkage + " (0..1]"
                        + ", pair variants " + pairVariants + " (>= 0)");
            }
        }

        /** Third stage with its discriminants fitted on the training profiles alone (the session-4 model). */
        public Options(int variants, int augmentations, int prototypes, int validationVariants, int testVariants,
                       Augmentation.Ranges ranges, long seed, int threads, int finePrototypes, int shortlist,
                       double maxScale, int scaleSteps, double latticePenalty, int pairWindow, double pairMargin,
                       double pairShrinkage) {
            this(variants, augmentations, prototypes, validationVariants, testVariants, ranges, seed, threads,
                    finePrototypes, shortlist, maxScale, scaleSteps, latticePenalty, pairWindow, pairMargin,
                    pairShrinkage, 0);
        }

        /** Two stages, no pairwise third stage (a format-2 model). */
        public Options(int variants, int augmentations, int prototypes, int validationVariants, int testVariants,
                       Augmentation.Ranges ranges, long seed, int threads, int finePrototypes, int shortlist,
                       double maxScale, int scaleSteps, double latticePenalty) {
            this(variants, augmentations, prototypes, validationVariants, testVariants, ranges, seed, threads,
                    finePrototypes, shortlist, maxScale, scaleSteps, latticePenalty, 0, PAIR_MARGIN, PAIR_SHRINKAGE);
        }

        /** First stage only (a format-1 model): no fine prototypes. */
        public Options(int variants, int augmentations, int prototypes, int validationVariants, int testVariants,
                       Augmentation.Ranges ranges, long seed, int threads) {
            this(variants, augmentations, prototypes, validationVariants, testVariants, ranges, seed, threads, 0, 10,
                    0.03, 6, 0);
        }

        /** Second stage without the lattice penalty. */
        public Options(int variants, int augmentations, int prototypes, int validationVariants, int testVariants,
                       Augmentation.Ranges ranges, long seed, int threads, int finePrototypes, int shortlist,
                       double maxScale, int scaleSteps) {
            this(variants, augmentations, prototypes, validationVariants, testVariants, ranges, seed, threads,
                    finePrototypes, shortlist, maxScale, scaleSteps, 0);
        }

        /**
         * The shipped model: 40 variants x 6 conditions, 8 + 32 prototypes, shortlist 15, r scaling
         * +-3 % in 0.5 % steps, lattice penalty 0.01, pairwise tournament of the best 10 classes
         * (margin {@link #PAIR_MARGIN}, shrinkage {@link #PAIR_SHRINKAGE}, discriminants fitted with
         * {@link #PAIR_VARIANTS} extra variants per class), 2 validation and 2 test variants, seed 0,
         * 2 threads.
         */
        public static Options defaults() {
            return new Options(40, 6, 8, 2, 2, Augmentation.Ranges.standard(), 0L, 2, 32, 15, 0.03, 6, 0.01,
                    PAIR_WINDOW, PAIR_MARGIN, PAIR_SHRINKAGE, PAIR_VARIANTS);
        }
    }

    /** Accuracy of one method on one test set. */
    public record Accuracy(int n, double top1, double top3, double top5) {
    }

    /**
     * Held-out profiles.
     *
     * @param clean test profiles at the MLstructureMining settings
     * @param perturbed test profiles with random measurement conditions
     * @param labels true class of each (same order for both)
     */
    public record TestSet(List<float[]> clean, List<float[]> perturbed, List<Integer> labels) {
    }

    /**
     * Result.
     *
     * @param classifier trained classifier
     * @param baseline correlation baseline with its fitted temperature
     * @param test held-out profiles (empty when testVariants is 0)
     * @param seconds wall time of the training
     */
    public record Result(PrototypeClassifier classifier, CorrelationBaseline baseline, TestSet test,
                         double seconds) {
    }

    /**
     * @param scan every {@link #PAIR_SCAN_STRIDE}-th training profile (third stage only, else null)
     * @param mean mean training profile (third stage only)
     * @param scatter scatter matrix of the training profiles about their mean, lower triangle row by
     *        row (third stage only)
     */
    private record PerClass(float[][] prototypes, float[][] fine, float[] fineDeviation, List<float[]> validation,
                            List<float[]> testClean, List<float[]> testPerturbed, float[][] scan, double[] mean,
                            float[] scatter, int count) {
    }

    /** Lattice tolerance of the variants (+-4 %), the unit of the second stage's lattice penalty. */
    public static final double LATTICE_TOLERANCE = 0.04;
    /** Third stage: every third training profile of a class is scanned for confusions. */
    public static final int PAIR_SCAN_STRIDE = 3;
    /** Default number of classes re-ordered by the pairwise tournament. */
    public static final int PAIR_WINDOW = 10;
    /** Default near-miss margin of the pair scan. */
    public static final double PAIR_MARGIN = 0.01;
    /**
     * Default covariance shrinkage of the pairwise discriminants (0.01 in session 4; 0.003 chosen
     * on the validation profiles together with {@link #PAIR_VARIANTS} in session 5).
     */
    public static final double PAIR_SHRINKAGE = 0.003;
    /**
     * Default number of extra variants per class for the pairwise discriminants: 80 x 6 conditions
     * = 480 profiles beside the 240 training profiles (session 5: held-out top-1 / top-3 91.9 / 98.9
     * -&gt; 94.7 / 99.2 %, docs/classify-report.md).
     */
    public static final int PAIR_VARIANTS = 80;

    private Trainer() {
    }

    private static float[] toArray(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /**
     * @param catalog catalog
     * @param o options
     * @param progress receives progress lines (may be null)
     */
    public static Result train(Catalog catalog, Options o, Consumer<String> progress) {
        long t0 = System.nanoTime();
        ModelGrid grid = catalog.grid();
        PdfAugmenter aug = PdfAugmenter.of(grid);
        PdfCalculator calc = PdfCalculator.of(aug.baseParameters(), PdfAugmenter.limits(catalog.options().maxAtoms()));
        int nc = catalog.classes().size();
        List<PerClass> per = parallel(nc, o.threads(), c -> perClass(catalog, c, o, aug, calc), c -> {
            if (progress != null && (c + 1) % 50 == 0) {
                progress.accept(String.format(java.util.Locale.ROOT, "trained %d/%d classes, %.0f s", c + 1, nc,
                        (System.nanoTime() - t0) / 1e9));
            }
        });
        int[] start = new int[nc + 1];
        int[] fineStart = new int[nc + 1];
        List<float[]> fine = new ArrayList<>();
        List<Float> fineDev = new ArrayList<>();
        List<float[]> protos = new ArrayList<>();
        List<float[]> val = new ArrayList<>();
        List<Integer> valLabels = new ArrayList<>();
        List<float[]> clean = new ArrayList<>();
        List<float[]> pert = new ArrayList<>();
        List<Integer> testLabels = new ArrayList<>();
        for (int c = 0; c < nc; c++) {
            PerClass p = per.get(c);
            start[c] = protos.size();
            protos.addAll(List.of(p.prototypes()));
            fineStart[c] = fine.size();
            if (p.fine() != null) {
                fine.addAll(List.of(p.fine()));
                for (float d : p.fineDeviation()) {
                    fineDev.add(d);
                }
            }
            for (float[] v : p.validation()) {
                val.add(v);
                valLabels.add(c);
            }
            clean.addAll(p.testClean());
            pert.addAll(p.testPerturbed());
            for (int i = 0; i < p.testClean().size(); i++) {
                testLabels.add(c);
            }
        }
        start[nc] = protos.size();
        fineStart[nc] = fine.size();
        float[][] pa = protos.toArray(new float[0][]);
        PrototypeClassifier.Refinement ref = o.finePrototypes() == 0 ? null
                : new PrototypeClassifier.Refinement(fineStart, fine.toArray(new float[0][]), o.shortlist(),
                        o.maxScale(), o.scaleSteps(), toArray(fineDev), o.latticePenalty(), LATTICE_TOLERANCE);
        PrototypeClassifier raw = new PrototypeClassifier(grid, start, pa, ref, 1.0, Double.NaN);
        if (o.pairWindow() > 0) {
            List<List<float[]>> valPerClass = new ArrayList<>();
            for (PerClass p : per) {
                valPerClass.add(p.validation());
            }
            long tp = System.nanoTime();
            PrototypeClassifier.Pairwise pw = pairwise(catalog, raw, per, valPerClass, o);
            raw = raw.withPairwise(pw);
            if (progress != null) {
                progress.accept(String.format(java.util.Locale.ROOT, "pairwise stage: %d discriminants, %.0f s",
                        pw.size(), (System.nanoTime() - tp) / 1e9));
            }
        }
        final PrototypeClassifier trained = raw;
        double t = fitTemperature(val, valLabels, trained::scores);
        double[] trueScores = new double[val.size()];
        for (int i = 0; i < val.size(); i++) {
            trueScores[i] = trained.scores(val.get(i))[valLabels.get(i)];
        }
        java.util.Arrays.sort(trueScores);
        double none = trueScores[(int) Math.floor(0.01 * (trueScores.length - 1))];
        CorrelationBaseline base = CorrelationBaseline.of(catalog, 1.0);
        double tb = fitTemperature(val, valLabels, base::scores);
        return new Result(trained.calibrated(t, none), base.withTemperature(tb),
                new TestSet(clean, pert, testLabels), (System.nanoTime() - t0) / 1e9);
    }

    private static PerClass perClass(Catalog catalog, int c, Options o, PdfAugmenter aug, PdfCalculator calc) {
        List<Double> dev = new ArrayList<>();
        List<float[]> samples = trainingProfiles(catalog, c, o, aug, calc, dev);
        float[][] protos = kmeans(samples, Math.min(o.prototypes(), samples.size()));
        float[][] fine = o.finePrototypes() == 0 ? null
                : kmeans(samples, Math.min(o.finePrototypes(), samples.size()));
        float[] fineDev = fine == null ? null : meanDeviation(samples, dev, fine);
        List<float[]> val = new ArrayList<>();
        ClassSamples.conditionPairs(catalog, c, o.validationVariants(), ClassSamples.Purpose.VALIDATION, o.seed(), aug,
                calc, o.ranges(), (a, b) -> {
                    val.add(a);
                    val.add(b);
                });
        List<float[]> clean = new ArrayList<>();
        List<float[]> pert = new ArrayList<>();
        if (o.testVariants() > 0) {
            ClassSamples.conditionPairs(catalog, c, o.testVariants(), ClassSamples.Purpose.TEST, o.seed(), aug, calc,
                    o.ranges(), (a, b) -> {
                        clean.add(a);
                        pert.add(b);
                    });
        }
        if (o.pairWindow() == 0) {
            return new PerClass(protos, fine, fineDev, val, clean, pert, null, null, null, samples.size());
        }
        int d = samples.get(0).length;
        List<float[]> scan = new ArrayList<>();
        for (int i = 0; i < samples.size(); i += PAIR_SCAN_STRIDE) {
            scan.add(samples.get(i));
        }
        List<float[]> fit = samples;
        if (o.pairVariants() > 0) {
            fit = new ArrayList<>(samples);
            fit.addAll(pairProfiles(catalog, c, o, aug, calc));
        }
        double[] mean = mean(fit, d);
        float[] scf = scatter(fit, mean);
        return new PerClass(protos, fine, fineDev, val, clean, pert, scan.toArray(new float[0][]), mean, scf,
                fit.size());
    }

    /** @return the mean of the profiles (d points each) */
    static double[] mean(List<float[]> xs, int d) {
        double[] m = new double[d];
        for (float[] v : xs) {
            for (int i = 0; i < d; i++) {
                m[i] += v[i];
            }
        }
        for (int i = 0; i < d; i++) {
            m[i] /= xs.size();
        }
        return m;
    }

    /** @return the scatter matrix sum (x - mean)(x - mean)^T of the profiles, lower triangle packed by rows */
    static float[] scatter(List<float[]> xs, double[] mean) {
        int d = mean.length;
        double[] sc = new double[d * (d + 1) / 2];
        double[] dv = new double[d];
        for (float[] v : xs) {
            for (int i = 0; i < d; i++) {
                dv[i] = v[i] - mean[i];
            }
            int off = 0;
            for (int i = 0; i < d; i++) {
                double a = dv[i];
                for (int j = 0; j <= i; j++) {
                    sc[off + j] += a * dv[j];
                }
                off += i + 1;
            }
        }
        float[] f = new float[sc.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) sc[i];
        }
        return f;
    }

    /** Runs f(0) .. f(n-1) on the given number of threads; results in index order. */
    static <T> List<T> parallel(int n, int threads, java.util.function.IntFunction<T> f) {
        return parallel(n, threads, f, i -> { });
    }

    /**
     * Runs f(0) .. f(n-1) on the given number of threads; results in index order, {@code done} called with each
     * index in order as its result is collected (progress reports).
     */
    static <T> List<T> parallel(int n, int threads, java.util.function.IntFunction<T> f,
                                       java.util.function.IntConsumer done) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> fs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                final int ii = i;
                fs.add(pool.submit(() -> f.apply(ii)));
            }
            List<T> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(fs.get(i).get());
                done.accept(i);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("training failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Third stage: scans every {@link #PAIR_SCAN_STRIDE}-th training profile and the validation
     * profiles of each class with the two-stage classifier; each pair (true class, other class)
     * where the true class is in the shortlist and the other scores above it minus the margin gets
     * a Fisher discriminant: w = S^-1 (mean_a - mean_b) with S the pooled within-class covariance
     * of the two classes' training profiles shrunk towards its mean variance (Ledoit-Wolf style,
     * gamma = pairShrinkage), scaled so that w . x + bias is +1 at mean_a and -1 at mean_b.
     */
    static PrototypeClassifier.Pairwise pairwise(Catalog catalog, PrototypeClassifier twoStage, List<PerClass> per,
                                                 List<List<float[]>> valPerClass, Options o) {
        int nc = per.size();
        int shortlist = twoStage.refinement().shortlist();
        List<long[]> found = parallel(nc, o.threads(), c -> {
            java.util.TreeSet<Long> keys = new java.util.TreeSet<>();
            List<float[]> xs = new ArrayList<>(List.of(per.get(c).scan()));
            xs.addAll(valPerClass.get(c));
            for (float[] x : xs) {
                nearMisses(catalog, twoStage.scores(x), c, shortlist, o.pairMargin(), keys::add);
            }
            return keys.stream().mapToLong(Long::longValue).toArray();
        });
        java.util.TreeSet<Long> all = new java.util.TreeSet<>();
        for (long[] k : found) {
            for (long v : k) {
                all.add(v);
            }
        }
        long[] keys = all.stream().mapToLong(Long::longValue).toArray();
        int d = twoStage.grid().n();
        List<float[]> ws = parallel(keys.length, o.threads(), k -> fisher(per.get((int) (keys[k] >>> 32)),
                per.get((int) keys[k]), d, o.pairShrinkage()));
        int[] first = new int[keys.length];
        int[] second = new int[keys.length];
        float[][] weights = new float[keys.length][];
        float[] bias = new float[keys.length];
        for (int k = 0; k < keys.length; k++) {
            first[k] = (int) (keys[k] >>> 32);
            second[k] = (int) keys[k];
            float[] wb = ws.get(k);
            weights[k] = java.util.Arrays.copyOf(wb, d);
            bias[k] = wb[d];
        }
        return new PrototypeClassifier.Pairwise(first, second, weights, bias, o.pairWindow());
    }

    /**
     * First pair scan, one profile of class c with its two-stage scores s: when c ranks within the
     * shortlist, every other class scoring above s_c - margin (and not {@link #latticeOnly} with c)
     * gives the pair key (c, w) to out.
     */
    static void nearMisses(Catalog catalog, double[] s, int c, int shortlist, double margin,
                           java.util.function.LongConsumer out) {
        if (PrototypeClassifier.rankOf(s, c) >= shortlist) {
            return;
        }
        for (int w = 0; w < s.length; w++) {
            if (w != c && s[w] > s[c] - margin && !latticeOnly(catalog, c, w)) {
                out.accept(PrototypeClassifier.pairKey(c, w));
            }
        }
    }

    /**
     * True when classes a and b share a structure type ({@link CatalogEntry#structureTypeKey}) and
     * every structure of both holds one element: their X-ray PDFs then differ only by the lattice
     * constant and Uiso (the form factor cancels in a one-element G(r)), which the second stage's
     * r-scaling search and lattice prior weigh explicitly. A discriminant for such a pair can only
     * learn a lattice estimate from simulated peak shapes, and measured data outside the simulated
     * conditions fools it: measured Ni (Qmax 27) came out Cu first with it (session 4,
     * docs/classify-report.md). Such pairs get no discriminant.
     */
    static boolean latticeOnly(Catalog catalog, int a, int b) {
        for (int c : new int[] {a, b}) {
            for (CatalogEntry e : catalog.classes().get(c).all()) {
                if (e.elements().contains(" ")) {
                    return false;
                }
            }
        }
        for (CatalogEntry x : catalog.classes().get(a).all()) {
            for (CatalogEntry y : catalog.classes().get(b).all()) {
                if (x.structureTypeKey().equals(y.structureTypeKey())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Fisher discriminant of two classes: d weights followed by the bias (+1 at a's mean, -1 at b's). */
    static float[] fisher(PerClass a, PerClass b, int d, double gamma) {
        return fisher(a.mean(), a.scatter(), a.count(), b.mean(), b.scatter(), b.count(), d, gamma);
    }

    /**
     * Fisher discriminant from the two classes' mean profiles, scatter matrices about their means
     * (lower triangle row by row) and profile counts: d weights followed by the bias.
     */
    static float[] fisher(double[] meanA, float[] scatterA, int countA, double[] meanB, float[] scatterB, int countB,
                          int d, double gamma) {
        int n = countA + countB - 2;
        double[][] s = new double[d][d];
        int off = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = ((double) scatterA[off + j] + scatterB[off + j]) / n;
                s[i][j] = v;
                s[j][i] = v;
            }
            off += i + 1;
        }
        shrink(s, gamma);
        return fisherSolve(s, meanA, meanB);
    }

    /** In place: s divided by its mean variance, then shrunk towards the identity by gamma. */
    static void shrink(double[][] s, double gamma) {
        int d = s.length;
        double tr = 0;
        for (int i = 0; i < d; i++) {
            tr += s[i][i];
        }
        double mu = tr / d;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                s[i][j] = (1 - gamma) * s[i][j] / mu;
            }
            s[i][i] += gamma;
        }
    }

    /**
     * Solves s w = meanA - meanB (Commons Math Cholesky; s is the shrunk pooled covariance, overwritten)
     * and scales w and the bias so the discriminant is +1 at meanA and -1 at meanB: d weights followed
     * by the bias; all zero for identical projected means.
     */
    static float[] fisherSolve(double[][] s, double[] meanA, double[] meanB) {
        int d = meanA.length;
        double[] delta = new double[d];
        for (int i = 0; i < d; i++) {
            delta[i] = meanA[i] - meanB[i];
        }
        double[] w = new org.apache.commons.math3.linear.CholeskyDecomposition(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(s, false), 1e-12, 1e-14).getSolver()
                .solve(new org.apache.commons.math3.linear.ArrayRealVector(delta, false)).toArray();
        double pa = 0;
        double pb = 0;
        for (int i = 0; i < d; i++) {
            pa += w[i] * meanA[i];
            pb += w[i] * meanB[i];
        }
        double half = (pa - pb) / 2;
        float[] out = new float[d + 1];
        if (!(half > 0)) {
            return out; // identical means: a zero discriminant leaves the pair to the scores
        }
        for (int i = 0; i < d; i++) {
            out[i] = (float) (w[i] / half);
        }
        out[d] = (float) (-(pa + pb) / 2 / half);
        return out;
    }

    /**
     * The training profiles of class c (variants x augmentations, first augmentation of each
     * variant clean), exactly as {@link #train} uses them; for comparisons with other learners.
     */
    public static List<float[]> trainingProfiles(Catalog catalog, int c, Options o, PdfAugmenter aug,
                                                 PdfCalculator calc) {
        return trainingProfiles(catalog, c, o, aug, calc, null);
    }

    /** As above; adds each profile's lattice deviation (of its variant) to deviations if not null. */
    static List<float[]> trainingProfiles(Catalog catalog, int c, Options o, PdfAugmenter aug, PdfCalculator calc,
                                          List<Double> deviations) {
        return profiles(catalog, c, o, o.variants(), ClassSamples.Purpose.TRAIN, aug, calc, deviations);
    }

    /**
     * The extra profiles of class c for its pairwise discriminants ({@link Options#pairVariants}
     * variants of the {@link ClassSamples.Purpose#PAIRWISE} stream, {@code augmentations}
     * conditions each, first one clean), exactly as {@link #train} uses them.
     */
    static List<float[]> pairProfiles(Catalog catalog, int c, Options o, PdfAugmenter aug, PdfCalculator calc) {
        return profiles(catalog, c, o, o.pairVariants(), ClassSamples.Purpose.PAIRWISE, aug, calc, null);
    }

    private static List<float[]> profiles(Catalog catalog, int c, Options o, int variants,
                                          ClassSamples.Purpose purpose, PdfAugmenter aug, PdfCalculator calc,
                                          List<Double> deviations) {
        List<Double> dv = new ArrayList<>();
        List<double[]> bases = ClassSamples.bases(catalog, c, variants, purpose, o.seed(), aug, calc, dv);
        SplittableRandom rnd = ClassSamples.random(o.seed(), c, purpose, 7);
        List<float[]> samples = new ArrayList<>();
        for (int v = 0; v < bases.size(); v++) {
            double[] b = bases.get(v);
            for (int a = 0; a < o.augmentations(); a++) {
                Augmentation cond = a == 0 ? Augmentation.mlstructureMining()
                        : Augmentation.sample(o.ranges(), rnd);
                samples.add(PdfProfile.normalize(aug.apply(b, cond, rnd)));
                if (deviations != null) {
                    deviations.add(dv.get(v));
                }
            }
        }
        return samples;
    }

    /** @return per centroid, the mean lattice deviation of the samples nearest to it (0 if none) */
    static float[] meanDeviation(List<float[]> x, List<Double> dev, float[][] cen) {
        double[] sum = new double[cen.length];
        int[] cnt = new int[cen.length];
        for (int i = 0; i < x.size(); i++) {
            int best = 0;
            double bs = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cen.length; j++) {
                double s = PdfProfile.dot(cen[j], x.get(i));
                if (s > bs) {
                    bs = s;
                    best = j;
                }
            }
            sum[best] += dev.get(i);
            cnt[best]++;
        }
        float[] out = new float[cen.length];
        for (int j = 0; j < cen.length; j++) {
            out[j] = cnt[j] == 0 ? 0f : (float) (sum[j] / cnt[j]);
        }
        return out;
    }

    /** Spherical k-means with farthest-point initialisation; returns k unit-norm centroids. */
    static float[][] kmeans(List<float[]> x, int k) {
        int n = x.size();
        int d = x.get(0).length;
        // init: the sample closest to the mean, then repeatedly the one least similar to all chosen
        double[] mean = new double[d];
        for (float[] v : x) {
            for (int i = 0; i < d; i++) {
                mean[i] += v[i];
            }
        }
        float[] m = PdfProfile.normalize(mean);
        int first = 0;
        double bestSim = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double s = PdfProfile.dot(m, x.get(i));
            if (s > bestSim) {
                bestSim = s;
                first = i;
            }
        }
        float[][] cen = new float[k][];
        cen[0] = x.get(first).clone();
        double[] maxSim = new double[n];
        for (int i = 0; i < n; i++) {
            maxSim[i] = PdfProfile.dot(cen[0], x.get(i));
        }
        for (int j = 1; j < k; j++) {
            int pick = 0;
            for (int i = 1; i < n; i++) {
                if (maxSim[i] < maxSim[pick]) {
                    pick = i;
                }
            }
            cen[j] = x.get(pick).clone();
            for (int i = 0; i < n; i++) {
                maxSim[i] = Math.max(maxSim[i], PdfProfile.dot(cen[j], x.get(i)));
            }
        }
        int[] assign = new int[n];
        for (int iter = 0; iter < 10; iter++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bs = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double s = PdfProfile.dot(cen[j], x.get(i));
                    if (s > bs) {
                        bs = s;
                        best = j;
                    }
                }
                if (iter == 0 || assign[i] != best) {
                    changed = true;
                }
                assign[i] = best;
            }
            if (!changed) {
                break;
            }
            for (int j = 0; j < k; j++) {
                double[] sum = new double[d];
                int cnt = 0;
                for (int i = 0; i < n; i++) {
                    if (assign[i] == j) {
                        cnt++;
                        float[] v = x.get(i);
                        for (int q = 0; q < d; q++) {
                            sum[q] += v[q];
                        }
                    }
                }
                if (cnt > 0) {
                    cen[j] = PdfProfile.normalize(sum);
                }
            }
        }
        return cen;
    }

    /** Temperature minimising the mean log-loss of SoftMax(scores / T) on labelled profiles. */
    static double fitTemperature(List<float[]> x, List<Integer> labels,
                                 java.util.function.Function<float[], double[]> scorer) {
        List<double[]> scores = new ArrayList<>(x.size());
        for (float[] v : x) {
            scores.add(scorer.apply(v));
        }
        UnivariateFunction nll = logT -> {
            double t = Math.exp(logT);
            double sum = 0;
            for (int i = 0; i < scores.size(); i++) {
                double[] s = scores.get(i);
                double max = Double.NEGATIVE_INFINITY;
                for (double v : s) {
                    max = Math.max(max, v);
                }
                double z = 0;
                for (double v : s) {
                    z += Math.exp((v - max) / t);
                }
                sum += -((s[labels.get(i)] - max) / t - Math.log(z));
            }
            return sum / scores.size();
        };
        BrentOptimizer opt = new BrentOptimizer(1e-6, 1e-9);
        double logT = opt.optimize(new MaxEval(200), new UnivariateObjectiveFunction(nll), GoalType.MINIMIZE,
                new SearchInterval(Math.log(1e-4), Math.log(1.0))).getPoint();
        return Math.exp(logT);
    }

    /** Top-1/3/5 accuracy of a scorer on profiles. */
    public static Accuracy accuracy(List<float[]> x, List<Integer> labels,
                                    java.util.function.Function<float[], double[]> scorer) {
        int t1 = 0;
        int t3 = 0;
        int t5 = 0;
        for (int i = 0; i < x.size(); i++) {
            int r = PrototypeClassifier.rankOf(scorer.apply(x.get(i)), labels.get(i));
            t1 += r < 1 ? 1 : 0;
            t3 += r < 3 ? 1 : 0;
            t5 += r < 5 ? 1 : 0;
        }
        int n = Math.max(1, x.size());
        return new Accuracy(x.size(), t1 / (double) n, t3 / (double) n, t5 / (double) n);
    }
}
