package org.nifispectro.xas;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.SingularMatrixException;

/**
 * MBACK normalization (Weng, Waldo and Penner-Hahn 2005): mu(E) is scaled and a smooth background
 * added so that, in the pre-edge and post-edge regions, it matches the tabulated f2(E) of the
 * absorber (Chantler tables, {@link ChantlerF2}); the edge step is then the jump of the matched
 * f2 curve. Follows Larch's {@code mback()} (xraylarch 0.9.58, {@code larch/xafs/mback.py}) with its
 * defaults: fit_erfc = false (the erfc term of Weng et al. is held at zero amplitude, so the model
 * s*mu(E) = f2(E) + c0 + c1 (E-e0) + ... + c_order (E-e0)^order is linear and is solved exactly by
 * QR least squares instead of Larch's MINPACK iterations), leexiang = false.
 *
 * <h2>Steps (Larch conventions)</h2>
 * <ol>
 * <li>e0 from {@link PreEdgeNormalization#findE0} unless given; pre1 = Emin - e0, pre2 = -50,
 * norm1 = 100, norm2 = Emax - e0 (eV relative to e0, clipped to the data).</li>
 * <li>Points in [e0+pre1, e0+pre2] and [e0+norm1, e0+norm2] (inclusive index ranges, Larch's
 * index_of / index_nearest) are fitted, each region weighted by 1/sqrt(its number of points).</li>
 * <li>The matched curve f2 + background goes through Larch's pre_edge with e0, the same ranges and
 * nnorm = 2; edge step = its step / s; norm = (s mu - its pre-edge line) / its step.</li>
 * </ol>
 * Limits: Z 1..92; only the K/L/M edge energy the data show is used (the edge name is not needed
 * without the erfc term).
 *
 * <h2>References</h2>
 * <ul>
 * <li>T.-C. Weng, G.S. Waldo, J.E. Penner-Hahn, J. Synchrotron Rad. 12 (2005) 506 (MBACK).</li>
 * <li>C.T. Chantler, J. Phys. Chem. Ref. Data 29 (2000) 597 (f2 tables).</li>
 * <li>Larch {@code mback} (xraylarch 0.9.58).</li>
 * </ul>
 */
public final class Mback {

    /** Larch MAXORDER. */
    public static final int MAX_ORDER = 6;

    private Mback() {
    }

    /**
     * @param element absorber symbol (e.g. "Fe")
     * @param e0      edge energy or NaN to find it
     * @param pre1    NaN = Emin - e0
     * @param pre2    Larch default -50
     * @param norm1   Larch default 100
     * @param norm2   NaN = Emax - e0
     * @param order   background polynomial order 0..6 (Larch default 3)
     */
    public record Params(String element, double e0, double pre1, double pre2, double norm1, double norm2, int order) {
        public Params {
            if (element == null || element.isBlank()) {
                throw new IllegalArgumentException("MBACK needs the absorbing element (Element.symbol)");
            }
            ChantlerF2.atomicNumber(element);
            if (order < 0 || order > MAX_ORDER) {
                throw new IllegalArgumentException("MBACK order must be 0.." + MAX_ORDER + ", got " + order);
            }
            if (Double.isNaN(pre2) || Double.isNaN(norm1)) {
                throw new IllegalArgumentException("MBACK pre2 and norm1 must be set (Larch defaults -50 and 100)");
            }
        }

        public static Params defaults(String element) {
            return new Params(element, Double.NaN, Double.NaN, -50, 100, Double.NaN, 3);
        }
    }

