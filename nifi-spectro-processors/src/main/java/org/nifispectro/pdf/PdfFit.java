package org.nifispectro.pdf;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * Real-space refinement of a simulated PDF against a measured G(r) (the "small-box" fit of
 * PDFgui/DiffPy-CMI, reduced to four parameters): overall scale, isotropic lattice expansion
 * (reported as lattice parameter a; all lengths scale together, angles fixed), one Uiso for all
 * atoms, and qdamp. Other settings (qmax, qbroad, delta1/2, ...) are taken from the given
 * parameters. Least squares by Commons Math Levenberg-Marquardt with a forward-difference
 * Jacobian; the residual is G_obs - G_calc on the data points in [rmin, rmax].
 *
 * <p>The data grid must be uniform; the model is evaluated on the same step and linearly
 * interpolated onto the data r values.
 *
 * <p>References: C. L. Farrow et al., J. Phys.: Condens. Matter 19 (2007) 335219 (PDFfit2/PDFgui);
 * P. Juhas et al., Acta Cryst. A71 (2015) 562 (DiffPy-CMI); K. Levenberg (1944), D. Marquardt (1963).
 */
public final class PdfFit {

    /**
     * Result of a fit.
     *
     * @param scale scale factor
     * @param a refined lattice parameter a, angstrom
     * @param uiso refined isotropic U, angstrom^2
     * @param qdamp refined qdamp, 1/angstrom
     * @param rw agreement factor over the fit range
     * @param r data r in the fit range
     * @param gobs data G in the fit range
     * @param gcalc model G in the fit range
     * @param iterations optimizer iterations
     */
    public record Result(double scale, double a, double uiso, double qdamp, double rw, double[] r, double[] gobs,
            double[] gcalc, int iterations) {
    }

    private PdfFit() {
    }

    /**
     * @param s starting structure (its lattice gives the starting a)
     * @param r data r grid (uniform)
     * @param g data G(r)
     * @param base calculator settings (qmax etc.); r grid and uiso/scale/qdamp are replaced
     * @param rmin lower end of the fit range, angstrom
     * @param rmax upper end of the fit range, angstrom
     * @param start starting values {scale, uiso, qdamp}
     */
    public static Result fit(CrystalStructure s, double[] r, double[] g, PdfParameters base, double rmin, double rmax,
            double[] start) {
        if (r.length != g.length || r.length < 10) {
            throw new IllegalArgumentException("data need equal r and G lengths >= 10, got " + r.length + ", " + g.length);
        }
        double dr = (r[r.length - 1] - r[0]) / (r.length - 1);
        int i0 = -1;
        int i1 = -1;
        for (int i = 0; i < r.length; i++) {
            if (i0 < 0 && r[i] >= rmin) {
                i0 = i;
            }
            if (r[i] <= rmax) {
                i1 = i;
            }
        }
        if (i0 < 0 || i1 - i0 < 10) {
            throw new IllegalArgumentException("fit range [" + rmin + ", " + rmax + "] holds fewer than 10 data points");
        }
        final int lo = i0;
        final int n = i1 - i0 + 1;
        final double[] rr = java.util.Arrays.copyOfRange(r, lo, lo + n);
        final double[] gg = java.util.Arrays.copyOfRange(g, lo, lo + n);
        final double a0 = s.lattice().a();
        final Lattice l0 = s.lattice();
        final PdfParameters grid = base.withR(0, rr[n - 1] + 2 * dr, dr);
        java.util.function.Function<double[], double[]> model = p -> {
            double f = p[1] / a0;
            CrystalStructure sv = s.withLattice(l0.withLengths(l0.a() * f, l0.b() * f, l0.c() * f));
            PdfParameters pp = grid.withScale(p[0]).withUiso(Math.max(p[2], 1e-6)).withQdamp(Math.max(p[3], 0));
            PdfResult res = PdfCalculator.of(pp).calculate(sv);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                double x = rr[i] / dr;
                int k = Math.min((int) Math.floor(x), res.g().length - 2);
                double t = x - k;
                out[i] = res.g()[k] * (1 - t) + res.g()[k + 1] * t;
            }
            return out;
        };
        MultivariateJacobianFunction fn = point -> {
            double[] p = point.toArray();
            double[] v = model.apply(p);
            double[][] jac = new double[n][4];
            double[] steps = {1e-4 * Math.max(1, Math.abs(p[0])), 1e-5 * a0, 1e-5, 1e-4};
            for (int k = 0; k < 4; k++) {
                double[] q = p.clone();
                q[k] += steps[k];
                double[] vk = model.apply(q);
                for (int i = 0; i < n; i++) {
                    jac[i][k] = (vk[i] - v[i]) / steps[k];
                }
            }
            return new Pair<RealVector, org.apache.commons.math3.linear.RealMatrix>(new ArrayRealVector(v, false),
                    new Array2DRowRealMatrix(jac, false));
        };
        LeastSquaresOptimizer.Optimum opt = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
                .start(new double[] {start[0], a0, start[1], start[2]}).model(fn).target(gg)
                .maxEvaluations(400).maxIterations(200).build());
        double[] p = opt.getPoint().toArray();
        double[] calc = model.apply(p);
        return new Result(p[0], p[1], p[2], p[3], PdfResult.rw(gg, calc), rr, gg, calc, opt.getIterations());
    }
}
