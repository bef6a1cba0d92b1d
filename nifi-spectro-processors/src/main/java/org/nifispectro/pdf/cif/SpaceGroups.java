package org.nifispectro.pdf.cif;

import java.util.List;

/**
 * Symmetry operators of a space group given only by symbol (placeholder; see class notes).
 */
public final class SpaceGroups {

    private SpaceGroups() {
    }

    /**
     * @return operators for the given Hall symbol, H-M symbol or IT number, or null when not available
     * @throws IllegalArgumentException when a symbol is present but cannot be interpreted
     */
    public static List<SymmetryOperation> operations(String hall, String hm, String number) {
        return null;
    }
}
