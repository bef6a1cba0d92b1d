package org.nifispectro.classify;

import java.util.Locale;

/**
 * Puts a G(r) curve onto a model's {@link ModelGrid} and into the form the classifier compares:
 * linear interpolation at the grid points, then centred and scaled to unit Euclidean norm, so
 * that the dot product of two profiles is their Pearson correlation coefficient over the grid
 * (the similarity of MLstructureMining's class grouping and of structureMining). The overall
 * scale of G (and the scaling to the maximum of the training data) therefore does not matter.
 *
 * <p>Checks, each reported with the data row: every value finite; r strictly increasing; G not
 * identically zero (or constant) on the grid; the data spacing inside the grid range at most
 * twice the model step (a coarser grid would hide peaks: reported, not interpolated); and the
 * data covering the grid to within half a step at both ends (a shorter range is reported, not
 * extrapolated).
 */
public final class PdfProfile {

    private PdfProfile() {
    }

    /**
     * @param r r values, angstrom, strictly increasing
     * @param g G(r), any scale
     * @param grid model grid
     * @return unit-norm, zero-mean profile of grid.n() points (float)
     * @throws PdfInputException with the row and the reason
     */
    public static float[] of(double[] r, double[] g, ModelGrid grid) throws PdfInputException {
        double[] y = resample(r, g, grid);
        return normalize(y);
    }

    /** Linear interpolation of (r, g) at the grid points, with the checks of the class comment. */
    public static double[] resample(double[] r, double[] g, ModelGrid grid) throws PdfInputException {
        if (r == null || g == null || r.length != g.length) {
            throw new IllegalArgumentException("r and G must be non-null and of equal length");
        }
        int n = r.length;
        if (n < 2) {
            throw new PdfInputException("a PDF needs at least 2 data rows, got " + n, -1);
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(r[i]) || !Double.isFinite(g[i])) {
                throw new PdfInputException(String.format(Locale.ROOT, "data row %d: non-finite value (r = %s, G = %s)",
                        i + 1, r[i], g[i]), i);
            }
            if (i > 0 && !(r[i] > r[i - 1])) {
                throw new PdfInputException(String.format(Locale.ROOT,
                        "data row %d: r not increasing (%s after %s)", i + 1, fmt(r[i]), fmt(r[i - 1])), i);
            }
        }
        double half = 0.5 * grid.rstep() + 1e-9;
        if (r[0] > grid.rmin() + half || r[n - 1] < grid.rmax() - half) {
            throw new PdfInputException(String.format(Locale.ROOT,
                    "r range %s..%s A does not cover the model's range %s..%s A", fmt(r[0]), fmt(r[n - 1]),
                    fmt(grid.rmin()), fmt(grid.rmax())), r[0] > grid.rmin() + half ? 0 : n - 1);
        }
        double maxStep = 2 * grid.rstep() + 1e-9;
        for (int i = 1; i < n; i++) {
            if (r[i] > grid.rmin() - maxStep && r[i - 1] < grid.rmax() + maxStep && r[i] - r[i - 1] > maxStep) {
                throw new PdfInputException(String.format(Locale.ROOT,
                        "data row %d: r step %s A is coarser than the model allows (%s A, twice its step)", i + 1,
                        fmt(r[i] - r[i - 1]), fmt(maxStep)), i);
            }
        }
        double[] y = new double[grid.n()];
        int j = 0;
        for (int k = 0; k < grid.n(); k++) {
            double x = grid.r(k);
            if (x <= r[0]) {
                y[k] = g[0];
                continue;
            }
            if (x >= r[n - 1]) {
                y[k] = g[n - 1];
                continue;
            }
            while (r[j + 1] < x) {
                j++;
            }
            double t = (x - r[j]) / (r[j + 1] - r[j]);
            y[k] = g[j] + t * (g[j + 1] - g[j]);
        }
        double ss = 0;
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        for (double v : y) {
            ss += (v - mean) * (v - mean);
        }
        if (!(ss > 0)) {
            throw new PdfInputException("G(r) is constant (all zeros?) over the model's range " + fmt(grid.rmin())
                    + ".." + fmt(grid.rmax()) + " A", -1);
        }
        return y;
    }

    /** @return (y - mean) / norm as float; zeros when y is constant */
    public static float[] normalize(double[] y) {
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        double ss = 0;
        for (double v : y) {
            ss += (v - mean) * (v - mean);
        }
        float[] out = new float[y.length];
        if (ss > 0) {
            double inv = 1 / Math.sqrt(ss);
            for (int i = 0; i < y.length; i++) {
                out[i] = (float) ((y[i] - mean) * inv);
            }
        }
        return out;
    }

    /** Pearson correlation of two normalised profiles (their dot product). */
    public static double dot(float[] a, float[] b) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int n = a.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (double) s0 + s1 + s2 + s3;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
