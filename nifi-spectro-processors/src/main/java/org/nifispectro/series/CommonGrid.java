package org.nifispectro.series;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Checks the curves of a series and puts them on one grid.
 *
 * <ul>
 *   <li>Every curve must have at least 2 points, finite grid values and finite values (the first NaN or
 *       infinity is reported with the curve name, the point index and its grid value), and a strictly
 *       increasing grid.</li>
 *   <li>An optional range {@code [xmin, xmax]} is cut first (tolerance 1e-9, like the reference recipe
 *       {@code (r >= 1.0 - 1e-9) & (r <= 30.0 + 1e-9)}).</li>
 *   <li>Grids equal to the first curve's (same length, every point within 1e-9 relative) are used as
 *       they are. Otherwise, {@link GridRule#RESAMPLE_TO_OVERLAP}: the common grid runs from the largest
 *       first point to the smallest last point with the finest median step of any curve, and every curve
 *       is interpolated linearly (no extrapolation ever happens: the grid lies inside every curve);
 *       {@link GridRule#REFUSE}: the series is refused with the name of the first differing curve.</li>
 * </ul>
 */
public final class CommonGrid {

    private CommonGrid() {
    }

    public static Series align(List<Curve> curves, GridRule rule, double xmin, double xmax, long maxValues)
            throws SeriesException {
        if (curves.isEmpty()) {
            throw new SeriesException("the series holds no curves", "");
        }
        Curve[] cut = new Curve[curves.size()];
        for (int i = 0; i < cut.length; i++) {
            Curve c = curves.get(i);
            check(c);
            cut[i] = crop(c, xmin, xmax);
        }
        double[] g0 = cut[0].x();
        int differing = -1;
        for (int i = 1; i < cut.length && differing < 0; i++) {
            if (!sameGrid(g0, cut[i].x())) {
                differing = i;
            }
        }
        String[] names = Arrays.stream(cut).map(Curve::name).toArray(String[]::new);
        if (differing < 0) {
            budget(cut.length, g0.length, maxValues);
            double[][] v = new double[cut.length][];
            for (int i = 0; i < cut.length; i++) {
                v[i] = cut[i].y();
            }
            return new Series(names, g0, v, false);
        }
        Curve d = cut[differing];
        if (rule == GridRule.REFUSE) {
            throw new SeriesException("curves are on different grids: " + describe(cut[0]) + " but " + describe(d)
                    + "; choose resampling onto the overlap, or put the curves on one grid upstream", d.name());
        }
        double lo = Double.NEGATIVE_INFINITY, hi = Double.POSITIVE_INFINITY;
        String loName = "", hiName = "";
        for (Curve c : cut) {
            if (c.x()[0] > lo) {
                lo = c.x()[0];
                loName = c.name();
            }
            if (c.x()[c.size() - 1] < hi) {
                hi = c.x()[c.size() - 1];
                hiName = c.name();
            }
        }
        if (!(hi > lo)) {
            throw new SeriesException("the grids do not overlap: " + loName + " starts at " + num(lo) + ", after " + hiName
                    + " ends at " + num(hi) + "; cannot resample onto a common grid", loName);
        }
        double step = Double.POSITIVE_INFINITY;
        for (Curve c : cut) {
            step = Math.min(step, medianStep(c.x(), lo, hi));
        }
        long np = (long) Math.floor((hi - lo) / step + 1e-9) + 1;
        if (np < 2) {
            throw new SeriesException("the overlap of the grids holds fewer than 2 points", loName);
        }
        budget(cut.length, np, maxValues);
        double[] grid = new double[(int) np];
        for (int j = 0; j < np; j++) {
            grid[j] = Math.min(hi, lo + j * step);
        }
        double[][] v = new double[cut.length][];
        for (int i = 0; i < cut.length; i++) {
            v[i] = interpolate(cut[i].x(), cut[i].y(), grid);
        }
        return new Series(names, grid, v, true);
    }

    private static void budget(long n, long np, long maxValues) throws SeriesException {
        if (n * np > maxValues) {
            throw SeriesException.overLimit(n + " curves x " + np + " points exceed the budget of " + maxValues
                    + " values", "");
        }
    }

    private static void check(Curve c) throws SeriesException {
        if (c.size() == 0) {
            throw new SeriesException("empty curve: no data points", c.name());
        }
        if (c.size() < 2) {
            throw new SeriesException("curve has a single point; a series needs curves of at least 2 points", c.name());
        }
        double[] x = c.x(), y = c.y();
        for (int j = 0; j < x.length; j++) {
            if (!Double.isFinite(x[j])) {
                throw new SeriesException("grid value is " + x[j] + " at point " + (j + 1), c.name() + ", point " + (j + 1));
            }
            if (!Double.isFinite(y[j])) {
                throw new SeriesException("value is " + y[j] + " at point " + (j + 1) + " (x = " + num(x[j]) + ")",
                        c.name() + ", point " + (j + 1));
            }
            if (j > 0 && !(x[j] > x[j - 1])) {
                throw new SeriesException("grid not strictly increasing at point " + (j + 1) + " (" + num(x[j]) + " after "
                        + num(x[j - 1]) + ")", c.name() + ", point " + (j + 1));
            }
        }
    }

    private static Curve crop(Curve c, double xmin, double xmax) throws SeriesException {
        if (Double.isNaN(xmin) && Double.isNaN(xmax)) {
            return c;
        }
        double lo = Double.isNaN(xmin) ? Double.NEGATIVE_INFINITY : xmin - 1e-9;
        double hi = Double.isNaN(xmax) ? Double.POSITIVE_INFINITY : xmax + 1e-9;
        int a = 0;
        while (a < c.size() && c.x()[a] < lo) {
            a++;
        }
        int b = c.size();
        while (b > a && c.x()[b - 1] > hi) {
            b--;
        }
        if (b - a < 2) {
            throw new SeriesException("fewer than 2 points inside the grid range [" + (Double.isNaN(xmin) ? "-" : num(xmin))
                    + ", " + (Double.isNaN(xmax) ? "-" : num(xmax)) + "]; the curve covers " + num(c.x()[0]) + " to "
                    + num(c.x()[c.size() - 1]), c.name());
        }
        return new Curve(c.name(), Arrays.copyOfRange(c.x(), a, b), Arrays.copyOfRange(c.y(), a, b));
    }

    private static boolean sameGrid(double[] a, double[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int j = 0; j < a.length; j++) {
            if (Math.abs(a[j] - b[j]) > 1e-9 * Math.max(1, Math.abs(a[j]))) {
                return false;
            }
        }
        return true;
    }

    private static double medianStep(double[] x, double lo, double hi) {
        double[] d = new double[x.length - 1];
        int n = 0;
        for (int j = 1; j < x.length; j++) {
            if (x[j] >= lo && x[j - 1] <= hi) {
                d[n++] = x[j] - x[j - 1];
            }
        }
        if (n == 0) {
            return hi - lo;
        }
        double[] s = Arrays.copyOf(d, n);
        Arrays.sort(s);
        return s[n / 2];
    }

    /** Linear interpolation of (x, y) at the points of grid (all inside [x0, xn]). */
    static double[] interpolate(double[] x, double[] y, double[] grid) {
        double[] out = new double[grid.length];
        int k = 0;
        for (int j = 0; j < grid.length; j++) {
            double g = grid[j];
            while (k < x.length - 2 && x[k + 1] < g) {
                k++;
            }
            double t = (g - x[k]) / (x[k + 1] - x[k]);
            out[j] = y[k] + Math.max(0, Math.min(1, t)) * (y[k + 1] - y[k]);
        }
        return out;
    }

    private static String describe(Curve c) {
        return c.name() + " has " + c.size() + " points from " + num(c.x()[0]) + " to " + num(c.x()[c.size() - 1]);
    }

    /** Six significant digits without trailing zeros (1.01, not 1.01000). */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
