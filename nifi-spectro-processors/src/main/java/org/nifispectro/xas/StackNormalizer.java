package org.nifispectro.xas;

import java.util.Arrays;

/**
 * Fast pre-edge / post-edge normalization of many spectra that share ONE energy grid (XANES image
 * stacks: e.g. 387,000 pixels x 1024 energies, float32), for NormalizeSpectra and RejectLowSNR.
 *
 * <h2>Algorithm</h2>
 * The fit ranges are fixed once for the whole stack, from a reference edge energy e0ref (typically
 * e0 of the mean spectrum, see {@link #prepareFromMean}) with Larch's {@code pre_edge} rules and
 * parameter names (pre1, pre2, norm1, norm2, nnorm; see {@link PreEdgeNormalization}). With fixed
 * ranges the pre-edge line and the post-edge polynomial are linear least-squares problems with a
 * fixed design matrix, so their pseudo-inverses are computed once (QR, Commons Math) and each
 * pixel costs a few dot products. Per pixel:
 * <ul>
 * <li>e0: energy of the derivative maximum inside the window (Larch {@code find_e0} rule, with an
 * optional search half-width around e0ref to ignore noise far from the edge);</li>
 * <li>pre-edge line a0 + a1 (E - e0ref) over [e0ref+pre1, e0ref+pre2]; the pre-edge noise is the RMS
 * residual of that fit, sqrt(sum r^2 / (m - 2));</li>
 * <li>post-edge polynomial of degree nnorm fitted to mu - line over [e0ref+norm1, e0ref+norm2];
 * edge step = |polynomial at the pixel's e0|; norm = (mu - line) / step.</li>
 * </ul>
 * A pixel whose window contains NaN/Inf, or whose edge step is 0 or below 1e-6 of its absorption
 * level at e0 (round-off of a flat spectrum), gets NaN for step, noise and norm (RejectLowSNR then
 * rejects it; nothing is dropped silently). A pixel in which no point passes Larch's find_e0 test
 * gets e0ref instead of Larch's fallback (the first energy). nvict is not supported here (0).
 *
 * <h2>Memory and threads</h2>
 * Works on slabs: the caller passes a pixel-major float array holding any number of spectra (pixel
 * p at [p*nE, (p+1)*nE), nE = full grid length) and output arrays; nothing is retained. A prepared
 * instance is immutable and may be used from several threads at once on different slabs.
 *
 * <h2>References</h2>
 * Larch {@code pre_edge} (xraylarch 0.9.58, {@code larch/xafs/pre_edge.py}); Duan et al., Sci. Rep. 6
 * (2016) 34406 for the stack use case.
 */
public final class StackNormalizer {

    private final double[] energy;
    private final int nE;
    private final int from;
    private final int nWin;
    private final double e0Ref;
    private final double pre1;
    private final double pre2;
    private final double norm1;
    private final double norm2;
    private final int nnorm;
    private final int p1;
    private final int p2;
    private final int q1;
    private final int q2;
    private final int s1;
    private final int s2;
    /** pre-line pseudo-inverse, 2 x (p2-p1), row-major. */
    private final double[] pinvPre;
    /** post-edge pseudo-inverse, (nnorm+1) x (q2-q1), row-major. */
    private final double[] pinvPost;
    /** E - e0ref over the window. */
    private final double[] t;
    /** Index of the energy nearest e0Ref: the e0 of a pixel whose derivative has no qualifying peak. */
    private final int iNearestRef;
    /** 1 / (E[i+1] - E[i-1]) style derivative denominators over the window. */
    private final double[] invDe;

