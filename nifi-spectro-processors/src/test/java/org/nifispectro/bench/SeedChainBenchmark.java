package org.nifispectro.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.nifispectro.cluster.ClusterAgreement;
import org.nifispectro.cluster.Dbscan;
import org.nifispectro.cluster.KdTree;
import org.nifispectro.cluster.SeedLikeStacks;
import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.pipeline.ClusterJob;
import org.nifispectro.pipeline.EdgeWindow;
import org.nifispectro.pipeline.NormalizeJob;
import org.nifispectro.pipeline.RejectJob;

/**
 * The whole spectro-microscopy chain at seed scale (not a test): a 602 x 643 x 1024 float32 stack
 * (1.6 GB) from the seed-like synthetic generator ({@link SeedLikeStacks#writeSeedScale}: real Fe L2,3
 * end members, known phase map with a 0.5 % minority phase and a low-signal region), then
 * NormalizeJob + RejectJob + ClusterJob with 2 threads, wall time, CPU and peak heap per step, ARI of
 * the L3 labels against the truth; then the Python equivalent (numpy normalization, scikit-learn PCA +
 * DBSCAN at the Eps the Java run estimated, /usr/bin/python3 with Debian's python3-sklearn and
 * python3-h5py) on the same file, its times, the ratio, and the agreement of the two label sets.
 * Because scikit-learn's DBSCAN runs out of memory on the whole seed-scale set, the Python side also clusters
 * random subsets of its L3 PCA scores (10k, 25k, 50k, ... pixels, while it fits the memory cap and a time budget,
 * system properties {@code subset.sizes}, {@code subset.budget.s}) and our DBSCAN step clusters exactly the same
 * coordinates with the same eps and min_samples: times, ratio and label agreement per size. And for each window
 * whose DBSCAN ran out of memory the Python side runs DBSCAN.fit's own neighbour search (the same
 * NearestNeighbors, same scores and eps) in slices that fit, which bounds from below the time scikit-learn would
 * have needed with the memory: the pipeline's lower bound and the ratio it gives are reported beside the time
 * until the failure (a few minutes per window at the seed-scale Eps).
 * Figures go to stdout and {@code target/bench/seedchain.json}.
 *
 * <p>Run: {@code java -Xmx2g -cp <classes:test-classes:deps> org.nifispectro.bench.SeedChainBenchmark [dir] [threads] [python|nopython]}
 */
public final class SeedChainBenchmark {

    static final int NY = 602;
    static final int NX = 643;
    static final int NE = 1024;
    static final double MIN_SNR = 2;
    /** PCA components of the Python pipeline (the Java run chose 3 at seed scale, see its figures). */
    static final int PY_COMPONENTS = 3;

    private SeedChainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/nifi-spectro-seedchain");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        boolean python = args.length <= 2 || !args[2].equals("nopython");
        Files.createDirectories(dir);
        Path stack = dir.resolve("seedlike_602x643x1024.h5");
        Path truthFile = dir.resolve("seedlike_truth.i32");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", java.time.Instant.now().toString());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        json.put("threads", threads);
        int[] truth;
        if (!Files.exists(stack) || !Files.exists(truthFile)) {
            long t = System.nanoTime();
            truth = SeedLikeStacks.writeSeedScale(stack, NY, NX, NE, 20261121L);
            writeInts(truthFile, truth);
            System.out.printf(Locale.ROOT, "made %s (%.2f GB) in %.1f s%n", stack, Files.size(stack) / 1e9, secs(t));
        } else {
            truth = readInts(truthFile, NY * NX);
        }
        json.put("stack_bytes", Files.size(stack));

        Path norm = dir.resolve("norm.h5");
        Path snr = dir.resolve("snr.h5");
        Path clusters = dir.resolve("dbscan.h5");
        Map<String, Object> java = new LinkedHashMap<>();

        resetPeaks();
        long cpu0 = cpu();
        long t0 = System.nanoTime();
        NormalizeJob.run(stack, StackOptions.DEFAULT, norm, NormalizeJob.Config.defaults()
                .withWindows(EdgeWindow.parseList("L3:700-716, L2:714-730")).withMemoryBudget(1_000_000_000L)
                .withThreads(threads), null);
        java.put("normalize", step(t0, cpu0));

