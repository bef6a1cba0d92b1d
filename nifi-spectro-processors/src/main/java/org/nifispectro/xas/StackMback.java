package org.nifispectro.xas;

import java.util.Arrays;

/**
 * MBACK normalization ({@link Mback}, Larch {@code mback} defaults) for many spectra on ONE shared
 * energy grid (image stacks), with e0 and all ranges fixed once from a reference edge energy
 * (e.g. e0 of the mean spectrum).
 *
 * <p>With e0 fixed, the MBACK model s*mu = f2 + sum_k c_k t^k (t = (E-e0)/scale) is linear: per
 * pixel only the (order+2) x (order+2) normal equations change through mu, so the f2 and
 * polynomial parts are precomputed and each pixel costs about (order+3) dot products over the fit
 * region plus a small Gaussian elimination (hand-written 8x8 solver with partial pivoting: a
 * Commons Math decomposition per pixel would allocate several objects for each of ~400,000 pixels).
 * The edge step Larch takes from pre_edge(f2 + background, nnorm = 2) is a linear functional of the
 * background coefficients, so it is also precomputed; likewise the pre-edge line subtracted in
 * the normalized output. Results equal {@link Mback#mback} run on each pixel with the same e0.
 *
 * <p>Pixels whose fit is singular, non-finite, or whose edge step is 0 get NaN step and norm.
 * Thread-safe and slab-oriented like {@link StackNormalizer} (pixel-major float arrays).
 */
public final class StackMback {

    private final int nE;
    private final int from;
    private final int nWin;
    private final int order;
    private final int npar;
    private final double e0;
    /** indices (in the window) of fitted points and their 1/w^2 */
    private final int[] fitIdx;
    private final double[] fitU;
    /** t^k at fitted points, [k][j] */
    private final double[][] tk;
    private final double[] f2Fit;
    /** fixed normal-equation parts */
    private final double[][] ppFixed;
    private final double[] pf2Fixed;
    /** step functional: stepRaw = stepF2 + sum c_k stepK[k] */
    private final double stepF2;
    private final double[] stepK;
    /** pre-edge lines (intercept, slope in E - e0) of f2 and of each t^k */
    private final double[] preF2;
    private final double[][] preK;
    /** E - e0 over the window */
    private final double[] de;

