package org.nifispectro.pdf;

/**
 * A simulated reduced pair distribution function G(r) on a uniform grid.
 *
 * @param r grid in angstrom
 * @param g G(r) in 1/angstrom^2
 * @param atoms number of atoms in the unit cell used
 * @param numberDensity occupancy-weighted number density, atoms per cubic angstrom
 */
public record PdfResult(double[] r, double[] g, int atoms, double numberDensity) {

    /** @return G divided by its maximum (the normalisation of the MLstructureMining training data) */
    public double[] gScaledToMax() {
        return scaledToMax(g);
    }

    /** @return y / max(y); a copy of y when max(y) is not positive */
    public static double[] scaledToMax(double[] y) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : y) {
            m = Math.max(m, v);
        }
        double[] out = y.clone();
        if (m > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= m;
            }
        }
        return out;
    }

    /**
     * Agreement factor Rw = sqrt(sum (obs - calc)^2 / sum obs^2) with unit weights, the PDF
     * convention of PDFgui/DiffPy.
     */
    public static double rw(double[] obs, double[] calc) {
        if (obs.length != calc.length) {
            throw new IllegalArgumentException("Rw needs equal lengths, got " + obs.length + " and " + calc.length);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < obs.length; i++) {
            double d = obs[i] - calc[i];
            num += d * d;
            den += obs[i] * obs[i];
        }
        return den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den);
    }
}
