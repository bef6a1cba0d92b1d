package org.nifispectro.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.FixedPoint;
import org.nifispectro.cluster.ClusterAgreement;
import org.nifispectro.cluster.Dbscan;
import org.nifispectro.cluster.EpsEstimator;
import org.nifispectro.cluster.KdTree;
import org.nifispectro.decompose.Pca;
import org.nifispectro.decompose.PcaModel;
import org.nifispectro.io.stack.AxisOrder;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.Slab;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.io.stack.StackReader;
import org.nifispectro.io.stack.StackWriter;

/**
 * Phase maps of a normalized spectro-microscopy stack: PCA over an energy sub-window, DBSCAN on the
 * scores, per-cluster mean spectra, per edge window; the third step of the chain after
 * {@link NormalizeJob} and {@link RejectJob} (Duan et al. 2016).
 *
 * <h2>Input</h2>
 * A file in the {@link NormalizedStackLayout}: RejectLowSNR's output (the {@code mask} decides which
 * pixels are clustered) or NormalizeSpectra's output without a mask (then every pixel is used). In
 * both cases a pixel whose normalized spectrum holds a NaN/Inf anywhere in a window is left out of
 * that window and counted as rejected.
 *
 * <h2>Per window (three streaming passes over the window's normalized stack)</h2>
 * <ol>
 *   <li>Covariance of the used pixels' spectra over the PCA sub-window {@code [pcaEmin, pcaEmax]}
 *       (eV; default the whole window) with {@link Pca.Accumulator} (at most {@code maxFitPixels}
 *       pixels, taken at an even stride in pixel order when there are more; 0 = all), then the
 *       eigen-decomposition. Components: a fixed count, or the smallest count whose cumulative
 *       explained variance ratio reaches a threshold (scikit-learn's {@code n_components=0.9}
 *       rule), at most {@value #MAX_COMPONENTS}.</li>
 *   <li>Scores of every used pixel (parallel; for a contiguous energy-y-x stack read energy plane by energy
 *       plane over the PCA sub-window, {@link StackReader#readEnergyPlanes}, with the same sums as
 *       {@link PcaModel#project}, so the scores are bit-identical to the slab path), scikit-learn's sign convention
 *       ({@link Pca#svdFlip}); DBSCAN ({@link Dbscan}, labels identical to scikit-learn's) with
 *       Eps given or estimated ({@link EpsRule}): by default as Ester et al. (1996, section 4.2) propose,
 *       from the percentage of pixels the user expects to be noise (1 %): Eps is the
 *       (MinPts-1)-nearest-neighbour distance that this share of pixels exceeds; or the knee of the
 *       sorted k-distance curve ({@link EpsEstimator#estimate}, Kneedle). Design note (SeedChainBenchmark,
 *       602 x 643 seed-like stack, L3, 3 scores, MinPts 10): the knee fell at the 94th percentile (Eps 0.137),
 *       the noisy tail of one major phase became 10,846 outliers and 45 small clusters, ARI 0.937 against the
 *       truth; 1 % noise gives Eps 0.254 and ARI 0.99 with the 0.5 % minority phase as its own cluster.</li>
 *   <li>Clusters smaller than the {@link MinClusterSize minimum cluster size} (default 1 % of the clustered
 *       pixels; off = scikit-learn's labels) join the outlier group, the others are renumbered in DBSCAN's order;
 *       DBSCAN's own labels stay in {@link WindowResult#dbscanLabels()} and in {@code dbscan_labels_<label>}.</li>
 *   <li>Mean normalized spectrum of every cluster and of the outlier group over the whole window (energy
 *       plane by energy plane when the stack allows, sums in pixel order: independent of the thread count).</li>
 * </ol>
 * Labels: {@code >= 0} clusters (numbered as scikit-learn numbers them), {@link #OUTLIER} = -1
 * (DBSCAN noise: the outlier group, which seed 000 reads as a minority phase because low-signal
 * pixels were removed beforehand), {@link #REJECTED} = -2 (pixels not clustered: masked by the SNR
 * test or non-finite). With two or more windows the first two are compared: adjusted Rand index and
 * contingency table over the pixels used in both ({@link ClusterAgreement}).
 *
 * <h2>Output</h2>
 * <pre>
 * /entry  &#64;edge_windows (clustered), &#64;dbscan_min_pts, &#64;pca_components_rule ...
 *   labels_&lt;label&gt;/data   int32 [ny][nx] with &#64;label_values / &#64;label_names legend
 *   dbscan_labels_&lt;label&gt;/data  int32 [ny][nx] DBSCAN's own labels (only with a minimum cluster size)
 *   &#64;dbscan_min_cluster_size, &#64;dbscan_min_cluster_pixels_&lt;label&gt;, &#64;dbscan_small_cluster_count_&lt;label&gt;,
 *   &#64;dbscan_small_cluster_pixels_&lt;label&gt;
 *   cluster_spectra_&lt;label&gt;  NXdata: data float32 [k][nE] mean normalized spectra, energy (eV),
 *                           cluster (ids; -1 = outliers), pixel_count
 *   &#64;pca_explained_variance_ratio_&lt;label&gt; float64[], &#64;pca_components_&lt;label&gt;, &#64;pca_energy_range_eV_&lt;label&gt;,
 *   &#64;dbscan_eps_&lt;label&gt;, &#64;dbscan_eps_method_&lt;label&gt;
 *   &#64;agreement_windows, &#64;agreement_ari, &#64;agreement_row_labels, &#64;agreement_col_labels,
 *   &#64;agreement_counts (int64, row-major)
 *   process/step_NNN        history (input's steps plus this one)
 * </pre>
 *
 * <h2>Memory</h2> Per pixel a few ints (mask, labels per window), per used pixel the scores and the
 * KD-tree (about {@code 8 * (3 k + 6)} bytes), the covariance (a few d x d doubles) and two slabs
 * of the widest window; see {@link #heapBytes}. The stack itself is never held.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>Duan et al., Sci. Rep. 6:34406 (2016) (seed 000).</li>
 *   <li>Ester, Kriegel, Sander, Xu, KDD-96; scikit-learn 1.2 {@code DBSCAN}, {@code PCA}.</li>
 *   <li>Hubert and Arabie, J. Classif. 2 (1985) 193 (adjusted Rand index).</li>
 * </ul>
 */
public final class ClusterJob {

    /** Label of DBSCAN noise: the outlier group (minority phase). */
    public static final int OUTLIER = Dbscan.NOISE;
    /** Label of pixels not clustered (rejected by the SNR test or non-finite). */
    public static final int REJECTED = -2;
    /** Upper limit of the number of PCA scores clustered. */
    public static final int MAX_COMPONENTS = 16;