    private StackNormalizer(double[] energy, int from, int to, double e0Ref, double[] rr, double e0Search) {
        this.energy = energy.clone();
        this.nE = energy.length;
        this.from = from;
        this.nWin = to - from;
        this.e0Ref = e0Ref;
        this.pre1 = rr[0];
        this.pre2 = rr[1];
        this.norm1 = rr[2];
        this.norm2 = rr[3];
        this.nnorm = (int) rr[4];
        double[] e = Arrays.copyOfRange(energy, from, to);
        int n = e.length;
        int a1 = XasMath.indexOf(e, pre1 + e0Ref);
        int a2 = XasMath.indexNearest(e, pre2 + e0Ref);
        if (a2 - a1 < 2) {
            a2 = Math.min(n, a1 + 2);
        }
        if (a2 - a1 < 3) {
            throw new IllegalArgumentException("stack pre-edge range [" + (e0Ref + pre1) + ", " + (e0Ref + pre2)
                    + "] eV holds " + (a2 - a1) + " energies; at least 3 are needed to fit a line and estimate noise");
        }
        int b1 = XasMath.indexOf(e, norm1 + e0Ref);
        int b2 = XasMath.indexNearest(e, norm2 + e0Ref);
        if (b2 - b1 < 2) {
            b2 = Math.min(n, b1 + 2);
        }
        if (b2 - b1 < nnorm + 1) {
            throw new IllegalArgumentException("stack post-edge range [" + (e0Ref + norm1) + ", " + (e0Ref + norm2)
                    + "] eV holds " + (b2 - b1) + " energies, a polynomial of degree " + nnorm + " needs " + (nnorm + 1));
        }
        this.p1 = a1;
        this.p2 = a2;
        this.q1 = b1;
        this.q2 = b2;
        this.t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = e[i] - e0Ref;
        }
        this.iNearestRef = XasMath.indexNearest(t, 0.0);
        this.pinvPre = flatten(XasMath.pseudoInverse(design(t, a1, a2, 1)));
        this.pinvPost = flatten(XasMath.pseudoInverse(design(t, b1, b2, nnorm)));
        this.invDe = new double[n];
        invDe[0] = 1.0 / (e[1] - e[0]);
        invDe[n - 1] = 1.0 / (e[n - 1] - e[n - 2]);
        for (int i = 1; i < n - 1; i++) {
            invDe[i] = 1.0 / (e[i + 1] - e[i - 1]);
        }
        if (Double.isNaN(e0Search) || e0Search <= 0) {
            s1 = 0;
            s2 = n;
        } else {
            int lo = 0;
            while (lo < n && e[lo] < e0Ref - e0Search) {
                lo++;
            }
            int hi = lo;
            while (hi < n && e[hi] <= e0Ref + e0Search) {
                hi++;
            }
            if (hi - lo < 3) {
                throw new IllegalArgumentException("e0 search range " + e0Ref + " +/- " + e0Search + " eV holds "
                        + (hi - lo) + " energies, at least 3 are needed");
            }
            s1 = lo;
            s2 = hi;
        }
    }

    private static double[][] design(double[] t, int a, int b, int deg) {
        double[][] d = new double[b - a][deg + 1];
        for (int i = a; i < b; i++) {
            double p = 1;
            for (int j = 0; j <= deg; j++) {
                d[i - a][j] = p;
                p *= t[i];
            }
        }
        return d;
    }

    private static double[] flatten(double[][] m) {
        int r = m.length;
        int c = m[0].length;
        double[] out = new double[r * c];
        for (int i = 0; i < r; i++) {
            System.arraycopy(m[i], 0, out, i * c, c);
        }
        return out;
    }

    /**
     * Prepares a normalizer with ranges fixed from an explicit reference edge energy.
     *
     * @param energy   the shared energy grid (eV, strictly increasing)
     * @param emin     lower end of the edge window (eV; use -Infinity for the whole grid)
     * @param emax     upper end of the edge window (eV; use +Infinity for the whole grid)
     * @param params   Larch-style parameters; {@code params.e0()} must be set (the reference e0),
     *                 pre1..nnorm NaN/-1 take Larch's defaults computed on the window
     * @param e0Search half-width (eV) around e0ref in which each pixel's e0 is searched; NaN = whole window
     */
    public static StackNormalizer prepare(double[] energy, double emin, double emax, PreEdgeNormalization.Params params,
                                          double e0Search) {
        XasMath.checkEnergy(energy, 7, "stack energy axis");
        if (Double.isNaN(params.e0())) {
            throw new IllegalArgumentException("StackNormalizer.prepare needs a reference e0 (params.e0), e.g. from "
                    + "the mean spectrum; use prepareFromMean to compute it");
        }
        if (params.nvict() != 0) {
            throw new IllegalArgumentException("StackNormalizer supports nvict = 0 only, got " + params.nvict());
        }
        int[] w = window(energy, emin, emax);
        double[] e = Arrays.copyOfRange(energy, w[0], w[1]);
        if (params.e0() < e[0] || params.e0() > e[e.length - 1]) {
            throw new IllegalArgumentException("reference e0 " + params.e0() + " eV is outside the edge window ["
                    + e[0] + ", " + e[e.length - 1] + "] eV");
        }
        int ie0 = XasMath.indexNearest(e, params.e0());
        double[] rr = PreEdgeNormalization.resolveRanges(e, ie0, params);
        return new StackNormalizer(energy, w[0], w[1], e[ie0], rr, e0Search);
    }

    /**
     * Prepares a normalizer whose reference e0 and ranges are those Larch's rules choose for the
     * given reference (mean) spectrum inside the window.
     */
    public static StackNormalizer prepareFromMean(double[] energy, double[] meanMu, double emin, double emax,
                                                  PreEdgeNormalization.Params params, double e0Search) {
        XasMath.checkEnergy(energy, 7, "stack energy axis");
        int[] w = window(energy, emin, emax);
        PreEdgeNormalization.Result r = PreEdgeNormalization.normalizeWindow(energy, meanMu,
                energy[w[0]], energy[w[1] - 1], params);
        PreEdgeNormalization.Params fixed = new PreEdgeNormalization.Params(r.e0(), Double.NaN, r.pre1(), r.pre2(),
                r.norm1(), r.norm2(), r.nnorm(), 0, false);
        return prepare(energy, emin, emax, fixed, e0Search);
    }

    private static int[] window(double[] energy, double emin, double emax) {
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
                    + " of the " + energy.length + " stack energies, at least 7 are needed");
        }
        return new int[] {a, b};
    }

    /** Number of energies in the full grid (stride of the input). */
    public int gridLength() {
        return nE;
    }

    /** Number of energies inside the edge window (stride of the normalized output). */
    public int windowLength() {
        return nWin;
    }

    /** Index of the first window energy in the full grid. */
    public int windowStart() {
        return from;
    }

    /** The window energies (eV). */
    public double[] windowEnergy() {
        return Arrays.copyOfRange(energy, from, from + nWin);
    }

    public double e0Ref() {
        return e0Ref;
    }

    public double pre1() {
        return pre1;
    }

    public double pre2() {
        return pre2;
    }

    public double norm1() {
        return norm1;
    }

    public double norm2() {
        return norm2;
    }

    public int nnorm() {
        return nnorm;
    }

    /**
     * Normalizes {@code nSpectra} spectra stored pixel-major in {@code spectra} from index 0.
     *
     * @param normOut  receives nSpectra x windowLength() normalized values (pixel-major), or null
     * @param e0Out    per-pixel e0 (eV), length >= nSpectra, or null
     * @param stepOut  per-pixel edge step, or null
     * @param noiseOut per-pixel pre-edge noise (RMS residual of the pre-edge line), or null
     */
    public void normalize(float[] spectra, int nSpectra, float[] normOut, float[] e0Out, float[] stepOut,
                          float[] noiseOut) {
        normalize(spectra, 0, nSpectra, normOut, 0, e0Out, stepOut, noiseOut, 0);
    }

    /**
     * Slab version with offsets: spectrum p is read at {@code spectra[spectraOffset + p*gridLength()]},
     * written at {@code normOut[normOffset + p*windowLength()]} and {@code xxxOut[mapOffset + p]}.
     */
    public void normalize(float[] spectra, int spectraOffset, int nSpectra, float[] normOut, int normOffset,
                          float[] e0Out, float[] stepOut, float[] noiseOut, int mapOffset) {
        if (nSpectra < 0) {
            throw new IllegalArgumentException("nSpectra must be >= 0, got " + nSpectra);
        }
        long need = (long) spectraOffset + (long) nSpectra * nE;
        if (spectraOffset < 0 || need > spectra.length) {
            throw new IllegalArgumentException("spectra array holds " + spectra.length + " values, " + need
                    + " are needed for " + nSpectra + " spectra of " + nE + " energies from offset " + spectraOffset);
        }
        if (normOut != null && (long) normOffset + (long) nSpectra * nWin > normOut.length) {
            throw new IllegalArgumentException("normOut holds " + normOut.length + " values, "
                    + ((long) normOffset + (long) nSpectra * nWin) + " are needed");
        }
        for (float[] m : new float[][] {e0Out, stepOut, noiseOut}) {
            if (m != null && mapOffset + nSpectra > m.length) {
                throw new IllegalArgumentException("per-pixel output holds " + m.length + " values, "
                        + (mapOffset + nSpectra) + " are needed");
            }
        }
        final int np = nnorm + 1;
        final double[] post = new double[np];
        final double[] tt = t;
        final int n = nWin;
        final double[] dv = new double[n];
        for (int p = 0; p < nSpectra; p++) {
            final int base = spectraOffset + p * nE + from;
            // e0 from derivative maximum (Larch find_e0 rule) inside [s1, s2)
            int ie0 = e0Index(spectra, base, dv);
            // pre-edge line
            double a0 = 0;
            double a1 = 0;
            int mp = p2 - p1;
            for (int i = 0; i < mp; i++) {
                double v = spectra[base + p1 + i];
                a0 += pinvPre[i] * v;
                a1 += pinvPre[mp + i] * v;
            }
            double ss = 0;
            for (int i = p1; i < p2; i++) {
                double r = spectra[base + i] - (a0 + a1 * tt[i]);
                ss += r * r;
            }
            double noise = Math.sqrt(ss / (mp - 2));
            // post-edge polynomial on mu - line
            Arrays.fill(post, 0);
            int mq = q2 - q1;
            for (int i = 0; i < mq; i++) {
                double v = spectra[base + q1 + i] - (a0 + a1 * tt[q1 + i]);
                for (int j = 0; j < np; j++) {
                    post[j] += pinvPost[j * mq + i] * v;
                }
            }
            double te0 = tt[ie0];
            double step = 0;
            for (int j = np - 1; j >= 0; j--) {
                step = step * te0 + post[j];
            }
            step = Math.abs(step);
            // an edge step below float32 resolution of the absorption level is no edge (round-off only)
            boolean ok = step > 1e-6 * Math.abs(a0 + a1 * te0) && Double.isFinite(step) && Double.isFinite(noise);
            if (!ok) {
                step = Double.NaN;
                noise = Double.NaN;
            }
            if (e0Out != null) {
                e0Out[mapOffset + p] = (float) energy[from + ie0];
            }
            if (stepOut != null) {
                stepOut[mapOffset + p] = (float) step;
            }
            if (noiseOut != null) {
                noiseOut[mapOffset + p] = (float) noise;
            }
            if (normOut != null) {
                int ob = normOffset + p * n;
                if (ok) {
                    double inv = 1.0 / step;
                    for (int i = 0; i < n; i++) {
                        normOut[ob + i] = (float) ((spectra[base + i] - (a0 + a1 * tt[i])) * inv);
                    }
                } else {
                    Arrays.fill(normOut, ob, ob + n, Float.NaN);
                }
            }
        }
    }

    /**
     * Larch find_e0 on one window, restricted to the search range; falls back to e0ref's index. Each derivative
     * is computed once into {@code dv} (scratch, window length) and then scanned twice (maximum, then the first
     * peak above 10 % of it); computing it on the fly in both scans cost a quarter of the per-pixel time.
     */
    private int e0Index(float[] s, int base, double[] dv) {
        int n = nWin;
        int nmin = Math.max(3, (int) (n * 0.05));
        int lo = Math.max(nmin, s1);
        int hi = Math.min(n - nmin, s2); // exclusive for max search
        int start = Math.max(lo, 1);
        int last = Math.min(Math.min(n - nmin, s2 - 1), n - 2); // last index of the peak scan
        int dFrom = Math.max(0, Math.min(lo, start - 1));
        int dTo = Math.min(n - 1, Math.max(hi - 1, last + 1)); // inclusive
        if (dFrom <= dTo) {
            // the ends (one-sided differences) outside the loop, so the loop body has no branch on i
            int a = Math.max(dFrom, 1);
            int b = Math.min(dTo, n - 2);
            if (dFrom == 0) {
                dv[0] = deriv(s, base, 0, n);
            }
            for (int i = a; i <= b; i++) {
                double d = (s[base + i + 1] - s[base + i - 1]) * invDe[i];
                dv[i] = Double.isFinite(d) ? d : -1.0;
            }
            if (dTo == n - 1) {
                dv[n - 1] = deriv(s, base, n - 1, n);
            }
        }
        double maxd = Double.NEGATIVE_INFINITY;
        int imax = -1; // first index of the maximum
        for (int i = lo; i < hi; i++) {
            if (dv[i] > maxd) {
                maxd = dv[i];
                imax = i;
            }
        }
        double thr = 0.1 * maxd;
        // Shortcut, same result as the scan below: every index before imax has a smaller derivative, so when imax
        // passes the neighbour test the scan picks it, unless an index the maximum search did not cover (at most
        // the last one) has a larger derivative. True for almost every pixel (the maximum sits on the edge).
        if (maxd > 0 && imax >= start && imax <= last && dv[imax - 1] > thr && dv[imax + 1] > thr) {
            boolean larger = false;
            for (int i = Math.max(hi, start); i <= last; i++) {
                larger |= dv[i] > maxd;
            }
            if (!larger) {
                return imax;
            }
        }
        int best = -1;
        double bestVal = 0;
        for (int i = start; i <= last; i++) {
            // same test as "dCur > thr && dCur > bestVal && dv[i + 1] > thr && dv[i - 1] > thr", with the
            // three threshold tests (random on a noisy pre-edge: mispredicted branches, a third of the
            // per-pixel time in a profile) folded into one select
            double dCur = dv[i];
            boolean above = dv[i - 1] > thr & dCur > thr & dv[i + 1] > thr;
            double c = above ? dCur : Double.NEGATIVE_INFINITY;
            if (c > bestVal) {
                best = i;
                bestVal = c;
            }
        }
        return best < 0 ? iNearestRef : best;
    }

    private double deriv(float[] s, int base, int i, int n) {
        double d;
        if (i == 0) {
            d = (s[base + 1] - s[base]) * invDe[0];
        } else if (i == n - 1) {
            d = (s[base + n - 1] - s[base + n - 2]) * invDe[n - 1];
        } else {
            d = (s[base + i + 1] - s[base + i - 1]) * invDe[i];
        }
        return Double.isFinite(d) ? d : -1.0;
    }
}
