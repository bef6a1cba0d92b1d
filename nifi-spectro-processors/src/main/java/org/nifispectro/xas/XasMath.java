package org.nifispectro.xas;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;

/**
 * Small numeric helpers shared by the XAS classes, written to reproduce the exact index
 * conventions of Larch ({@code larch.math.index_of}, {@code index_nearest}, {@code numpy.gradient}).
 * Package-private: not part of the public API.
 */
final class XasMath {

    /** Larch/IFEFFIT energy-to-wavenumber constant: k^2 = ETOK * (E - E0), ETOK = 2 m_e e / hbar^2 * 1e-20. */
    static final double KTOE = 3.8099819442818976;
    static final double ETOK = 1.0 / KTOE;

    private XasMath() {
    }

    /** Index of the last element at or below {@code value}; 0 when value is below the first element (Larch index_of). */
    static int indexOf(double[] a, double value) {
        return indexOf(a, 0, a.length, value);
    }

    static int indexOf(double[] a, int from, int to, double value) {
        if (value < a[from]) {
            return 0;
        }
        // a is strictly increasing: binary search for the last a[i] <= value
        int lo = from;
        int hi = to - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (a[mid] <= value) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo - from;
    }

    /** Index of the element nearest to {@code value}, first one on ties (Larch index_nearest = argmin |a - v|). */
    static int indexNearest(double[] a, double value) {
        return indexNearest(a, 0, a.length, value);
    }

    static int indexNearest(double[] a, int from, int to, double value) {
        int best = from;
        double bd = Math.abs(a[from] - value);
        for (int i = from + 1; i < to; i++) {
            double d = Math.abs(a[i] - value);
            if (d < bd) {
                bd = d;
                best = i;
            }
        }
        return best - from;
    }

    /**
     * d mu / d E as Larch computes it: {@code np.gradient(mu) / np.gradient(energy)}, i.e. central
     * differences inside and one-sided differences at both ends.
     */
    static void derivative(double[] e, double[] mu, int off, int n, double[] out) {
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 points for a derivative, got " + n);
        }
        out[0] = (mu[off + 1] - mu[off]) / (e[off + 1] - e[off]);
        out[n - 1] = (mu[off + n - 1] - mu[off + n - 2]) / (e[off + n - 1] - e[off + n - 2]);
        for (int i = 1; i < n - 1; i++) {
            out[i] = (mu[off + i + 1] - mu[off + i - 1]) / (e[off + i + 1] - e[off + i - 1]);
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(out[i])) {
                out[i] = -1.0;
            }
        }
    }

    /**
     * Larch {@code _finde0} on a derivative array: the index of the largest derivative among points
     * that are not within 5 % (at least 3 points) of either end, whose derivative exceeds 10 % of the
     * maximum and whose two neighbours do as well (rejects single-point glitches). Returns 0 when no
     * point qualifies, as Larch does.
     */
    static int findE0Index(double[] dmu, int n) {
        int nmin = Math.max(3, (int) (n * 0.05));
        double maxd = Double.NEGATIVE_INFINITY;
        for (int i = nmin; i < n - nmin; i++) {
            if (dmu[i] > maxd) {
                maxd = dmu[i];
            }
        }
        double thr = maxd * 0.1;
        int best = 0;
        double bestVal = 0;
        for (int i = Math.max(nmin, 1); i <= n - nmin && i < n - 1; i++) {
            double d = dmu[i];
            if (d > thr && d > bestVal && dmu[i + 1] > thr && dmu[i - 1] > thr) {
                best = i;
                bestVal = d;
            }
        }
        return best;
    }

    /**
     * Least-squares polynomial fit of y(x) over [from, to) in the centred variable (x - x0),
     * returning coefficients c0..cdeg (lowest power first). Centring keeps the normal equations well
     * conditioned for energies of 10^4 eV; the fitted curve is the same as numpy.polyfit's.
     */
    static double[] polyfit(double[] x, double[] y, int from, int to, int deg, double x0) {
        int m = to - from;
        if (m < deg + 1) {
            throw new IllegalArgumentException("polynomial fit of degree " + deg + " needs at least " + (deg + 1)
                    + " points, the fit range holds " + m);
        }
        double[][] a = new double[m][deg + 1];
        double[] b = new double[m];
        double scale = 0;
        for (int i = 0; i < m; i++) {
            scale = Math.max(scale, Math.abs(x[from + i] - x0));
        }
        if (scale == 0) {
            scale = 1;
        }
        for (int i = 0; i < m; i++) {
            double t = (x[from + i] - x0) / scale;
            double p = 1;
            for (int j = 0; j <= deg; j++) {
                a[i][j] = p;
                p *= t;
            }
            b[i] = y[from + i];
        }
        double[] c;
        try {
            c = new QRDecomposition(new Array2DRowRealMatrix(a, false), 1e-14).getSolver()
                    .solve(new ArrayRealVector(b, false)).toArray();
        } catch (SingularMatrixException ex) {
            throw new IllegalArgumentException("polynomial fit of degree " + deg + " over " + m
                    + " points is singular (repeated energies?)", ex);
        }
        double s = 1;
        for (int j = 0; j <= deg; j++) {
            c[j] /= s;
            s *= scale;
        }
        return c;
    }

    /** Evaluates c0 + c1 (x-x0) + c2 (x-x0)^2 + ... */
    static double polyval(double[] c, double x, double x0) {
        double t = x - x0;
        double v = 0;
        for (int j = c.length - 1; j >= 0; j--) {
            v = v * t + c[j];
        }
        return v;
    }

    /** Moore-Penrose pseudo-inverse (rows = unknowns) of a full-column-rank design matrix, via QR. */
    static double[][] pseudoInverse(double[][] design) {
        RealMatrix a = new Array2DRowRealMatrix(design, false);
        return new QRDecomposition(a, 1e-14).getSolver().getInverse().getData();
    }

    /**
     * Checks an energy array: finite, at least {@code minPoints}, strictly increasing.
     *
     * @param what names the data in the error message (file, dataset)
     */
    static void checkEnergy(double[] energy, int minPoints, String what) {
        if (energy == null) {
            throw new IllegalArgumentException(what + ": energy array is missing");
        }
        if (energy.length < minPoints) {
            throw new IllegalArgumentException(what + ": " + energy.length + " energy points, at least " + minPoints
                    + " are needed");
        }
        for (int i = 0; i < energy.length; i++) {
            if (!Double.isFinite(energy[i])) {
                throw new IllegalArgumentException(what + ": energy[" + i + "] is " + energy[i]);
            }
            if (i > 0 && energy[i] <= energy[i - 1]) {
                throw new IllegalArgumentException(what + ": energy not strictly increasing at index " + i + " ("
                        + energy[i - 1] + " then " + energy[i] + " eV)");
            }
        }
    }

    static void checkMu(double[] energy, double[] mu, String what) {
        if (mu == null) {
            throw new IllegalArgumentException(what + ": mu array is missing");
        }
        if (mu.length != energy.length) {
            throw new IllegalArgumentException(what + ": mu has " + mu.length + " points but energy has "
                    + energy.length);
        }
        for (int i = 0; i < mu.length; i++) {
            if (!Double.isFinite(mu[i])) {
                throw new IllegalArgumentException(what + ": mu[" + i + "] is " + mu[i] + " at E = " + energy[i]
                        + " eV");
            }
        }
    }
}
