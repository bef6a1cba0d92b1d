package org.nifispectro.classify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;

/**
 * Pairwise linear discriminants (Fisher LDA, shrunk pooled covariance) for class pairs the
 * shipped learner confuses on training/validation profiles, used to re-order its top-K
 * candidates (session 4; the shipped version is Trainer.pairwise + PrototypeClassifier.Pairwise).
 * Step syntax {@code pairs_t3_E0.005/0.01_G0.01/0.1_W5/10_M1/2_X2_Q1/0.98_Otour/add0.01/vote0.01/tour1}
 * ('/' separates values tried in turn): t every t-th training profile scanned (scan once per
 * step), E near-miss margins (a pair counts when the other class scores within E of the true one,
 * true class in the shortlist K, default 10), G shrinkages, W re-rank windows, M minimum counts,
 * X 1 leaves out pairs of one structure type, 2 only isotypic one-element pairs (shipped), Q leaves
 * out pairs whose nominal profiles correlate >= Q after an r scaling 0.90-1.10, O combinations
 * (tour = round robin, tourT = round robin where |margin| &lt; T defers to the scores, addB = score +
 * B * clipped margins, voteB = score + B * signs).
 */
final class PairwiseExperiment {

    private PairwiseExperiment() {
    }

    static List<ConfusionBenchmark.Real> real = List.of();

    /** Ranks of the expected type for the measured PDFs, e.g. "2 2 2 2 2 1 1 1 1 0 1 3 1 1 (rank1 7, top3 13)". */
    static String realRanks(PrototypeClassifier clf, Map<Long, Disc> discs, int k, String mode) {
        StringBuilder b = new StringBuilder();
        int r1 = 0;
        int r3 = 0;
        for (ConfusionBenchmark.Real r : real) {
            double[] s = clf.scores(r.x());
            if (discs != null) {
                s = rerankOne(s, r.x(), discs, k, mode);
            }
            int q = ConfusionBenchmark.rankOfExpected(s, r.expected());
            r1 += q == 1 ? 1 : 0;
            r3 += q >= 1 && q <= 3 ? 1 : 0;
            b.append(q).append(' ');
        }
        return b + "(rank1 " + r1 + ", top3 " + r3 + ")";
    }

