package org.nifispectro.pdf.io;

/** A .gr file could not be read; the message gives the source name and line number. */
public class GrFormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    public GrFormatException(String message, int line) {
        super(message);
        this.line = line;
    }

    /** @return 1-based line number, or -1 */
    public int line() {
        return line;
    }
}
