package org.nifispectro.classify;

import java.util.SplittableRandom;

/**
 * Measurement conditions applied to a simulated PDF by {@link PdfAugmenter}.
 *
 * @param qmin F(Q) below qmin zeroed, 1/angstrom
 * @param qmax F(Q) at and above qmax zeroed (termination ripples), 1/angstrom
 * @param qdamp instrument damping exp(-(qdamp r)^2 / 2), 1/angstrom
 * @param spdiameter spherical particle diameter for the shape envelope, angstrom; 0 for bulk
 * @param noise standard deviation of white noise added before the Q cut, relative to max |G|
 */
public record Augmentation(double qmin, double qmax, double qdamp, double spdiameter, double noise) {

    public Augmentation {
        if (!(qmin >= 0) || !(qmax > qmin) || !(qdamp >= 0) || !(spdiameter >= 0) || !(noise >= 0)) {
            throw new IllegalArgumentException("invalid augmentation " + qmin + " " + qmax + " " + qdamp + " "
                    + spdiameter + " " + noise);
        }
    }

    /** The MLstructureMining simulation settings (Qmin 0.7, Qmax 20, Qdamp 0.04, bulk, no noise). */
    public static Augmentation mlstructureMining() {
        return new Augmentation(0.7, 20, 0.04, 0, 0);
    }

    /**
     * Ranges sampled uniformly by {@link #sample}: Qmax 15-25, Qdamp 0.02-0.06, Qmin 0.5-1.0,
     * particle diameter 20-100 A for a fraction of the samples (the rest bulk), noise 0 to
     * {@code maxNoise} of max |G|.
     *
     * @param qmaxMin lower Qmax
     * @param qmaxMax upper Qmax
     * @param qdampMin lower Qdamp
     * @param qdampMax upper Qdamp
     * @param particleFraction fraction of samples with a finite particle
     * @param diameterMin smallest particle diameter, angstrom
     * @param diameterMax largest particle diameter, angstrom
     * @param maxNoise largest relative noise level
     */
    public record Ranges(double qmaxMin, double qmaxMax, double qdampMin, double qdampMax, double particleFraction,
                         double diameterMin, double diameterMax, double maxNoise) {

        /** The ranges of issue 6 (Qmax 15-25, Qdamp 0.02-0.06, 20-100 A particles for half, noise up to 5 %). */
        public static Ranges standard() {
            return new Ranges(15, 25, 0.02, 0.06, 0.5, 20, 100, 0.05);
        }
    }

    /** One random draw from the ranges. */
    public static Augmentation sample(Ranges r, SplittableRandom rnd) {
        double qmax = r.qmaxMin() + (r.qmaxMax() - r.qmaxMin()) * rnd.nextDouble();
        double qdamp = r.qdampMin() + (r.qdampMax() - r.qdampMin()) * rnd.nextDouble();
        double qmin = 0.5 + 0.5 * rnd.nextDouble();
        double d = rnd.nextDouble() < r.particleFraction()
                ? r.diameterMin() + (r.diameterMax() - r.diameterMin()) * rnd.nextDouble() : 0;
        double noise = r.maxNoise() * rnd.nextDouble();
        return new Augmentation(qmin, qmax, qdamp, d, noise);
    }
}
