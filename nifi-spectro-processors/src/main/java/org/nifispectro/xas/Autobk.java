package org.nifispectro.xas;

import java.util.Arrays;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * AUTOBK background removal (IFEFFIT/Larch {@code autobk}), giving chi(k) from mu(E).
 *
 * <h2>Algorithm (Larch 0.9.58 {@code larch/xafs/autobk.py}, same names and defaults)</h2>
 * <ol>
 * <li>e0 and the edge step come from {@link PreEdgeNormalization} unless given.</li>
 * <li>Above e0, k = sqrt(ETOK (E - e0)) (ETOK = 0.2624682917 eV^-1 A^-2). The background mu0(E) is a
 * cubic B-spline in k with nknots = 1 + int(2 rbkg (kmax - kmin)/pi) knots (5..128), whose
 * abscissae are data points nearest to evenly spaced k between kmin and kmax; the initial
 * coefficients interpolate (2 mu_i + mu_(i-5) + mu_(i+5))/4 at them (scipy splrep, not-a-knot).</li>
 * <li>chi(k) = mu - mu0 is resampled onto k = i*kstep (0..kmax) with a not-a-knot cubic
 * interpolating spline (as scipy UnivariateSpline(s=0)), weighted by k^kweight times the FT window
 * (win, dk; default hanning, dk 0.1, over [kmin, kmax]).</li>
 * <li>The spline coefficients minimise the real and imaginary parts of the Fourier transform of
 * that weighted chi below R = rbkg (first irbkg points of the nfft-point FT, kstep/sqrt(pi)
 * normalised), plus the end-point clamps: the first and last nclamp chi(k) values times
 * clamp_lo/clamp_hi times (1 + 100 mean(FT^2)).</li>
 * <li>chi = (mu - mu0)/edge_step on the uniform k grid.</li>
 * </ol>
 * Implementation: the background is linear in the coefficients and resampling and FT are linear
 * maps, so the FT below rbkg and the clamped chi values are precomputed as affine functions of the
 * coefficients; the Levenberg-Marquardt minimisation (Commons Math {@link LevenbergMarquardtOptimizer})
 * then uses the exact Jacobian and costs microseconds per iteration. The result is the same
 * minimum Larch's MINPACK leastsq (finite-difference Jacobian) converges to.
 *
 * <p>Energy upper limit: {@link Params#emax()} drops data above it before anything else (e.g. the
 * L3 EXAFS ends before the L2 edge). Not done: Larch's chi_std/k_std option and the uncertainty
 * estimates (delta_chi, delta_bkg).
 *
 * <h2>References</h2>
 * <ul>
 * <li>M. Newville, P. Livins, Y. Yacoby, J.J. Rehr, E.A. Stern, Near-edge x-ray-absorption fine
 * structure of Pb: a comparison of theory and experiment, Phys. Rev. B 47 (1993) 14126 (AUTOBK).</li>
 * <li>M. Newville, IFEFFIT, J. Synchrotron Rad. 8 (2001) 322.</li>
 * <li>Larch source {@code xraypy/xraylarch larch/xafs/autobk.py} (0.9.58).</li>
 * </ul>
 */
public final class Autobk {

    /** Shortest k range (1/A) accepted for a background spline. */
    public static final double MIN_K_RANGE = 1.0;

    private Autobk() {
    }

    private static final java.util.concurrent.ConcurrentHashMap<Integer, double[][]> TWIDDLES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** cos and sin of 2 pi j / nfft, j = 0..nfft-1 (cached per nfft). */
    private static double[][] twiddles(int nfft) {
        return TWIDDLES.computeIfAbsent(nfft, n -> {
            double[] c = new double[n];
            double[] s = new double[n];
            for (int j = 0; j < n; j++) {
                c[j] = Math.cos(2 * Math.PI * j / n);
                s[j] = Math.sin(2 * Math.PI * j / n);
            }
            return new double[][] {c, s};
        });
    }

