package org.nifispectro.pipeline;

/**
 * A stack that the chain cannot process although the file itself could be read: an edge window with
 * too few energies, too many non-finite pixels, no pixel with an edge, every pixel below the SNR
 * threshold, or work over the memory budget. The message is written for a facility user; {@link #where()}
 * names the place (file and dataset, or the property and window label).
 */
public final class PipelineException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String where;
    private final boolean overLimit;

    private PipelineException(String message, String where, boolean overLimit, Throwable cause) {
        super(message, cause);
        this.where = where == null ? "" : where;
        this.overLimit = overLimit;
    }

    /** The data cannot give a result (the reason is in the data or in how it was described). */
    public static PipelineException input(String message, String where) {
        return new PipelineException(message, where, false, null);
    }

    /** Like {@link #input(String, String)}, keeping the underlying exception. */
    public static PipelineException input(String message, String where, Throwable cause) {
        return new PipelineException(message, where, false, cause);
    }

    /** The data may be fine but a configured limit (memory budget) refuses it. */
    public static PipelineException overLimit(String message, String where) {
        return new PipelineException(message, where, true, null);
    }

    /** Where the problem is: "file x.h5, dataset /entry/e0_L3" or "Edge Windows: L2". */
    public String where() {
        return where;
    }

    /** True when a configured limit, not the data, is the reason. */
    public boolean overLimit() {
        return overLimit;
    }
}
