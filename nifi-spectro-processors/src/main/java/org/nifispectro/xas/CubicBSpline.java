package org.nifispectro.xas;

/**
 * Cubic B-spline with FITPACK's "not-a-knot" knot vector on a set of abscissae x[0..m-1]:
 * t = {x0,x0,x0,x0, x2, ..., x(m-3), x(m-1) x4}, m basis functions. This is the spline space that
 * scipy's {@code splrep(x, y, k=3)} and {@code UnivariateSpline(x, y, s=0)} interpolate in, which
 * Larch's autobk uses for both the background and the chi(k) resampling. Evaluation outside
 * [x0, x(m-1)] extrapolates the end polynomial pieces, as FITPACK's splev (ext=0) does.
 *
 * <p>Written here because Commons Math 3.6.1 has no B-spline basis with arbitrary knots and no
 * not-a-knot interpolation ({@code SplineInterpolator} is the natural spline, a different spline
 * space); the collocation matrix is banded (bandwidth 3+3) and totally positive, so it is solved
 * by banded Gaussian elimination without pivoting in O(m) (de Boor, A Practical Guide to Splines,
 * ch. XIII), instead of an O(m^3) dense LU.
 */
final class CubicBSpline {

    private final double[] t;
    private final int m;

    CubicBSpline(double[] x) {
        m = x.length;
        if (m < 4) {
            throw new IllegalArgumentException("a cubic spline needs at least 4 points, got " + m);
        }
        for (int i = 1; i < m; i++) {
            if (!(x[i] > x[i - 1])) {
                throw new IllegalArgumentException("spline abscissae must be strictly increasing (point " + i + ": "
                        + x[i - 1] + " then " + x[i] + ")");
            }
        }
        t = new double[m + 4];
        for (int i = 0; i < 4; i++) {
            t[i] = x[0];
            t[m + i] = x[m - 1];
        }
        for (int i = 4; i < m; i++) {
            t[i] = x[i - 2];
        }
    }

    int size() {
        return m;
    }

