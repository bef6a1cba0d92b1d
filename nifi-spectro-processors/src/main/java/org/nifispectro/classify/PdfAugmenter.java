package org.nifispectro.classify;

import java.util.SplittableRandom;

import org.apache.commons.math3.transform.DstNormalization;
import org.apache.commons.math3.transform.FastSineTransformer;
import org.apache.commons.math3.transform.TransformType;
import org.nifispectro.pdf.PdfLimits;
import org.nifispectro.pdf.PdfParameters;

/**
 * Turns one simulated "base" PDF into many measured-looking ones cheaply. The base is computed
 * once per structure variant by {@link org.nifispectro.pdf.PdfCalculator} with
 * {@link #baseParameters}: r 0 to the model's rmax + 6 A, Qmax 25 (the top of the augmentation
 * range, so the base is band-limited), Qmin 0, Qdamp 0, delta2 2 (as MLstructureMining), bulk.
 * Each {@link Augmentation} then
 * <ol>
 * <li>tapers the base to zero over its last 4 A (cos^2) so the finite range adds no ripples,</li>
 * <li>adds white Gaussian noise (sigma = noise * max |G| on the model range),</li>
 * <li>sine-transforms to F(Q) on a zero-padded power-of-two grid (Q step pi / (N dr)), zeroes F
 * below qmin and at and above qmax, transforms back (the same band-pass DiffPy's PDFCalculator
 * applies, so a cut at Qmax &lt;= 25 of the Qmax-25 base equals a direct simulation at that Qmax
 * up to the taper),</li>
 * <li>multiplies by exp(-(qdamp r)^2/2) and, for a particle, the sphere envelope
 * 1 - 3/2 (r/D) + 1/2 (r/D)^3 (r &lt; D, else 0),</li>
 * <li>reads the model grid points.</li>
 * </ol>
 * Cost: one 1024-point sine transform pair per augmentation (microseconds) instead of a pair sum
 * (milliseconds to seconds).
 *
 * <p>References: P. Juhas et al., Acta Cryst. A71 (2015) 562 (DiffPy-CMI band-pass and
 * envelopes); K. Kodama et al., J. Appl. Cryst. 39 (2006) 3 (spherical-particle envelope).
 */
public final class PdfAugmenter {

    /** Base Qmax, 1/angstrom: the top of the augmentation range. */
    public static final double BASE_QMAX = 25.0;
    private static final double EXTENSION = 6.0;
    private static final double TAPER = 4.0;

    private final ModelGrid grid;
    private final int nBase;
    private final int nPad;
    private final int offset;
    private final FastSineTransformer dst = new FastSineTransformer(DstNormalization.STANDARD_DST_I);

    private PdfAugmenter(ModelGrid grid) {
        double ratio = grid.rmin() / grid.rstep();
        if (Math.abs(ratio - Math.rint(ratio)) > 1e-6) {
            throw new IllegalArgumentException("model grid rmin " + grid.rmin() + " is not a multiple of its step "
                    + grid.rstep());
        }
        this.grid = grid;
        this.offset = (int) Math.rint(ratio);
        this.nBase = (int) Math.rint((grid.rmax() + EXTENSION) / grid.rstep()) + 1;
        int p = 1;
        while (p < 2 * nBase) {
            p <<= 1;
        }
        this.nPad = p;
    }

    /** @return an augmenter producing profiles on the given grid */
    public static PdfAugmenter of(ModelGrid grid) {
        return new PdfAugmenter(grid);
    }

    /** Settings of the base simulation (Uiso from the structure, i.e. set by the variant). */
    public PdfParameters baseParameters() {
        return new PdfParameters(0, (nBase - 0.5) * grid.rstep(), grid.rstep(), 0, BASE_QMAX, 0, 0, 0, 2.0,
                Double.NaN, 1, 0, 3.33e-6, 10);
    }

    /** Limits used for the base simulations (SimulatePDF's defaults: 5000 atoms per cell). */
    public static PdfLimits limits(int maxAtoms) {
        return new PdfLimits(maxAtoms, PdfLimits.defaults().maxPairs());
    }

    /** @return the number of points a base G must have */
    public int baseLength() {
        return nBase;
    }

    /**
     * @param base G(r) from {@link #baseParameters()} (at least {@link #baseLength()} points from r = 0)
     * @param a conditions
     * @param rnd noise source (unused when a.noise() is 0)
     * @return G on the model grid (not normalised)
     */
    public double[] apply(double[] base, Augmentation a, SplittableRandom rnd) {
        if (base.length < nBase) {
            throw new IllegalArgumentException("base PDF has " + base.length + " points, need " + nBase);
        }
        double dr = grid.rstep();
        double[] f = new double[nPad];
        double rTaper = (nBase - 1) * dr - TAPER;
        double gmax = 0;
        for (int k = offset; k < offset + grid.n(); k++) {
            gmax = Math.max(gmax, Math.abs(base[k]));
        }
        double sigma = a.noise() * gmax;
        for (int k = 1; k < nBase; k++) {
            double r = k * dr;
            double w = 1;
            if (r > rTaper) {
                double c = Math.cos(0.5 * Math.PI * (r - rTaper) / TAPER);
                w = c * c;
            }
            double v = base[k];
            if (sigma > 0) {
                v += sigma * gaussian(rnd);
            }
            f[k] = w * v;
        }
        double[] fq = dst.transform(f, TransformType.FORWARD);
        double dq = Math.PI / (nPad * dr);
        for (int j = 0; j < nPad; j++) {
            double q = j * dq;
            if (q < a.qmin() || q >= a.qmax()) {
                fq[j] = 0;
            }
        }
        double[] g = dst.transform(fq, TransformType.INVERSE);
        double[] out = new double[grid.n()];
        double d = a.spdiameter();
        for (int k = 0; k < grid.n(); k++) {
            double r = grid.r(k);
            double env = Math.exp(-0.5 * (a.qdamp() * r) * (a.qdamp() * r));
            if (d > 0) {
                double x = r / d;
                env *= x < 1 ? 1 - 1.5 * x + 0.5 * x * x * x : 0;
            }
            out[k] = g[k + offset] * env;
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
