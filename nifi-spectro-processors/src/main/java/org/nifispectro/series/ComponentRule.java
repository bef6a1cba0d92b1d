package org.nifispectro.series;

/** How the number of NMF components follows from the PCA. */
public enum ComponentRule {
    /** Smallest k whose cumulative explained variance ratio reaches the threshold (seed 004: 0.99). */
    VARIANCE_THRESHOLD,
    /**
     * The threshold's k plus one: mean-centred PCA removes one dimension, so k significant axes
     * correspond to k + 1 end-members of a mixture (the {@code nmf_plus1} case of the reference).
     */
    VARIANCE_THRESHOLD_PLUS_ONE,
    /** A number given by the user. */
    FIXED
}
