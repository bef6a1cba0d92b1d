package org.nifispectro.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.nifispectro.cluster.Dbscan;
import org.nifispectro.cluster.EpsEstimator;
import org.nifispectro.cluster.KdTree;
import org.nifispectro.decompose.Nmf;
import org.nifispectro.decompose.Pca;
import org.nifispectro.decompose.PcaModel;

/**
 * Timing of the clustering / decomposition cores at seed scale (not a test; run by hand):
 * <pre>
 * java -Xmx2g -cp target/classes:target/test-classes:$(deps) org.nifispectro.bench.ClusterBenchmark [what...]
 * </pre>
 * what = {@code pca-dbscan} (387,086 x 1024 float stack streamed in slabs: PCA, 5 scores,
 * auto Eps, DBSCAN), {@code dbscan-sklearn} (the point sets of shared/data/benchmarks/
 * bench_sklearn_dbscan.py: 6 Gaussian phases incl. a 0.5 % one + 0.2 % uniform outliers, d = 5
 * and 10, at the Eps/MinPts of bench_results.jsonl), {@code nmf} (50,000 x 1024 and 500 x 300, 4
 * components, scikit-learn defaults, data as bench_sklearn_dbscan.py's nmf recipe),
 * {@code nmf-large} (387,086 x 1024, 4 components, 50 iterations, heap check). Default: the
 * first three. The generators follow the Python recipes but use Java's random numbers, so
 * the data are statistically, not bitwise, the same as scikit-learn's runs.
 * scikit-learn 1.2.1 on this 2-core machine (bench_results.jsonl): randomized PCA 387k x 1024
 * 6.19 s (full 34.5 s); DBSCAN 387k d=5 eps 0.3 34.1 s, d=10 eps 0.7 247 s, d=10 eps 1.0
 * 793 s; NMF 50k x 1024 k=4 32.4 s (error 71.93).
 */
public final class ClusterBenchmark {

    static final int N = 602 * 643;
    static final int E = 1024;

