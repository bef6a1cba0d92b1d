package org.nifispectro.pdf.cif;

/**
 * A CIF file could not be read or does not describe a usable crystal structure.
 * The message always names the location: source name, line number and/or CIF tag.
 */
public class CifException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final String tag;

    /**
     * @param message what is wrong (already containing location text)
     * @param line 1-based line number in the CIF, or -1 when not applicable
     * @param tag the CIF tag concerned, or null
     */
    public CifException(String message, int line, String tag) {
        super(message);
        this.line = line;
        this.tag = tag;
    }

    /** @return 1-based line of the problem, -1 if unknown */
    public int line() {
        return line;
    }

    /** @return CIF tag concerned, or null */
    public String tag() {
        return tag;
    }
}
