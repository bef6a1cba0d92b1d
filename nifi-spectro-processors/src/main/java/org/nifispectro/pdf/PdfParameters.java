package org.nifispectro.pdf;

/**
 * Settings of {@link PdfCalculator}, named and defined as in DiffPy-CMI's PDFCalculator.
 *
 * @param rmin lower r of the output grid, angstrom (grid points are integer multiples of rstep)
 * @param rmax upper r bound, angstrom (exclusive: points k*rstep &lt; rmax up to rounding)
 * @param rstep r grid step, angstrom
 * @param qmin F(Q) below qmin is zeroed, 1/angstrom
 * @param qmax F(Q) at and above qmax is zeroed (termination ripples), 1/angstrom; 0 means none
 * @param qdamp Gaussian envelope exp(-(qdamp r)^2 / 2), 1/angstrom
 * @param qbroad peak broadening growing with r (Jeong width model), 1/angstrom
 * @param delta1 correlated-motion sharpening 1/r term, angstrom
 * @param delta2 correlated-motion sharpening 1/r^2 term, angstrom^2
 * @param uiso if finite, every atom gets this isotropic U (angstrom^2); NaN keeps the structure's values
 * @param scale overall scale factor
 * @param spdiameter diameter of a spherical particle for the shape envelope, angstrom; 0 or NaN for a bulk crystal
 * @param peakPrecision Gaussian cut-off relative to the peak maximum (DiffPy's peakprecision)
 * @param maxExtension cap on the r-range extension for ripples and peak tails, angstrom (DiffPy's maxextension)
 */
public record PdfParameters(double rmin, double rmax, double rstep, double qmin, double qmax, double qdamp,
        double qbroad, double delta1, double delta2, double uiso, double scale, double spdiameter,
        double peakPrecision, double maxExtension) {

    public PdfParameters {
        check("rmin", rmin, rmin >= 0);
        check("rstep", rstep, rstep > 0);
        check("rmax", rmax, rmax > rmin && rmax > rstep);
        check("qmin", qmin, qmin >= 0);
        check("qmax", qmax, qmax >= 0 && (qmax == 0 || qmax > qmin));
        check("qdamp", qdamp, qdamp >= 0);
        check("qbroad", qbroad, qbroad >= 0);
        check("delta1", delta1, Double.isFinite(delta1));
        check("delta2", delta2, Double.isFinite(delta2));
        if (!Double.isNaN(uiso)) {
            check("uiso", uiso, uiso >= 0 && uiso < 1);
        }
        check("scale", scale, Double.isFinite(scale));
        if (!Double.isNaN(spdiameter)) {
            check("spdiameter", spdiameter, spdiameter >= 0);
        }
        check("peakPrecision", peakPrecision, peakPrecision > 0 && peakPrecision < 1);
        check("maxExtension", maxExtension, maxExtension >= 0);
        if ((rmax - rmin) / rstep > 10_000_000) {
            throw new IllegalArgumentException("r grid too large: (rmax-rmin)/rstep = " + (rmax - rmin) / rstep
                    + " points, limit 10^7");
        }
    }

    private static void check(String name, double v, boolean ok) {
        if (!ok || Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("invalid PDF parameter " + name + " = " + v);
        }
    }

    /** DiffPy PDFCalculator defaults: rmin 0, rmax 10, rstep 0.01, no Q limits, no damping, scale 1. */
    public static PdfParameters diffpyDefaults() {
        return new PdfParameters(0, 10, 0.01, 0, 0, 0, 0, 0, 0, Double.NaN, 1, 0, 3.33e-6, 10);
    }

    /**
     * Settings of the MLstructureMining training data (seed 004) and of the reference
     * {@code mlsm_settings_G.h5}: r 0..30 A step 0.1, Qmin 0.7, Qmax 20, Qdamp 0.04, delta2 2.
     * The structure's own U values are kept (use {@link #withUiso}).
     */
    public static PdfParameters mlstructureMining() {
        return new PdfParameters(0, 30.1, 0.1, 0.7, 20, 0.04, 0, 0, 2, Double.NaN, 1, 0, 3.33e-6, 10);
    }

    public PdfParameters withR(double nrmin, double nrmax, double nrstep) {
        return new PdfParameters(nrmin, nrmax, nrstep, qmin, qmax, qdamp, qbroad, delta1, delta2, uiso, scale,
                spdiameter, peakPrecision, maxExtension);
    }

    public PdfParameters withQ(double nqmin, double nqmax) {
        return new PdfParameters(rmin, rmax, rstep, nqmin, nqmax, qdamp, qbroad, delta1, delta2, uiso, scale,
                spdiameter, peakPrecision, maxExtension);
    }

    public PdfParameters withQdamp(double v) {
        return new PdfParameters(rmin, rmax, rstep, qmin, qmax, v, qbroad, delta1, delta2, uiso, scale,
                spdiameter, peakPrecision, maxExtension);
    }

    public PdfParameters withQbroad(double v) {
        return new PdfParameters(rmin, rmax, rstep, qmin, qmax, qdamp, v, delta1, delta2, uiso, scale,
                spdiameter, peakPrecision, maxExtension);
    }

    public PdfParameters withDelta(double d1, double d2) {
        return new PdfParameters(rmin, rmax, rstep, qmin, qmax, qdamp, qbroad, d1, d2, uiso, scale,
                spdiameter, peakPrecision, maxExtension);
    }

    public PdfParameters withUiso(double v) {
        return new PdfParameters(rmin, rmax, rstep, qmin, qmax, qdamp, qbroad, delta1, delta2, v, scale,
                spdiameter, peakPrecision, maxExtension);
    }

    public PdfParameters withScale(double v) {
        return new PdfParameters(rmin, rmax, rstep, qmin, qmax, qdamp, qbroad, delta1, delta2, uiso, v,
                spdiameter, peakPrecision, maxExtension);
    }

    public PdfParameters withSpdiameter(double v) {
        return new PdfParameters(rmin, rmax, rstep, qmin, qmax, qdamp, qbroad, delta1, delta2, uiso, scale,
                v, peakPrecision, maxExtension);
    }
}
