package org.nifispectro.xas.io;

/**
 * How to build mu(E) from a file's columns.
 * <ul>
 * <li>{@link #column(String, String)}: a named mu column;</li>
 * <li>{@link #transmission(String, String, String)}: mu = ln(i0 / itrans);</li>
 * <li>{@link #fluorescence(String, String, String)}: mu = ifluor / i0;</li>
 * <li>{@link #auto()}: the energy column is {@code energy} (else the first column); mu is the first of the
 * columns mutrans, mu, xmu, mufluor, murefer; else ln(i0/itrans) (itrans or i1); else ifluor/i0.</li>
 * </ul>
 * Column names are matched case-insensitively; a positive integer selects a column by 1-based number.
 */
public record MuSpec(Mode mode, String energy, String mu, String i0, String itrans, String ifluor) {

    /** How mu is formed. */
    public enum Mode { AUTO, COLUMN, TRANSMISSION, FLUORESCENCE }

    public MuSpec {
        if (mode == null) {
            throw new IllegalArgumentException("mu mode is required");
        }
    }

    public static MuSpec auto() {
        return new MuSpec(Mode.AUTO, null, null, null, null, null);
    }

    public static MuSpec column(String energy, String mu) {
        require(mu, "mu column");
        return new MuSpec(Mode.COLUMN, energy, mu, null, null, null);
    }

    public static MuSpec transmission(String energy, String i0, String itrans) {
        require(i0, "i0 column");
        require(itrans, "itrans column");
        return new MuSpec(Mode.TRANSMISSION, energy, null, i0, itrans, null);
    }

    public static MuSpec fluorescence(String energy, String i0, String ifluor) {
        require(i0, "i0 column");
        require(ifluor, "ifluor column");
        return new MuSpec(Mode.FLUORESCENCE, energy, null, i0, null, ifluor);
    }

    private static void require(String v, String what) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(what + " name is required");
        }
    }

    /** Columns resolved against one file. */
    record Resolved(int energyColumn, Mode mode, int a, int b, String formula) {
        double mu(double[][] cols, int row) {
            return switch (mode) {
                case COLUMN -> cols[a][row];
                case TRANSMISSION -> Math.log(cols[a][row] / cols[b][row]);
                case FLUORESCENCE -> cols[b][row] / cols[a][row];
                default -> throw new IllegalStateException();
            };
        }
    }

    Resolved resolve(XasData d) throws XasParseException {
        int ie;
        if (energy != null && !energy.isBlank()) {
            ie = need(d, energy, "energy");
        } else {
            ie = d.columnIndex("energy");
            if (ie < 0) {
                ie = 0;
            }
        }
        switch (mode) {
            case COLUMN: {
                int m = need(d, mu, "mu");
                return new Resolved(ie, Mode.COLUMN, m, -1, name(d, m));
            }
            case TRANSMISSION: {
                int a = need(d, i0, "i0");
                int b = need(d, itrans, "itrans");
                return new Resolved(ie, Mode.TRANSMISSION, a, b, "ln(" + name(d, a) + "/" + name(d, b) + ")");
            }
            case FLUORESCENCE: {
                int a = need(d, i0, "i0");
                int b = need(d, ifluor, "ifluor");
                return new Resolved(ie, Mode.FLUORESCENCE, a, b, name(d, b) + "/" + name(d, a));
            }
            default:
                break;
        }
        for (String c : new String[] {"mutrans", "mu", "xmu", "mufluor", "murefer"}) {
            int m = d.columnIndex(c);
            if (m >= 0 && m != ie) {
                return new Resolved(ie, Mode.COLUMN, m, -1, name(d, m));
            }
        }
        int a = d.columnIndex("i0");
        if (a >= 0) {
            int b = d.columnIndex("itrans");
            if (b < 0) {
                b = d.columnIndex("i1");
            }
            if (b >= 0) {
                return new Resolved(ie, Mode.TRANSMISSION, a, b, "ln(" + name(d, a) + "/" + name(d, b) + ")");
            }
            int f = d.columnIndex("ifluor");
            if (f >= 0) {
                return new Resolved(ie, Mode.FLUORESCENCE, a, f, name(d, f) + "/" + name(d, a));
            }
        }
        throw new XasParseException(d.source(), 0, "cannot tell how to compute mu: no mutrans/mu/xmu/mufluor column and"
                + " no i0 with itrans/i1/ifluor (columns: " + d.columnNames() + "); name the mu column or the i0 and"
                + " itrans/ifluor columns");
    }

    private static String name(XasData d, int i) {
        return d.columnNames().get(i);
    }

    private static int need(XasData d, String col, String role) throws XasParseException {
        int i = d.columnIndex(col);
        if (i < 0) {
            throw new XasParseException(d.source(), 0, "no " + role + " column '" + col + "' (columns: "
                    + d.columnNames() + ")");
        }
        return i;
    }
}
