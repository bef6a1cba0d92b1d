package org.nifispectro.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.nifispectro.xas.Autobk;
import org.nifispectro.xas.Mback;
import org.nifispectro.xas.PreEdgeNormalization;
import org.nifispectro.xas.RefData;
import org.nifispectro.xas.StackMback;
import org.nifispectro.xas.StackNormalizer;
import org.nifispectro.xas.XafsFT;

/**
 * Prints timings (not a test; not run by surefire):
 * <ol>
 * <li>per-spectrum Autobk + xftf over every EXAFS reference spectrum, and, in the same run when
 * Debian's /usr/bin/python3 has xraylarch, Larch's autobk + xftf on the same inputs (ratio);</li>
 * <li>the batch {@link StackNormalizer} on a synthetic 387,000 x 1024 float32 stack (Duan et al.
 * 2016 scale), streamed in slabs of 4096 pixels from a pool of synthetic spectra (the stack is not
 * held in heap), on 1 and 2 threads; plus numpy's equivalent fixed-range normalization on one slab
 * when python3 + numpy are available.</li>
 * </ol>
 * Run (from the worktree, after {@code mvnw -o test-compile}):
 * <pre>
 * cd nifi-spectro-processors &amp;&amp; ../mvnw -o -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt &amp;&amp; \
 *   java -Xmx1g -cp target/classes:target/test-classes:$(cat /tmp/cp.txt) org.nifispectro.bench.XasBenchmark [pixels [autobk|stack|all]]
 * </pre>
 */
public final class XasBenchmark {

