package org.nifispectro.series;

/**
 * A series that cannot be read or decomposed: {@link #getMessage()} says what is wrong in words for a
 * facility user, {@link #where()} where (archive entry and line, column, dataset path, sample), and
 * {@link #overLimit()} tells a configured budget (entries, bytes, memory) from bad data.
 */
public class SeriesException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String where;
    private final boolean overLimit;

    public SeriesException(String message, String where) {
        this(message, where, false, null);
    }

    public SeriesException(String message, String where, boolean overLimit, Throwable cause) {
        super(message, cause);
        this.where = where == null ? "" : where;
        this.overLimit = overLimit;
    }

    /** An exceeded budget: the input may be valid, the configured limit refuses it. */
    public static SeriesException overLimit(String message, String where) {
        return new SeriesException(message, where, true, null);
    }

    public String where() {
        return where;
    }

    public boolean overLimit() {
        return overLimit;
    }
}