    /** Knot span index s (3 <= s <= m-1) with t[s] <= x < t[s+1], clamped at the ends. */
    int span(double x) {
        if (x < t[4]) {
            return 3;
        }
        if (x >= t[m - 1]) {
            return m - 1;
        }
        int lo = 4;
        int hi = m - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (t[mid] <= x) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The 4 non-zero basis values N(s-3..s) at x for span s (Cox-de Boor, Piegl and Tiller A2.2). */
    void basis(int s, double x, double[] n) {
        double[] left = new double[4];
        double[] right = new double[4];
        n[0] = 1.0;
        for (int j = 1; j <= 3; j++) {
            left[j] = x - t[s + 1 - j];
            right[j] = t[s + j] - x;
            double saved = 0.0;
            for (int r = 0; r < j; r++) {
                double tmp = n[r] / (right[r + 1] + left[j - r]);
                n[r] = saved + right[r + 1] * tmp;
                saved = left[j - r] * tmp;
            }
            n[j] = saved;
        }
    }

    /** Value of the spline with coefficients c at x. */
    double value(double[] c, double x) {
        int s = span(x);
        double[] n = new double[4];
        basis(s, x, n);
        return c[s - 3] * n[0] + c[s - 2] * n[1] + c[s - 1] * n[2] + c[s] * n[3];
    }

    /**
     * Dense evaluation matrix row-by-row: for each x[i] the span and 4 basis values; used to apply
     * the basis to many coefficient vectors.
     */
    Evaluator evaluator(double[] xs) {
        return new Evaluator(this, xs);
    }

    /** Precomputed basis values at fixed points. */
    static final class Evaluator {
        final int[] span;
        final double[] nb;

        Evaluator(CubicBSpline sp, double[] xs) {
            span = new int[xs.length];
            nb = new double[4 * xs.length];
            double[] n = new double[4];
            for (int i = 0; i < xs.length; i++) {
                span[i] = sp.span(xs[i]);
                sp.basis(span[i], xs[i], n);
                System.arraycopy(n, 0, nb, 4 * i, 4);
            }
        }

        void eval(double[] c, double[] out) {
            for (int i = 0; i < span.length; i++) {
                int s = span[i] - 3;
                int b = 4 * i;
                out[i] = c[s] * nb[b] + c[s + 1] * nb[b + 1] + c[s + 2] * nb[b + 2] + c[s + 3] * nb[b + 3];
            }
        }

        /** Value of basis function j at point i (0 outside the support). */
        double basisValue(int i, int j) {
            int s = span[i] - 3;
            int d = j - s;
            return d >= 0 && d < 4 ? nb[4 * i + d] : 0.0;
        }
    }

    /**
     * LU factors (no pivoting) of the collocation matrix at the abscissae this spline was built on,
     * for repeated interpolation y -> coefficients.
     */
    Interpolator interpolator(double[] x) {
        return new Interpolator(this, x);
    }

    static final class Interpolator {
        private static final int KL = 3;
        private static final int KU = 3;
        private static final int W = KL + KU + 1;
        private final int m;
        private final double[] band;

        Interpolator(CubicBSpline sp, double[] x) {
            m = sp.m;
            if (x.length != m) {
                throw new IllegalArgumentException("interpolation needs " + m + " points, got " + x.length);
            }
            band = new double[m * W];
            double[] n = new double[4];
            for (int i = 0; i < m; i++) {
                int s = sp.span(x[i]);
                sp.basis(s, x[i], n);
                for (int d = 0; d < 4; d++) {
                    int j = s - 3 + d;
                    band[i * W + (j - i + KL)] = n[d];
                }
            }
            for (int k = 0; k < m; k++) {
                double piv = band[k * W + KL];
                if (Math.abs(piv) < 1e-300) {
                    throw new IllegalArgumentException("spline collocation matrix is singular at point " + k);
                }
                int iEnd = Math.min(m - 1, k + KL);
                int jEnd = Math.min(m - 1, k + KU);
                for (int i = k + 1; i <= iEnd; i++) {
                    int ik = i * W + (k - i + KL);
                    double l = band[ik] / piv;
                    band[ik] = l;
                    if (l != 0) {
                        for (int j = k + 1; j <= jEnd; j++) {
                            band[i * W + (j - i + KL)] -= l * band[k * W + (j - k + KL)];
                        }
                    }
                }
            }
        }

        /** Solves C^T x = h in place (C the collocation matrix): h becomes x. */
        void solveTransposeInPlace(double[] h) {
            // C = L U  =>  C^T = U^T L^T: first U^T y = h (forward), then L^T x = y (backward)
            for (int i = 0; i < m; i++) {
                double s = h[i];
                for (int k = Math.max(0, i - KU); k < i; k++) {
                    s -= band[k * W + (i - k + KL)] * h[k];
                }
                h[i] = s / band[i * W + KL];
            }
            for (int i = m - 1; i >= 0; i--) {
                double s = h[i];
                int jEnd = Math.min(m - 1, i + KL);
                for (int j = i + 1; j <= jEnd; j++) {
                    s -= band[j * W + (i - j + KL)] * h[j];
                }
                h[i] = s;
            }
        }

        /** Solves for coefficients in place: y (length m) becomes the B-spline coefficients. */
        void solveInPlace(double[] y) {
            for (int i = 1; i < m; i++) {
                double s = y[i];
                for (int k = Math.max(0, i - KL); k < i; k++) {
                    s -= band[i * W + (k - i + KL)] * y[k];
                }
                y[i] = s;
            }
            for (int i = m - 1; i >= 0; i--) {
                double s = y[i];
                int jEnd = Math.min(m - 1, i + KU);
                for (int j = i + 1; j <= jEnd; j++) {
                    s -= band[i * W + (j - i + KL)] * y[j];
                }
                y[i] = s / band[i * W + KL];
            }
        }
    }
}
