package org.nifispectro.series;

import org.nifispectro.decompose.Nmf;

/**
 * Settings of a PCA -> NMF decomposition.
 *
 * @param rule          how the number of components is chosen
 * @param threshold     cumulative explained variance ratio for the threshold rules, in (0, 1]
 * @param fixed         number of components for {@link ComponentRule#FIXED}
 * @param negativeRule  NMF treatment of negative values ({@link Nmf.NegativeRule})
 * @param maxIter       NMF iteration limit
 * @param tol           NMF stopping tolerance (scikit-learn's tol)
 */
public record DecompositionOptions(ComponentRule rule, double threshold, int fixed, Nmf.NegativeRule negativeRule,
                                   int maxIter, double tol) {

    public DecompositionOptions {
        if (rule == null || negativeRule == null) {
            throw new IllegalArgumentException("component rule and negative-value rule are required");
        }
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("variance threshold must be in (0, 1], got " + threshold);
        }
        if (rule == ComponentRule.FIXED && fixed < 1) {
            throw new IllegalArgumentException("a fixed number of components must be at least 1, got " + fixed);
        }
        if (maxIter < 1 || !(tol >= 0)) {
            throw new IllegalArgumentException("NMF needs maxIter >= 1 and tol >= 0, got " + maxIter + ", " + tol);
        }
    }

    /** The settings of make_pcanmf_reference.py: threshold 0.99, shift by the global minimum, 2000 iterations, tol 1e-4. */
    public static DecompositionOptions reference() {
        return new DecompositionOptions(ComponentRule.VARIANCE_THRESHOLD, 0.99, 0, Nmf.NegativeRule.SHIFT_GLOBAL_MIN, 2000,
                1e-4);
    }

    /** Number of components from the explained variance ratios. */
    public int components(org.nifispectro.decompose.PcaModel pca) {
        return components(pca.explainedVarianceRatio());
    }

    /** Number of components from explained variance ratios (descending), before any principal axis is computed. */
    public int components(double[] explainedVarianceRatio) {
        return switch (rule) {
            case FIXED -> fixed;
            case VARIANCE_THRESHOLD -> org.nifispectro.decompose.PcaModel.componentsForThreshold(explainedVarianceRatio,
                    threshold);
            case VARIANCE_THRESHOLD_PLUS_ONE -> org.nifispectro.decompose.PcaModel.componentsForThreshold(
                    explainedVarianceRatio, threshold) + 1;
        };
    }

    public Nmf.Options nmfOptions(int k) {
        return new Nmf.Options(k, Nmf.Init.NNDSVDA, maxIter, tol, 0, negativeRule);
    }
}