        resetPeaks();
        cpu0 = cpu();
        t0 = System.nanoTime();
        RejectJob.Result rj = RejectJob.run(norm, snr, new RejectJob.Config(MIN_SNR, RejectJob.WindowRule.ALL, 1_000_000_000L), null);
        java.put("reject", step(t0, cpu0));

        resetPeaks();
        cpu0 = cpu();
        t0 = System.nanoTime();
        ClusterJob.Result cr = ClusterJob.run(snr, clusters, ClusterJob.Config.defaults().withThreads(threads)
                .withMemoryBudget(1_000_000_000L), null);
        Map<String, Object> cs = step(t0, cpu0);
        java.put("cluster", cs);
        double total = 0;
        for (String k : List.of("normalize", "reject", "cluster")) {
            total += (double) ((Map<?, ?>) java.get(k)).get("wall_s");
        }
        java.put("total_wall_s", total);
        java.put("kept", rj.kept());
        cs.put("heap_estimate_mb", cr.heapEstimateBytes() / 1e6);
        cs.put("slab_rows", cr.slabRows());
        Map<String, Object> win = new LinkedHashMap<>();
        for (ClusterJob.WindowResult w : cr.windows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("clusters", w.nClusters());
            m.put("outliers", w.outliers());
            m.put("min_cluster_pixels", w.minClusterPixels());
            m.put("small_clusters_merged", w.smallClusters());
            m.put("small_cluster_pixels", w.smallClusterPixels());
            m.put("dbscan_clusters", w.nClusters() + w.smallClusters());
            m.put("eps", w.eps());
            m.put("components", w.components());
            m.put("variance_explained", w.varianceExplained());
            m.put("seconds_pca_scores_dbscan_means", Arrays.toString(w.seconds()));
            m.put("ari_vs_truth", ariVsTruth(w.labels(), truth));
            m.put("minority", minority(w.labels(), truth));
            win.put(w.label(), m);
        }
        java.put("windows", win);
        if (cr.agreement() != null) {
            java.put("l3_l2_ari", cr.agreement().ari());
        }
        json.put("java", java);
        System.out.println("java: " + java);