    /**
     * Autobk parameters (Larch names). NaN means "determine" (e0, edgeStep, kmax, emax = no limit),
     * nknots -1 means from rbkg.
     *
     * @param preEdge parameters for the pre_edge run that finds e0/edge step when they are not given
     */
    public record Params(double rbkg, int nknots, double e0, double edgeStep, double kmin, double kmax,
                         double kweight, double dk, String win, int nfft, double kstep, int nclamp, double clampLo,
                         double clampHi, double emax, PreEdgeNormalization.Params preEdge) {
        public Params {
            if (!(rbkg > 0) || !Double.isFinite(rbkg)) {
                throw new IllegalArgumentException("rbkg must be > 0 (Angstrom), got " + rbkg);
            }
            if (nknots != -1 && (nknots < 5 || nknots > 128)) {
                throw new IllegalArgumentException("nknots must be -1 (from rbkg) or 5..128, got " + nknots);
            }
            if (!(kmin >= 0) || !Double.isFinite(kmin)) {
                throw new IllegalArgumentException("kmin must be >= 0, got " + kmin);
            }
            if (!Double.isNaN(kmax) && !(kmax > kmin)) {
                throw new IllegalArgumentException("kmax must be > kmin, got kmin=" + kmin + " kmax=" + kmax);
            }
            if (!Double.isFinite(kweight) || !(dk >= 0)) {
                throw new IllegalArgumentException("kweight must be finite and dk >= 0");
            }
            if (nfft < 16 || Integer.bitCount(nfft) != 1) {
                throw new IllegalArgumentException("nfft must be a power of two >= 16, got " + nfft);
            }
            if (!(kstep > 0)) {
                throw new IllegalArgumentException("kstep must be > 0, got " + kstep);
            }
            if (nclamp < 0) {
                throw new IllegalArgumentException("nclamp must be >= 0, got " + nclamp);
            }
            if (preEdge == null) {
                preEdge = PreEdgeNormalization.Params.defaults();
            }
            // validates the window name
            XafsFT.ftwindow(new double[] {0, 1, 2}, 0, 2, 1, 1, win);
        }

        /** Larch defaults: rbkg 1, kmin 0, kmax = data, kweight 1, dk 0.1, hanning, nfft 2048, kstep 0.05, nclamp 3, clamp_lo 0, clamp_hi 1. */
        public static Params defaults() {
            return new Params(1.0, -1, Double.NaN, Double.NaN, 0, Double.NaN, 1, 0.1, "hanning", 2048, 0.05, 3, 0, 1,
                    Double.NaN, PreEdgeNormalization.Params.defaults());
        }

        public Params withRbkg(double v) {
            return new Params(v, nknots, e0, edgeStep, kmin, kmax, kweight, dk, win, nfft, kstep, nclamp, clampLo,
                    clampHi, emax, preEdge);
        }

        public Params withE0(double v) {
            return new Params(rbkg, nknots, v, edgeStep, kmin, kmax, kweight, dk, win, nfft, kstep, nclamp, clampLo,
                    clampHi, emax, preEdge);
        }

        public Params withEdgeStep(double v) {
            return new Params(rbkg, nknots, e0, v, kmin, kmax, kweight, dk, win, nfft, kstep, nclamp, clampLo,
                    clampHi, emax, preEdge);
        }

        public Params withKRange(double kmin, double kmax) {
            return new Params(rbkg, nknots, e0, edgeStep, kmin, kmax, kweight, dk, win, nfft, kstep, nclamp, clampLo,
                    clampHi, emax, preEdge);
        }

        public Params withKweight(double v) {
            return new Params(rbkg, nknots, e0, edgeStep, kmin, kmax, v, dk, win, nfft, kstep, nclamp, clampLo,
                    clampHi, emax, preEdge);
        }

        public Params withWindow(String w, double dk) {
            return new Params(rbkg, nknots, e0, edgeStep, kmin, kmax, kweight, dk, w, nfft, kstep, nclamp, clampLo,
                    clampHi, emax, preEdge);
        }

        public Params withClamps(int nclamp, double lo, double hi) {
            return new Params(rbkg, nknots, e0, edgeStep, kmin, kmax, kweight, dk, win, nfft, kstep, nclamp, lo, hi,
                    emax, preEdge);
        }

        public Params withNknots(int v) {
            return new Params(rbkg, v, e0, edgeStep, kmin, kmax, kweight, dk, win, nfft, kstep, nclamp, clampLo,
                    clampHi, emax, preEdge);
        }

        /** Use only data with E &lt;= emax (eV); NaN = all data. */
        public Params withEmax(double v) {
            return new Params(rbkg, nknots, e0, edgeStep, kmin, kmax, kweight, dk, win, nfft, kstep, nclamp, clampLo,
                    clampHi, v, preEdge);
        }

        public Params withPreEdge(PreEdgeNormalization.Params v) {
            return new Params(rbkg, nknots, e0, edgeStep, kmin, kmax, kweight, dk, win, nfft, kstep, nclamp, clampLo,
                    clampHi, emax, v);
        }
    }

