package org.nifispectro.xas.io;

/**
 * A spectrum file could not be read: the message names the file (source) and, where there is one,
 * the 1-based line number, e.g. {@code "cu.xdi line 42: non-numeric value 'abc' in column 3"}.
 */
public class XasParseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;

    /**
     * @param source file name or other description of the input
     * @param line   1-based line number, or 0 when the problem has no single line
     * @param what   what is wrong
     */
    public XasParseException(String source, int line, String what) {
        super(format(source, line, what));
        this.source = source;
        this.line = line;
    }

    public XasParseException(String source, int line, String what, Throwable cause) {
        super(format(source, line, what), cause);
        this.source = source;
        this.line = line;
    }

    private static String format(String source, int line, String what) {
        return (source == null ? "<input>" : source) + (line > 0 ? " line " + line : "") + ": " + what;
    }

    /** The file name or description given to the reader. */
    public String getSource() {
        return source;
    }

    /** 1-based line number, 0 when the error is not tied to one line. */
    public int getLine() {
        return line;
    }
}