    static String opt(String step, String key, String dflt) {
        String[] parts = step.split("_");
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].startsWith(key)) {
                return parts[i].substring(key.length());
            }
        }
        return dflt;
    }

    /** Discriminant of one pair a &lt; b: m(x) = w . x + bias, +1 at mean a, -1 at mean b. */
    record Disc(float[] w, float bias) {
        double margin(float[] x) {
            double s = bias;
            for (int i = 0; i < x.length; i++) {
                s += w[i] * x[i];
            }
            return s;
        }
    }

    static long key(int a, int b) {
        return a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
    }

    static void run(String step, Catalog cat, ConfusionBenchmark.Data x, PrototypeClassifier clf, double[][] sc,
                    double[][] sp, int threads) throws Exception {
        int kWin = Integer.parseInt(opt(step, "k", "5"));
        double gamma = Double.parseDouble(opt(step, "g", "0.1"));
        int stride = Integer.parseInt(opt(step, "t", "3"));
        double eps = Double.parseDouble(opt(step, "e", "0.005"));
        int minCount = Integer.parseInt(opt(step, "m", "1"));
        int kDetect = Integer.parseInt(opt(step, "K", "10"));
        int nc = x.nc();
        int d = x.d();
        long t0 = System.nanoTime();
        int shortlist = Integer.parseInt(opt(step, "S", "0"));
        if (shortlist > 0) {
            // another second-stage shortlist (same prototypes and scale search)
            PrototypeClassifier.Refinement rf = clf.refinement();
            clf = clf.withScaleSearch(shortlist, rf.maxScale(), rf.steps());
            sc = ConfusionBenchmark.scoreAll(x.clean(), clf::scores, threads);
            sp = ConfusionBenchmark.scoreAll(x.pert(), clf::scores, threads);
        }
        // 1. confusions on training profiles (every stride-th) and validation profiles
        List<float[][]> scan = new ArrayList<>();
        for (int c = 0; c < nc; c++) {
            float[][] tr = x.train().get(c);
            List<float[]> l = new ArrayList<>();
            for (int i = 0; i < tr.length; i += stride) {
                l.add(tr[i]);
            }
            l.addAll(List.of(x.val().get(c)));
            scan.add(l.toArray(new float[0][]));
        }
        double[][] ss = ConfusionBenchmark.scoreAll(scan, clf::scores, threads);
        int[] ys = ConfusionBenchmark.labels(scan);
        double epsMax = 0.03;
        List<long[]> hits = new ArrayList<>(); // key, gap bits
        int miss = 0;
        for (int i = 0; i < ss.length; i++) {
            int c = ys[i];
            double[] s = ss[i];
            int r = PrototypeClassifier.rankOf(s, c);
            miss += r > 0 ? 1 : 0;
            if (r >= kDetect) {
                continue;
            }
            for (int w = 0; w < nc; w++) {
                if (w != c && s[w] > s[c] - epsMax) {
                    hits.add(new long[] {key(c, w), Double.doubleToLongBits(s[c] - s[w])});
                }
            }
        }
        System.out.printf(Locale.ROOT, "  scanned %d profiles (top-1 miss %.1f %%), %.1f s%n", ss.length,
                100.0 * miss / ss.length, (System.nanoTime() - t0) / 1e9);
        double[][] sv = ConfusionBenchmark.scoreAll(x.val(), clf::scores, threads);
        int[] yv = ConfusionBenchmark.labels(x.val());
        int[] yt = ConfusionBenchmark.labels(x.clean());
        List<float[]> fv = flat(x.val());
        List<float[]> fc = flat(x.clean());
        List<float[]> fp = flat(x.pert());
        System.out.printf(Locale.ROOT, "  %-34s val %s | held-out %s | perturbed %s | measured %s%n", "shipped",
                ConfusionBenchmark.acc(sv, yv), ConfusionBenchmark.acc(sc, yt), ConfusionBenchmark.acc(sp, yt),
                realRanks(clf, null, 0, ""));
        // class means and scatter matrices (all classes)
        double[][] mean = new double[nc][];
        double[][][] scat = new double[nc][][];
        ConfusionBenchmark.parallel(nc, threads, c -> {
            float[][] xs = x.train().get(c);
            double[] m = Trainer.mean(java.util.Arrays.asList(xs), d);
            double[][] s = new double[d][d];
            double[] dv = new double[d];
            for (float[] v : xs) {
                for (int i = 0; i < d; i++) {
                    dv[i] = v[i] - m[i];
                }
                for (int i = 0; i < d; i++) {
                    double ai = dv[i];
                    double[] row = s[i];
                    for (int j = 0; j <= i; j++) {
                        row[j] += ai * dv[j];
                    }
                }
            }
            mean[c] = m;
            scat[c] = s;
            return null;
        });
        String[] es = opt(step, "E", "0.005/0.01/0.02").split("/");
        String[] gs = opt(step, "G", "0.1").split("/");
        String[] ks = opt(step, "W", "5/10").split("/");
        String[] ms = opt(step, "M", "1").split("/");
        boolean skipSame = opt(step, "X", "0").equals("1");
        boolean skipMono = opt(step, "X", "0").equals("2");
        String[] qs = opt(step, "Q", "1").split("/");
        Map<Long, Disc> cacheDisc = new HashMap<>();
        for (String qq : qs) {
          double scaleEq = Double.parseDouble(qq);
          for (String ee : es) {
            for (String mm : ms) {
                double e = Double.parseDouble(ee);
                Map<Long, Integer> count = new HashMap<>();
                for (long[] h : hits) {
                    if (Double.longBitsToDouble(h[1]) < e) {
                        count.merge(h[0], 1, Integer::sum);
                    }
                }
                List<Long> pairs = new ArrayList<>();
                int sameSkipped = 0;
                for (var en : count.entrySet()) {
                    if (en.getValue() >= Integer.parseInt(mm)) {
                        int pa = (int) (en.getKey() >>> 32);
                        int pb = (int) (long) en.getKey();
                        if (skipMono && sameType(cat, pa, pb) && oneElement(cat, pa) && oneElement(cat, pb)
                                || skipSame && sameType(cat, pa, pb)
                                || scaleEq < 1 && scaleEquivalence(cat, pa, pb) >= scaleEq) {
                            sameSkipped++;
                            continue;
                        }
                        pairs.add(en.getKey());
                    }
                }
                if (skipSame || skipMono || scaleEq < 1) {
                    System.out.println("  pairs left out (same type " + skipSame + ", scale-equivalent r >= " + scaleEq
                            + "): " + sameSkipped);
                }
                pairs.sort(Long::compare);
                for (String gg : gs) {
                    double g = Double.parseDouble(gg);
                    long t1 = System.nanoTime();
                    List<Disc> discs = ConfusionBenchmark.parallel(pairs.size(), threads, k -> {
                        long p = pairs.get(k);
                        synchronized (cacheDisc) {
                            Disc old = cacheDisc.get(p ^ ((long) Double.doubleToLongBits(g) * 31));
                            if (old != null) {
                                return old;
                            }
                        }
                        Disc dd = lda(x, mean, scat, (int) (p >>> 32), (int) p, g, d);
                        synchronized (cacheDisc) {
                            cacheDisc.put(p ^ ((long) Double.doubleToLongBits(g) * 31), dd);
                        }
                        return dd;
                    });
                    Map<Long, Disc> byKey = new HashMap<>();
                    for (int k = 0; k < pairs.size(); k++) {
                        byKey.put(pairs.get(k), discs.get(k));
                    }
                    double secs = (System.nanoTime() - t1) / 1e9;
                    for (String kk : ks) {
                        int kw = Integer.parseInt(kk);
                        for (String mode : opt(step, "O", "tour").split("/")) {
                            String name = String.format(Locale.ROOT, "e%s m%s g%s k%d %s: %d pairs (%.1f s)", ee, mm,
                                    gg, kw, mode, pairs.size(), secs);
                            System.out.printf(Locale.ROOT, "  %-34s val %s | held-out %s | perturbed %s | measured %s%n",
                                    name, ConfusionBenchmark.acc(rerank(sv, fv, byKey, kw, mode), yv),
                                    ConfusionBenchmark.acc(rerank(sc, fc, byKey, kw, mode), yt),
                                    ConfusionBenchmark.acc(rerank(sp, fp, byKey, kw, mode), yt),
                                    realRanks(clf, byKey, kw, mode));
                        }
                    }
                }
            }
        }
        }
    }

    static final Map<Long, Double> EQ = new java.util.concurrent.ConcurrentHashMap<>();

    /** Best Pearson r of class a's nominal profile with class b's at r * s, s = 0.90 .. 1.10 (0.25 % steps). */
    static double scaleEquivalence(Catalog cat, int a, int b) {
        return EQ.computeIfAbsent(key(a, b), k -> {
            float[] pa = cat.structures(a).get(0).profile();
            float[] pb = cat.structures(b).get(0).profile();
            double best = -1;
            for (int j = -40; j <= 40; j++) {
                best = Math.max(best, PdfProfile.dot(pa, scaled(pb, 1 + 0.0025 * j, cat.grid())));
                best = Math.max(best, PdfProfile.dot(pb, scaled(pa, 1 + 0.0025 * j, cat.grid())));
            }
            return best;
        });
    }

    static float[] scaled(float[] x, double s, ModelGrid g) {
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double u = (g.r(k) * s - g.rmin()) / g.rstep();
            int i = (int) Math.floor(u);
            if (i < 0) {
                y[k] = x[0];
            } else if (i >= x.length - 1) {
                y[k] = x[x.length - 1];
            } else {
                double f = u - i;
                y[k] = x[i] * (1 - f) + x[i + 1] * f;
            }
        }
        return PdfProfile.normalize(y);
    }

    static boolean oneElement(Catalog cat, int a) {
        for (CatalogEntry x : cat.classes().get(a).all()) {
            if (x.elements().contains(" ")) {
                return false;
            }
        }
        return true;
    }

    static boolean sameType(Catalog cat, int a, int b) {
        for (CatalogEntry x : cat.classes().get(a).all()) {
            for (CatalogEntry y : cat.classes().get(b).all()) {
                if (x.structureTypeKey().equals(y.structureTypeKey())) {
                    return true;
                }
            }
        }
        return false;
    }

    static Disc lda(ConfusionBenchmark.Data x, double[][] mean, double[][][] scat, int a, int b, double gamma, int d) {
        int n = x.train().get(a).length + x.train().get(b).length - 2;
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = (scat[a][i][j] + scat[b][i][j]) / n;
                s[i][j] = v;
                s[j][i] = v;
            }
        }
        Trainer.shrink(s, gamma);
        float[] f = Trainer.fisherSolve(s, mean[a], mean[b]);
        return new Disc(java.util.Arrays.copyOf(f, d), f[d]);
    }

    static List<float[]> flat(List<float[][]> l) {
        List<float[]> out = new ArrayList<>();
        for (float[][] m : l) {
            out.addAll(List.of(m));
        }
        return out;
    }

    /** Re-ranked copies of the scores. */
    static double[][] rerank(double[][] s, List<float[]> xs, Map<Long, Disc> discs, int k, String mode) {
        double[][] out = new double[s.length][];
        for (int q = 0; q < s.length; q++) {
            out[q] = rerankOne(s[q], xs.get(q), discs, k, mode);
        }
        return out;
    }

    static double[] rerankOne(double[] s0, float[] x, Map<Long, Disc> discs, int k, String mode) {
        double[] s = s0.clone();
        int[] top = top(s0, k);
        double floor = s0[top[top.length - 1]];
        double[] adj = new double[top.length];
        boolean tour = mode.startsWith("tour");
        double tau = tour && mode.length() > 4 ? Double.parseDouble(mode.substring(4)) : 0;
        boolean vote = mode.startsWith("vote");
        double beta = tour ? 0 : Double.parseDouble(mode.substring(vote ? 4 : 3));
        for (int i = 0; i < top.length; i++) {
            for (int j = i + 1; j < top.length; j++) {
                int a = top[i];
                int b = top[j];
                Disc dd = discs.get(key(a, b));
                double m; // > 0 favours a
                if (dd == null) {
                    if (!tour) {
                        continue;
                    }
                    m = s0[a] - s0[b];
                } else {
                    m = dd.margin(x);
                    if (a > b) {
                        m = -m;
                    }
                    if (tour && Math.abs(m) < tau) {
                        m = s0[a] - s0[b]; // not confident: the scores decide
                    }
                }
                double v = tour || vote ? Math.signum(m) : Math.max(-1, Math.min(1, m));
                adj[i] += v;
                adj[j] -= v;
            }
        }
        for (int i = 0; i < top.length; i++) {
            // tournament: wins first, the score breaks ties (scores differ by < 1)
            s[top[i]] = tour ? floor + 10 + adj[i] + 0.01 * (s0[top[i]] - floor) : s0[top[i]] + beta * adj[i];
        }
        if (!tour) {
            double lo = Double.POSITIVE_INFINITY;
            for (int t : top) {
                lo = Math.min(lo, s[t]);
            }
            // the re-ranked classes stay above the rest
            boolean[] in = new boolean[s.length];
            for (int t : top) {
                in[t] = true;
            }
            for (int c = 0; c < s.length; c++) {
                if (!in[c] && s[c] >= lo) {
                    s[c] = lo - 1e-6;
                }
            }
        }
        return s;
    }

    /** Indices of the k largest, best first. */
    static int[] top(double[] s, int k) {
        return PrototypeClassifier.topIndices(s, Math.min(k, s.length));
    }
}