    /**
     * Autobk output.
     *
     * @param energy   energies used (after the emax cut), eV
     * @param bkg      background mu0(E) on {@code energy} (equal to mu below e0 and above the fitted range, as Larch)
     * @param k        uniform k grid 0, kstep, ... kmax (1/A)
     * @param chi      chi(k) = (mu - mu0)/edge_step on k
     * @param knotsK   k of the spline knots (data points)
     * @param kmax     kmax used; kmin, rbkg used likewise
     * @param irbkg    number of FT points below rbkg that were minimised
     * @param evaluations residual evaluations of the optimiser
     */
    public record Result(double e0, double edgeStep, double[] energy, double[] mu, double[] bkg, double[] k,
                         double[] chi, int nknots, double[] knotsK, double[] knotsCoef, double kmin, double kmax,
                         double rbkg, int irbkg, int evaluations, Params params) {
    }

    /**
     * General affine model: every row h (FT below rbkg, clamp values) of the linear map acting on
     * chi(kout) is pulled back through the spline evaluation and the interpolation solve,
     * g = C^-T Eout^T h, so each background basis column is a short sum over its local support.
     * Returns mat[row][j] (j < nspl: basis j; j = nspl: the data mu).
     */
    private static double[][] generalModel(CubicBSpline.Evaluator bAtData, double[] mt,
                                           CubicBSpline.Interpolator chiInterp, CubicBSpline.Evaluator chiAtOut,
                                           double[] ftwin, double sc, int irbkg, int nclamp, int nfft, double[][] tw,
                                           int nspl, int m) {
        int nk = ftwin.length;
        int nout = 2 * irbkg;
        int nrows = nout + 2 * nclamp;
        double[][] g = new double[nrows][m];
        double[] cosTab = tw[0];
        double[] sinTab = tw[1];
        int mask = nfft - 1;
        for (int i = 0; i < nk; i++) {
            double w = ftwin[i] * sc;
            if (w == 0) {
                continue;
            }
            int s0 = chiAtOut.span[i] - 3;
            double n0 = chiAtOut.nb[4 * i];
            double n1 = chiAtOut.nb[4 * i + 1];
            double n2 = chiAtOut.nb[4 * i + 2];
            double n3 = chiAtOut.nb[4 * i + 3];
            for (int r = 0; r < irbkg; r++) {
                int idx = (i * r) & mask; // exp(-2 pi i n r / nfft), nfft a power of two
                double hc = cosTab[idx] * w;
                double hs = -sinTab[idx] * w;
                double[] gr = g[2 * r];
                double[] gi = g[2 * r + 1];
                gr[s0] += hc * n0;
                gr[s0 + 1] += hc * n1;
                gr[s0 + 2] += hc * n2;
                gr[s0 + 3] += hc * n3;
                gi[s0] += hs * n0;
                gi[s0 + 1] += hs * n1;
                gi[s0 + 2] += hs * n2;
                gi[s0 + 3] += hs * n3;
            }
        }
        for (int q = 0; q < 2 * nclamp; q++) {
            int ik = q < nclamp ? q : nk - 2 * nclamp + q;
            int s0 = chiAtOut.span[ik] - 3;
            for (int d = 0; d < 4; d++) {
                g[nout + q][s0 + d] += chiAtOut.nb[4 * ik + d];
            }
        }
        for (double[] row : g) {
            chiInterp.solveTransposeInPlace(row);
        }
        // mat[l][j] = row l applied to basis j (j < nspl), mat[l][nspl] = row l applied to mt
        double[][] mat = new double[nrows][nspl + 1];
        for (int l = 0; l < nrows; l++) {
            double[] gl = g[l];
            double[] ml = mat[l];
            double smu = 0;
            for (int i = 0; i < m; i++) {
                double gv = gl[i];
                smu += gv * mt[i];
                int s0 = bAtData.span[i] - 3;
                int b = 4 * i;
                ml[s0] += gv * bAtData.nb[b];
                ml[s0 + 1] += gv * bAtData.nb[b + 1];
                ml[s0 + 2] += gv * bAtData.nb[b + 2];
                ml[s0 + 3] += gv * bAtData.nb[b + 3];
            }
            ml[nspl] = smu;
        }
        return mat;
    }

