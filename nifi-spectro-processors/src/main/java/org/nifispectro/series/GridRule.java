package org.nifispectro.series;

/** What to do when the curves of a series are not on one grid. */
public enum GridRule {
    /**
     * Linear interpolation onto the overlap of all grids ({@code [max of first points, min of last
     * points]}) with the finest step found (smallest median spacing of any curve, within the overlap).
     */
    RESAMPLE_TO_OVERLAP,
    /** Refuse the series, naming the first curve whose grid differs from the first curve's. */
    REFUSE
}
