package org.nifispectro.processors.common;

/**
 * Bad input that a processor routes to {@code failure}: carries where the problem is
 * (file, line, dataset, tag) apart from what it is, so both reach the FlowFile's attributes.
 * Science code throws its own exceptions; processors translate them into this one.
 */
public class InputException extends Exception {

    private final String where;
    private final String kind;

    public InputException(String message, String where) {
        this(message, where, "input", null);
    }

    public InputException(String message, String where, String kind, Throwable cause) {
        super(message, cause);
        this.where = where == null ? "" : where;
        this.kind = kind == null ? "input" : kind;
    }

    /** Over a configured budget (memory, atoms, entries): the data may be fine, the limit says no. */
    public static InputException overLimit(String message, String where) {
        return new InputException(message, where, "limit", null);
    }

    public String where() {
        return where;
    }

    public String kind() {
        return kind;
    }
}
