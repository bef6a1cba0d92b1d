package org.nifispectro.bench;

import org.nifispectro.io.stack.Slab;
import org.nifispectro.io.stack.StackReader;
import org.nifispectro.io.stack.StackWriter;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seed-scale stack I/O benchmark (issue 3): writes a 602 x 643 pixel x 1024 energy float32 stack
 * (1.59 GB) with {@link StackWriter} (deferred dataset, slabs patched in place) to /tmp, then reads
 * it back slab by slab with {@link StackReader}, printing times, throughput and the peak heap in
 * use (sampled every 2 ms, and the JVM's per-pool peaks).
 *
 * <p>Not a test. Run (after {@code mvnw test-compile}):
 * <pre>
 * java -Xmx2g [-Dbench.skipJhdf=true] -cp nifi-spectro-processors/target/classes:nifi-spectro-processors/target/test-classes:$(cat cp.txt) \
 *     org.nifispectro.bench.StackIoBenchmark [ny nx nE slabBudgetMB file]
 * </pre>
 */
public final class StackIoBenchmark {

    private StackIoBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int ny = args.length > 0 ? Integer.parseInt(args[0]) : 602;
        int nx = args.length > 1 ? Integer.parseInt(args[1]) : 643;
        int nE = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        long budget = (args.length > 3 ? Long.parseLong(args[3]) : 256) * 1_000_000L;
        Path file = Path.of(args.length > 4 ? args[4] : "/tmp/nifispectro-stack-bench.h5");
        long bytes = 4L * ny * nx * nE;
        long free = Files.getFileStore(file.getParent()).getUsableSpace();
        if (free < bytes * 2) {
            System.out.printf("not enough disk in %s: %d MB free, %d MB needed%n", file.getParent(), free >> 20, bytes * 2 >> 20);
            return;
        }
        System.out.printf(Locale.ROOT, "stack %d x %d pixels x %d energies float32 = %.2f GB, slab budget %d MB, max heap %d MB, %d cpus%n",
                ny, nx, nE, bytes / 1e9, budget / 1_000_000, Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        double[] energy = new double[nE];
        for (int i = 0; i < nE; i++) {
            energy[i] = 6150 + i * 0.5;
        }
        HeapSampler sampler = new HeapSampler();
        sampler.start();

        // ---- write
        gc();
        sampler.reset();
        resetPoolPeaks();
        long t0 = System.nanoTime();
        StackWriter w = StackWriter.builder("entry").stack("raw", energy, ny, nx).write(file);
        long t1 = System.nanoTime();
        int rows = 32;
        float[] buf = new float[rows * nx * nE];
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long patchCpu = 0;
        long patchWall = 0;
        for (int y0 = 0; y0 < ny; y0 += rows) {
            int r = Math.min(rows, ny - y0);
            for (int p = 0; p < r * nx; p++) {
                float a = 1f + 0.001f * ((y0 * nx + p) % 1000);
                for (int e = 0; e < nE; e++) {
                    buf[p * nE + e] = a * (e > nE / 3 ? 1f : 0.2f) + 1e-4f * e;
                }
            }
            float[] slab = r == rows ? buf : java.util.Arrays.copyOf(buf, r * nx * nE);
            long c = mx.getCurrentThreadCpuTime();
            long wt = System.nanoTime();
            w.writeStackRows("raw", y0, r, slab);
            patchCpu += mx.getCurrentThreadCpuTime() - c;
            patchWall += System.nanoTime() - wt;
        }
        w.close();
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "write: jHDF structure + zero placeholder %.2f s, slab patching %.2f s, total %.2f s (%.0f MB/s); peak heap sampled %d MB, pools %d MB; file %d MB%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9, bytes / 1e6 / ((t2 - t0) / 1e9), sampler.peak() >> 20,
                poolPeaks() >> 20, Files.size(file) >> 20);
        System.out.printf(Locale.ROOT, "write: writeStackRows calls only: cpu %.2f s, wall %.2f s; load %s%n", patchCpu / 1e9,
                patchWall / 1e9, loadavg());

        // ---- read: direct contiguous path, then jHDF's hyperslab path for comparison
        boolean[] paths = Boolean.getBoolean("bench.skipJhdf") ? new boolean[] {true} : new boolean[] {true, false};
        for (boolean direct : paths) {
            gc();
            sampler.reset();
            resetPoolPeaks();
            long base = used();
            long t3 = System.nanoTime();
            long readCpu = 0;
            double checksum = 0;
            long nonFinite;
            int slabRows;
            long est;
            try (StackReader r = StackReader.open(file)) {
                r.setDirectRead(direct);
                slabRows = r.rowsForBudget(budget);
                est = r.slabBytes(slabRows);
                float[] reuse = null;
                for (int y0 = 0; y0 < ny; y0 += slabRows) {
                    long c = mx.getCurrentThreadCpuTime();
                    Slab s = r.readSlab(y0, Math.min(slabRows, ny - y0), reuse);
                    readCpu += mx.getCurrentThreadCpuTime() - c;
                    reuse = s.data();
                    float[] d = s.data();
                    int n = s.pixels() * nE;
                    checksum += d[0] + d[n - 1];
                }
                nonFinite = r.nonFiniteSeen();
                if (direct) {
                    System.out.println("info: " + r.info().describe());
                    try {
                        r.requireWithinBudget(r.estimateBytes(), Runtime.getRuntime().maxMemory(), "holding the whole stack in heap");
                        System.out.println("whole stack fits the heap: " + StackReader.formatBytes(r.estimateBytes()));
                    } catch (org.nifispectro.io.stack.StackFormatException e) {
                        System.out.println("refused as a processor would: " + e.getMessage());
                    }
                }
            }
            long t4 = System.nanoTime();
            System.out.printf(Locale.ROOT, "read (%s): %d-row slabs, %.2f s (%.0f MB/s); estimate per slab %d MB; heap before %d MB, peak sampled %d MB, pools %d MB; checksum %.3f, non-finite %d%n",
                    direct ? "direct contiguous" : "jHDF getData(offset, shape)", slabRows, (t4 - t3) / 1e9,
                    bytes / 1e6 / ((t4 - t3) / 1e9), est >> 20, base >> 20, sampler.peak() >> 20, poolPeaks() >> 20, checksum,
                    nonFinite);
            System.out.printf(Locale.ROOT, "read: readSlab cpu %.2f s; load %s%n", readCpu / 1e9, loadavg());
        }
        sampler.stop = true;
        if (args.length <= 5 || !args[5].equals("keep")) {
            Files.deleteIfExists(file);
        }
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static void gc() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
    }

    private static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPoolPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    /** Sum of per-pool peaks since reset (an upper bound of the true peak). */
    private static long poolPeaks() {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                s += p.getPeakUsage().getUsed();
            }
        }
        return s;
    }

    private static final class HeapSampler extends Thread {
        private final AtomicLong peak = new AtomicLong();
        volatile boolean stop;

        HeapSampler() {
            setDaemon(true);
        }

        void reset() {
            peak.set(0);
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void run() {
            while (!stop) {
                peak.accumulateAndGet(used(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
