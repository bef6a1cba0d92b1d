package org.nifispectro.xas.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The content of one XAS data file as read: header fields (XDI {@code Namespace.tag: value}, in file
 * order, duplicates and unknown fields kept), free comment lines, column names and units, and the
 * numeric table (column-major) with the file line of every row, so that later checks can still name
 * the line. Turn it into energy/mu with {@link #spectrum(MuSpec)}.
 *
 * @param source      file name given to the reader (used in every error message)
 * @param format      {@code "XDI/1.0"} (or the version found) or {@code "columns"} for plain column files
 * @param versionLine the first line of an XDI file (with application versions), empty for plain files
 * @param fields      header fields in file order
 * @param comments    user comment lines (XDI: between {@code # ///} and {@code # ---}; plain files: all
 *                    header lines), without the leading comment character
 * @param columnNames column names (XDI Column.N labels, plain files: the last header line, else col1..)
 * @param columnUnits units per column ("" when not given)
 * @param columns     numeric data, columns[c][row]
 * @param rowLines    1-based file line of each row
 */
public record XasData(String source, String format, String versionLine, List<XdiField> fields, List<String> comments,
                      List<String> columnNames, List<String> columnUnits, double[][] columns, int[] rowLines) {

    public XasData {
        fields = Collections.unmodifiableList(new ArrayList<>(fields));
        comments = Collections.unmodifiableList(new ArrayList<>(comments));
        columnNames = Collections.unmodifiableList(new ArrayList<>(columnNames));
        columnUnits = Collections.unmodifiableList(new ArrayList<>(columnUnits));
    }

    /** Number of data rows. */
    public int rows() {
        return rowLines.length;
    }

    /** First value of a field (case-insensitive {@code Namespace.tag}). */
    public Optional<String> field(String key) {
        for (XdiField f : fields) {
            if (f.is(key)) {
                return Optional.of(f.value());
            }
        }
        return Optional.empty();
    }

    /** {@code Element.symbol}, if present. */
    public Optional<String> element() {
        return field("Element.symbol");
    }

    /** {@code Element.edge}, if present. */
    public Optional<String> edge() {
        return field("Element.edge");
    }

    /**
     * Index of a column: by name (case-insensitive) or, when {@code name} is a positive integer, by
     * 1-based position (XDI Column.N numbering). -1 when absent.
     */
    public int columnIndex(String name) {
        if (name == null || name.isBlank()) {
            return -1;
        }
        String n = name.strip();
        if (n.chars().allMatch(Character::isDigit)) {
            int i = Integer.parseInt(n) - 1;
            return i >= 0 && i < columns.length ? i : -1;
        }
        for (int i = 0; i < columnNames.size(); i++) {
            if (columnNames.get(i).equalsIgnoreCase(n)) {
                return i;
            }
        }
        return -1;
    }

    /** A column by name or 1-based number; throws naming the file and the available columns when absent. */
    public double[] column(String name) throws XasParseException {
        int i = columnIndex(name);
        if (i < 0) {
            throw new XasParseException(source, 0, "no column '" + name + "' (columns: " + columnNames + ")");
        }
        return columns[i].clone();
    }

    /**
     * Builds energy (eV) and mu(E) as {@code spec} says, and checks them: at least
     * {@link #MIN_POINTS} rows, energy finite and strictly increasing (a decreasing or repeated
     * energy is reported with its line), mu finite (e.g. ln of a non-positive ratio is reported with
     * its line). Energy in keV (XDI unit or a column named with "kev") is converted to eV.
     */
    public XasSpectrum spectrum(MuSpec spec) throws XasParseException {
        MuSpec.Resolved r = spec.resolve(this);
        double[] e = columns[r.energyColumn()].clone();
        String eunit = columnUnits.get(r.energyColumn()).toLowerCase(Locale.ROOT);
        String ename = columnNames.get(r.energyColumn()).toLowerCase(Locale.ROOT);
        boolean kev = eunit.equals("kev") || ename.endsWith("kev");
        if (kev) {
            for (int i = 0; i < e.length; i++) {
                e[i] *= 1000.0;
            }
        }
        int n = e.length;
        if (n < MIN_POINTS) {
            throw new XasParseException(source, 0, n + " data rows, at least " + MIN_POINTS + " are needed");
        }
        double[] mu = new double[n];
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(e[i])) {
                throw new XasParseException(source, rowLines[i], "energy is " + e[i]);
            }
            if (i > 0 && e[i] <= e[i - 1]) {
                throw new XasParseException(source, rowLines[i], (e[i] == e[i - 1] ? "duplicated" : "decreasing")
                        + " energy " + e[i] + " eV after " + e[i - 1] + " eV (line " + rowLines[i - 1]
                        + "); energy must increase strictly");
            }
            mu[i] = r.mu(columns, i);
            if (!Double.isFinite(mu[i])) {
                throw new XasParseException(source, rowLines[i], "mu = " + r.formula() + " is " + mu[i] + " at E = "
                        + e[i] + " eV");
            }
        }
        return new XasSpectrum(source, e, mu, r.formula(), element().orElse(null), edge().orElse(null), this);
    }

    /** Fewest data rows accepted for a spectrum. */
    public static final int MIN_POINTS = 7;
}