    private ClusterBenchmark() {
    }

    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        String[] what = args.length == 0 ? new String[] {"pca-dbscan", "dbscan-sklearn", "dbscan-smile", "nmf"} : args;
        System.out.printf("cores %d, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        for (String w : what) {
            switch (w) {
                case "pca-dbscan" -> pcaDbscan();
                case "dbscan-sklearn" -> dbscanSklearnSets();
                case "dbscan-smile" -> dbscanSmile();
                case "nmf" -> {
                    nmf(50000, E, 4, 200);
                    nmf(500, 300, 4, 200);
                }
                case "nmf-large" -> nmf(N, E, 4, 50);
                default -> throw new IllegalArgumentException("unknown benchmark " + w);
            }
        }
    }

    // ------------------------------------------------------------------ stack generator

    /** Six smooth phase spectra (cumulative |normal| like bench_sklearn_dbscan.py's pca basis). */
    static float[][] phaseSpectra(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] s = new float[6][E];
        for (float[] sp : s) {
            double c = 0;
            for (int j = 0; j < E; j++) {
                c += Math.abs(gauss(r));
                sp[j] = (float) c;
            }
            float max = sp[E - 1];
            for (int j = 0; j < E; j++) {
                sp[j] /= max;
            }
        }
        return s;
    }

    static final double[] FRACTIONS = {0.40, 0.25, 0.15, 0.12, 0.075, 0.005};
    static final float[] NOISE = noiseTable(1 << 20, 0.01, 7);

    static float[] noiseTable(int n, double sd, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = (float) (sd * gauss(r));
        }
        return t;
    }

    static int phaseOf(int row) {
        double u = new SplittableRandom(row * 0x9E3779B97F4A7C15L + 11).nextDouble();
        double c = 0;
        for (int p = 0; p < FRACTIONS.length; p++) {
            c += FRACTIONS[p];
            if (u < c) {
                return p;
            }
        }
        return FRACTIONS.length - 1;
    }

    /** Rows [from, from+rows) of the synthetic stack into slab (row-major, E per row). */
    static void fillSlab(float[][] spectra, int from, int rows, float[] slab) {
        for (int r = 0; r < rows; r++) {
            int row = from + r;
            float[] s = spectra[phaseOf(row)];
            int off = (int) ((row * 2654435761L) & (NOISE.length - 1));
            int b = r * E;
            for (int j = 0; j < E; j++) {
                slab[b + j] = s[j] + NOISE[(off + j) & (NOISE.length - 1)];
            }
        }
    }

    static void pcaDbscan() {
        float[][] spectra = phaseSpectra(3);
        int slabRows = 4096;
        float[] slab = new float[slabRows * E];
        long t0 = System.nanoTime();
        long c0 = cpu();
        for (int s = 0; s < N; s += slabRows) {
            fillSlab(spectra, s, Math.min(slabRows, N - s), slab);
        }
        double gen = (System.nanoTime() - t0) / 1e9;
        System.out.printf("stack generation only (one pass, subtracted below): %.2f s%n", gen);
        for (Pca.Precision prec : Pca.Precision.values()) {
            long a = System.nanoTime();
            Pca.Accumulator acc = Pca.accumulator(E, 0, E, prec);
            for (int s = 0; s < N; s += slabRows) {
                int rows = Math.min(slabRows, N - s);
                fillSlab(spectra, s, rows, slab);
                acc.addRows(slab, 0, rows, E);
            }
            long b = System.nanoTime();
            PcaModel m = acc.finish();
            long c = System.nanoTime();
            int k = 5;
            double[] scores = new double[N * k];
            for (int s = 0; s < N; s += slabRows) {
                int rows = Math.min(slabRows, N - s);
                fillSlab(spectra, s, rows, slab);
                m.project(slab, 0, rows, E, k, scores, s * k);
            }
            Pca.svdFlip(m, scores, k);
            long d = System.nanoTime();
            System.out.printf("PCA %s 387086x1024: covariance %.2f s (minus generation), eigen(1024) %.2f s, "
                            + "scores k=5 %.2f s (minus generation); evr[0..5] %s%n", prec,
                    (b - a) / 1e9 - gen, (c - b) / 1e9, (d - c) / 1e9 - gen,
                    Arrays.toString(Arrays.stream(Arrays.copyOf(m.explainedVarianceRatio(), 5))
                            .map(v -> Math.round(v * 1e6) / 1e6).toArray()));
            if (prec == Pca.Precision.FLOAT_SLAB) {
                long e0 = System.nanoTime();
                KdTree tree = new KdTree(scores, N, k);
                long e1 = System.nanoTime();
                EpsEstimator.Estimate est = EpsEstimator.estimate(tree, 10);
                long e2 = System.nanoTime();
                Dbscan.Result r = Dbscan.cluster(tree, est.eps(), 10);
                long e3 = System.nanoTime();
                int[] sizes = r.clusterSizes().clone();
                Arrays.sort(sizes);
                System.out.printf("DBSCAN on 5 scores: tree %.2f s, auto Eps %.4f in %.2f s, DBSCAN %.2f s: %d clusters, "
                                + "%d noise, largest %s; PCA(float)+scores+DBSCAN total %.2f s%n",
                        (e1 - e0) / 1e9, est.eps(), (e2 - e1) / 1e9, (e3 - e2) / 1e9, r.nClusters(), r.nNoise(),
                        Arrays.toString(Arrays.copyOfRange(sizes, Math.max(0, sizes.length - 7), sizes.length)),
                        (e3 - a) / 1e9 - 2 * gen);
                System.out.printf("  (process CPU time since start of pca-dbscan %.2f s)%n", (cpu() - c0) / 1e9);
            }
        }
    }

    static void dbscanSklearnSets() {
        double[][] cases = {{5, 0.3, 10}, {10, 0.7, 10}, {10, 1.0, 20}};
        for (double[] c : cases) {
            int d = (int) c[0];
            double[] x = sklearnSynth(d, 0);
            long a = System.nanoTime();
            long ca = cpu();
            Dbscan.Result r = Dbscan.cluster(x, N, d, c[1], (int) c[2]);
            long b = System.nanoTime();
            System.out.printf("  (process CPU time %.2f s)%n", (cpu() - ca) / 1e9);
            int[] sizes = r.clusterSizes().clone();
            Arrays.sort(sizes);
            System.out.printf("DBSCAN bench_sklearn set d=%d eps=%.1f minPts=%d: %.2f s, %d clusters, %d noise, largest %s%n",
                    d, c[1], (int) c[2], (b - a) / 1e9, r.nClusters(), r.nNoise(),
                    Arrays.toString(Arrays.copyOfRange(sizes, Math.max(0, sizes.length - 6), sizes.length)));
        }
    }

    /**
     * SMILE 4.4.2's DBSCAN (GPL-3.0, test class path only) on the d = 5 set, against Dbscan on the same points:
     * the measurement behind writing Dbscan instead of calling SMILE. Labels are compared up to relabelling.
     */
    static void dbscanSmile() {
        int d = 5;
        double[] x = sklearnSynth(d, 0);
        double[][] rows = new double[N][];
        for (int i = 0; i < N; i++) {
            rows[i] = Arrays.copyOfRange(x, i * d, (i + 1) * d);
        }
        long a = System.nanoTime();
        Dbscan.Result ours = Dbscan.cluster(x, N, d, 0.3, 10);
        long b = System.nanoTime();
        smile.clustering.DBSCAN<double[]> theirs = smile.clustering.DBSCAN.fit(rows, 10, 0.3);
        long c = System.nanoTime();
        int[] smileLabels = theirs.group().clone();
        for (int i = 0; i < N; i++) {
            if (smileLabels[i] == smile.clustering.Clustering.OUTLIER) {
                smileLabels[i] = -1;
            }
        }
        double ari = org.nifispectro.cluster.ClusterAgreement.adjustedRandIndex(ours.labels(), smileLabels);
        System.out.printf("DBSCAN d=5 eps=0.3 minPts=10 on %d points: nifi-spectro Dbscan %.2f s, SMILE %.2f s "
                + "(ratio %.1fx), %d vs %d clusters, ARI between them %.4f%n", N, (b - a) / 1e9, (c - b) / 1e9,
                (double) (c - b) / (b - a), ours.nClusters(), theirs.k(), ari);
    }

    /** bench_sklearn_dbscan.py synth(): 6 Gaussian phases (sd 0.5, centres N(0, 10)) + 0.2 % uniform outliers. */
    static double[] sklearnSynth(int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int nOut = (int) (0.002 * N);
        double[][] centres = new double[6][d];
        for (double[] c : centres) {
            for (int j = 0; j < d; j++) {
                c[j] = 10 * gauss(r);
            }
        }
        int[] counts = new int[6];
        int tot = 0;
        for (int p = 0; p < 6; p++) {
            counts[p] = (int) Math.floor(FRACTIONS[p] * (N - nOut));
            tot += counts[p];
        }
        counts[0] += N - nOut - tot;
        double[] x = new double[N * d];
        int i = 0;
        for (int p = 0; p < 6; p++) {
            for (int q = 0; q < counts[p]; q++, i++) {
                for (int j = 0; j < d; j++) {
                    x[i * d + j] = centres[p][j] + 0.5 * gauss(r);
                }
            }
        }
        for (; i < N; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = -25 + 50 * r.nextDouble();
            }
        }
        // permute rows
        for (int a = N - 1; a > 0; a--) {
            int b = r.nextInt(a + 1);
            for (int j = 0; j < d; j++) {
                double t = x[a * d + j];
                x[a * d + j] = x[b * d + j];
                x[b * d + j] = t;
            }
        }
        return x;
    }

    static void nmf(int n, int m, int k, int maxIter) {
        SplittableRandom r = new SplittableRandom(0);
        double[][] basis = new double[4][m];
        for (double[] b : basis) {
            double c = 0;
            for (int j = 0; j < m; j++) {
                c += Math.abs(gauss(r));
                b[j] = c;
            }
            for (int j = 0; j < m; j++) {
                b[j] /= c;
            }
        }
        float[][] x = new float[n][m];
        for (int i = 0; i < n; i++) {
            double[] w = new double[4];
            double s = 0;
            for (int t = 0; t < 4; t++) {
                w[t] = -Math.log(1 - r.nextDouble()); // Dirichlet(1,1,1,1)
                s += w[t];
            }
            for (int j = 0; j < m; j++) {
                double v = 0;
                for (int t = 0; t < 4; t++) {
                    v += w[t] / s * basis[t][j];
                }
                x[i][j] = (float) Math.max(0, v + 0.01 * gauss(r));
            }
        }
        Runtime rt = Runtime.getRuntime();
        long a = System.nanoTime();
        long ca = cpu();
        Nmf.Result res = Nmf.fitNonNegative(x, new Nmf.Options(k, Nmf.Init.NNDSVDA, maxIter, 1e-4, 0,
                Nmf.NegativeRule.REJECT));
        long b = System.nanoTime();
        System.out.printf("  (process CPU time %.2f s)%n", (cpu() - ca) / 1e9);
        System.out.printf("NMF %d x %d, k=%d, max_iter %d: %.2f s, %d iterations, converged %b, reconstruction error %.4f, "
                        + "heap used %d MB%n", n, m, k, maxIter, (b - a) / 1e9, res.nIter(), res.converged(),
                res.reconstructionError(), (rt.totalMemory() - rt.freeMemory()) >> 20);
    }

    static double gauss(SplittableRandom r) {
        double u1 = r.nextDouble(), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
