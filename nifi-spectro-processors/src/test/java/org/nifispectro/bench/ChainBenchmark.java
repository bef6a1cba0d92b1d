package org.nifispectro.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.io.stack.StackWriter;
import org.nifispectro.pipeline.EdgeWindow;
import org.nifispectro.pipeline.NormalizeJob;
import org.nifispectro.pipeline.RejectJob;

/**
 * Times NormalizeSpectra + RejectLowSNR (through their pipeline classes) on a seed-scale stack:
 * 602 x 643 pixels x 1024 energies float32 (1.6 GB), Nd L3 (6208 eV) and L2 (6722 eV) edges on a
 * 6000-7023 eV grid as in Duan et al. (2016), two phases with shifted edges, a 0.5 % minority phase,
 * a low-signal region and Gaussian noise. Not a test (not run by surefire).
 *
 * <p>Run: {@code java -Xmx2g -cp <test-classes:classes:deps> org.nifispectro.bench.ChainBenchmark [dir] [threads]}.
 * The stack is written once to {@code dir} (default /tmp/nifi-spectro-bench) and reused.
 */
public final class ChainBenchmark {

    static final int NY = 602;
    static final int NX = 643;
    static final int NE = 1024;

    private ChainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/nifi-spectro-bench");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Files.createDirectories(dir);
        Path stack = dir.resolve("seed_scale_602x643x1024.h5");
        if (!Files.exists(stack)) {
            long t = System.nanoTime();
            make(stack);
            System.out.printf(Locale.ROOT, "made %s (%.2f GB) in %.1f s%n", stack, Files.size(stack) / 1e9, secs(t));
        }
        Path norm = dir.resolve("seed_scale_norm.h5");
        Path snr = dir.resolve("seed_scale_snr.h5");
        NormalizeJob.Config cfg = NormalizeJob.Config.defaults()
                .withWindows(EdgeWindow.parseList("L3:6000-6660, L2:6600-7023"))
                .withMemoryBudget(1_000_000_000L).withThreads(threads);
        for (int run = 1; run <= runs; run++) {
            resetPeaks();
            long cpu0 = cpu();
            long t0 = System.nanoTime();
            NormalizeJob.Result r = NormalizeJob.run(stack, StackOptions.DEFAULT, norm, cfg, null);
            double tn = secs(t0);
            long heapN = peakHeap();
            double cpuN = (cpu() - cpu0) / 1e9;
            cpu0 = cpu();
            resetPeaks();
            long t1 = System.nanoTime();
            RejectJob.Result rj = RejectJob.run(norm, snr, new RejectJob.Config(10, RejectJob.WindowRule.ALL, 1_000_000_000L), null);
            double tr = secs(t1);
            long heapR = peakHeap();
            double cpuR = (cpu() - cpu0) / 1e9;
            System.out.printf(Locale.ROOT, "run %d: NormalizeSpectra %.2f s wall, %.2f s CPU [%s] (slab %d rows, est. heap %.0f MB, peak heap %.0f MB);"
                            + " RejectLowSNR %.2f s wall, %.2f s CPU (peak heap %.0f MB); kept %d, rejected %d; L3 e0 median %.2f eV, L2 %.2f eV;"
                            + " threads %d, Xmx %.0f MB%n",
                    run, tn, cpuN, r.seconds(), r.slabRows(), r.heapEstimateBytes() / 1e6, heapN / 1e6, tr, cpuR, heapR / 1e6, rj.kept(), rj.rejected(),
                    r.windows().get(0).e0Median(), r.windows().get(1).e0Median(), threads,
                    Runtime.getRuntime().maxMemory() / 1e6);
        }
    }

    /** CPU time of the whole process (all threads, incl. GC), ns. */
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

    /** Sum of the heap pools' peaks since the last reset (an upper bound of the true peak). */
    private static long peakHeap() {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                s += p.getPeakUsage().getUsed();
            }
        }
        return s;
    }

    /** Writes the synthetic stack slab by slab with StackWriter (NeXus, energy-y-x float32). */
    static void make(Path file) throws IOException {
        double[] e = new double[NE];
        for (int i = 0; i < NE; i++) {
            e[i] = 6000.0 + i;
        }
        // phase spectra: edges (arctan) + white lines (Lorentzian) at L3 and L2 (L2 half as strong)
        double[][] phase = new double[3][NE];
        double[] shift = {0.0, 2.5, -3.0};
        double[] white = {0.8, 1.4, 0.3};
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < NE; i++) {
                double l3 = edge(e[i], 6208 + shift[k], white[k]);
                double l2 = 0.5 * edge(e[i], 6722 + shift[k], white[k]);
                phase[k][i] = 0.3 - 2e-5 * (e[i] - 6000) + l3 + l2;
            }
        }
        StackWriter w = StackWriter.builder("entry").stack("data", e, NY, NX).write(file);
        SplittableRandom rnd = new SplittableRandom(42);
        int rows = 16;
        float[] slab = new float[rows * NX * NE];
        for (int y0 = 0; y0 < NY; y0 += rows) {
            int r = Math.min(rows, NY - y0);
            float[] s = r == rows ? slab : new float[r * NX * NE];
            for (int p = 0; p < r * NX; p++) {
                int y = y0 + p / NX;
                int x = p % NX;
                int k = x < NX / 2 ? 0 : 1;
                if (Math.hypot(y - 300, x - 320) < 25) {
                    k = 2; // minority phase, ~0.5 % of the pixels
                }
                double amp = y < 40 ? 0.005 : 0.2 + 0.8 * ((x + y) % 97) / 96.0; // low-signal band on top
                double sigma = 0.01;
                for (int i = 0; i < NE; i++) {
                    s[p * NE + i] = (float) (amp * phase[k][i] + 0.1 + sigma * gauss(rnd));
                }
            }
            w.writeStackRows("data", y0, r, s);
        }
        w.close();
    }

    private static double edge(double e, double e0, double white) {
        double g = 2.0;
        return 0.5 + Math.atan((e - e0) / g) / Math.PI + white * g * g / ((e - e0 - 3) * (e - e0 - 3) + g * g);
    }

    private static double gauss(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
