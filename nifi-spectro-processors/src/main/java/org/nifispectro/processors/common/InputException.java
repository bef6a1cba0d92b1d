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

    /**
     * A stack file problem found by {@link org.nifispectro.io.stack.StackReader}: where = file, dataset and
     * index; an exceeded memory budget is of kind "limit".
     */
    public static InputException fromStack(org.nifispectro.io.stack.StackFormatException e) {
        StringBuilder where = new StringBuilder();
        if (e.file() != null) {
            where.append("file ").append(e.file());
        }
        if (e.datasetPath() != null) {
            where.append(where.length() == 0 ? "" : ", ").append("dataset ").append(e.datasetPath());
        }
        if (e.index() >= 0) {
            where.append(where.length() == 0 ? "" : ", ").append("index ").append(e.index());
        }
        boolean limit = e.problem() == org.nifispectro.io.stack.StackFormatException.Problem.OVER_BUDGET;
        return new InputException(e.getMessage(), where.toString(), limit ? "limit" : "input", e);
    }

    public String where() {
        return where;
    }

    public String kind() {
        return kind;
    }
}
