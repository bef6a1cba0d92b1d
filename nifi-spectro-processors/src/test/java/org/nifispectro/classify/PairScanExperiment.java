package org.nifispectro.classify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Session 5 (issue 6): a second pair scan with the third stage in place, other orderings of the
 * window and other fits of the discriminants, on the cached profiles of {@link ConfusionBenchmark}
 * (not run by surefire; docs/classify-report.md, "Session 5").
 *
 * <pre>
 * java -Xmx8g -cp target/classes:target/test-classes:&lt;deps&gt; org.nifispectro.classify.PairScanExperiment \
 *   --cifs /work/shared/data/cif --cache target/confusion-full.bin --shared /work/shared/data \
 *   [--pairs-file target/pairs-first.txt] [--strides 3,1 | 0] [--ranks 3,1] [--iterations 1] [--misses 1] \
 *   [--shortlist 20] [--window 10] [--gamma 0.01] [--margin 0.01] [--modes tour,hedge,soft1,tb1,mix0.5] \
 *   [--bias sd] [--pool 0,0.3 --gammas 0.01,0.003] [--pair-variants 80 | --extra-seed 1 --extra-variants 40] \
 *   [--more-test 10]
 * </pre>
 * 1. rebuilds the shipped two-stage learner ({@link ConfusionBenchmark#shipped}; {@code --shortlist}
 * another second-stage shortlist) and its third stage exactly as {@link Trainer#pairwise} does
 * (first scan: every 3rd training profile + the validation profiles, {@link Trainer#nearMisses},
 * margin 0.01, Fisher discriminants {@link Trainer#fisher} gamma 0.01, window 10; the pair keys
 * are cached in {@code --pairs-file}); {@code --pair-variants N} fits the discriminants on the
 * training profiles plus {@link Trainer#pairProfiles} (the trainer's option),
 * {@code --extra-seed S} plus a training stream of another seed. 2. unless {@code --strides 0}:
 * scores every training and validation profile with the three stages and, per rule (stride s of
 * the training profiles scanned, validation profiles always; true class at 0-based rank &gt;= r and
 * &lt; window), adds discriminants for the pairs {@link #stillAbove} gives. {@code --modes}:
 * other orderings of the window with the same discriminants ({@link #modes}); {@code --bias sd}:
 * each discriminant's threshold at the spread-weighted midpoint of the two classes' projected
 * training profiles; {@code --pool alpha}: the pair's covariance mixed with the one pooled over
 * all classes ({@link #pooledFisher}). Each line: validation (used for the choice), held-out,
 * perturbed top-1 / 3 / 5 and the ranks of the measured PDFs ({@link PairwiseExperiment#realRanks});
 * {@code --more-test N}: also on N test variants per class (a larger held-out set of the TEST
 * stream; its variants differ from the cache's 2 because the Latin hypercube depends on N).
 */
final class PairScanExperiment {

    private PairScanExperiment() {
    }

    /** Three-stage outcome of one scanned profile: class, 0-based rank, window's best classes. */
    record Outcome(int c, int rank, int[] top, boolean validation, int index) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        Trainer.Options o = Trainer.Options.defaults();
        double gamma = Double.parseDouble(a.getOrDefault("gamma", "0.01")); // session 4 shipped
        double margin = Double.parseDouble(a.getOrDefault("margin", "" + o.pairMargin()));
        int window = Integer.parseInt(a.getOrDefault("window", "" + o.pairWindow()));
        long t0 = System.nanoTime();
        Catalog cat = Catalog.build(Path.of(a.get("cifs")), ModelGrid.standard(),
                new Catalog.Options(0.95, 0.01, 5000, threads));
        Path cache = Path.of(a.get("cache"));
        if (!Files.exists(cache)) {
            throw new IllegalArgumentException("no cache " + cache + ": run ConfusionBenchmark first");
        }
        ConfusionBenchmark.Data x = ConfusionBenchmark.read(cache);
        PrototypeClassifier shipped = ConfusionBenchmark.shipped(x, o, cat.grid());
        PrototypeClassifier.Refinement rf = shipped.refinement();
        PrototypeClassifier two = a.containsKey("shortlist")
                ? shipped.withScaleSearch(Integer.parseInt(a.get("shortlist")), rf.maxScale(), rf.steps()) : shipped;
        int nc = x.nc();
        int d = x.d();
        System.out.printf(Locale.ROOT, "catalog, cache, two stages: %.1f s, load %s%n", (System.nanoTime() - t0) / 1e9,
                load());
        PairwiseExperiment.real = ConfusionBenchmark.realCases(Path.of(a.getOrDefault("shared", "/work/shared/data")), cat);
        if (a.containsKey("more-test")) {
            long tm = System.nanoTime();
            moreTest(cat, Integer.parseInt(a.get("more-test")), threads);
            System.out.printf(Locale.ROOT, "more test variants: %d profiles, %.1f s%n", moreClean.size(),
                    (System.nanoTime() - tm) / 1e9);
        }
        // class means and packed scatter matrices of the training profiles (as Trainer.perClass)
        t0 = System.nanoTime();
        double[][] mean = new double[nc][];
        float[][] scat = new float[nc][];
        int[] count = new int[nc];
        org.nifispectro.pdf.PdfCalculator calc = null;
        PdfAugmenter aug = PdfAugmenter.of(cat.grid());
        Trainer.Options extra = null;
        if (a.containsKey("extra-seed")) {
            // more training profiles (another seed of the training stream) for the discriminants only
            extra = new Trainer.Options(Integer.parseInt(a.getOrDefault("extra-variants", "" + o.variants())),
                    o.augmentations(), o.prototypes(), o.validationVariants(), 0, o.ranges(),
                    Long.parseLong(a.get("extra-seed")), threads);
        } else if (a.containsKey("pair-variants")) {
            // Trainer's own extra profiles (PAIRWISE stream of the model's seed)
            extra = new Trainer.Options(o.variants(), o.augmentations(), o.prototypes(), o.validationVariants(), 0,
                    o.ranges(), o.seed(), threads, o.finePrototypes(), o.shortlist(), o.maxScale(), o.scaleSteps(),
                    o.latticePenalty(), o.pairWindow(), o.pairMargin(), o.pairShrinkage(),
                    Integer.parseInt(a.get("pair-variants")));
        }
        if (extra != null) {
            calc = org.nifispectro.pdf.PdfCalculator.of(aug.baseParameters(),
                    PdfAugmenter.limits(cat.options().maxAtoms()));
        }
        Trainer.Options ex = extra;
        org.nifispectro.pdf.PdfCalculator cc = calc;
        ConfusionBenchmark.parallel(nc, threads, c -> {
            List<float[]> xl = new ArrayList<>(List.of(x.train().get(c)));
            if (ex != null && ex.pairVariants() > 0) {
                xl.addAll(Trainer.pairProfiles(cat, c, ex, aug, cc));
            } else if (ex != null) {
                xl.addAll(Trainer.trainingProfiles(cat, c, ex, aug, cc));
            }
            float[][] xs = xl.toArray(new float[0][]);
            count[c] = xs.length;
            double[] m = Trainer.mean(java.util.Arrays.asList(xs), d);
            float[] f = Trainer.scatter(java.util.Arrays.asList(xs), m);
            mean[c] = m;
            scat[c] = f;
            return null;
        });
        System.out.printf(Locale.ROOT, "means + scatters %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Map<Long, float[]> discCache = new java.util.concurrent.ConcurrentHashMap<>();
        // first scan, as Trainer.pairwise
        t0 = System.nanoTime();
        List<float[][]> scan1 = new ArrayList<>();
        for (int c = 0; c < nc; c++) {
            List<float[]> l = new ArrayList<>();
            float[][] tr = x.train().get(c);
            for (int i = 0; i < tr.length; i += Trainer.PAIR_SCAN_STRIDE) {
                l.add(tr[i]);
            }
            l.addAll(List.of(x.val().get(c)));
            scan1.add(l.toArray(new float[0][]));
        }
        int shortlist = two.refinement().shortlist();
        Path pairsFile = a.containsKey("pairs-file") ? Path.of(a.get("pairs-file")) : null;
        List<long[]> found = pairsFile != null && Files.exists(pairsFile)
                ? List.of(Files.readAllLines(pairsFile).stream().mapToLong(Long::parseLong).toArray())
                : ConfusionBenchmark.parallel(nc, threads, c -> {
            TreeSet<Long> keys = new TreeSet<>();
            for (float[] v : scan1.get(c)) {
                Trainer.nearMisses(cat, two.scores(v), c, shortlist, margin, keys::add);
            }
            return keys.stream().mapToLong(Long::longValue).toArray();
        });
        TreeSet<Long> first = new TreeSet<>();
        for (long[] k : found) {
            for (long v : k) {
                first.add(v);
            }
        }
        if (pairsFile != null && !Files.exists(pairsFile)) {
            Files.write(pairsFile, first.stream().map(String::valueOf).toList());
        }
        System.out.printf(Locale.ROOT, "first scan: %d pairs, %.1f s%n", first.size(), (System.nanoTime() - t0) / 1e9);
        PrototypeClassifier three = two.withPairwise(fit(first, mean, scat, count, d, gamma, window, threads, discCache));
        List<float[]> fv = PairwiseExperiment.flat(x.val());
        List<float[]> fc = PairwiseExperiment.flat(x.clean());
        List<float[]> fp = PairwiseExperiment.flat(x.pert());
        int[] yv = ConfusionBenchmark.labels(x.val());
        int[] yt = ConfusionBenchmark.labels(x.clean());
        report("two stages", two, 0, fv, yv, fc, fp, yt, threads);
        report("shipped three stages", three, first.size(), fv, yv, fc, fp, yt, threads);
        if (a.getOrDefault("misses", "1").equals("1")) {
            misses("validation, shipped", cat, three, fv, yv, threads);
            misses("held-out, shipped", cat, three, fc, yt, threads);
        }
        if (a.containsKey("pool")) {
            // covariance of the pair mixed with the within-class covariance pooled over every class
            int len = d * (d + 1) / 2;
            double[] glob = new double[len];
            long n = 0;
            for (int c = 0; c < nc; c++) {
                for (int i = 0; i < len; i++) {
                    glob[i] += scat[c][i];
                }
                n += count[c] - 1;
            }
            double[] g2 = glob;
            long nn = n;
            for (String pp : a.get("pool").split(",")) {
                double alpha = Double.parseDouble(pp);
                for (String gg : a.getOrDefault("gammas", "" + gamma).split(",")) {
                    double gam = Double.parseDouble(gg);
                    PrototypeClassifier.Pairwise pw = three.pairwise();
                    List<float[]> ws = ConfusionBenchmark.parallel(pw.size(), threads, k -> {
                        int ca = pw.first()[k];
                        int cb = pw.second()[k];
                        return pooledFisher(mean[ca], scat[ca], count[ca], mean[cb], scat[cb],
                                count[cb], g2, nn, alpha, d, gam);
                    });
                    float[][] w = new float[pw.size()][];
                    float[] b = new float[pw.size()];
                    for (int k = 0; k < w.length; k++) {
                        w[k] = java.util.Arrays.copyOf(ws.get(k), d);
                        b[k] = ws.get(k)[d];
                    }
                    PrototypeClassifier.Pairwise pp2 = new PrototypeClassifier.Pairwise(pw.first(), pw.second(), w, b,
                            pw.window());
                    report("pooled alpha " + alpha + " gamma " + gam, two.withPairwise(pp2), pp2.size(), fv, yv, fc, fp,
                            yt, threads);
                    if (a.getOrDefault("misses", "1").equals("1")) {
                        misses("held-out, alpha " + alpha + " gamma " + gam, cat, two.withPairwise(pp2), fc, yt, threads);
                    }
                }
            }
        }
        if (a.containsKey("bias")) {
            PrototypeClassifier.Pairwise pw = three.pairwise();
            float[] nb = pw.bias().clone();
            ConfusionBenchmark.parallel(pw.size(), threads, k -> {
                double[] ms = new double[4];
                int[] cls = {pw.first()[k], pw.second()[k]};
                for (int q = 0; q < 2; q++) {
                    double s1 = 0;
                    double s2 = 0;
                    float[][] xs = x.train().get(cls[q]);
                    for (float[] v : xs) {
                        double m = 0;
                        for (int i = 0; i < d; i++) {
                            m += pw.weights()[k][i] * v[i];
                        }
                        s1 += m;
                        s2 += m * m;
                    }
                    ms[2 * q] = s1 / xs.length;
                    ms[2 * q + 1] = Math.sqrt(Math.max(0, s2 / xs.length - ms[2 * q] * ms[2 * q]));
                }
                double t = (ms[0] * ms[3] + ms[2] * ms[1]) / (ms[1] + ms[3]);
                nb[k] = (float) -t;
                return null;
            });
            PrototypeClassifier.Pairwise pb = new PrototypeClassifier.Pairwise(pw.first(), pw.second(), pw.weights(), nb,
                    pw.window());
            report("bias at the sd-weighted midpoint", two.withPairwise(pb), pb.size(), fv, yv, fc, fp, yt, threads);
        }
        if (a.containsKey("modes")) {
            modes(a.get("modes").split(","), two, three.pairwise(), fv, yv, fc, fp, yt, threads);
        }
        int iterations = Integer.parseInt(a.getOrDefault("iterations", "1"));
        String[] strides = a.getOrDefault("strides", "3,1").split(",");
        String[] ranks = a.getOrDefault("ranks", "3,1").split(",");
        if (strides[0].equals("0")) {
            return;
        }
        // second scan: every training profile + validation profiles, three stages
        t0 = System.nanoTime();
        List<Outcome> outs = outcomes(three, x, window, threads);
        System.out.printf(Locale.ROOT, "second scan scored %d profiles, %.1f s, load %s%n", outs.size(),
                (System.nanoTime() - t0) / 1e9, load());
        for (String ss : strides) {
            int stride = Integer.parseInt(ss);
            for (String rr : ranks) {
                int minRank = Integer.parseInt(rr);
                TreeSet<Long> all = new TreeSet<>(first);
                PrototypeClassifier cur = three;
                List<Outcome> cOuts = outs;
                for (int it = 1; it <= iterations; it++) {
                    TreeSet<Long> add = new TreeSet<>();
                    for (Outcome q : cOuts) {
                        if (q.validation() || q.index() % stride == 0) {
                            stillAbove(cat, cur, q.c(), q.rank(), q.top(), minRank, add::add);
                        }
                    }
                    all.addAll(add);
                    t0 = System.nanoTime();
                    cur = two.withPairwise(fit(all, mean, scat, count, d, gamma, window, threads, discCache));
                    String name = String.format(Locale.ROOT, "scan %d: stride %d, rank >= %d (+%d pairs, %.0f s)", it,
                            stride, minRank + 1, add.size(), (System.nanoTime() - t0) / 1e9);
                    report(name, cur, all.size(), fv, yv, fc, fp, yt, threads);
                    if (it < iterations) {
                        t0 = System.nanoTime();
                        cOuts = outcomes(cur, x, window, threads);
                        System.out.printf(Locale.ROOT, "  rescored %d profiles, %.1f s%n", cOuts.size(),
                                (System.nanoTime() - t0) / 1e9);
                    }
                }
                if (a.getOrDefault("misses", "1").equals("1")) {
                    misses("validation, stride " + stride + " rank>=" + (minRank + 1), cat, cur, fv, yv, threads);
                    misses("held-out, stride " + stride + " rank>=" + (minRank + 1), cat, cur, fc, yt, threads);
                }
            }
        }
    }

    /**
     * Other ways to order the window with the same discriminants (two-stage scores computed once):
     * tour (= the shipped stage, checked against it), softT (each pair with a discriminant adds
     * tanh(margin / T) instead of its sign), tbT (round robin, ties broken by the sum of
     * tanh(margin / T) instead of the score), hedge (round robin, but the two-stage best class kept
     * in the top 3).
     */
    static void modes(String[] modes, PrototypeClassifier two, PrototypeClassifier.Pairwise pw, List<float[]> fv,
                      int[] yv, List<float[]> fc, List<float[]> fp, int[] yt, int threads) throws Exception {
        double[][] sv = scores(two, fv, threads);
        double[][] sc = scores(two, fc, threads);
        double[][] sp = scores(two, fp, threads);
        Map<Long, Integer> idx = new HashMap<>();
        for (int k = 0; k < pw.size(); k++) {
            idx.put(PrototypeClassifier.pairKey(pw.first()[k], pw.second()[k]), k);
        }
        for (String mode : modes) {
            System.out.printf(Locale.ROOT, "  mode %-39s %4d pairs | val %s | held-out %s | perturbed %s | measured %s%n",
                    mode, pw.size(), ConfusionBenchmark.acc(rerank(sv, fv, pw, idx, mode), yv),
                    ConfusionBenchmark.acc(rerank(sc, fc, pw, idx, mode), yt),
                    ConfusionBenchmark.acc(rerank(sp, fp, pw, idx, mode), yt), realModes(two, pw, idx, mode));
        }
    }

    static String realModes(PrototypeClassifier two, PrototypeClassifier.Pairwise pw, Map<Long, Integer> idx,
                            String mode) {
        StringBuilder b = new StringBuilder();
        int r1 = 0;
        int r3 = 0;
        for (ConfusionBenchmark.Real r : PairwiseExperiment.real) {
            double[] s = rerankOne(two.scores(r.x()), r.x(), pw, idx, mode);
            int q = ConfusionBenchmark.rankOfExpected(s, r.expected());
            r1 += q == 1 ? 1 : 0;
            r3 += q >= 1 && q <= 3 ? 1 : 0;
            b.append(q).append(' ');
        }
        return b + "(rank1 " + r1 + ", top3 " + r3 + ")";
    }

    static double[][] rerank(double[][] s, List<float[]> xs, PrototypeClassifier.Pairwise pw, Map<Long, Integer> idx,
                             String mode) {
        double[][] out = new double[s.length][];
        for (int i = 0; i < s.length; i++) {
            out[i] = rerankOne(s[i], xs.get(i), pw, idx, mode);
        }
        return out;
    }

    static double[] rerankOne(double[] s0, float[] x, PrototypeClassifier.Pairwise pw, Map<Long, Integer> idx,
                              String mode) {
        double[] s = s0.clone();
        int w = Math.min(pw.window(), s.length);
        int[] top = PrototypeClassifier.topIndices(s0, w);
        double soft = mode.startsWith("soft") ? Double.parseDouble(mode.substring(4)) : 0;
        double tb = mode.startsWith("tb") ? Double.parseDouble(mode.substring(2)) : 0;
        double mix = mode.startsWith("mix") ? Double.parseDouble(mode.substring(3)) : 0;
        double[] net = new double[w];
        double[] tie = new double[w];
        for (int i = 0; i < w; i++) {
            for (int j = i + 1; j < w; j++) {
                int a = top[i];
                int b = top[j];
                Integer p = idx.get(PrototypeClassifier.pairKey(a, b));
                double m;
                double v;
                if (p == null) {
                    m = s0[a] - s0[b];
                    v = Math.signum(m);
                } else {
                    double acc = pw.bias()[p];
                    float[] wt = pw.weights()[p];
                    for (int k = 0; k < x.length; k++) {
                        acc += wt[k] * x[k];
                    }
                    m = a < b ? acc : -acc;
                    v = soft > 0 ? Math.tanh(m / soft) : Math.signum(m);
                    if (tb > 0) {
                        tie[i] += Math.tanh(m / tb);
                        tie[j] -= Math.tanh(m / tb);
                    }
                }
                net[i] += v;
                net[j] -= v;
            }
        }
        Integer[] order = new Integer[w];
        for (int i = 0; i < w; i++) {
            order[i] = i;
            net[i] += mix * (w - 1 - 2 * i); // the net wins the scores alone would give, weighted
        }
        java.util.Arrays.sort(order, (p, q) -> net[p] != net[q] ? Double.compare(net[q], net[p])
                : tie[p] != tie[q] ? Double.compare(tie[q], tie[p]) : Integer.compare(p, q));
        if (mode.equals("hedge")) {
            // the two-stage best (index 0) stays in the top 3
            int pos = java.util.Arrays.asList(order).indexOf(0);
            if (pos > 2) {
                System.arraycopy(order, 2, order, 3, pos - 2);
                order[2] = 0;
            }
        }
        for (int i = 0; i < w; i++) {
            s[top[order[i]]] = s0[top[i]];
        }
        return s;
    }

    /**
     * Fisher discriminant as Trainer.fisher, with the pair's pooled covariance (normalised to unit
     * mean variance) mixed with the covariance pooled over every class (also normalised) by alpha
     * before the shrinkage gamma towards the identity.
     */
    static float[] pooledFisher(double[] meanA, float[] scatA, int nA, double[] meanB, float[] scatB, int nB,
                                double[] glob, long nGlob, double alpha, int d, double gamma) {
        int n = nA + nB - 2;
        double[][] s = new double[d][d];
        double[][] g = new double[d][d];
        double tr = 0;
        double trg = 0;
        int off = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = ((double) scatA[off + j] + scatB[off + j]) / n;
                s[i][j] = v;
                s[j][i] = v;
                double u = glob[off + j] / nGlob;
                g[i][j] = u;
                g[j][i] = u;
            }
            off += i + 1;
            tr += s[i][i];
            trg += g[i][i];
        }
        double mu = tr / d;
        double mg = trg / d;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                s[i][j] = (1 - gamma) * ((1 - alpha) * s[i][j] / mu + alpha * g[i][j] / mg);
            }
            s[i][i] += gamma;
        }
        return Trainer.fisherSolve(s, meanA, meanB);
    }

    /**
     * Second pair scan, one profile of class c after the three stages: rank is c's 0-based rank and
     * top the indices of the window's best classes, best first. When minRank &lt;= rank &lt; window,
     * every class ranked above c that has no discriminant in threeStage yet (and is not
     * {@link Trainer#latticeOnly} with c) gives the pair key (c, w) to out.
     */
    static void stillAbove(Catalog catalog, PrototypeClassifier threeStage, int c, int rank, int[] top, int minRank,
                           java.util.function.LongConsumer out) {
        if (rank < minRank || rank >= top.length) {
            return;
        }
        for (int i = 0; i < rank; i++) {
            int w = top[i];
            if (!threeStage.hasPair(c, w) && !Trainer.latticeOnly(catalog, c, w)) {
                out.accept(PrototypeClassifier.pairKey(c, w));
            }
        }
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    /** The pairs' discriminants (cached by pair) as a third stage. */
    static PrototypeClassifier.Pairwise fit(TreeSet<Long> pairs, double[][] mean, float[][] scat, int[] count, int d, double gamma, int window, int threads,
                                            Map<Long, float[]> cache) {
        long[] keys = pairs.stream().mapToLong(Long::longValue).toArray();
        List<float[]> ws = ConfusionBenchmark.parallel(keys.length, threads, k -> cache.computeIfAbsent(keys[k], p -> {
            int ca = (int) (p >>> 32);
            int cb = (int) (long) p;
            return Trainer.fisher(mean[ca], scat[ca], count[ca], mean[cb], scat[cb], count[cb], d, gamma);
        }));
        int[] f = new int[keys.length];
        int[] s = new int[keys.length];
        float[][] w = new float[keys.length][];
        float[] b = new float[keys.length];
        for (int k = 0; k < keys.length; k++) {
            f[k] = (int) (keys[k] >>> 32);
            s[k] = (int) keys[k];
            w[k] = java.util.Arrays.copyOf(ws.get(k), d);
            b[k] = ws.get(k)[d];
        }
        return new PrototypeClassifier.Pairwise(f, s, w, b, window);
    }

    /** Three-stage outcome of every training profile and every validation profile. */
    static List<Outcome> outcomes(PrototypeClassifier clf, ConfusionBenchmark.Data x, int window, int threads) {
        int nc = x.nc();
        List<List<Outcome>> per = ConfusionBenchmark.parallel(nc, threads, c -> {
            List<Outcome> l = new ArrayList<>();
            float[][] tr = x.train().get(c);
            for (int i = 0; i < tr.length; i++) {
                double[] s = clf.scores(tr[i]);
                l.add(new Outcome(c, PrototypeClassifier.rankOf(s, c), PrototypeClassifier.topIndices(s, window), false,
                        i));
            }
            float[][] va = x.val().get(c);
            for (int i = 0; i < va.length; i++) {
                double[] s = clf.scores(va[i]);
                l.add(new Outcome(c, PrototypeClassifier.rankOf(s, c), PrototypeClassifier.topIndices(s, window), true,
                        i));
            }
            return l;
        });
        List<Outcome> out = new ArrayList<>();
        per.forEach(out::addAll);
        return out;
    }

    static double[][] scores(PrototypeClassifier clf, List<float[]> xs, int threads) throws Exception {
        List<float[][]> one = new ArrayList<>();
        one.add(xs.toArray(new float[0][]));
        return ConfusionBenchmark.scoreAll(one, clf::scores, threads);
    }

    static void report(String name, PrototypeClassifier clf, int pairs, List<float[]> fv, int[] yv, List<float[]> fc,
                       List<float[]> fp, int[] yt, int threads) throws Exception {
        System.out.printf(Locale.ROOT, "  %-46s %4d pairs | val %s | held-out %s | perturbed %s | measured %s%n", name,
                pairs, acc2(scores(clf, fv, threads), yv), acc2(scores(clf, fc, threads), yt),
                acc2(scores(clf, fp, threads), yt), PairwiseExperiment.realRanks(clf, null, 0, ""));
        if (moreClean != null) {
            System.out.printf(Locale.ROOT, "  %-46s more test variants: held-out %s | perturbed %s%n", "",
                    acc2(scores(clf, moreClean, threads), moreLabels), acc2(scores(clf, morePert, threads), moreLabels));
        }
    }

    /** A larger held-out set ({@code --more-test N} test variants per class, TEST stream), or null. */
    static List<float[]> moreClean;
    static List<float[]> morePert;
    static int[] moreLabels;

    static void moreTest(Catalog cat, int variants, int threads) {
        PdfAugmenter aug = PdfAugmenter.of(cat.grid());
        org.nifispectro.pdf.PdfCalculator calc = org.nifispectro.pdf.PdfCalculator.of(aug.baseParameters(),
                PdfAugmenter.limits(cat.options().maxAtoms()));
        Trainer.Options o = Trainer.Options.defaults();
        List<List<float[][]>> per = ConfusionBenchmark.parallel(cat.classes().size(), threads, c -> {
            List<float[]> cl = new ArrayList<>();
            List<float[]> pe = new ArrayList<>();
            ClassSamples.conditionPairs(cat, c, variants, ClassSamples.Purpose.TEST, o.seed(), aug, calc, o.ranges(),
                    (u, v) -> {
                        cl.add(u);
                        pe.add(v);
                    });
            return List.of(cl.toArray(new float[0][]), pe.toArray(new float[0][]));
        });
        moreClean = new ArrayList<>();
        morePert = new ArrayList<>();
        List<Integer> lab = new ArrayList<>();
        for (int c = 0; c < per.size(); c++) {
            moreClean.addAll(List.of(per.get(c).get(0)));
            morePert.addAll(List.of(per.get(c).get(1)));
            for (int k = 0; k < per.get(c).get(0).length; k++) {
                lab.add(c);
            }
        }
        moreLabels = lab.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Top-1 / 3 / 5 % to 2 decimals and the top-1 / top-3 misses. */
    static String acc2(double[][] s, int[] y) {
        int[] hit = new int[3];
        for (int i = 0; i < s.length; i++) {
            int r = PrototypeClassifier.rankOf(s[i], y[i]);
            hit[0] += r < 1 ? 1 : 0;
            hit[1] += r < 3 ? 1 : 0;
            hit[2] += r < 5 ? 1 : 0;
        }
        double n = s.length;
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f (misses %d / %d of %d)", 100 * hit[0] / n,
                100 * hit[1] / n, 100 * hit[2] / n, s.length - hit[0], s.length - hit[1], s.length);
    }

    /** Every top-3 miss: true class, rank, the classes above it, whether each pair has a discriminant and its margin. */
    static void misses(String name, Catalog cat, PrototypeClassifier clf, List<float[]> xs, int[] y, int threads)
            throws Exception {
        double[][] s = scores(clf, xs, threads);
        PrototypeClassifier two = clf.withPairwise(null);
        double[][] s2 = scores(two, xs, threads);
        int[] byRank = new int[6];
        int noPair = 0;
        int withPair = 0;
        int outside = 0;
        int lonly = 0;
        System.out.println("== top-3 misses, " + name);
        for (int i = 0; i < s.length; i++) {
            int c = y[i];
            int r = PrototypeClassifier.rankOf(s[i], c);
            if (r < 3) {
                continue;
            }
            int r2 = PrototypeClassifier.rankOf(s2[i], c);
            byRank[Math.min(5, r / 2)]++;
            int[] top = PrototypeClassifier.topIndices(s[i], Math.min(r, 10));
            StringBuilder b = new StringBuilder();
            for (int w : top) {
                String tag;
                if (clf.hasPair(c, w)) {
                    double m = margin(clf.pairwise(), c, w, xs.get(i));
                    tag = String.format(Locale.ROOT, "disc %+.2f", m);
                    withPair++;
                } else if (Trainer.latticeOnly(cat, c, w)) {
                    tag = "latticeOnly";
                    lonly++;
                } else {
                    tag = "no disc";
                    noPair++;
                }
                b.append(String.format(Locale.ROOT, " | %s (%s, 2-stage %+.4f)", cat.classes().get(w).label(), tag,
                        s2[i][w] - s2[i][c]));
            }
            if (r >= 10) {
                outside++;
            }
            System.out.printf(Locale.ROOT, "  %-28s rank %d (2-stage %d)%s%n", cat.classes().get(c).label() + " #" + c,
                    r + 1, r2 + 1, b);
        }
        System.out.printf(Locale.ROOT, "  misses by 0-based rank/2 %s; beyond window %d; classes above with disc %d"
                + " (losing; margin < 0 = against the true class), without %d, latticeOnly %d%n",
                java.util.Arrays.toString(byRank), outside, withPair, noPair, lonly);
    }

    /** Margin of the pair (c, w), positive for c. */
    static double margin(PrototypeClassifier.Pairwise pw, int c, int w, float[] x) {
        for (int k = 0; k < pw.size(); k++) {
            if (pw.first()[k] == Math.min(c, w) && pw.second()[k] == Math.max(c, w)) {
                double m = pw.bias()[k];
                for (int i = 0; i < x.length; i++) {
                    m += pw.weights()[k][i] * x[i];
                }
                return c < w ? m : -m;
            }
        }
        return Double.NaN;
    }
}