    /**
     * True when every interior knot of the background spline (knots_k[2..n-3]) is one of the interior
     * knots kt[2..m-3] of the not-a-knot interpolant that resamples chi onto the k grid. Then each
     * background basis function lies in the interpolant's spline space and is reproduced exactly, so
     * interpolating (mu - bkg) equals interpolating mu minus evaluating bkg on the grid.
     */
    static boolean knotsAreDataKnots(double[] splK, double[] kt) {
        int m = kt.length;
        int j = 2;
        for (int i = 2; i <= splK.length - 3; i++) {
            while (j <= m - 3 && kt[j] < splK[i]) {
                j++;
            }
            if (j > m - 3 || kt[j] != splK[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Affine model when {@link #knotsAreDataKnots} holds (the usual case): the background basis is
     * evaluated directly on the k grid (local support: 4 knot intervals) and only mu is resampled.
     */
    private static double[][] localModel(CubicBSpline bspl, double[] kout, double[] mt,
                                         CubicBSpline.Interpolator chiInterp, CubicBSpline.Evaluator chiAtOut,
                                         double[] ftwin, double sc, int irbkg, int nclamp, int nfft, double[][] tw) {
        int nk = kout.length;
        int nspl = bspl.size();
        int nout = 2 * irbkg;
        double[][] mat = new double[nout + 2 * nclamp][nspl + 1];
        double[] cmu = mt.clone();
        chiInterp.solveInPlace(cmu);
        double[] vmu = new double[nk];
        chiAtOut.eval(cmu, vmu);
        CubicBSpline.Evaluator bAtOut = bspl.evaluator(kout);
        double[] cosTab = tw[0];
        double[] sinTab = tw[1];
        int mask = nfft - 1;
        for (int i = 0; i < nk; i++) {
            double w = ftwin[i] * sc;
            if (w == 0) {
                continue;
            }
            int s0 = bAtOut.span[i] - 3;
            double n0 = bAtOut.nb[4 * i];
            double n1 = bAtOut.nb[4 * i + 1];
            double n2 = bAtOut.nb[4 * i + 2];
            double n3 = bAtOut.nb[4 * i + 3];
            double vm = vmu[i];
            for (int r = 0; r < irbkg; r++) {
                int idx = (i * r) & mask; // exp(-2 pi i n r / nfft), nfft a power of two
                double hc = cosTab[idx] * w;
                double hs = -sinTab[idx] * w;
                double[] mr = mat[2 * r];
                double[] mi = mat[2 * r + 1];
                mr[s0] += hc * n0;
                mr[s0 + 1] += hc * n1;
                mr[s0 + 2] += hc * n2;
                mr[s0 + 3] += hc * n3;
                mr[nspl] += hc * vm;
                mi[s0] += hs * n0;
                mi[s0 + 1] += hs * n1;
                mi[s0 + 2] += hs * n2;
                mi[s0 + 3] += hs * n3;
                mi[nspl] += hs * vm;
            }
        }
        for (int q = 0; q < 2 * nclamp; q++) {
            int ik = q < nclamp ? q : nk - 2 * nclamp + q;
            int s0 = bAtOut.span[ik] - 3;
            for (int d = 0; d < 4; d++) {
                mat[nout + q][s0 + d] += bAtOut.nb[4 * ik + d];
            }
            mat[nout + q][nspl] = vmu[ik];
        }
        return mat;
    }

    /** {@link #autobk(double[], double[], Params)} with Larch defaults. */
    public static Result autobk(double[] energy, double[] mu) {
        return autobk(energy, mu, Params.defaults());
    }

    /**
     * Runs AUTOBK.
     *
     * @throws IllegalArgumentException for bad arrays, e0 outside the data, or a k range with too few
     *                                  points for the spline
     */
    public static Result autobk(double[] energyIn, double[] muIn, Params p) {
        return autobk(energyIn, muIn, p, true);
    }

    /** allowLocal = false forces the general model (tests compare both). */
    static Result autobk(double[] energyIn, double[] muIn, Params p, boolean allowLocal) {
        XasMath.checkEnergy(energyIn, 7, "autobk");
        XasMath.checkMu(energyIn, muIn, "autobk");
        double[] energy = energyIn;
        double[] mu = muIn;
        if (!Double.isNaN(p.emax())) {
            int n = 0;
            while (n < energyIn.length && energyIn[n] <= p.emax()) {
                n++;
            }
            if (n < 7) {
                throw new IllegalArgumentException("autobk: only " + n + " data points below emax = " + p.emax()
                        + " eV (data start at " + energyIn[0] + " eV)");
            }
            energy = Arrays.copyOf(energyIn, n);
            mu = Arrays.copyOf(muIn, n);
        }
        int n = energy.length;
        double e0 = p.e0();
        double step = p.edgeStep();
        if (!Double.isNaN(e0) && (e0 < energy[0] || e0 > energy[n - 1])) {
            throw new IllegalArgumentException("autobk: e0 = " + e0 + " eV is outside the data range [" + energy[0]
                    + ", " + energy[n - 1] + "] eV");
        }
        if (Double.isNaN(e0) || Double.isNaN(step)) {
            PreEdgeNormalization.Result pre = PreEdgeNormalization.normalize(energy, mu, p.preEdge());
            if (Double.isNaN(e0)) {
                e0 = pre.e0();
            }
            if (Double.isNaN(step)) {
                step = pre.edgeStep();
            }
        }
        int ie0 = XasMath.indexOf(energy, e0);
        double kstep = p.kstep();
        int nfft = p.nfft();
        double rgrid = Math.PI / (kstep * nfft);
        double rbkg = Math.max(p.rbkg(), 2 * rgrid);
        int nraw = n - ie0;
        double[] kraw = new double[nraw];
        double kRawMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < nraw; i++) {
            double d = energy[ie0 + i] - e0;
            kraw[i] = Math.signum(d) * Math.sqrt(XasMath.ETOK * Math.abs(d));
            kRawMax = Math.max(kRawMax, kraw[i]);
        }
        double kmin = p.kmin();
        double kmax = Double.isNaN(p.kmax()) ? kRawMax : Math.max(0, Math.min(kRawMax, p.kmax()));
        if (!(kmax >= kmin + MIN_K_RANGE)) {
            throw new IllegalArgumentException("autobk: the data above e0 = " + e0 + " eV reach k = " + kRawMax
                    + " 1/A only; the k range [" + kmin + ", " + kmax + "] is too short for a background spline (at least "
                    + MIN_K_RANGE + " 1/A needed)"
                    + " (edge near the end of the data?)");
        }
        int nk = (int) (1.01 + kmax / kstep);
        double[] kout = new double[nk];
        for (int i = 0; i < nk; i++) {
            kout[i] = kstep * i;
        }
        int iemax = Math.min(n, 2 + XasMath.indexOf(energy, e0 + kmax * kmax / XasMath.ETOK)) - 1;
        double[] win = XafsFT.ftwindow(kout, kmin, kmax, p.dk(), p.dk(), p.win());
        double[] ftwin = new double[nk];
        for (int i = 0; i < nk; i++) {
            ftwin[i] = Math.pow(kout[i], p.kweight()) * win[i];
        }
        int nspl = 1 + (int) (2 * rbkg * (kmax - kmin) / Math.PI);
        int irbkg = (int) (1 + (nspl - 1) * Math.PI / (2 * rgrid * (kmax - kmin)));
        if (p.nknots() > 0) {
            nspl = p.nknots();
        }
        nspl = Math.max(5, Math.min(128, nspl));
        irbkg = Math.min(irbkg, nfft / 2);

        double[] splK = new double[nspl];
        double[] splY = new double[nspl];
        for (int i = 0; i < nspl; i++) {
            double q = kmin + i * (kmax - kmin) / (nspl - 1);
            int ik = XasMath.indexNearest(kraw, q);
            int i1 = Math.min(nraw - 1, ik + 5);
            int i2 = Math.max(0, ik - 5);
            splK[i] = kraw[ik];
            splY[i] = (2 * mu[ik + ie0] + mu[i1 + ie0] + mu[i2 + ie0]) / 4.0;
            if (i > 0 && !(splK[i] > splK[i - 1])) {
                throw new IllegalArgumentException("autobk: too few data points for " + nspl + " spline knots between k = "
                        + kmin + " and " + kmax + " 1/A (two knots fall on the data point at E = "
                        + energy[ik + ie0] + " eV); lower rbkg or set nknots");
            }
        }
        CubicBSpline bspl = new CubicBSpline(splK);
        double[] coef0 = splY.clone();
        bspl.interpolator(splK).solveInPlace(coef0);

        // fitted data: kraw[0 .. iemax-ie0], mu[ie0 .. iemax]
        int m = iemax - ie0 + 1;
        if (m < 4) {
            throw new IllegalArgumentException("autobk: only " + m + " data points between e0 and kmax");
        }
        double[] kt = Arrays.copyOf(kraw, m);
        double[] mt = Arrays.copyOfRange(mu, ie0, iemax + 1);
        CubicBSpline.Evaluator bAtData = bspl.evaluator(kt);
        CubicBSpline chiSpl = new CubicBSpline(kt);
        CubicBSpline.Interpolator chiInterp = chiSpl.interpolator(kt);
        CubicBSpline.Evaluator chiAtOut = chiSpl.evaluator(kout);

        // Affine model: chi(kout) = Eout C^-1 (mt - B c), with C the collocation matrix on kt, Eout the
        // spline evaluation at kout, B the background basis at kt; the FT below rbkg and the clamped chi
        // values are rows of a linear map of chi(kout), tabulated once per basis function.
        final int nclamp = Math.min(p.nclamp(), nk / 2);
        double sc = kstep / Math.sqrt(Math.PI);
        int nout = 2 * irbkg;
        double[][] tw = twiddles(nfft);
        double[][] mat = allowLocal && knotsAreDataKnots(splK, kt)
                ? localModel(bspl, kout, mt, chiInterp, chiAtOut, ftwin, sc, irbkg, nclamp, nfft, tw)
                : generalModel(bAtData, mt, chiInterp, chiAtOut, ftwin, sc, irbkg, nclamp, nfft, tw, nspl, m);
        // ft[j][l] / cl[j][q] in the layout the model below uses
        double[][] ft = new double[nspl + 1][nout];
        double[][] cl = new double[nspl + 1][2 * nclamp];
        for (int j = 0; j <= nspl; j++) {
            for (int l = 0; l < nout; l++) {
                ft[j][l] = mat[l][j];
            }
            for (int q = 0; q < 2 * nclamp; q++) {
                cl[j][q] = mat[nout + q][j];
            }
        }
        final double clo = Math.abs(p.clampLo());
        final double chi2 = Math.abs(p.clampHi());
        final int nres = nout + 2 * nclamp;
        final int ns = nspl;
        final double[][] vv = cl;
        final double[][] ff = ft;

        MultivariateJacobianFunction model = point -> {
            double[] c = point.toArray();
            double[] out = new double[nout];
            for (int l = 0; l < nout; l++) {
                double s = ff[ns][l];
                for (int j = 0; j < ns; j++) {
                    s -= c[j] * ff[j][l];
                }
                out[l] = s;
            }
            double[] res = new double[nres];
            System.arraycopy(out, 0, res, 0, nout);
            double[][] jac = new double[nres][ns];
            for (int l = 0; l < nout; l++) {
                for (int j = 0; j < ns; j++) {
                    jac[l][j] = -ff[j][l];
                }
            }
            if (nclamp > 0) {
                double ss = 0;
                for (double o : out) {
                    ss += o * o;
                }
                double scale = 1.0 + 100 * ss / nout;
                double[] dscale = new double[ns];
                for (int j = 0; j < ns; j++) {
                    double d = 0;
                    for (int l = 0; l < nout; l++) {
                        d += out[l] * -ff[j][l];
                    }
                    dscale[j] = 200.0 * d / nout;
                }
                for (int q = 0; q < 2 * nclamp; q++) {
                    double w = q < nclamp ? clo : chi2;
                    double chiv = vv[ns][q];
                    for (int j = 0; j < ns; j++) {
                        chiv -= c[j] * vv[j][q];
                    }
                    res[nout + q] = w * scale * chiv;
                    for (int j = 0; j < ns; j++) {
                        jac[nout + q][j] = w * (scale * -vv[j][q] + chiv * dscale[j]);
                    }
                }
            }
            RealVector rv = new ArrayRealVector(res, false);
            RealMatrix jm = new Array2DRowRealMatrix(jac, false);
            return new Pair<>(rv, jm);
        };
        LeastSquaresProblem problem = new LeastSquaresBuilder()
                .model(model)
                .target(new double[nres])
                .start(coef0)
                .maxEvaluations(2000)
                .maxIterations(2000)
                .lazyEvaluation(false)
                .build();
        double[] coef;
        int evals;
        try {
            LeastSquaresOptimizer.Optimum opt = new LevenbergMarquardtOptimizer()
                    .withCostRelativeTolerance(1e-12)
                    .withParameterRelativeTolerance(1e-12)
                    .optimize(problem);
            coef = opt.getPoint().toArray();
            evals = opt.getEvaluations();
        } catch (TooManyEvaluationsException | TooManyIterationsException ex) {
            throw new IllegalArgumentException("autobk: background spline fit did not converge", ex);
        } catch (org.apache.commons.math3.exception.ConvergenceException ex) {
            // Levenberg-Marquardt's QR of the Jacobian fails when the data leave spline coefficients
            // undetermined (found by fuzzing: a spectrum whose energies crowd a few knots)
            throw new IllegalArgumentException("autobk: background spline fit is singular, the data do not determine"
                    + " its " + coef0.length + " coefficients (" + ex.getMessage() + ")", ex);
        }

        double[] bkgFit = new double[m];
        bAtData.eval(coef, bkgFit);
        double[] resid = new double[m];
        for (int i = 0; i < m; i++) {
            resid[i] = mt[i] - bkgFit[i];
        }
        chiInterp.solveInPlace(resid);
        double[] chi = new double[nk];
        chiAtOut.eval(resid, chi);
        for (int i = 0; i < nk; i++) {
            chi[i] /= step;
        }
        double[] bkg = mu.clone();
        System.arraycopy(bkgFit, 0, bkg, ie0, m);
        return new Result(e0, step, energy.clone(), mu.clone(), bkg, kout, chi, nspl, splK, coef, kmin, kmax, rbkg,
                irbkg, evals, p);
    }
}