    private XasBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int pixels = args.length > 0 ? Integer.parseInt(args[0]) : 387_000;
        String what = args.length > 1 ? args[1] : "all";
        if (!what.equals("stack")) {
            benchAutobk();
        }
        if (!what.equals("autobk")) {
            benchStack(pixels, 1024);
        }
    }

    static XafsFT.Params ftParams(double kmaxFt) {
        return new XafsFT.Params(3.0, kmaxFt, 2, 1.0, Double.NaN, "hanning", 10, 2048, 0.05);
    }

    static void benchAutobk() throws Exception {
        List<String> ids = RefData.ids("exafs");
        Map<String, String> kmaxFt = new LinkedHashMap<>();
        List<double[][]> data = new ArrayList<>();
        for (String id : ids) {
            Map<String, double[]> m = RefData.csv(id + "_norm.csv");
            data.add(new double[][] {m.get("energy_eV"), m.get("mu")});
            kmaxFt.put(id, RefData.summary().get(id).get("xftf_kmax"));
        }
        // warm-up
        for (int rep = 0; rep < 20; rep++) {
            for (int i = 0; i < ids.size(); i++) {
                Autobk.Result r = Autobk.autobk(data.get(i)[0], data.get(i)[1]);
                XafsFT.xftf(r.k(), r.chi(), ftParams(Double.parseDouble(kmaxFt.get(ids.get(i)))));
            }
        }
        // best-of-batches timing (the machine is shared: the minimum is the least disturbed figure)
        int reps = 10;
        int batches = 7;
        Map<String, Double> javaMs = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            double kf = Double.parseDouble(kmaxFt.get(ids.get(i)));
            double best = Double.MAX_VALUE;
            for (int b = 0; b < batches; b++) {
                long t0 = System.nanoTime();
                for (int rep = 0; rep < reps; rep++) {
                    Autobk.Result r = Autobk.autobk(data.get(i)[0], data.get(i)[1]);
                    XafsFT.xftf(r.k(), r.chi(), ftParams(kf));
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e6 / reps);
            }
            javaMs.put(ids.get(i), best);
        }
        Map<String, Double> larchMs = larchTimes(ids, kmaxFt);
        System.out.println("== Autobk + xftf per spectrum (ms, best of 7): Java vs Larch 0.9.58 (same inputs, same run)");
        System.out.printf(Locale.ROOT, "%-16s %10s %10s %8s%n", "spectrum", "java", "larch", "ratio");
        double sj = 0;
        double sl = 0;
        for (String id : ids) {
            double j = javaMs.get(id);
            Double l = larchMs.get(id);
            sj += j;
            if (l != null) {
                sl += l;
            }
            System.out.printf(Locale.ROOT, "%-16s %10.3f %10s %8s%n", id, j, l == null ? "-" : String.format(Locale.ROOT,
                    "%.2f", l), l == null ? "-" : String.format(Locale.ROOT, "%.0fx", l / j));
        }
        System.out.printf(Locale.ROOT, "%-16s %10.3f %10s %8s%n", "MEAN", sj / ids.size(),
                larchMs.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", sl / ids.size()),
                larchMs.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0fx", sl / sj));
    }

    /** Times Larch in a python subprocess on the same CSV inputs; empty map when unavailable. */
    static Map<String, Double> larchTimes(List<String> ids, Map<String, String> kmaxFt) {
        Map<String, Double> out = new LinkedHashMap<>();
        try {
            URL u = XasBenchmark.class.getResource("/xas/reference/summary.csv");
            if (u == null || !"file".equals(u.getProtocol())) {
                return out;
            }
            File dir = new File(u.toURI()).getParentFile();
            StringBuilder py = new StringBuilder();
            py.append("import warnings, time, sys\nwarnings.filterwarnings('ignore')\n")
                    .append("import numpy as np\nfrom larch import Group\nfrom larch.xafs import autobk, xftf\n")
                    .append("d0 = '").append(dir.getAbsolutePath()).append("'\n").append("jobs = [");
            for (String id : ids) {
                py.append("('").append(id).append("',").append(kmaxFt.get(id)).append("),");
            }
            py.append("]\n")
                    .append("for sid, kf in jobs:\n")
                    .append("    d = np.loadtxt(d0 + '/' + sid + '_norm.csv', delimiter=',', skiprows=1)\n")
                    .append("    e, mu = d[:,0].copy(), d[:,1].copy()\n")
                    .append("    g = Group(energy=e, mu=mu); autobk(g); xftf(g, kweight=2, kmin=3.0, kmax=kf, dk=1.0,"
                            + " window='hanning', rmax_out=10, nfft=2048, kstep=0.05)\n")
                    .append("    best = 1e9\n")
                    .append("    for i in range(7):\n")
                    .append("        t = time.perf_counter()\n")
                    .append("        g = Group(energy=e, mu=mu); autobk(g); xftf(g, kweight=2, kmin=3.0, kmax=kf,"
                            + " dk=1.0, window='hanning', rmax_out=10, nfft=2048, kstep=0.05)\n")
                    .append("        best = min(best, time.perf_counter() - t)\n")
                    .append("    print('LARCH', sid, best * 1000.0, flush=True)\n");
            Path script = Files.createTempFile("larch_bench", ".py");
            Files.writeString(script, py.toString());
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("LARCH ")) {
                        String[] t = line.split(" ");
                        out.put(t[1], Double.parseDouble(t[2]));
                    }
                }
            }
            p.waitFor();
            Files.deleteIfExists(script);
        } catch (Exception ex) {
            System.out.println("Larch timing unavailable: " + ex);
        }
        if (out.isEmpty()) {
            System.out.println("(Larch not available via /usr/bin/python3: no ratio)");
        }
        return out;
    }

    static void benchStack(int nPix, int nE) throws Exception {
        // synthetic Fe K-like spectra on one grid: linear pre-edge, arctan edge, damped oscillation, noise
        double[] e = new double[nE];
        for (int i = 0; i < nE; i++) {
            e[i] = 7000 + 300.0 * i / (nE - 1);
        }
        int slab = 4096;
        int pool = 4 * slab;
        float[] spectra = new float[pool * nE];
        Random rnd = new Random(42);
        double[] mean = new double[nE];
        for (int p = 0; p < pool; p++) {
            double step = 0.05 + rnd.nextDouble();
            double e0 = 7112 + rnd.nextGaussian() * 1.0;
            double noise = 0.002 + 0.02 * rnd.nextDouble();
            double off = rnd.nextDouble();
            for (int i = 0; i < nE; i++) {
                double x = e[i] - e0;
                double v = off + 1e-4 * (e[i] - 7000) + step * (0.5 + Math.atan(x / 1.5) / Math.PI)
                        * (1 + 0.1 * Math.sin(x / 8.0) * Math.exp(-Math.max(x, 0) / 100.0)) + noise * rnd.nextGaussian();
                spectra[p * nE + i] = (float) v;
                mean[i] += v / pool;
            }
        }
        StackNormalizer sn = StackNormalizer.prepareFromMean(e, mean, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                PreEdgeNormalization.Params.defaults(), 20);
        System.out.printf(Locale.ROOT, "%n== StackNormalizer: %d pixels x %d energies float32 (%.2f GB), slabs of %d;"
                        + " e0ref %.2f pre [%.0f,%.0f] norm [%.0f,%.0f] nnorm %d%n", nPix, nE,
                (double) nPix * nE * 4 / 1e9, slab, sn.e0Ref(), sn.pre1(), sn.pre2(), sn.norm1(), sn.norm2(), sn.nnorm());
        int nSlabs = (nPix + slab - 1) / slab;
        for (int threads : new int[] {1, 2}) {
            for (int round = 0; round < 2; round++) { // first round = warm-up
                ExecutorService ex = Executors.newFixedThreadPool(threads);
                long t0 = System.nanoTime();
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final int tt = t;
                    final int nt = threads;
                    fs.add(ex.submit(() -> {
                        float[] norm = new float[slab * sn.windowLength()];
                        float[] e0s = new float[slab];
                        float[] st = new float[slab];
                        float[] no = new float[slab];
                        for (int s = tt; s < nSlabs; s += nt) {
                            int n = Math.min(slab, nPix - s * slab);
                            int src = (s % (pool / slab)) * slab * nE;
                            sn.normalize(spectra, src, n, norm, 0, e0s, st, no, 0);
                        }
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                ex.shutdown();
                double sec = (System.nanoTime() - t0) / 1e9;
                if (round == 1) {
                    System.out.printf(Locale.ROOT, "threads %d: %.2f s (%.2f us/pixel, %.2f GB/s in)%n", threads, sec,
                            sec / nPix * 1e6, (double) nPix * nE * 4 / 1e9 / sec);
                }
            }
        }
        // MBACK on the same stream (Fe, e0 fixed to the mean spectrum's), 1 thread
        Mback.Params mp = Mback.Params.defaults("Fe");
        StackMback sm = StackMback.prepare(e, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                new Mback.Params("Fe", sn.e0Ref(), mp.pre1(), mp.pre2(), mp.norm1(), mp.norm2(), mp.order()));
        float[] mnorm = new float[slab * sm.windowLength()];
        float[] mstep = new float[slab];
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < nSlabs; s++) {
                int n = Math.min(slab, nPix - s * slab);
                sm.normalize(spectra, (s % (pool / slab)) * slab * nE, n, mnorm, 0, mstep, 0);
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            if (round == 1) {
                System.out.printf(Locale.ROOT, "StackMback (order 3), 1 thread: %.2f s (%.2f us/pixel)%n", sec,
                        sec / nPix * 1e6);
            }
        }
        // one slab check of the per-pixel results
        float[] e0s = new float[slab];
        float[] st = new float[slab];
        float[] no = new float[slab];
        sn.normalize(spectra, 0, slab, null, 0, e0s, st, no, 0);
        double me0 = 0;
        double msnr = 0;
        for (int i = 0; i < slab; i++) {
            me0 += e0s[i] / slab;
            msnr += st[i] / no[i] / slab;
        }
        System.out.printf(Locale.ROOT, "first slab: mean e0 %.2f eV, mean SNR (step/noise) %.1f%n", me0, msnr);
        numpyEquivalent(slab, nE, sn);
    }

    /** numpy fixed-range normalization of one slab (same algorithm, vectorised), extrapolated to the stack. */
    static void numpyEquivalent(int slab, int nE, StackNormalizer sn) {
        try {
            String py = "import time, numpy as np\n"
                    + "rng = np.random.default_rng(1)\n"
                    + "n, ne = " + slab + ", " + nE + "\n"
                    + "e = np.linspace(7000, 7300, ne)\n"
                    + "x = (rng.random((n, ne)) + e[None, :] * 1e-3).astype(np.float32)\n"
                    + "e0 = " + sn.e0Ref() + "\n"
                    + "p1, p2 = np.searchsorted(e, e0 + " + sn.pre1() + "), np.searchsorted(e, e0 + " + sn.pre2() + ")\n"
                    + "q1, q2 = np.searchsorted(e, e0 + " + sn.norm1() + "), np.searchsorted(e, e0 + " + sn.norm2() + ")\n"
                    + "t = time.perf_counter()\n"
                    + "for rep in range(3):\n"
                    + "    d = np.gradient(x, axis=1) / np.gradient(e)[None, :]\n"
                    + "    ie0 = np.argmax(d[:, 3:-3], axis=1) + 3\n"
                    + "    A = np.vstack([np.ones(p2 - p1), e[p1:p2] - e0]).T\n"
                    + "    cpre = np.linalg.lstsq(A, x[:, p1:p2].T, rcond=None)[0]\n"
                    + "    pre = cpre[0][:, None] + cpre[1][:, None] * (e - e0)[None, :]\n"
                    + "    noise = np.sqrt(((x[:, p1:p2] - pre[:, p1:p2]) ** 2).sum(axis=1) / (p2 - p1 - 2))\n"
                    + "    B = np.vstack([(e[q1:q2] - e0) ** j for j in range(" + (sn.nnorm() + 1) + ")]).T\n"
                    + "    cpost = np.linalg.lstsq(B, (x - pre)[:, q1:q2].T, rcond=None)[0]\n"
                    + "    te0 = e[ie0] - e0\n"
                    + "    step = np.abs(sum(cpost[j] * te0 ** j for j in range(" + (sn.nnorm() + 1) + ")))\n"
                    + "    norm = ((x - pre) / step[:, None]).astype(np.float32)\n"
                    + "print('NUMPY', (time.perf_counter() - t) / 3)\n";
            Path script = Files.createTempFile("numpy_bench", ".py");
            Files.writeString(script, py);
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true).start();
            double sec = -1;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("NUMPY ")) {
                        sec = Double.parseDouble(line.substring(6));
                    }
                }
            }
            p.waitFor();
            Files.deleteIfExists(script);
            if (sec > 0) {
                System.out.printf(Locale.ROOT, "numpy equivalent (1 thread as numpy runs it): %.3f s per %d-pixel slab"
                        + " = %.2f us/pixel%n", sec, slab, sec / slab * 1e6);
            } else {
                System.out.println("(numpy not available via /usr/bin/python3)");
            }
        } catch (Exception ex) {
            System.out.println("numpy timing unavailable: " + ex);
        }
    }
}
