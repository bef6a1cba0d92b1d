package org.nifispectro.classify;

/**
 * A measured PDF cannot be classified: not finite, r not increasing, all zeros, a grid coarser
 * or an r range shorter than the model needs. {@link #row()} is the 0-based data row the problem
 * was found at (-1 when it concerns the whole curve), so a caller that knows the file layout can
 * name the line.
 */
public class PdfInputException extends Exception {

    private static final long serialVersionUID = 1L;
    private final int row;

    public PdfInputException(String message, int row) {
        super(message);
        this.row = row;
    }

    /** @return 0-based data row, or -1 */
    public int row() {
        return row;
    }
}
