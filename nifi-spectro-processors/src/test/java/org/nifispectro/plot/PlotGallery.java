package org.nifispectro.plot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Renders one example of every figure type to a directory (default /tmp/plots) for a human to
 * look at. Not a test: {@code java -cp ... org.nifispectro.plot.PlotGallery [dir]}.
 */
public final class PlotGallery {

    private PlotGallery() {
    }

    static double[] range(double a, double b, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = a + (b - a) * i / (n - 1);
        }
        return r;
    }

    static double[] xanes(double[] e, double e0, double wl, double shift) {
        double[] y = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            double x = e[i] - e0 - shift;
            y[i] = 0.5 + Math.atan(x / 1.5) / Math.PI + wl * Math.exp(-x * x / 8) + 0.03 * Math.sin(e[i] / 9);
        }
        return y;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/plots");
        Files.createDirectories(dir);
        double[] e = range(7080, 7200, 400);
        LinePlot.create("Normalized spectra, pixels of phase 0")
                .xLabel("Energy", "eV").yLabel("Normalized \u03bc(E)", null)
                .add("pixel (12, 40)", e, xanes(e, 7120, 0.6, 0))
                .add("pixel (80, 17)", e, xanes(e, 7120, 0.4, 1.5))
                .add("pixel (101, 99)", e, xanes(e, 7120, 0.8, -1))
                .writePng(dir.resolve("normalized_spectra.png"));

        LinePlot.create("Cluster mean spectra (DBSCAN, eps 0.27, MinPts 10)")
                .xLabel("Energy", "eV").yLabel("Normalized \u03bc(E)", null)
                .add("phase 0 (5,259 px)", e, xanes(e, 7120, 0.6, 0))
                .add("phase 1 (8 px)", e, xanes(e, 7120, 0.3, 2.5))
                .add("outliers (314 px)", e, xanes(e, 7120, 0.9, -1.0), LinePlot.Mode.DASHED, CategoricalMap.OUTLIER_COLOR)
                .writePng(dir.resolve("cluster_spectra.png"));

        double[] k = range(0, 14, 281);
        double[] chik = new double[k.length];
        for (int i = 0; i < k.length; i++) {
            chik[i] = k[i] * k[i] * 0.6 * Math.sin(2 * k[i] * 2.55 + 0.3) * Math.exp(-2 * 0.006 * k[i] * k[i]) / Math.max(1, k[i]);
        }
        double[] r = range(0, 6, 301);
        double[] chir = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            chir[i] = 4.1 * Math.exp(-Math.pow((r[i] - 2.2) / 0.25, 2)) + 1.3 * Math.exp(-Math.pow((r[i] - 3.9) / 0.3, 2));
        }
        Figure.of(1, 2,
                LinePlot.create("k\u00b2-weighted \u03c7(k)").xLabel("k", "\u00c5\u207b\u00b9")
                        .yLabel("k\u00b2 \u03c7(k)", "\u00c5\u207b\u00b2").add("Cu foil", k, chik).size(640, 460),
                LinePlot.create("|\u03c7(R)|").xLabel("R", "\u00c5").yLabel("|\u03c7(R)|", "\u00c5\u207b\u00b3")
                        .add("Cu foil", r, chir).size(640, 460))
                .title("EXAFS of cu_rt01.xmu (rbkg 1.0, kmin 2, kmax 14, Hanning window)")
                .writePng(dir.resolve("exafs_two_panel.png"));

        double[] evr = {0.378182, 0.104872, 0.058942, 0.016307, 0.01509, 0.009311, 0.008388, 0.00779, 0.007412, 0.007209};
        double[] cum = new double[evr.length];
        double[] comp = new double[evr.length];
        double s = 0;
        for (int i = 0; i < evr.length; i++) {
            s += evr[i];
            cum[i] = s;
            comp[i] = i + 1;
        }
        LinePlot.create("PCA scree plot (ALS STXM Fe L2,3, 5,581 Fe pixels)").logY(true)
                .xLabel("Component", null).yLabel("Explained variance ratio", null)
                .add("per component", comp, evr, LinePlot.Mode.BARS)
                .add("cumulative", comp, cum, LinePlot.Mode.LINE_MARKERS)
                .writePng(dir.resolve("pca_scree.png"));

        Random rnd = new Random(3);
        int ns = 60;
        double[] w1 = new double[ns];
        double[] w2 = new double[ns];
        double[] w3 = new double[ns];
        for (int i = 0; i < ns; i++) {
            double t = i / (ns - 1.0);
            w1[i] = Math.max(0, 1 - t + 0.03 * rnd.nextGaussian());
            w2[i] = Math.max(0, 4 * t * (1 - t) + 0.03 * rnd.nextGaussian());
            w3[i] = Math.max(0, t * t + 0.03 * rnd.nextGaussian());
        }
        LinePlot.create("NMF weights along the in-situ series").xLabel("Sample index", null).yLabel("Weight", null)
                .add("component 1", w1, LinePlot.Mode.LINE_MARKERS)
                .add("component 2", w2, LinePlot.Mode.LINE_MARKERS)
                .add("component 3", w3, LinePlot.Mode.LINE_MARKERS)
                .writePng(dir.resolve("nmf_weights.png"));

        int ny = 125;
        int nx = 125;
        int[] lab = phaseMap(ny, nx, rnd);
        CategoricalMap.create("Phase map (L3 window), 2 phases + outliers", lab, ny, nx)
                .name(0, "phase 0: Fe(III) oxyhydroxide").name(1, "phase 1: Fe(II) silicate")
                .writePng(dir.resolve("phase_map.png"));

        int my = 602;
        int mx = 643;
        float[] e0 = new float[my * mx];
        for (int y = 0; y < my; y++) {
            for (int x = 0; x < mx; x++) {
                double d = Math.hypot(x - 300, y - 280) / 300;
                e0[y * mx + x] = (float) (6208.5 + 1.2 * Math.exp(-d * d * 3) + 0.15 * rnd.nextGaussian());
                if (x > 560 && y < 60) {
                    e0[y * mx + x] = Float.NaN;
                }
            }
        }
        ContinuousMap.create("Edge position e0 (Nd L3)", e0, my, mx).colorbarLabel("e0", "eV")
                .writePng(dir.resolve("e0_map.png"));

        BarChart.create("Top-5 phase probabilities, sample 0042").probabilities().xLabel("Probability", null)
                .bar("anatase TiO2 (I41/amd)", 0.873).bar("rutile TiO2 (P42/mnm)", 0.081)
                .bar("brookite TiO2 (Pbca)", 0.027).bar("TiO2-B (C2/m), a very long phase name that must not collide", 0.012)
                .bar("amorphous", 0.007)
                .writePng(dir.resolve("top5_probabilities.png"));
        Path ref = Path.of("/work/shared/data/stacks/als_stxm_fe_L23/stxm_71214078_reference.h5");
        if (Files.exists(ref)) {
            try (io.jhdf.HdfFile h = new io.jhdf.HdfFile(ref)) {
                int[][] l2 = (int[][]) h.getDatasetByPath("/labels").getData();
                double[][] wl = (double[][]) h.getDatasetByPath("/whiteline").getData();
                int ry = l2.length;
                int rx = l2[0].length;
                int[] flat = new int[ry * rx];
                float[] w = new float[ry * rx];
                for (int y = 0; y < ry; y++) {
                    for (int x = 0; x < rx; x++) {
                        flat[y * rx + x] = l2[y][x];
                        w[y * rx + x] = (float) wl[y][x];
                    }
                }
                CategoricalMap.create("ALS STXM 71214078: sklearn DBSCAN labels (reference)", flat, ry, rx)
                        .name(CategoricalMap.REJECTED, "not Fe (white line < 0.10 OD)")
                        .writePng(dir.resolve("als_reference_labels.png"));
                ContinuousMap.create("ALS STXM 71214078: Fe L3 white line", w, ry, rx).colorbarLabel("white line", "OD")
                        .writePng(dir.resolve("als_whiteline.png"));
            }
        }
        System.out.println("wrote " + dir);
    }

    /** Two phases split by a wavy boundary, a small round minority region, noise outliers and a rejected corner. */
    static int[] phaseMap(int ny, int nx, Random rnd) {
        int[] lab = new int[ny * nx];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int l = x + 8 * Math.sin(y / 9.0) < nx * 0.55 ? 0 : 1;
                if (Math.hypot(x - 90, y - 30) < 6) {
                    l = CategoricalMap.OUTLIER;
                }
                if (rnd.nextDouble() < 0.01) {
                    l = CategoricalMap.OUTLIER;
                }
                if (x + y < 30 || y > ny - 12) {
                    l = CategoricalMap.REJECTED;
                }
                lab[y * nx + x] = l;
            }
        }
        return lab;
    }
}