    private StackMback(double[] energy, int from, int to, Mback.Params p) {
        this.nE = energy.length;
        this.from = from;
        this.nWin = to - from;
        double[] e = Arrays.copyOfRange(energy, from, to);
        int n = e.length;
        double e0r = p.e0();
        if (Double.isNaN(e0r) || e0r < e[0] || e0r > e[n - 1]) {
            throw new IllegalArgumentException("StackMback needs a reference e0 inside the window [" + e[0] + ", "
                    + e[n - 1] + "] eV, got " + e0r);
        }
        int ie0 = XasMath.indexNearest(e, e0r);
        this.e0 = e[ie0];
        this.order = p.order();
        this.npar = order + 2;
        // ranges exactly as Mback / Larch mback
        Mback.Regions reg = Mback.Regions.of(e, e0, p);
        double pre1 = reg.pre1(), pre2 = reg.pre2(), norm1 = reg.norm1(), norm2 = reg.norm2();
        boolean[] theta = reg.theta();
        double[] weight = reg.weight();
        int nfit = reg.fitted(npar);
        double escale = reg.escale();
        double[] f2 = ChantlerF2.f2(p.element(), e);
        fitIdx = new int[nfit];
        fitU = new double[nfit];
        f2Fit = new double[nfit];
        tk = new double[order + 1][nfit];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (!theta[i]) {
                continue;
            }
            fitIdx[j] = i;
            fitU[j] = 1.0 / (weight[i] * weight[i]);
            f2Fit[j] = f2[i];
            double t = (e[i] - e0) / escale;
            double pw = 1;
            for (int k = 0; k <= order; k++) {
                tk[k][j] = pw;
                pw *= t;
            }
            j++;
        }
        ppFixed = new double[order + 1][order + 1];
        pf2Fixed = new double[order + 1];
        for (int a = 0; a <= order; a++) {
            for (int b = 0; b <= order; b++) {
                double s = 0;
                for (int q = 0; q < nfit; q++) {
                    s += fitU[q] * tk[a][q] * tk[b][q];
                }
                ppFixed[a][b] = s;
            }
            double s = 0;
            for (int q = 0; q < nfit; q++) {
                s += fitU[q] * f2Fit[q] * tk[a][q];
            }
            pf2Fixed[a] = s;
        }
        // Larch: pre_edge(energy, f2 + background, e0, pre1, pre2, norm1, norm2, nnorm=2, nvict=0)
        int a1 = XasMath.indexOf(e, pre1 + e0);
        int a2 = XasMath.indexNearest(e, pre2 + e0);
        if (a2 - a1 < 2) {
            a2 = Math.min(n, a1 + 2);
        }
        int b1 = XasMath.indexOf(e, norm1 + e0);
        int b2 = XasMath.indexNearest(e, norm2 + e0);
        if (b2 - b1 < 2) {
            b2 = Math.min(n, b1 + 2);
        }
        if (b2 - b1 < 3 || a2 - a1 < 2) {
            throw new IllegalArgumentException("MBACK edge step: the pre-edge or post-edge range is too short");
        }
        preF2 = new double[2];
        stepF2 = linearStep(e, f2, ie0, a1, a2, b1, b2, preF2);
        preK = new double[order + 1][2];
        de = new double[n];
        for (int i = 0; i < n; i++) {
            de[i] = e[i] - e0;
        }
        stepK = new double[order + 1];
        for (int k = 0; k <= order; k++) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = Math.pow((e[i] - e0) / escale, k);
            }
            stepK[k] = linearStep(e, y, ie0, a1, a2, b1, b2, preK[k]);
        }
    }

    /**
     * Signed Larch pre_edge step of y (line over [a1,a2), quadratic over [b1,b2)); stores the pre-edge
     * line as {intercept, slope} in (E - e0).
     */
    private static double linearStep(double[] e, double[] y, int ie0, int a1, int a2, int b1, int b2, double[] pre) {
        double e0 = e[ie0];
        double[] lc = XasMath.polyfit(e, y, a1, a2, 1, e0);
        pre[0] = lc[0];
        pre[1] = lc[1];
        double[] r = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            r[i] = y[i] - (lc[0] + lc[1] * (e[i] - e0));
        }
        double[] qc = XasMath.polyfit(e, r, b1, b2, 2, e0);
        return qc[0];
    }

    /**
     * @param energy  shared grid (eV)
     * @param emin    window start (eV), -Infinity for all
     * @param emax    window end (eV), +Infinity for all
     * @param params  {@link Mback.Params} with e0 set (reference e0)
     */
    public static StackMback prepare(double[] energy, double emin, double emax, Mback.Params params) {
        XasMath.checkEnergy(energy, 7, "stack energy axis");
        if (!(emin < emax)) {
            throw new IllegalArgumentException("edge window: emin (" + emin + " eV) must be below emax (" + emax + " eV)");
        }
        int a = 0;
        while (a < energy.length && energy[a] < emin) {
            a++;
        }
        int b = a;
        while (b < energy.length && energy[b] <= emax) {
            b++;
        }
        if (b - a < 7) {
            throw new IllegalArgumentException("edge window [" + emin + ", " + emax + "] eV holds " + (b - a)
                    + " stack energies, at least 7 are needed");
        }
        return new StackMback(energy, a, b, params);
    }

    public int windowLength() {
        return nWin;
    }

    public int windowStart() {
        return from;
    }

    public double e0() {
        return e0;
    }

    /**
     * Normalizes nSpectra spectra (pixel-major, stride = full grid length) into normOut (stride =
     * windowLength()); stepOut receives the MBACK edge step (in the unit of mu), either may be null.
     */
    public void normalize(float[] spectra, int spectraOffset, int nSpectra, float[] normOut, int normOffset,
                          float[] stepOut, int mapOffset) {
        if (nSpectra < 0 || spectraOffset < 0 || (long) spectraOffset + (long) nSpectra * nE > spectra.length) {
            throw new IllegalArgumentException("spectra array holds " + spectra.length + " values, "
                    + ((long) spectraOffset + (long) nSpectra * nE) + " are needed");
        }
        if (normOut != null && (long) normOffset + (long) nSpectra * nWin > normOut.length) {
            throw new IllegalArgumentException("normOut holds " + normOut.length + " values, "
                    + ((long) normOffset + (long) nSpectra * nWin) + " are needed");
        }
        if (stepOut != null && mapOffset + nSpectra > stepOut.length) {
            throw new IllegalArgumentException("stepOut holds " + stepOut.length + " values, " + (mapOffset + nSpectra)
                    + " are needed");
        }
        int np = npar;
        double[][] m = new double[np][np + 1];
        double[] x = new double[np];
        double[] mt = new double[order + 1];
        int nfit = fitIdx.length;
        for (int p = 0; p < nSpectra; p++) {
            int base = spectraOffset + p * nE + from;
            double smm = 0;
            double smf = 0;
            Arrays.fill(mt, 0);
            for (int q = 0; q < nfit; q++) {
                double mu = spectra[base + fitIdx[q]];
                double um = fitU[q] * mu;
                smm += um * mu;
                smf += um * f2Fit[q];
                for (int k = 0; k <= order; k++) {
                    mt[k] += um * tk[k][q];
                }
            }
            // unknowns [s, c0..cK]; residual = -s mu + sum c t^k + f2
            m[0][0] = smm;
            m[0][np] = smf;
            for (int k = 0; k <= order; k++) {
                m[0][k + 1] = -mt[k];
                m[k + 1][0] = -mt[k];
                for (int l = 0; l <= order; l++) {
                    m[k + 1][l + 1] = ppFixed[k][l];
                }
                m[k + 1][np] = -pf2Fixed[k];
            }
            boolean ok = solve(m, x, np);
            double s = x[0];
            double stepRaw = stepF2;
            for (int k = 0; k <= order && ok; k++) {
                stepRaw += x[k + 1] * stepK[k];
            }
            ok = ok && Double.isFinite(s) && s != 0 && Double.isFinite(stepRaw) && stepRaw != 0;
            double step = ok ? Math.abs(stepRaw) : Double.NaN;
            if (stepOut != null) {
                stepOut[mapOffset + p] = (float) (ok ? step / Math.abs(s) : Double.NaN);
            }
            if (normOut != null) {
                int ob = normOffset + p * nWin;
                if (!ok) {
                    Arrays.fill(normOut, ob, ob + nWin, Float.NaN);
                    continue;
                }
                double inv = 1.0 / step;
                double pa = preF2[0];
                double pb = preF2[1];
                for (int k = 0; k <= order; k++) {
                    pa += x[k + 1] * preK[k][0];
                    pb += x[k + 1] * preK[k][1];
                }
                double sInv = s * inv;
                double paInv = pa * inv;
                double pbInv = pb * inv;
                for (int i = 0; i < nWin; i++) {
                    normOut[ob + i] = (float) (sInv * spectra[base + i] - paInv - pbInv * de[i]);
                }
            }
        }
    }

    /** Gaussian elimination with partial pivoting on an augmented n x (n+1) matrix (destroyed). */
    private static boolean solve(double[][] a, double[] x, int n) {
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
                    piv = r;
                }
            }
            if (!(Math.abs(a[piv][c]) > 1e-300)) {
                return false;
            }
            double[] t = a[c];
            a[c] = a[piv];
            a[piv] = t;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                if (f != 0) {
                    for (int k = c; k <= n; k++) {
                        a[r][k] -= f * a[c][k];
                    }
                }
            }
        }
        for (int r = n - 1; r >= 0; r--) {
            double s = a[r][n];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return true;
    }
}
