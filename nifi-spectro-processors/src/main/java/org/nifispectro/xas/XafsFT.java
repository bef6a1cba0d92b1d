package org.nifispectro.xas;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * Forward XAFS Fourier transform chi(k) -> chi(R) with Larch's conventions ({@code xftf},
 * {@code xftf_prep}, {@code xftf_fast}, {@code ftwindow} in xraylarch 0.9.58
 * {@code larch/xafs/xafsft.py}):
 * <ol>
 * <li>chi(k) is linearly interpolated onto the uniform grid k = i*kstep (numpy.interp, end values
 * held), k-weighted by k^kweight and multiplied by the window Omega(k) built by {@link #ftwindow};</li>
 * <li>zero-padded to nfft points and transformed:
 * chi(R_j) = kstep/sqrt(pi) * sum_n w_n k_n^kw chi(k_n) exp(-2 pi i n j / nfft), R_j = j * pi/(kstep nfft),
 * i.e. Larch's normalisation (numpy's forward FFT sign; Commons Math FFT, STANDARD normalisation);</li>
 * <li>output for R up to rmax_out: magnitude, real and imaginary parts.</li>
 * </ol>
 * Windows (Larch names, first 3 letters significant): hanning (cos^2 tapers of width dk at kmin and
 * dk2 at kmax), kaiser (Kaiser-Bessel: (I0(dk sqrt(1-((k-c)/w)^2)) - 1)/(I0(dk) - 1) between
 * kmin-dk/2 and kmax+dk2/2), bessel (IFEFFIT 1.0 Kaiser-Bessel), parzen, welch, sine, gaussian,
 * fhanning. Note that for kaiser dk is the Bessel shape parameter, not a taper width (as in Larch).
 * nfft must be a power of two (Larch default 2048). Units: k in 1/Angstrom, R in Angstrom.
 *
 * <h2>References</h2>
 * M. Newville, Larch, J. Phys.: Conf. Ser. 430 (2013) 012007, source {@code larch/xafs/xafsft.py};
 * IFEFFIT FT conventions (M. Newville, J. Synchrotron Rad. 8 (2001) 322).
 */
public final class XafsFT {

    private static final double SQRT_PI = Math.sqrt(Math.PI);

    private XafsFT() {
    }

    /**
     * Parameters of {@link #xftf}; {@link #larchDefaults()} are Larch's xftf defaults (kweight 0, kaiser).
     *
     * @param dk2 second taper parameter, NaN = dk
     */
    public record Params(double kmin, double kmax, double kweight, double dk, double dk2, String window,
                         double rmaxOut, int nfft, double kstep) {
        public Params {
            window = checkWindow(window);
            if (!(kmax > kmin) || !Double.isFinite(kmin) || !Double.isFinite(kmax)) {
                throw new IllegalArgumentException("FT range needs kmin < kmax, got kmin=" + kmin + " kmax=" + kmax);
            }
            if (!Double.isFinite(kweight) || !Double.isFinite(dk) || !(dk >= 0)) {
                throw new IllegalArgumentException("kweight must be finite and dk >= 0, got kweight=" + kweight
                        + " dk=" + dk);
            }
            if (nfft < 16 || Integer.bitCount(nfft) != 1) {
                throw new IllegalArgumentException("nfft must be a power of two >= 16, got " + nfft);
            }
            if (!(kstep > 0) || !Double.isFinite(kstep)) {
                throw new IllegalArgumentException("kstep must be > 0, got " + kstep);
            }
            if (!(rmaxOut > 0)) {
                throw new IllegalArgumentException("rmax_out must be > 0, got " + rmaxOut);
            }
        }

        /** Larch xftf defaults: kmin 0, kmax 20, kweight 0, dk 1, kaiser, rmax_out 10, nfft 2048, kstep 0.05. */
        public static Params larchDefaults() {
            return new Params(0, 20, 0, 1, Double.NaN, "kaiser", 10, 2048, 0.05);
        }

        public Params withRange(double kmin, double kmax) {
            return new Params(kmin, kmax, kweight, dk, dk2, window, rmaxOut, nfft, kstep);
        }

        public Params withKweight(double kw) {
            return new Params(kmin, kmax, kw, dk, dk2, window, rmaxOut, nfft, kstep);
        }

        public Params withWindow(String win, double dk, double dk2) {
            return new Params(kmin, kmax, kweight, dk, dk2, win, rmaxOut, nfft, kstep);
        }

        public Params withRmaxOut(double r) {
            return new Params(kmin, kmax, kweight, dk, dk2, window, r, nfft, kstep);
        }

        public Params withGrid(int nfft, double kstep) {
            return new Params(kmin, kmax, kweight, dk, dk2, window, rmaxOut, nfft, kstep);
        }
    }