        if (python) {
            Path script = dir.resolve("seedchain_pipeline.py");
            try (InputStream in = SeedChainBenchmark.class.getResourceAsStream("/bench/seedchain_pipeline.py")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            Path out = dir.resolve("python.json");
            Files.deleteIfExists(out);
            for (String l : List.of("L3", "L2")) {
                Files.deleteIfExists(dir.resolve("py_labels_" + l + ".i32"));
            }
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), stack.toString(), out.toString(),
                    dir.resolve("py_labels").toString(), Double.toString(MIN_SNR), Integer.toString(PY_COMPONENTS), "10",
                    Double.toString(cr.windows().get(0).eps()), Double.toString(cr.windows().get(1).eps()),
                    System.getProperty("python.mem.cap.gb", "12"),
                    System.getProperty("subset.sizes", "10000,25000,50000,75000,100000"),
                    System.getProperty("subset.budget.s", "240"))
                    .inheritIO().start();
            long tp = System.nanoTime();
            boolean done = p.waitFor(Long.getLong("python.timeout.s", 3600), TimeUnit.SECONDS);
            double pyWall = secs(tp);
            Map<String, Object> py = new LinkedHashMap<>();
            py.put("wall_s", pyWall);
            if (!done) {
                p.destroyForcibly();
                py.put("timed_out", true);
            } else if (p.exitValue() != 0 || !Files.exists(out)) {
                py.put("failed", "exit code " + p.exitValue());
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = new ObjectMapper().readValue(out.toFile(), Map.class);
                py.putAll(r);
                if (r.get("dbscan_subsets") instanceof List<?> rows) {
                    py.put("dbscan_subsets", subsetComparison(rows, cr.windows().get(0).eps(), PY_COMPONENTS));
                }
                for (ClusterJob.WindowResult w : cr.windows()) {
                    if (!Files.exists(dir.resolve("py_labels_" + w.label() + ".i32"))) {
                        continue;
                    }
                    int[] pl = readInts(dir.resolve("py_labels_" + w.label() + ".i32"), NY * NX);
                    py.put("ari_java_vs_sklearn_" + w.label(), ariBoth(w.labels(), pl));
                    py.put("ari_vs_truth_" + w.label(), ariVsTruth(pl, truth));
                }
            }
            json.put("python", py);
            // the subset comparison runs inside the Python process but is not part of its pipeline
            // the streamed neighbour search that bounds a failed DBSCAN from below is not part of the pipeline either
            double pyPipeline = pyWall - (py.get("dbscan_subsets_s") instanceof Number n ? n.doubleValue() : 0)
                    - sumOverWindows(py, "dbscan_lower_bound_s");
            json.put("python_pipeline_wall_s", pyPipeline);
            json.put("ratio_python_over_java_wall", pyPipeline / total);
            json.put("ratio_note", "python wall includes reading the HDF5 file once and excludes the DBSCAN subset"
                    + " comparison; when its DBSCAN failed the ratio is a lower bound (time until the failure)");
            System.out.println("python: " + py);
            System.out.printf(Locale.ROOT, "ratio python / java (wall, pipeline without the subset comparison): %.1f%n",
                    pyPipeline / total);
            if (py.get("times") instanceof Map<?, ?> times && sumOverWindows(py, "dbscan_lower_bound_s") > 0) {
                // a window whose DBSCAN ran out of memory counts with its measured neighbour search instead of the
                // time until the MemoryError (that search is the part of DBSCAN.fit the failure interrupted)
                double bound = 0;
                for (Map.Entry<?, ?> e : times.entrySet()) {
                    String k = e.getKey().toString();
                    double v = ((Number) e.getValue()).doubleValue();
                    Object lb = k.startsWith("dbscan_") && py.get("windows") instanceof Map<?, ?> ws
                            && ws.get(k.substring(7)) instanceof Map<?, ?> w ? w.get("dbscan_lower_bound_s") : null;
                    bound += lb instanceof Number n ? Math.max(v, n.doubleValue()) : v;
                }
                json.put("python_pipeline_lower_bound_s", bound);
                json.put("ratio_lower_bound", bound / total);
                System.out.printf(Locale.ROOT, "python pipeline had it the memory >= %.0f s (read, normalize, reject, PCA,"
                        + " DBSCAN neighbour search streamed in slices): ratio python / java >= %.1f%n", bound, bound / total);
            }
            if (py.get("dbscan_subsets") instanceof List<?> rows) {
                System.out.println("DBSCAN on random subsets of the L3 PCA scores (sklearn vs Java, same coordinates, eps, min_samples):");
                for (Object o : rows) {
                    System.out.println("  " + o);
                }
            }
        }
        Path outDir = Path.of("nifi-spectro-processors/target/bench");
        if (!Files.isDirectory(outDir.getParent())) {
            outDir = Path.of("target/bench");
        }
        Files.createDirectories(outDir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(outDir.resolve("seedchain.json").toFile(), json);
        System.out.println("wrote " + outDir.resolve("seedchain.json"));
    }

    /** Sum of a per-window number in the Python result (0 where absent). */
    private static double sumOverWindows(Map<String, Object> py, String key) {
        double s = 0;
        if (py.get("windows") instanceof Map<?, ?> ws) {
            for (Object w : ws.values()) {
                if (w instanceof Map<?, ?> m && m.get(key) instanceof Number n) {
                    s += n.doubleValue();
                }
            }
        }
        return s;
    }

    /**
     * Our DBSCAN step (KD-tree + {@link Dbscan#cluster}, as ClusterJob runs it) on exactly the coordinates the Python
     * side clustered per subset size: wall and process CPU time, ratio to scikit-learn's wall time, and the label
     * agreement (identical labels, and the ARI with noise as one more class). Java: best wall time of three runs
     * (KD-tree build included) and its process CPU time.
     */
    private static List<Map<String, Object>> subsetComparison(List<?> rows, double eps, int d) throws IOException {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (Object o : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Object> row = new LinkedHashMap<>((Map<String, Object>) o);
            if (row.get("coords") instanceof String coords && Files.exists(Path.of(coords))) {
                int n = ((Number) row.get("n")).intValue();
                double[] pts = readDoubles(Path.of(coords), n * d);
                // best of three (the machine is shared; one sklearn run each, which is slower by far)
                Dbscan.Result db = null;
                double js = Double.POSITIVE_INFINITY;
                double jcpu = 0;
                for (int rep = 0; rep < 3; rep++) {
                    System.gc();
                    long cpu0 = cpu();
                    long t0 = System.nanoTime();
                    db = Dbscan.cluster(new KdTree(pts, n, d), eps, Dbscan.DEFAULT_MIN_PTS);
                    double s = secs(t0);
                    if (s < js) {
                        js = s;
                        jcpu = (cpu() - cpu0) / 1e9;
                    }
                }
                row.put("java_s", js);
                row.put("java_cpu_s", jcpu);
                row.put("java_clusters", db.nClusters());
                if (row.get("sklearn_s") instanceof Number sk) {
                    row.put(row.containsKey("error") ? "ratio_sklearn_over_java_lower_bound" : "ratio_sklearn_over_java",
                            sk.doubleValue() / js);
                }
                if (row.get("labels") instanceof String lf && Files.exists(Path.of(lf))) {
                    int[] sk = readInts(Path.of(lf), n);
                    row.put("labels_identical", Arrays.equals(sk, db.labels()));
                    int same = 0;
                    for (int i = 0; i < n; i++) {
                        same += sk[i] == db.labels()[i] ? 1 : 0;
                    }
                    row.put("same_label_fraction", (double) same / n);
                    row.put("ari_sklearn_vs_java", ClusterAgreement.adjustedRandIndex(sk, db.labels()));
                }
                row.remove("coords");
                row.remove("labels");
            }
            out.add(row);
        }
        return out;
    }

    static double[] readDoubles(Path f, int n) throws IOException {
        double[] v = new double[n];
        ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
        return v;
    }

    private static Map<String, Object> step(long t0, long cpu0) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wall_s", secs(t0));
        m.put("cpu_s", (cpu() - cpu0) / 1e9);
        m.put("peak_heap_mb", peakHeap() / 1e6);
        return m;
    }

    /** ARI of the labels against the truth over pixels that are clustered and not low-signal. */
    static double ariVsTruth(int[] labels, int[] truth) {
        int n = 0;
        for (int p = 0; p < labels.length; p++) {
            n += labels[p] != ClusterJob.REJECTED && truth[p] >= 0 ? 1 : 0;
        }
        int[] a = new int[n];
        int[] b = new int[n];
        int i = 0;
        for (int p = 0; p < labels.length; p++) {
            if (labels[p] != ClusterJob.REJECTED && truth[p] >= 0) {
                a[i] = truth[p];
                b[i++] = labels[p];
            }
        }
        return ClusterAgreement.adjustedRandIndex(a, b);
    }

    static double ariBoth(int[] x, int[] y) {
        int n = 0;
        for (int p = 0; p < x.length; p++) {
            n += x[p] != ClusterJob.REJECTED && y[p] != ClusterJob.REJECTED ? 1 : 0;
        }
        int[] a = new int[n];
        int[] b = new int[n];
        int i = 0;
        for (int p = 0; p < x.length; p++) {
            if (x[p] != ClusterJob.REJECTED && y[p] != ClusterJob.REJECTED) {
                a[i] = x[p];
                b[i++] = y[p];
            }
        }
        return n == 0 ? Double.NaN : ClusterAgreement.adjustedRandIndex(a, b);
    }

    /** Minority pixels: total, rejected, outliers, in clusters. */
    static Map<String, Long> minority(int[] labels, int[] truth) {
        long total = 0, rejected = 0, outliers = 0, outlierGroup = 0;
        for (int p = 0; p < labels.length; p++) {
            outlierGroup += labels[p] == ClusterJob.OUTLIER ? 1 : 0;
            if (truth[p] == 2) {
                total++;
                rejected += labels[p] == ClusterJob.REJECTED ? 1 : 0;
                outliers += labels[p] == ClusterJob.OUTLIER ? 1 : 0;
            }
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("minority_pixels", total);
        m.put("minority_rejected", rejected);
        m.put("minority_in_outlier_group", outliers);
        m.put("outlier_group_size", outlierGroup);
        return m;
    }

    static void writeInts(Path f, int[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        Files.write(f, b.array());
    }

    static int[] readInts(Path f, int n) throws IOException {
        int[] v = new int[n];
        ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
        return v;
    }

    private static long cpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                s += p.getPeakUsage().getUsed();
            }
        }
        return s;
    }
}
