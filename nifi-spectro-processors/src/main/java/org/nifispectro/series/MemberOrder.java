package org.nifispectro.series;

/** Order of the curves of an archive. */
public enum MemberOrder {
    /**
     * As stored. MergeContent (Defragment strategy) writes the members sorted by their
     * {@code fragment.index} attribute, so the stored order is the fragment order; TAR and ZIP keep
     * no FlowFile attributes, so this is the only way that order survives.
     */
    ARCHIVE,
    /** By entry name in natural order: digit runs compare as numbers (scan_2 before scan_10). */
    NATURAL_NAME
}