    /**
     * The fit regions of Larch's mback: pre1/pre2/norm1/norm2 resolved against the energy range (defaults,
     * negative norm2 from the end, clamped, swapped into order), the points fitted (theta) and their weights
     * (each region weighted by sqrt of its number of points, so 1/weight in the fit).
     */
    record Regions(double pre1, double pre2, double norm1, double norm2, boolean[] theta, double[] weight,
                   double escale) {

        static Regions of(double[] e, double e0, Params p) {
            int n = e.length;
            double emin = e[0];
            double emax = e[n - 1];
            double pre1 = Double.isNaN(p.pre1()) ? emin - e0 : p.pre1();
            double pre2 = p.pre2();
            double norm1 = p.norm1();
            double norm2 = Double.isNaN(p.norm2()) ? emax - e0 : p.norm2();
            if (norm2 < 0) {
                norm2 = emax - e0 - norm2;
            }
            pre1 = Math.max(pre1, emin - e0);
            norm2 = Math.min(norm2, emax - e0);
            if (pre1 > pre2) {
                double t = pre1;
                pre1 = pre2;
                pre2 = t;
            }
            if (norm1 > norm2) {
                double t = norm1;
                norm1 = norm2;
                norm2 = t;
            }
            int p1 = XasMath.indexOf(e, pre1 + e0);
            int p2 = XasMath.indexNearest(e, pre2 + e0);
            int n1 = XasMath.indexNearest(e, norm1 + e0);
            int n2 = XasMath.indexOf(e, norm2 + e0);
            if (p2 - p1 < 2) {
                p2 = Math.min(n, p1 + 2);
            }
            boolean[] theta = new boolean[n];
            double[] weight = new double[n];
            java.util.Arrays.fill(weight, 1.0);
            int pe = Math.min(n - 1, p2);
            int ne = Math.min(n - 1, n2);
            for (int i = p1; i <= pe; i++) {
                theta[i] = true;
                weight[i] = Math.sqrt(pe - p1 + 1);
            }
            for (int i = n1; i <= ne; i++) {
                theta[i] = true;
                weight[i] = Math.sqrt(ne - n1 + 1);
            }
            return new Regions(pre1, pre2, norm1, norm2, theta, weight,
                    Math.max(Math.abs(emin - e0), Math.abs(emax - e0)));
        }

        /** Number of fitted points; refuses fewer than {@code npar}. */
        int fitted(int npar) {
            int nfit = 0;
            for (boolean b : theta) {
                if (b) {
                    nfit++;
                }
            }
            if (nfit < npar) {
                throw new IllegalArgumentException("MBACK: the pre-edge and post-edge regions hold " + nfit
                        + " energies, " + npar + " parameters need more");
            }
            return nfit;
        }
    }

    /**
     * @param scale     s, the factor applied to mu
     * @param coefs     c0..c_order of the background in powers of (E - e0)
     * @param f2        tabulated f2 at the data energies
     * @param norm      normalized mu(E)
     */
    public record Result(double e0, double edgeStep, double scale, double[] coefs, double[] f2, double[] norm,
                         double pre1, double pre2, double norm1, double norm2) {
    }

    public static Result mback(double[] energy, double[] mu, Params p) {
        XasMath.checkEnergy(energy, 7, "mback");
        XasMath.checkMu(energy, mu, "mback");
        int n = energy.length;
        double e0 = p.e0();
        if (Double.isNaN(e0) || e0 < energy[1] || e0 > energy[n - 2]) {
            e0 = PreEdgeNormalization.findE0(energy, mu);
        }
        int ie0 = XasMath.indexNearest(energy, e0);
        e0 = energy[ie0];
        Regions reg = Regions.of(energy, e0, p);
        double pre1 = reg.pre1(), pre2 = reg.pre2(), norm1 = reg.norm1(), norm2 = reg.norm2();
        boolean[] theta = reg.theta();
        double[] weight = reg.weight();
        double[] f2 = ChantlerF2.f2(p.element(), energy);
        int order = p.order();
        int npar = order + 2;
        int nfit = reg.fitted(npar);
        double escale = reg.escale();
        double[][] a = new double[nfit][npar];
        double[] b = new double[nfit];
        int row = 0;
        for (int i = 0; i < n; i++) {
            if (!theta[i]) {
                continue;
            }
            double w = 1.0 / weight[i];
            double t = (energy[i] - e0) / escale;
            a[row][0] = -mu[i] * w; // s
            double pw = 1;
            for (int k = 0; k <= order; k++) {
                a[row][k + 1] = pw * w;
                pw *= t;
            }
            b[row] = -f2[i] * w;
            row++;
        }
        double[] x;
        try {
            x = new QRDecomposition(new Array2DRowRealMatrix(a, false), 1e-14).getSolver()
                    .solve(new ArrayRealVector(b, false)).toArray();
        } catch (SingularMatrixException ex) {
            throw new IllegalArgumentException("MBACK fit is singular (flat or constant mu?)", ex);
        }
        double s = x[0];
        double[] c = new double[order + 1];
        double sc = 1;
        for (int k = 0; k <= order; k++) {
            c[k] = x[k + 1] / sc;
            sc *= escale;
        }
        double[] matched = new double[n];
        for (int i = 0; i < n; i++) {
            matched[i] = f2[i] + XasMath.polyval(c, energy[i], e0);
        }
        PreEdgeNormalization.Result pf = PreEdgeNormalization.normalize(energy, matched,
                new PreEdgeNormalization.Params(e0, Double.NaN, pre1, pre2, norm1, norm2, 2, 0, false));
        double step = pf.edgeStep();
        double[] norm = new double[n];
        for (int i = 0; i < n; i++) {
            norm[i] = (s * mu[i] - pf.preEdge()[i]) / step;
        }
        return new Result(e0, step / Math.abs(s), s, c, f2, norm, pre1, pre2, norm1, norm2);
    }
}