    private ClusterJob() {
    }

    /** How Eps is estimated when it is not given. */
    public enum EpsRule {
        /**
         * Ester et al. (1996) section 4.2: the user gives the percentage of points expected to be noise and
         * Eps is the k-distance (k = MinPts - 1) that this percentage of points exceeds.
         */
        NOISE_PERCENT,
        /** Knee of the sorted k-distance curve (Kneedle), {@link EpsEstimator#estimate}. */
        KNEE
    }

    /** How the number of PCA components is chosen. */
    public enum ComponentRule {
        /** {@link Config#components()} components. */
        FIXED,
        /** Smallest count reaching {@link Config#varianceThreshold()} cumulative explained variance. */
        VARIANCE
    }

    /**
     * @param windows           labels of the edge windows to cluster, in order; empty = every window of the file
     * @param pcaEminEv         lower end of the PCA energy sub-window (eV), -Infinity = window start
     * @param pcaEmaxEv         upper end (eV), +Infinity = window end
     * @param rule              how the component count is chosen
     * @param components        count for {@link ComponentRule#FIXED}, 1..{@value #MAX_COMPONENTS}
     * @param varianceThreshold threshold in (0, 1] for {@link ComponentRule#VARIANCE}
     * @param eps               DBSCAN radius in score units; NaN = automatic (Kneedle)
     * @param minPts            DBSCAN MinPts (point itself included, scikit-learn's min_samples)
     * @param maxFitPixels      pixels used to fit the PCA (even stride); 0 = all
     * @param memoryBudgetBytes heap the run may use
     * @param threads           worker threads for projection and means
     * @param epsRule           how Eps is estimated when {@code eps} is NaN
     * @param noisePercent      expected share of noise (percent) for {@link EpsRule#NOISE_PERCENT}
     * @param minClusterSize    clusters smaller than this join the outlier group ({@link MinClusterSize#OFF}:
     *                          DBSCAN's labels unchanged, identical to scikit-learn's)
     */
    public record Config(List<String> windows, double pcaEminEv, double pcaEmaxEv, ComponentRule rule, int components,
                         double varianceThreshold, double eps, int minPts, int maxFitPixels, long memoryBudgetBytes,
                         int threads, EpsRule epsRule, double noisePercent, MinClusterSize minClusterSize) {

        /** Without a minimum cluster size (DBSCAN's labels as they are). */
        public Config(List<String> windows, double pcaEminEv, double pcaEmaxEv, ComponentRule rule, int components,
                      double varianceThreshold, double eps, int minPts, int maxFitPixels, long memoryBudgetBytes,
                      int threads, EpsRule epsRule, double noisePercent) {
            this(windows, pcaEminEv, pcaEmaxEv, rule, components, varianceThreshold, eps, minPts, maxFitPixels,
                    memoryBudgetBytes, threads, epsRule, noisePercent, MinClusterSize.OFF);
        }

        public Config {
            if (minClusterSize == null) {
                minClusterSize = MinClusterSize.OFF;
            }
            windows = windows == null ? List.of() : List.copyOf(windows);
            if (Double.isNaN(pcaEminEv) || Double.isNaN(pcaEmaxEv) || !(pcaEminEv < pcaEmaxEv)) {
                throw new IllegalArgumentException("PCA energy range: lower end (" + pcaEminEv + " eV) must be below the upper end ("
                        + pcaEmaxEv + " eV)");
            }
            if (rule == null) {
                throw new IllegalArgumentException("component rule must not be null");
            }
            if (components < 1 || components > MAX_COMPONENTS) {
                throw new IllegalArgumentException("PCA components must be 1 to " + MAX_COMPONENTS + ", got " + components);
            }
            if (!(varianceThreshold > 0 && varianceThreshold <= 1)) {
                throw new IllegalArgumentException("PCA variance threshold must be in (0, 1], got " + varianceThreshold);
            }
            if (!Double.isNaN(eps) && !(eps > 0 && Double.isFinite(eps))) {
                throw new IllegalArgumentException("Eps must be a positive finite number (or empty for automatic), got " + eps);
            }
            if (minPts < 1) {
                throw new IllegalArgumentException("MinPts must be at least 1, got " + minPts);
            }
            if (maxFitPixels < 0) {
                throw new IllegalArgumentException("PCA fit pixels must be >= 0 (0 = all), got " + maxFitPixels);
            }
            if (memoryBudgetBytes <= 0) {
                throw new IllegalArgumentException("memory budget must be positive, got " + memoryBudgetBytes);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            if (epsRule == null) {
                throw new IllegalArgumentException("automatic Eps rule must not be null");
            }
            if (!(noisePercent >= 0 && noisePercent < 100)) {
                throw new IllegalArgumentException("expected noise percentage must be in [0, 100), got " + noisePercent);
            }
        }

        /**
         * Every window, whole window for PCA, 3 components, automatic Eps (noise percentage 1 %), MinPts 10, PCA fitted on
         * at most 50,000 pixels, 1 GB, 2 threads, minimum cluster size {@link MinClusterSize#DEFAULT} (1 % of the
         * clustered pixels).
         */
        public static Config defaults() {
            return new Config(List.of(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, ComponentRule.FIXED, 3, 0.9,
                    Double.NaN, 10, 50000, 1L << 30, 2, EpsRule.NOISE_PERCENT, 1.0, MinClusterSize.DEFAULT);
        }

        /** Clusters below this size join the outlier group; {@link MinClusterSize#OFF} keeps DBSCAN's labels. */
        public Config withMinClusterSize(MinClusterSize m) {
            return new Config(windows, pcaEminEv, pcaEmaxEv, rule, components, varianceThreshold, eps, minPts, maxFitPixels,
                    memoryBudgetBytes, threads, epsRule, noisePercent, m);
        }

        public Config withEpsRule(EpsRule r, double percent) {
            return new Config(windows, pcaEminEv, pcaEmaxEv, rule, components, varianceThreshold, eps, minPts, maxFitPixels,
                    memoryBudgetBytes, threads, r, percent, minClusterSize);
        }

        public Config withWindows(List<String> w) {
            return new Config(w, pcaEminEv, pcaEmaxEv, rule, components, varianceThreshold, eps, minPts, maxFitPixels,
                    memoryBudgetBytes, threads, epsRule, noisePercent, minClusterSize);
        }

        public Config withPcaRange(double emin, double emax) {
            return new Config(windows, emin, emax, rule, components, varianceThreshold, eps, minPts, maxFitPixels,
                    memoryBudgetBytes, threads, epsRule, noisePercent, minClusterSize);
        }

        public Config withFixedComponents(int k) {
            return new Config(windows, pcaEminEv, pcaEmaxEv, ComponentRule.FIXED, k, varianceThreshold, eps, minPts,
                    maxFitPixels, memoryBudgetBytes, threads, epsRule, noisePercent, minClusterSize);
        }

        public Config withVarianceThreshold(double t) {
            return new Config(windows, pcaEminEv, pcaEmaxEv, ComponentRule.VARIANCE, components, t, eps, minPts,
                    maxFitPixels, memoryBudgetBytes, threads, epsRule, noisePercent, minClusterSize);
        }

        public Config withEps(double e) {
            return new Config(windows, pcaEminEv, pcaEmaxEv, rule, components, varianceThreshold, e, minPts, maxFitPixels,
                    memoryBudgetBytes, threads, epsRule, noisePercent, minClusterSize);
        }

        public Config withMinPts(int m) {
            return new Config(windows, pcaEminEv, pcaEmaxEv, rule, components, varianceThreshold, eps, m, maxFitPixels,
                    memoryBudgetBytes, threads, epsRule, noisePercent, minClusterSize);
        }

        public Config withMaxFitPixels(int n) {
            return new Config(windows, pcaEminEv, pcaEmaxEv, rule, components, varianceThreshold, eps, minPts, n,
                    memoryBudgetBytes, threads, epsRule, noisePercent, minClusterSize);
        }

        public Config withMemoryBudget(long bytes) {
            return new Config(windows, pcaEminEv, pcaEmaxEv, rule, components, varianceThreshold, eps, minPts, maxFitPixels,
                    bytes, threads, epsRule, noisePercent, minClusterSize);
        }

        public Config withThreads(int n) {
            return new Config(windows, pcaEminEv, pcaEmaxEv, rule, components, varianceThreshold, eps, minPts, maxFitPixels,
                    memoryBudgetBytes, n, epsRule, noisePercent, minClusterSize);
        }
    }

    /**
     * Smallest cluster reported as a phase: DBSCAN clusters with fewer pixels join the outlier group.
     *
     * <p>Why: DBSCAN with one Eps finds, besides the phases, small dense groups in the sparse fringe of a noisy
     * phase (chance clumps of MinPts pixels where the phase's spectra scatter most, e.g. its thinnest part). On
     * the seed-like synthetic stack (300 x 320 pixels, L3 and L2 windows, defaults) every such group was pure
     * phase B, 10-70 pixels (0.01-0.08 % of the clustered pixels), none at a phase boundary; raising MinPts to
     * 25 or 60 removed some but not all (a 65-pixel group of B remained in L2). An operator expects the phases
     * plus the outlier group (Duan et al. 2016: two major phases and the minority phase as outliers), so clusters
     * below this size are merged into the outlier group, the rest renumbered in DBSCAN's order. DBSCAN's own
     * labels are kept in the result and the output file.
     *
     * @param value   the size: pixels, or percent of the window's clustered pixels
     * @param percent true when {@code value} is a percentage
     */
    public record MinClusterSize(double value, boolean percent) {

        /** Off: DBSCAN's labels unchanged (identical to scikit-learn's). */
        public static final MinClusterSize OFF = new MinClusterSize(0, false);
        /** 1 % of the clustered pixels: a phase must cover at least 1 % of the analysed area. */
        public static final MinClusterSize DEFAULT = new MinClusterSize(1, true);

        public MinClusterSize {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("minimum cluster size must be a finite number >= 0, got " + value);
            }
            if (percent && value >= 100) {
                throw new IllegalArgumentException("minimum cluster size must be below 100 %, got " + value + " %");
            }
            if (!percent && value != Math.rint(value)) {
                throw new IllegalArgumentException("minimum cluster size in pixels must be a whole number, got " + value);
            }
        }

        /**
         * "250" (pixels), "1 %" or "0.5%" (of the clustered pixels), "0" or empty = off.
         *
         * @throws IllegalArgumentException saying what is wrong with the text
         */
        public static MinClusterSize parse(String text) {
            if (text == null || text.isBlank()) {
                return OFF;
            }
            String t = text.trim();
            boolean pct = t.endsWith("%");
            String num = pct ? t.substring(0, t.length() - 1).trim() : t;
            double v;
            try {
                v = Double.parseDouble(num);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("minimum cluster size '" + t
                        + "' is not a pixel count (e.g. 250) or a percentage of the clustered pixels (e.g. 1 %)");
            }
            return new MinClusterSize(v, pct);
        }

        /** True unless off. */
        public boolean active() {
            return value > 0;
        }

        /** The threshold in pixels for a window with {@code clustered} clustered pixels (percent rounded up). */
        public long pixels(long clustered) {
            return percent ? (long) Math.ceil(value / 100.0 * clustered - 1e-9) : (long) value;
        }

        /** "1 %", "250 pixels" or "off". */
        @Override
        public String toString() {
            if (!active()) {
                return "off";
            }
            String v = value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
            return percent ? v + " %" : v + " pixels";
        }
    }

    /**
     * The clustering of one edge window.
     *
     * @param label              window label
     * @param labels             per pixel (y * nx + x): cluster id, {@link #OUTLIER} or {@link #REJECTED}
     * @param used               pixels clustered
     * @param nClusters          clusters found (outlier group not counted)
     * @param clusterSizes       pixels per cluster
     * @param outliers           pixels in the outlier group
     * @param eps                Eps used
     * @param epsMethod          "given" or the automatic rule used
     * @param components         PCA scores clustered
     * @param explainedVarianceRatio explained variance ratio of every axis (descending)
     * @param pcaEnergyRange     first and last energy (eV) of the PCA sub-window
     * @param energies           the window's energies (eV)
     * @param spectrumIds        ids of the mean spectra: clusters 0.. then -1 for the outlier group if any
     * @param meanSpectra        mean normalized spectrum per id over {@code energies}
     * @param pixelCounts        pixels per id
     * @param seconds            wall time of the passes: {covariance+eigen, scores, dbscan (incl. Eps), means}
     * @param minClusterPixels   the minimum cluster size in pixels (0 = off)
     * @param smallClusters      DBSCAN clusters below it, merged into the outlier group
     * @param smallClusterPixels their pixels (included in {@code outliers})
     * @param dbscanLabels       per pixel, DBSCAN's own labels (identical to scikit-learn's; {@link #REJECTED} where not
     *                           clustered); the same array as {@code labels} when nothing was merged
     */
    public record WindowResult(String label, int[] labels, long used, int nClusters, long[] clusterSizes, long outliers,
                               double eps, String epsMethod, int components, double[] explainedVarianceRatio,
                               double[] pcaEnergyRange, double[] energies, int[] spectrumIds, float[][] meanSpectra,
                               long[] pixelCounts, double[] seconds, long minClusterPixels, int smallClusters,
                               long smallClusterPixels, int[] dbscanLabels) {
        /** Cumulative explained variance ratio of the clustered components. */
        public double varianceExplained() {
            double s = 0;
            for (int i = 0; i < Math.min(components, explainedVarianceRatio.length); i++) {
                s += explainedVarianceRatio[i];
            }
            return s;
        }
    }

    /** Agreement of the first two windows over the pixels used in both. */
    public record Agreement(String first, String second, double ari, ClusterAgreement.Contingency table) {
    }

    /**
     * @param ny          rows
     * @param nx          columns
     * @param masked      true when the input carried a mask (RejectLowSNR output)
     * @param maskRejected pixels rejected by the mask (0 without a mask)
     * @param windows     per clustered window
     * @param agreement   null unless two or more windows were clustered
     * @param minPts      MinPts used
     * @param slabRows    rows per slab read
     * @param heapEstimateBytes estimated peak heap
     */
    public record Result(int ny, int nx, boolean masked, long maskRejected, List<WindowResult> windows, Agreement agreement,
                         int minPts, int slabRows, long heapEstimateBytes) {
        /** Pixels not clustered in the first window / all pixels. */
        public double rejectedFraction() {
            WindowResult w = windows.get(0);
            return (double) ((long) ny * nx - w.used()) / ((long) ny * nx);
        }
    }

    /**
     * Clusters a NormalizeSpectra / RejectLowSNR output and writes the result file.
     *
     * @param step this run's history step (may be null)
     * @throws PipelineException    if the input is not a chain output, is damaged, over budget, or too few pixels remain
     * @throws StackFormatException if a normalized stack cannot be read
     * @throws IOException          if the output cannot be written
     */
    public static Result run(Path input, Path output, Config config, ProcessStep step)
            throws PipelineException, StackFormatException, IOException {
        String name = input.getFileName() == null ? input.toString() : input.getFileName().toString();
        Input in;
        try (HdfFile hdf = NormalizedStackLayout.openHdf(input, name)) {
            in = readLayout(hdf, name, config);
        }
        int ny = in.ny;
        int nx = in.nx;
        int npix = ny * nx;
        List<StackReader> readers = new ArrayList<>();
        try (Parallel par = new Parallel(config.threads())) {
            StackReader widest = null;
            for (String l : in.labels) {
                StackReader r = StackReader.open(input, StackOptions.custom(NormalizedStackLayout.dataPath(
                        NormalizedStackLayout.norm(l)), NormalizedStackLayout.energyPath(NormalizedStackLayout.norm(l)))
                        .withAxisOrder(AxisOrder.ENERGY_Y_X));
                readers.add(r);
                if (r.info().ny() != ny || r.info().nx() != nx) {
                    throw PipelineException.input("normalized stack is " + r.info().ny() + " x " + r.info().nx()
                            + " pixels but the mask is " + ny + " x " + nx, "file " + name + ", dataset " + r.info().dataPath());
                }
                if (widest == null || r.info().nE() > widest.info().nE()) {
                    widest = r;
                }
            }
            int rows = slabRows(widest, in.labels.size(), npix, nx, config, name);
            long heap = heapBytes(widest, in.labels.size(), npix, nx, rows, config);

            List<WindowResult> results = new ArrayList<>();
            for (int w = 0; w < in.labels.size(); w++) {
                results.add(clusterWindow(readers.get(w), in.labels.get(w), in.mask, ny, nx, rows, config, par, name));
            }
            Agreement agreement = null;
            if (results.size() >= 2) {
                agreement = agreement(results.get(0), results.get(1));
            }
            long maskRejected = 0;
            if (in.mask != null) {
                for (int v : in.mask) {
                    maskRejected += v == NormalizedStackLayout.KEPT ? 0 : 1;
                }
            }
            Result result = new Result(ny, nx, in.mask != null, maskRejected, List.copyOf(results), agreement, config.minPts(), rows, heap);
            write(output, in, result, config, step);
            return result;
        } finally {
            for (StackReader r : readers) {
                r.close();
            }
        }
    }

    // ------------------------------------------------------------------ one window

    private static WindowResult clusterWindow(StackReader reader, String label, int[] mask, int ny, int nx, int rows,
                                              Config config, Parallel par, String name)
            throws PipelineException, StackFormatException {
        int npix = ny * nx;
        int nE = reader.info().nE();
        double[] energies = reader.info().energiesEv();
        int from = 0;
        while (from < nE && energies[from] < config.pcaEminEv()) {
            from++;
        }
        int to = from;
        while (to < nE && energies[to] <= config.pcaEmaxEv()) {
            to++;
        }
        String where = "file " + name + ", dataset " + reader.info().dataPath();
        if (to - from < 2) {
            throw PipelineException.input(String.format(Locale.ROOT,
                    "PCA energy range %s-%s eV holds %d energies of window %s (%.2f-%.2f eV); at least 2 are needed",
                    fmt(config.pcaEminEv()), fmt(config.pcaEmaxEv()), to - from, label, energies[0], energies[nE - 1]), where);
        }
        double[] seconds = new double[4];

        // pass 1: which pixels are used, covariance over the sub-window
        long t0 = System.nanoTime();
        boolean[] use = new boolean[npix];
        long used = 0;
        // pixels used per slab are only known while reading; count usable pixels first in the same pass
        // and sub-sample the fit with a stride fixed from the mask (or all pixels) count
        long candidates = 0;
        for (int p = 0; p < npix; p++) {
            candidates += mask == null || mask[p] == NormalizedStackLayout.KEPT ? 1 : 0;
        }
        int stride = config.maxFitPixels() == 0 || candidates <= config.maxFitPixels() ? 1
                : (int) ((candidates + config.maxFitPixels() - 1) / config.maxFitPixels());
        Pca.Accumulator acc = Pca.accumulator(nE, from, to, Pca.Precision.FLOAT_SLAB);
        // rows to fit are gathered into batches: the accumulator's blocked update is efficient for many rows at once
        final int batchRows = 256;
        float[] batch = new float[batchRows * nE];
        int inBatch = 0;
        long candidateIndex = 0;
        try (SlabPrefetch slabs = new SlabPrefetch(reader, rows, true)) {
            for (Slab slab = slabs.next(); slab != null; slab = slabs.next()) {
                float[] d = slab.data();
                int base = slab.y0() * nx;
                int n = slab.pixels();
                for (int q = 0; q < n; q++) {
                    int p = base + q;
                    if (mask == null || mask[p] == NormalizedStackLayout.KEPT) {
                        boolean finite = allFinite(d, q * nE, nE);
                        use[p] = finite;
                        if (finite) {
                            used++;
                            if (candidateIndex % stride == 0) {
                                System.arraycopy(d, q * nE, batch, inBatch * nE, nE);
                                if (++inBatch == batchRows) {
                                    acc.addRows(batch, 0, inBatch, nE);
                                    inBatch = 0;
                                }
                            }
                        }
                        candidateIndex++;
                    }
                }
            }
        }
        if (inBatch > 0) {
            acc.addRows(batch, 0, inBatch, nE);
        }
        long minPixels = Math.max(2, config.minPts());
        if (used < minPixels || acc.count() < 2) {
            throw PipelineException.input("window " + label + " has " + used + " usable pixels (kept by the mask and finite);"
                    + " clustering needs at least " + minPixels, where);
        }
        PcaModel model;
        try {
            model = acc.finish();
        } catch (IllegalArgumentException e) {
            throw PipelineException.input("PCA of window " + label + " failed: " + e.getMessage(), where, e);
        }
        int available = 0;
        for (double v : model.explainedVariance()) {
            available += v > 0 ? 1 : 0;
        }
        if (available == 0) {
            throw PipelineException.input("all " + used + " used spectra of window " + label
                    + " are identical over the PCA energy range: nothing to cluster", where);
        }
        int k = config.rule() == ComponentRule.FIXED ? config.components()
                : model.componentsForThreshold(config.varianceThreshold());
        k = Math.max(1, Math.min(Math.min(k, MAX_COMPONENTS), Math.min(available, model.nComponents())));
        model = model.truncate(k);
        seconds[0] = secs(t0);

        // pass 2: scores of every used pixel
        long t1 = System.nanoTime();
        int n = (int) used;
        int[] pixelOf = new int[n];
        int[] offsetOf = new int[npix + 1]; // index of the first used pixel at or after p
        int c = 0;
        for (int p = 0; p < npix; p++) {
            offsetOf[p] = c;
            if (use[p]) {
                pixelOf[c++] = p;
            }
        }
        offsetOf[npix] = c;
        double[] scores = new double[n * k];
        final PcaModel m = model;
        final int kk = k;
        if (reader.readsEnergyPlanes()) {
            planeScores(reader, m, k, pixelOf, scores, par);
        } else {
          try (SlabPrefetch slabs = new SlabPrefetch(reader, rows, true)) {
            for (Slab slab = slabs.next(); slab != null; slab = slabs.next()) {
                float[] d = slab.data();
                int base = slab.y0() * nx;
                int sn = slab.pixels();
                par.forRange(sn, 256, (part, lo, hi) -> {
                    for (int q = lo; q < hi; q++) {
                        int p = base + q;
                        if (use[p]) {
                            m.project(d, q * nE, 1, nE, kk, scores, offsetOf[p] * kk);
                        }
                    }
                });
            }
          }
        }
        model = Pca.svdFlip(model, scores, k);
        seconds[1] = secs(t1);

        // DBSCAN
        long t2 = System.nanoTime();
        KdTree tree = new KdTree(scores, n, k);
        double eps = config.eps();
        String method = "given";
        if (Double.isNaN(eps)) {
            if (n <= Math.max(1, config.minPts() - 1)) {
                throw PipelineException.input("window " + label + ": " + n + " pixels are too few to estimate Eps with MinPts "
                        + config.minPts() + "; give Eps or lower MinPts", where);
            }
            EpsEstimator.Estimate est;
            if (config.epsRule() == EpsRule.KNEE) {
                est = EpsEstimator.estimate(tree, config.minPts());
                method = "knee of the sorted k-distance curve (Kneedle, k = " + est.k() + ")";
            } else {
                est = EpsEstimator.percentile(tree, Math.max(1, config.minPts() - 1), 100 - config.noisePercent(),
                        EpsEstimator.DEFAULT_SAMPLE);
                method = String.format(Locale.ROOT, "k-distance exceeded by %s %% of the pixels (Ester et al. 1996, k = %d)",
                        fmt(config.noisePercent()), est.k());
            }
            eps = est.eps();
            if (!(eps > 0) || !Double.isFinite(eps)) {
                throw PipelineException.input("window " + label + ": the automatic Eps estimate is " + eps
                        + " (duplicated spectra?); give Eps", where);
            }
        }
        Dbscan.Result db = Dbscan.cluster(tree, eps, config.minPts());
        int[] dbscanLabels = new int[npix];
        Arrays.fill(dbscanLabels, REJECTED);
        for (int i = 0; i < n; i++) {
            dbscanLabels[pixelOf[i]] = db.labels()[i];
        }
        // clusters below the minimum size join the outlier group; the others keep DBSCAN's order
        long minClusterPixels = config.minClusterSize().active() ? config.minClusterSize().pixels(n) : 0;
        int[] remap = new int[db.nClusters()];
        int nc = 0;
        int smallClusters = 0;
        long smallPixels = 0;
        for (int cl = 0; cl < db.nClusters(); cl++) {
            if (db.clusterSizes()[cl] >= minClusterPixels) {
                remap[cl] = nc++;
            } else {
                remap[cl] = OUTLIER;
                smallClusters++;
                smallPixels += db.clusterSizes()[cl];
            }
        }
        int[] labels = dbscanLabels;
        long[] sizes = new long[nc];
        if (smallClusters > 0) {
            labels = new int[npix];
            for (int p = 0; p < npix; p++) {
                int l = dbscanLabels[p];
                labels[p] = l >= 0 ? remap[l] : l;
            }
        }
        for (int cl = 0; cl < db.nClusters(); cl++) {
            if (remap[cl] >= 0) {
                sizes[remap[cl]] = db.clusterSizes()[cl];
            }
        }
        final int[] finalLabels = labels;
        seconds[2] = secs(t2);
        tree = null;

        // pass 3: mean spectra per cluster and of the outlier group
        long t3 = System.nanoTime();
        final int ncf = nc;
        int groups = nc + 1; // index nc = outliers
        double[][][] sums;
        if (reader.readsEnergyPlanes()) {
            sums = new double[][][] {planeGroupSums(reader, finalLabels, ncf, par)};
        } else {
          sums = new double[par.threads()][groups][nE];
          try (SlabPrefetch slabs = new SlabPrefetch(reader, rows, true)) {
            for (Slab slab = slabs.next(); slab != null; slab = slabs.next()) {
                float[] d = slab.data();
                int base = slab.y0() * nx;
                par.forRange(slab.pixels(), 256, (part, lo, hi) -> {
                    double[][] s = sums[part];
                    for (int q = lo; q < hi; q++) {
                        int l = finalLabels[base + q];
                        if (l == REJECTED) {
                            continue;
                        }
                        double[] g = s[l == OUTLIER ? ncf : l];
                        int o = q * nE;
                        for (int e = 0; e < nE; e++) {
                            g[e] += d[o + e];
                        }
                    }
                });
            }
          }
        }
        long outliers = db.nNoise() + smallPixels;
        int nSpectra = nc + (outliers > 0 ? 1 : 0);
        int[] ids = new int[nSpectra];
        float[][] means = new float[nSpectra][nE];
        long[] counts = new long[nSpectra];
        for (int g = 0; g < nSpectra; g++) {
            int group = g < nc ? g : nc;
            ids[g] = g < nc ? g : OUTLIER;
            counts[g] = g < nc ? sizes[g] : outliers;
            for (int e = 0; e < nE; e++) {
                double s = 0;
                for (double[][] part : sums) {
                    s += part[group][e];
                }
                means[g][e] = (float) (s / counts[g]);
            }
        }
        seconds[3] = secs(t3);
        return new WindowResult(label, labels, used, nc, sizes, outliers, eps, method, k,
                model.explainedVarianceRatio().clone(), new double[] {energies[from], energies[to - 1]}, energies, ids,
                means, counts, seconds, minClusterPixels, smallClusters, smallPixels, dbscanLabels);
    }

    /** Energy planes per read of the plane-wise passes (16 x 602 x 643 floats = 25 MB at seed scale). */
    static final int PLANES_PER_READ = 16;

    /**
     * Pass 2 read in the stored energy-y-x layout, energy plane by energy plane over the PCA sub-window only
     * ({@link StackReader#readEnergyPlanes}), instead of pixel-major slabs of all energies. Bit-identical to
     * {@link PcaModel#project}: per pixel and component the same four partial sums (energy index mod 4, the
     * tail into the first), each accumulated in increasing energy order, combined as (s0 + s1) + (s2 + s3).
     * Pixels are split over the threads, so the result does not depend on the thread count. Heap: four doubles
     * per used pixel and component, {@value #PLANES_PER_READ} planes as float.
     */
    private static void planeScores(StackReader reader, PcaModel m, int k, int[] pixelOf, double[] scores, Parallel par)
            throws StackFormatException {
        int n = pixelOf.length;
        int plane = reader.info().ny() * reader.info().nx();
        int w = m.windowWidth();
        int main = w / 4 * 4;
        double[] mean = m.mean();
        double[][] comp = m.components();
        double[] acc = new double[n * k * 4];
        float[] buf = new float[PLANES_PER_READ * plane];
        for (int j0 = 0; j0 < w; j0 += PLANES_PER_READ) {
            int cnt = Math.min(PLANES_PER_READ, w - j0);
            reader.readEnergyPlanes(m.windowFrom() + j0, cnt, buf);
            final int first = j0;
            par.forRange(n, 4096, (part, lo, hi) -> {
                // pixel by pixel: its 4k partial sums stay in cache while the planes of this read are added
                for (int i = lo; i < hi; i++) {
                    int p = pixelOf[i];
                    int a0 = i * k * 4;
                    for (int jj = 0; jj < cnt; jj++) {
                        int j = first + jj;
                        int slot = j < main ? (j & 3) : 0;
                        double x = buf[jj * plane + p] - mean[j];
                        for (int c = 0, a = a0 + slot; c < k; c++, a += 4) {
                            acc[a] += x * comp[c][j];
                        }
                    }
                }
            });
        }
        for (int i = 0, a = 0; i < n * k; i++, a += 4) {
            scores[i] = (acc[a] + acc[a + 1]) + (acc[a + 2] + acc[a + 3]);
        }
    }

    /**
     * Pass 3 read in the stored energy-y-x layout: per energy and group (clusters 0..nc-1, then the outlier group
     * at index nc) the sum of the pixel values in pixel order, planes split over the threads (the result does not
     * depend on the thread count).
     */
    private static double[][] planeGroupSums(StackReader reader, int[] labels, int nc, Parallel par)
            throws StackFormatException {
        int nE = reader.info().nE();
        int plane = reader.info().ny() * reader.info().nx();
        double[][] sums = new double[nc + 1][nE];
        float[] buf = new float[PLANES_PER_READ * plane];
        for (int e0 = 0; e0 < nE; e0 += PLANES_PER_READ) {
            int cnt = Math.min(PLANES_PER_READ, nE - e0);
            reader.readEnergyPlanes(e0, cnt, buf);
            final int first = e0;
            par.forRange(cnt, 1, (part, lo, hi) -> {
                double[] g = new double[nc + 1];
                for (int jj = lo; jj < hi; jj++) {
                    java.util.Arrays.fill(g, 0);
                    int off = jj * plane;
                    for (int p = 0; p < plane; p++) {
                        int l = labels[p];
                        if (l != REJECTED) {
                            g[l == OUTLIER ? nc : l] += buf[off + p];
                        }
                    }
                    for (int q = 0; q <= nc; q++) {
                        sums[q][first + jj] = g[q];
                    }
                }
            });
        }
        return sums;
    }

    private static boolean allFinite(float[] d, int offset, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(d[offset + i])) {
                return false;
            }
        }
        return true;
    }

    private static Agreement agreement(WindowResult a, WindowResult b) {
        int npix = a.labels().length;
        int n = 0;
        for (int p = 0; p < npix; p++) {
            n += a.labels()[p] != REJECTED && b.labels()[p] != REJECTED ? 1 : 0;
        }
        if (n == 0) {
            return null;
        }
        int[] la = new int[n];
        int[] lb = new int[n];
        int i = 0;
        for (int p = 0; p < npix; p++) {
            if (a.labels()[p] != REJECTED && b.labels()[p] != REJECTED) {
                la[i] = a.labels()[p];
                lb[i++] = b.labels()[p];
            }
        }
        ClusterAgreement.Contingency t = ClusterAgreement.contingency(la, lb);
        return new Agreement(a.label(), b.label(), ClusterAgreement.adjustedRandIndex(t), t);
    }

    // ------------------------------------------------------------------ output

    /** Group name of a window's label map. */
    public static String labelsGroup(String label) {
        return "labels_" + label;
    }

    /** Group name of a window's mean spectra. */
    public static String spectraGroup(String label) {
        return "cluster_spectra_" + label;
    }

    /** Legend of a label map: ids to names. */
    public static Map<Integer, String> legend(WindowResult w) {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int c = 0; c < w.nClusters(); c++) {
            m.put(c, "cluster " + c);
        }
        m.put(OUTLIER, "outliers (minority phase)");
        m.put(REJECTED, "rejected (low SNR or non-finite)");
        return m;
    }

    /** Group name of a window's DBSCAN labels before small clusters were merged into the outlier group. */
    public static String dbscanLabelsGroup(String label) {
        return "dbscan_labels_" + label;
    }

    private static Map<Integer, String> dbscanLegend(WindowResult w) {
        Map<Integer, String> m = new LinkedHashMap<>();
        int[] sizes = new int[w.nClusters() + w.smallClusters()];
        for (int l : w.dbscanLabels()) {
            if (l >= 0) {
                sizes[l]++;
            }
        }
        for (int c = 0; c < sizes.length; c++) {
            m.put(c, "DBSCAN cluster " + c + (sizes[c] < w.minClusterPixels() ? " (below the minimum size: outlier group)" : ""));
        }
        m.put(OUTLIER, "DBSCAN noise");
        m.put(REJECTED, "rejected (low SNR or non-finite)");
        return m;
    }

    private static void write(Path output, Input in, Result r, Config config, ProcessStep step) throws IOException {
        StackWriter.Builder b = StackWriter.builder(NormalizedStackLayout.ENTRY);
        List<String> labels = new ArrayList<>();
        for (WindowResult w : r.windows()) {
            labels.add(w.label());
            b.intMap(labelsGroup(w.label()), w.labels(), r.ny(), r.nx(), legend(w));
            if (config.minClusterSize().active()) {
                b.intMap(dbscanLabelsGroup(w.label()), w.dbscanLabels(), r.ny(), r.nx(), dbscanLegend(w));
            }
            if (w.meanSpectra().length > 0) {
                b.spectra(spectraGroup(w.label()), w.energies(), w.meanSpectra(), w.spectrumIds(), w.pixelCounts());
            }
            b.entryAttribute("pca_explained_variance_ratio_" + w.label(), w.explainedVarianceRatio())
                    .entryAttribute("pca_components_" + w.label(), w.components())
                    .entryAttribute("pca_energy_range_eV_" + w.label(), w.pcaEnergyRange())
                    .entryAttribute("dbscan_eps_" + w.label(), w.eps())
                    .entryAttribute("dbscan_eps_method_" + w.label(), w.epsMethod())
                    .entryAttribute("dbscan_cluster_count_" + w.label(), w.nClusters())
                    .entryAttribute("dbscan_outlier_count_" + w.label(), w.outliers())
                    .entryAttribute("dbscan_min_cluster_pixels_" + w.label(), w.minClusterPixels())
                    .entryAttribute("dbscan_small_cluster_count_" + w.label(), w.smallClusters())
                    .entryAttribute("dbscan_small_cluster_pixels_" + w.label(), w.smallClusterPixels());
        }
        for (Map.Entry<String, Object> a : in.entryAttributes.entrySet()) {
            b.entryAttribute(a.getKey(), a.getValue());
        }
        b.entryAttribute(NormalizedStackLayout.ATTR_WINDOWS, labels.toArray(new String[0]))
                .entryAttribute("dbscan_min_pts", config.minPts())
                .entryAttribute("dbscan_min_cluster_size", config.minClusterSize().toString())
                .entryAttribute("pca_component_rule", config.rule().name().toLowerCase(Locale.ROOT))
                .entryAttribute("pca_fit_pixels_max", config.maxFitPixels())
                .entryAttribute("input_masked", r.masked() ? 1 : 0);
        Agreement a = r.agreement();
        if (a != null) {
            long[][] counts = a.table().counts();
            long[] flat = new long[counts.length * (counts.length == 0 ? 0 : counts[0].length)];
            int i = 0;
            for (long[] row : counts) {
                for (long v : row) {
                    flat[i++] = v;
                }
            }
            b.entryAttribute("agreement_windows", new String[] {a.first(), a.second()})
                    .entryAttribute("agreement_ari", a.ari())
                    .entryAttribute("agreement_row_labels", a.table().rowLabels())
                    .entryAttribute("agreement_col_labels", a.table().colLabels())
                    .entryAttribute("agreement_counts", flat);
        }
        b.defaultData(labelsGroup(labels.get(0))).history(in.history);
        if (step != null) {
            b.step(step);
        }
        b.write(output).close();
    }

    // ------------------------------------------------------------------ memory

    /**
     * Estimated peak heap: mask, use flags, index maps and labels per pixel; scores, KD-tree and
     * DBSCAN state per used pixel (all pixels assumed used); covariance and eigen-decomposition of the
     * widest window; two slabs (the prefetched one and the one being worked on).
     */
    static long heapBytes(StackReader widest, int windows, long npix, int nx, int rows, Config config) {
        int kmax = config.rule() == ComponentRule.FIXED ? config.components() : MAX_COMPONENTS;
        long perPixel = npix * (4L /* mask */ + 1 + 4 + 4 + 8L * windows /* labels, DBSCAN's own labels */);
        long perUsed = npix * (8L * kmax * 3 /* scores, tree copy, bounds */ + 32 /* index, union-find, flags, labels */);
        long d = widest.info().nE();
        long covariance = d * d * 8L * 5;
        long slabs = 2 * widest.slabBytes(rows);
        // plane-wise passes: four partial sums per used pixel and component, the planes read at once
        long planes = widest.readsEnergyPlanes() ? npix * kmax * 32L + PLANES_PER_READ * npix * 4L : 0;
        return perPixel + perUsed + covariance + slabs + planes;
    }

    private static int slabRows(StackReader widest, int windows, long npix, int nx, Config config, String name)
            throws PipelineException {
        long need = heapBytes(widest, windows, npix, nx, 1, config);
        long budget = config.memoryBudgetBytes();
        if (need > budget) {
            throw PipelineException.overLimit("clustering (" + npix + " pixels, " + windows + " window(s), PCA over up to "
                    + widest.info().nE() + " energies) needs " + StackReader.formatBytes(need) + ", budget "
                    + StackReader.formatBytes(budget), "file " + name);
        }
        int lo = 1;
        int hi = Math.max(1, Math.min(widest.info().ny(), 64));
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (heapBytes(widest, windows, npix, nx, mid, config) <= budget) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    // ------------------------------------------------------------------ reading the chain layout

    private static final class Input {
        List<String> labels;
        int ny;
        int nx;
        int[] mask;
        Map<String, Object> entryAttributes = new LinkedHashMap<>();
        List<ProcessStep> history;
    }

    private static Input readLayout(HdfFile hdf, String name, Config config) throws PipelineException {
        try {
            return layout(hdf, name, config);
        } catch (RuntimeException | OutOfMemoryError e) {
            throw PipelineException.input("HDF5 structure cannot be decoded (truncated or damaged file?): " + NormalizedStackLayout.describe(e),
                    "file " + name, e);
        }
    }

    private static Input layout(HdfFile hdf, String name, Config config) throws PipelineException {
        String entryPath = "/" + NormalizedStackLayout.ENTRY;
        Node entry = hdf.getChildren().get(NormalizedStackLayout.ENTRY);
        if (!(entry instanceof Group g)) {
            throw PipelineException.input("not a NormalizeSpectra or RejectLowSNR output: no group " + entryPath
                    + "; run NormalizeSpectra (and RejectLowSNR) first", "file " + name);
        }
        Attribute labelsAttr = g.getAttribute(NormalizedStackLayout.ATTR_WINDOWS);
        Object lv = labelsAttr == null ? null : labelsAttr.getData();
        List<String> fileLabels = new ArrayList<>();
        if (lv instanceof String s) {
            fileLabels.add(s);
        } else if (lv instanceof String[] a) {
            fileLabels.addAll(List.of(a));
        }
        if (fileLabels.isEmpty()) {
            throw PipelineException.input("not a NormalizeSpectra or RejectLowSNR output: " + entryPath + " has no @"
                    + NormalizedStackLayout.ATTR_WINDOWS + " attribute naming the edge windows", "file " + name + ", group "
                    + entryPath);
        }
        List<String> chosen = new ArrayList<>();
        if (config.windows().isEmpty()) {
            chosen.addAll(fileLabels);
        } else {
            for (String w : config.windows()) {
                String match = null;
                for (String l : fileLabels) {
                    if (l.equalsIgnoreCase(w)) {
                        match = l;
                    }
                }
                if (match == null) {
                    throw PipelineException.input("edge window '" + w + "' is not in the file, which has " + fileLabels,
                            "Windows: " + w + "; file " + name + ", attribute " + entryPath + "/@" + NormalizedStackLayout.ATTR_WINDOWS);
                }
                if (!chosen.contains(match)) {
                    chosen.add(match);
                }
            }
        }
        for (String l : chosen) {
            try {
                new EdgeWindow(l, 0, 1);
            } catch (IllegalArgumentException e) {
                throw PipelineException.input("edge window label '" + l + "' in @" + NormalizedStackLayout.ATTR_WINDOWS
                        + " is not a valid label", "file " + name + ", group " + entryPath, e);
            }
            String path = NormalizedStackLayout.dataPath(NormalizedStackLayout.norm(l));
            Node n = NormalizedStackLayout.node(hdf, path);
            if (!(n instanceof Dataset d) || d.getDimensions().length != 3) {
                throw PipelineException.input("normalized stack of window " + l + " is missing or not 3-D", "file " + name
                        + ", dataset " + path);
            }
        }
        Input in = new Input();
        in.labels = List.copyOf(chosen);
        Dataset first = (Dataset) NormalizedStackLayout.node(hdf, NormalizedStackLayout.dataPath(NormalizedStackLayout.norm(chosen.get(0))));
        int[] dims = first.getDimensions();
        in.ny = dims[1];
        in.nx = dims[2];
        if (in.ny <= 0 || in.nx <= 0 || (long) in.ny * in.nx > Integer.MAX_VALUE / 8) {
            throw PipelineException.input("image must have positive sizes, shape is " + Arrays.toString(dims),
                    "file " + name + ", dataset " + first.getPath());
        }
        String maskPath = NormalizedStackLayout.dataPath(NormalizedStackLayout.MASK);
        Node mn = NormalizedStackLayout.node(hdf, maskPath);
        if (mn != null) {
            if (!(mn instanceof Dataset md)) {
                throw PipelineException.input("mask is not a dataset", "file " + name + ", dataset " + maskPath);
            }
            int[] md2 = md.getDimensions();
            if (md2.length != 2 || md2[0] != in.ny || md2[1] != in.nx) {
                throw PipelineException.input("mask shape " + Arrays.toString(md2) + " does not match the " + in.ny + " x "
                        + in.nx + " image", "file " + name + ", dataset " + maskPath);
            }
            if (!(md.getDataType() instanceof FixedPoint)) {
                throw PipelineException.input("mask must hold integers, type is " + md.getDataType().getClass().getSimpleName(),
                        "file " + name + ", dataset " + maskPath);
            }
            Object data = md.getData();
            int[] mask = new int[in.ny * in.nx];
            if (data instanceof int[][] a) {
                for (int y = 0; y < in.ny; y++) {
                    System.arraycopy(a[y], 0, mask, y * in.nx, in.nx);
                }
            } else if (data instanceof long[][] a) {
                for (int y = 0; y < in.ny; y++) {
                    for (int x = 0; x < in.nx; x++) {
                        mask[y * in.nx + x] = (int) a[y][x];
                    }
                }
            } else if (data instanceof short[][] a) {
                for (int y = 0; y < in.ny; y++) {
                    for (int x = 0; x < in.nx; x++) {
                        mask[y * in.nx + x] = a[y][x];
                    }
                }
            } else if (data instanceof byte[][] a) {
                for (int y = 0; y < in.ny; y++) {
                    for (int x = 0; x < in.nx; x++) {
                        mask[y * in.nx + x] = a[y][x];
                    }
                }
            } else {
                throw PipelineException.input("mask has an unsupported integer type " + data.getClass().getSimpleName(),
                        "file " + name + ", dataset " + maskPath);
            }
            in.mask = mask;
        }
        in.entryAttributes.putAll(NormalizedStackLayout.entryAttributes(g, java.util.Set.of(NormalizedStackLayout.ATTR_WINDOWS)));
        in.history = ProcessStep.readAll(hdf);
        return in;
    }

    private static String fmt(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "+inf" : "-inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
