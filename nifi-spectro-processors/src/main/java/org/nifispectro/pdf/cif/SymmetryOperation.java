package org.nifispectro.pdf.cif;

import java.util.Arrays;

/**
 * A crystallographic symmetry operation x' = R x + t in fractional coordinates, parsed from the
 * CIF "xyz" notation ({@code -x+1/2, y, z+0.25}, {@code x-y,x,z+1/6}). The translation is
 * reduced into [0,1).
 *
 * @param r rotation part, row-major 3x3 (integers stored as doubles)
 * @param t translation part in [0,1)
 */
public record SymmetryOperation(double[] r, double[] t) {

    /** The identity operation. */
    public static final SymmetryOperation IDENTITY =
            new SymmetryOperation(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {0, 0, 0});

    /**
     * Parses one operation in xyz notation.
     *
     * @param s e.g. {@code "-x+1/2,y,-z"} (spaces and quotes allowed; upper case accepted)
     * @return the operation
     * @throws IllegalArgumentException with the offending text when not parseable
     */
    public static SymmetryOperation parse(String s) {
        String str = s.replace(" ", "").replace("'", "").replace("\"", "").toLowerCase(java.util.Locale.ROOT);
        String[] parts = str.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException("symmetry operation '" + s + "' does not have 3 comma-separated parts");
        }
        double[] r = new double[9];
        double[] t = new double[3];
        for (int i = 0; i < 3; i++) {
            parseComponent(parts[i], i, r, t, s);
        }
        for (int i = 0; i < 3; i++) {
            t[i] -= Math.floor(t[i]);
            if (t[i] >= 1 - 1e-12) {
                t[i] = 0;
            }
        }
        return new SymmetryOperation(r, t);
    }

    private static void parseComponent(String p, int row, double[] r, double[] t, String full) {
        if (p.isEmpty()) {
            throw new IllegalArgumentException("symmetry operation '" + full + "' has an empty component");
        }
        int i = 0;
        int n = p.length();
        while (i < n) {
            double sign = 1;
            char c = p.charAt(i);
            if (c == '+' || c == '-') {
                sign = c == '-' ? -1 : 1;
                i++;
            }
            // optional number (integer, decimal or fraction)
            int start = i;
            while (i < n && (Character.isDigit(p.charAt(i)) || p.charAt(i) == '.' || p.charAt(i) == '/')) {
                i++;
            }
            double num = Double.NaN;
            if (i > start) {
                String ns = p.substring(start, i);
                try {
                    int slash = ns.indexOf('/');
                    num = slash >= 0 ? Double.parseDouble(ns.substring(0, slash)) / Double.parseDouble(ns.substring(slash + 1))
                            : Double.parseDouble(ns);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("symmetry operation '" + full + "': bad number '" + ns + "'");
                }
            }
            if (i < n && p.charAt(i) == '*') {
                i++;
            }
            if (i < n && (p.charAt(i) == 'x' || p.charAt(i) == 'y' || p.charAt(i) == 'z')) {
                int col = p.charAt(i) - 'x';
                r[row * 3 + col] += sign * (Double.isNaN(num) ? 1 : num);
                i++;
                // allow "x/2"-like forms? not crystallographic; reject below if characters remain
            } else if (!Double.isNaN(num)) {
                t[row] += sign * num;
            } else {
                throw new IllegalArgumentException("symmetry operation '" + full + "': cannot read component '" + p + "'");
            }
        }
    }

    /** Applies the operation to fractional coordinates (result not wrapped). */
    public void apply(double x, double y, double z, double[] out) {
        out[0] = r[0] * x + r[1] * y + r[2] * z + t[0];
        out[1] = r[3] * x + r[4] * y + r[5] * z + t[1];
        out[2] = r[6] * x + r[7] * y + r[8] * z + t[2];
    }

    /** @return whether both operations are equal (rotation exactly, translation modulo 1) */
    public boolean sameAs(SymmetryOperation o) {
        if (!Arrays.equals(r, o.r)) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            double d = t[i] - o.t[i];
            d -= Math.rint(d);
            if (Math.abs(d) > 1e-6) {
                return false;
            }
        }
        return true;
    }

    /** @return the product this * o (apply o first, then this), translation reduced to [0,1) */
    public SymmetryOperation times(SymmetryOperation o) {
        double[] rr = new double[9];
        double[] tt = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int k = 0; k < 3; k++) {
                    s += r[i * 3 + k] * o.r[k * 3 + j];
                }
                rr[i * 3 + j] = s;
            }
            double s = t[i];
            for (int k = 0; k < 3; k++) {
                s += r[i * 3 + k] * o.t[k];
            }
            tt[i] = s - Math.floor(s);
            if (tt[i] >= 1 - 1e-9) {
                tt[i] = 0;
            }
        }
        return new SymmetryOperation(rr, tt);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                sb.append(',');
            }
            StringBuilder c = new StringBuilder();
            for (int j = 0; j < 3; j++) {
                double v = r[i * 3 + j];
                if (v != 0) {
                    c.append(v > 0 ? (c.length() > 0 ? "+" : "") : "-");
                    if (Math.abs(v) != 1) {
                        c.append((int) Math.abs(v));
                    }
                    c.append((char) ('x' + j));
                }
            }
            if (t[i] != 0) {
                c.append('+').append(fraction(t[i]));
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static String fraction(double v) {
        for (int d : new int[] {2, 3, 4, 6, 8, 12}) {
            double n = v * d;
            if (Math.abs(n - Math.rint(n)) < 1e-6) {
                return (long) Math.rint(n) + "/" + d;
            }
        }
        return Double.toString(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SymmetryOperation s && Arrays.equals(r, s.r) && Arrays.equals(t, s.t);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(r) * 31 + Arrays.hashCode(t);
    }
}