    /**
     * chi(R) and the window used.
     *
     * @param kwin window Omega(k) on the uniform k grid (length of the input grid, as Larch's kwin)
     */
    public record Result(double[] r, double[] mag, double[] re, double[] im, double[] kwin, Params params) {
    }

    /** A local maximum of |chi(R)| (parabola-refined position and height). */
    public record Peak(double r, double mag) {
    }

    private static String checkWindow(String window) {
        if (window == null) {
            return "hanning";
        }
        String nam = window.strip().toLowerCase(Locale.ROOT);
        String p = nam.length() >= 3 ? nam.substring(0, 3) : nam;
        switch (p) {
            case "han", "fha", "gau", "kai", "par", "wel", "sin", "bes":
                return nam;
            default:
                throw new IllegalArgumentException("invalid FT window '" + window
                        + "' (valid: hanning, fhanning, gaussian, kaiser, parzen, welch, sine, bessel)");
        }
    }

    /** Modified Bessel function of the first kind, order 0 (power series; |x| up to ~700). */
    static double besselI0(double x) {
        double q = x * x / 4.0;
        double term = 1.0;
        double sum = 1.0;
        for (int k = 1; k < 1000; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return sum;
    }

    /**
     * Larch {@code ftwindow(x, xmin, xmax, dx, dx2, window)} on a uniform grid x (exact port,
     * including its index rounding).
     */
    public static double[] ftwindow(double[] x, double xmin, double xmax, double dx, double dx2, String window) {
        String nam = checkWindow(window);
        nam = nam.length() >= 3 ? nam.substring(0, 3) : nam;
        int n = x.length;
        if (n < 2) {
            throw new IllegalArgumentException("ftwindow needs at least 2 points");
        }
        double dx1 = dx;
        if (Double.isNaN(dx2)) {
            dx2 = dx1;
        }
        double xlo = x[0];
        double xhi = x[0];
        for (double v : x) {
            xlo = Math.min(xlo, v);
            xhi = Math.max(xhi, v);
        }
        if (Double.isNaN(xmin)) {
            xmin = xlo;
        }
        if (Double.isNaN(xmax)) {
            xmax = xhi;
        }
        double xstep = (x[n - 1] - x[0]) / (n - 1);
        double xeps = 1e-4 * xstep;
        double x1 = Math.max(xlo, xmin - dx1 / 2.0);
        double x2 = xmin + dx1 / 2.0 + xeps;
        double x3 = xmax - dx2 / 2.0 - xeps;
        double x4 = Math.min(xhi, xmax + dx2 / 2.0);
        if (nam.equals("fha")) {
            if (dx1 < 0) {
                dx1 = 0;
            }
            if (dx2 > 1) {
                dx2 = 1;
            }
            x2 = x1 + xeps + dx1 * (xmax - xmin) / 2.0;
            x3 = x4 - xeps - dx2 * (xmax - xmin) / 2.0;
        } else if (nam.equals("gau")) {
            dx1 = Math.max(dx1, xeps);
        }
        int i1 = (int) ((x1 + xeps) / xstep);
        int i2 = (int) ((x2 + xeps) / xstep);
        int i3 = (int) ((x3 + xeps) / xstep);
        int i4 = (int) ((x4 + xeps) / xstep);
        i1 = Math.max(0, i1);
        i2 = Math.max(0, i2);
        i3 = Math.min(n - 1, i3);
        i4 = Math.min(n - 1, i4);
        if (i2 == i1) {
            i1 = Math.max(0, i2 - 1);
        }
        if (i4 == i3) {
            i3 = Math.max(i2, i4 - 1);
        }
        x1 = x[i1];
        x2 = x[i2];
        x3 = x[i3];
        x4 = x[i4];
        if (x1 == x2) {
            x2 = x2 + xeps;
        }
        if (x3 == x4) {
            x4 = x4 + xeps;
        }
        double[] w = new double[n];
        for (int i = i2; i < i3; i++) {
            w[i] = 1.0;
        }
        switch (nam) {
            case "han", "fha" -> {
                for (int i = i1; i <= i2; i++) {
                    double s = Math.sin((Math.PI / 2) * (x[i] - x1) / (x2 - x1));
                    w[i] = s * s;
                }
                for (int i = i3; i <= i4; i++) {
                    double c = Math.cos((Math.PI / 2) * (x[i] - x3) / (x4 - x3));
                    w[i] = c * c;
                }
            }
            case "par" -> {
                for (int i = i1; i <= i2; i++) {
                    w[i] = (x[i] - x1) / (x2 - x1);
                }
                for (int i = i3; i <= i4; i++) {
                    w[i] = 1 - (x[i] - x3) / (x4 - x3);
                }
            }
            case "wel" -> {
                for (int i = i1; i <= i2; i++) {
                    double a = (x[i] - x2) / (x2 - x1);
                    w[i] = 1 - a * a;
                }
                for (int i = i3; i <= i4; i++) {
                    double a = (x[i] - x3) / (x4 - x3);
                    w[i] = 1 - a * a;
                }
            }
            case "kai", "bes" -> {
                double cen = (x4 + x1) / 2;
                double wid = (x4 - x1) / 2;
                if (nam.equals("bes")) {
                    double i0dx = besselI0(dx);
                    for (int i = 0; i < n; i++) {
                        double arg = Math.max(0, 1 - (x[i] - cen) * (x[i] - cen) / (wid * wid));
                        w[i] = (x[i] <= x1 || x[i] >= x4) ? 0 : besselI0(dx * Math.sqrt(arg)) / i0dx;
                    }
                } else {
                    double scale = Math.max(1e-10, besselI0(dx) - 1);
                    for (int i = 0; i < n; i++) {
                        double arg = Math.max(0, 1 - (x[i] - cen) * (x[i] - cen) / (wid * wid));
                        w[i] = (besselI0(dx * Math.sqrt(arg)) - 1) / scale;
                    }
                }
            }
            case "sin" -> {
                for (int i = i1; i <= i4; i++) {
                    w[i] = Math.sin(Math.PI * (x4 - x[i]) / (x4 - x1));
                }
            }
            case "gau" -> {
                double cen = (x4 + x1) / 2;
                for (int i = 0; i < n; i++) {
                    w[i] = Math.exp(-((x[i] - cen) * (x[i] - cen)) / (2 * dx1 * dx1));
                }
            }
            default -> throw new IllegalStateException(nam);
        }
        return w;
    }

    /** numpy.interp(xo, x, y): linear, end values held outside [x0, xn]. x strictly increasing. */
    static double[] interp(double[] xo, double[] x, double[] y) {
        double[] out = new double[xo.length];
        int j = 0;
        int n = x.length;
        for (int i = 0; i < xo.length; i++) {
            double v = xo[i];
            if (v <= x[0]) {
                out[i] = y[0];
            } else if (v >= x[n - 1]) {
                out[i] = y[n - 1];
            } else {
                while (j < n - 2 && x[j + 1] <= v) {
                    j++;
                }
                while (j > 0 && x[j] > v) {
                    j--;
                }
                double f = (v - x[j]) / (x[j + 1] - x[j]);
                out[i] = y[j] + f * (y[j + 1] - y[j]);
            }
        }
        return out;
    }

    /**
     * Forward XAFS FT of chi(k) (Larch xftf).
     *
     * @param k   k values (1/A, strictly increasing, e.g. Autobk's uniform grid)
     * @param chi chi(k), same length
     */
    public static Result xftf(double[] k, double[] chi, Params p) {
        if (k == null || chi == null || k.length != chi.length) {
            throw new IllegalArgumentException("xftf: k and chi must have the same length");
        }
        if (k.length < 2) {
            throw new IllegalArgumentException("xftf: need at least 2 k points, got " + k.length);
        }
        for (int i = 0; i < k.length; i++) {
            if (!Double.isFinite(k[i]) || !Double.isFinite(chi[i])) {
                throw new IllegalArgumentException("xftf: non-finite k or chi at index " + i);
            }
            if (i > 0 && k[i] <= k[i - 1]) {
                throw new IllegalArgumentException("xftf: k not strictly increasing at index " + i);
            }
        }
        double kstep = p.kstep();
        double dk2 = Double.isNaN(p.dk2()) ? p.dk() : p.dk2();
        double kMaxData = k[k.length - 1];
        int npts = (int) (1.01 + kMaxData / kstep);
        double kMax = Math.max(kMaxData, p.kmax() + dk2);
        int nk = (int) (1.01 + kMax / kstep);
        double[] kk = new double[nk];
        for (int i = 0; i < nk; i++) {
            kk[i] = kstep * i;
        }
        double[] chiU = interp(kk, k, chi);
        double[] win = ftwindow(kk, p.kmin(), p.kmax(), p.dk(), dk2, p.window());
        int nfft = p.nfft();
        if (npts > nfft) {
            throw new IllegalArgumentException("xftf: " + npts + " k points exceed nfft = " + nfft);
        }
        double[] buf = new double[nfft];
        for (int i = 0; i < npts; i++) {
            buf[i] = chiU[i] * Math.pow(kk[i], p.kweight()) * win[i];
        }
        Complex[] f = new FastFourierTransformer(DftNormalization.STANDARD).transform(buf, TransformType.FORWARD);
        double rstep = Math.PI / (kstep * nfft);
        int irmax = (int) Math.min(nfft / 2, 1.01 + p.rmaxOut() / rstep);
        double[] r = new double[irmax];
        double[] re = new double[irmax];
        double[] im = new double[irmax];
        double[] mag = new double[irmax];
        double sc = kstep / SQRT_PI;
        for (int j = 0; j < irmax; j++) {
            r[j] = rstep * j;
            re[j] = sc * f[j].getReal();
            im[j] = sc * f[j].getImaginary();
            mag[j] = Math.hypot(re[j], im[j]);
        }
        double[] kwin = new double[npts];
        System.arraycopy(win, 0, kwin, 0, Math.min(npts, win.length));
        return new Result(r, mag, re, im, kwin, p);
    }

    /**
     * Local maxima of |chi(R)| in [rlo, rhi] at least {@code frac} of the largest value there,
     * refined by a 3-point parabola (the rule used to make the Larch references; not phase-corrected).
     */
    public static List<Peak> peaks(double[] r, double[] mag, double rlo, double rhi, double frac) {
        List<Peak> out = new ArrayList<>();
        int a = -1;
        int b = -1;
        double ymax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < r.length; i++) {
            if (r[i] >= rlo && r[i] <= rhi) {
                if (a < 0) {
                    a = i;
                }
                b = i;
                ymax = Math.max(ymax, mag[i]);
            }
        }
        if (a < 0) {
            return out;
        }
        double dr = r[1] - r[0];
        for (int i = a + 1; i < b; i++) {
            if (mag[i] > mag[i - 1] && mag[i] >= mag[i + 1] && mag[i] >= frac * ymax) {
                double y0 = mag[i - 1];
                double y1 = mag[i];
                double y2 = mag[i + 1];
                double den = y0 - 2 * y1 + y2;
                double off = den != 0 ? 0.5 * (y0 - y2) / den : 0.0;
                out.add(new Peak(r[i] + off * dr, y1 - 0.25 * (y0 - y2) * off));
            }
        }
        return out;
    }

    /** {@link #peaks} with the reference settings: 0.8 &lt;= R &lt;= 6.0 A, 10 % of the maximum. */
    public static List<Peak> peaks(Result res) {
        return peaks(res.r(), res.mag(), 0.8, 6.0, 0.10);
    }
}
