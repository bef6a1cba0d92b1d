package org.nifispectro.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.nifispectro.pdf.CrystalStructure;
import org.nifispectro.pdf.PdfCalculator;
import org.nifispectro.pdf.PdfParameters;
import org.nifispectro.pdf.cif.CifStructureReader;

/**
 * Benchmark (not a test): G(r) at the MLstructureMining settings for every CIF under
 * shared/data/cif, one thread. Prints structures/s and the median time per atoms-per-cell bin,
 * for the seed recipe (one isotropic Uiso for all atoms) and for the DiffPy reference convention
 * (U11=U22=U33 set in CIF axes, anisotropic in non-orthogonal cells).
 * Run: java -cp ... org.nifispectro.bench.PdfBenchmark [shared/data path]
 */
public final class PdfBenchmark {

    private PdfBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : System.getProperty("spectro.shared.data", "../shared/data"));
        List<Path> cifs;
        try (Stream<Path> s = Files.walk(data.resolve("cif"))) {
            cifs = s.filter(p -> p.toString().endsWith(".cif")).sorted().toList();
        }
        List<CrystalStructure> structures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (Path p : cifs) {
            try {
                structures.add(CifStructureReader.defaults().readFirst(p));
            } catch (Exception e) {
                // unreadable CIFs are reported by the tests, not timed here
            }
        }
        System.out.printf("read %d of %d CIFs in %.2f s%n", structures.size(), cifs.size(), (System.nanoTime() - t0) / 1e9);
        PdfCalculator calc = PdfCalculator.of(PdfParameters.mlstructureMining());
        for (String mode : new String[] {"uiso", "diffpyU"}) {
            // warm-up
            for (int i = 0; i < Math.min(50, structures.size()); i++) {
                run(calc, structures.get(i), mode);
            }
            int[] edges = {0, 20, 60, 150, 400, Integer.MAX_VALUE};
            List<List<Double>> bins = new ArrayList<>();
            for (int i = 0; i < edges.length - 1; i++) {
                bins.add(new ArrayList<>());
            }
            double[] all = new double[structures.size()];
            long start = System.nanoTime();
            int k = 0;
            for (CrystalStructure s : structures) {
                long t = System.nanoTime();
                try {
                    run(calc, s, mode);
                } catch (IllegalArgumentException e) {
                    System.out.println("refused: " + e.getMessage());
                }
                double ms = (System.nanoTime() - t) / 1e6;
                all[k++] = ms;
                for (int b = 0; b < edges.length - 1; b++) {
                    if (s.size() > edges[b] && s.size() <= edges[b + 1]) {
                        bins.get(b).add(ms);
                    }
                }
            }
            double total = (System.nanoTime() - start) / 1e9;
            Arrays.sort(all);
            System.out.printf("[%s] %d structures in %.1f s: %.1f structures/s, median %.2f ms, max %.0f ms%n", mode,
                    structures.size(), total, structures.size() / total, all[all.length / 2], all[all.length - 1]);
            for (int b = 0; b < bins.size(); b++) {
                List<Double> v = new ArrayList<>(bins.get(b));
                if (v.isEmpty()) {
                    continue;
                }
                v.sort(null);
                System.out.printf("  atoms/cell %d-%s: n=%d median %.2f ms%n", edges[b] + 1,
                        edges[b + 1] == Integer.MAX_VALUE ? "inf" : String.valueOf(edges[b + 1]), v.size(),
                        v.get(v.size() / 2));
            }
        }
        System.out.printf("[uiso, 1 thread, warm] %.1f structures/s%n", throughput(structures, calc, 1));
        System.out.printf("[uiso, 2 threads, warm] %.1f structures/s%n", throughput(structures, calc, 2));
    }

    /** Throughput with a pool of the given size (the calculator is thread-safe: no shared mutable state). */
    static double throughput(List<CrystalStructure> structures, PdfCalculator calc, int threads) throws Exception {
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
        long t = System.nanoTime();
        pool.submit(() -> structures.parallelStream().forEach(s -> {
            try {
                run(calc, s, "uiso");
            } catch (IllegalArgumentException e) {
                // refused by limits
            }
        })).get();
        pool.shutdown();
        return structures.size() / ((System.nanoTime() - t) / 1e9);
    }

    private static void run(PdfCalculator calc, CrystalStructure s, String mode) {
        calc.calculate(mode.equals("uiso") ? s.withUiso(0.005) : s.withDiffpyDiagonalU(0.005));
    }
}
