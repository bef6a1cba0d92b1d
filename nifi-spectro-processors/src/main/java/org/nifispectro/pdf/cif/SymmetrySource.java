package org.nifispectro.pdf.cif;

import java.util.Locale;

/**
 * Where the symmetry operators that expand a CIF's asymmetric unit come from.
 *
 * <ul>
 * <li>{@link #LISTED_OPERATORS} (default): the operators the CIF lists in
 * {@code _space_group_symop_operation_xyz} or {@code _symmetry_equiv_pos_as_xyz}, applied as
 * written; the space-group symbol is only used when no operator is listed. This is the
 * crystallographically correct reading: the operators are the authors' statement of the setting
 * (origin choice, axes) in which their coordinates are given.</li>
 * <li>{@link #DIFFPY_COMPATIBLE}: what DiffPy-CMI's {@code diffpy.structure} CIF parser (P_cif) does,
 * so that simulated PDFs reproduce DiffPy-CMI references: the listed operators are used only when
 * they are, as a set, exactly one of the settings in DiffPy's built-in space-group table;
 * otherwise the group named by {@code _space_group_IT_number} / {@code _symmetry_Int_Tables_number}
 * (or, without a number, the Hermann-Mauguin symbol) is expanded in that table's setting
 * (origin choice 1, hexagonal axes for R groups given by number), even when that contradicts the
 * listed operators. See {@link DiffpySymmetry}.</li>
 * </ul>
 */
public enum SymmetrySource {
    /** The operators listed in the CIF (the crystallographically correct reading; default). */
    LISTED_OPERATORS("Listed Operators"),
    /** DiffPy-CMI P_cif behaviour: listed operators only when they match a DiffPy table setting. */
    DIFFPY_COMPATIBLE("DiffPy Compatible");

    private final String displayName;

    SymmetrySource(String displayName) {
        this.displayName = displayName;
    }

    /** @return the name shown to users (property value in SimulatePDF) */
    public String displayName() {
        return displayName;
    }

    /**
     * @param s a display name or constant name, any case
     * @return the matching source
     * @throws IllegalArgumentException naming the allowed values
     */
    public static SymmetrySource parse(String s) {
        if (s != null) {
            String k = s.trim().replace(' ', '_').replace('-', '_').toUpperCase(Locale.ROOT);
            for (SymmetrySource v : values()) {
                if (v.name().equals(k) || v.displayName.replace(' ', '_').toUpperCase(Locale.ROOT).equals(k)) {
                    return v;
                }
            }
        }
        throw new IllegalArgumentException("symmetry source '" + s + "' is not one of 'Listed Operators', 'DiffPy Compatible'");
    }
}
