package org.nifispectro.pdf.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fast path for the r and G columns of a .gr file (PDFgetX3 and PDFgui layouts with a
 * {@code start data} line, or plain columns after '#' comments or free-text lines), parsed
 * straight from the bytes. It returns exactly the numbers
 * {@link GrReader} returns for such a file, or {@code null} whenever the
 * text is anything but plain decimal columns (Fortran "D" exponents, NaN or
 * Infinity, hex, suffixes, a row with fewer than two numbers or fewer columns than the first,
 * a line starting with a comma, ...): the caller then uses GrReader, with its messages.
 *
 * <p>Why not GrReader alone: it splits every line with a regular expression and parses with
 * {@code Double.parseDouble}; measured 4.0 ms per 6,000-row file (about 4 s of a 1,000-PDF series
 * of 6.4 s, issue 6) against 0.4-0.5 ms here for the same numbers (numbers in
 * docs/classify-report.md). Numbers: the decimal mantissa (up to 19 significant digits, as long
 * as it fits a long) and exponent are read as integers; {@link #toDouble} combines them with an
 * exact power of ten, correctly rounded (W. D. Clinger, "How to read floating point numbers
 * accurately", PLDI 1990, the fast path; beyond 2^53 a double-double product or quotient with
 * Math.fma); any token it cannot guarantee goes to {@code Double.parseDouble}, so the result is
 * always the correctly rounded double, bit for bit what GrReader gets.
 */
public final class GrText {

    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    /**
     * The data columns and where the header ends.
     *
     * @param r first column
     * @param g second column
     * @param headerBytes length of the text before the (last) start-data line; -1 for a plain
     *        column file without one
     */
    public record Columns(double[] r, double[] g, int headerBytes) {
    }

    private GrText() {
    }

    /**
     * One pass over the bytes: every byte of a data row is read once, by the number parser (session 5;
     * before, a first pass looked for the last start-data line and a second split the lines before
     * parsing them: 0.65-0.72 ms per 6,000-row file, ~30 % of a 1,000-PDF series). Rows before a
     * start-data line are parsed and dropped when it comes (GrReader uses the last one); a line that is
     * not a row makes the file the general reader's unless a later start-data line turns it into header.
     *
     * @return the r and G columns, or null when the text needs the general reader
     */
    public static Columns parse(byte[] b) {
        int n = b.length;
        int marker = -1; // start of the last start-data line so far
        boolean pendingFailure = false; // a line that is not a row since that marker
        double[] r = new double[1024];
        double[] g = new double[1024];
        int rows = 0;
        int ncol = -1;
        double[] v = new double[4];
        int p = 0;
        while (p < n) {
            int q = p;
            while (q < n && b[q] != '\n' && b[q] != '\r' && (b[q] & 0xff) <= ' ') {
                q++;
            }
            if (q == n || b[q] == '\n' || b[q] == '\r') {
                p = next(b, q);
                continue;
            }
            if (b[q] == '#') {
                int e = lineEnd(b, q);
                if (isStartData(b, q, e)) {
                    marker = p;
                    rows = 0;
                    ncol = -1;
                    pendingFailure = false;
                }
                p = next(b, e);
                continue;
            }
            int t = q;
            int tokens = 0;
            int e = -1; // line end when the line is a row
            boolean letter = false;
            if (b[q] != ',') {
                while (true) {
                    if (tokens < 4) {
                        int stop = number(b, t, n, v, tokens);
                        if (stop < 0) {
                            // a token starting with a letter other than N, I (NaN, Infinity) can never be a number
                            byte f = b[t];
                            letter = (f >= 'a' && f <= 'z' || f >= 'A' && f <= 'Z') && f != 'N' && f != 'I';
                            break;
                        }
                        t = stop;
                    } else {
                        while (t < n && !delimiter(b[t]) && b[t] != '\n' && b[t] != '\r') {
                            t++;
                        }
                    }
                    tokens++;
                    while (t < n && delimiter(b[t])) {
                        t++;
                    }
                    if (t == n || b[t] == '\n' || b[t] == '\r') {
                        e = t;
                        break;
                    }
                    if ((b[t] & 0xff) <= ' ') {
                        // another control byte: only trailing blanks may follow (GrReader trims them)
                        int u = t;
                        while (u < n && b[u] != '\n' && b[u] != '\r' && (b[u] & 0xff) <= ' ') {
                            u++;
                        }
                        if (u == n || b[u] == '\n' || b[u] == '\r') {
                            e = u;
                        }
                        break;
                    }
                }
            }
            int cols = Math.min(tokens, 4);
            if (e < 0 || tokens < 2 || (ncol >= 0 && cols < ncol)) {
                // not a row: free text before the first row of a plain column file is skipped (as GrReader
                // does); anything else is the general reader's, unless a later start-data line follows
                if (!(marker < 0 && rows == 0 && letter && e < 0)) {
                    pendingFailure = true;
                }
                p = next(b, lineEnd(b, q));
                continue;
            }
            if (ncol < 0) {
                ncol = cols;
            }
            if (rows == r.length) {
                r = Arrays.copyOf(r, rows * 2);
                g = Arrays.copyOf(g, rows * 2);
            }
            r[rows] = v[0];
            g[rows] = v[1];
            rows++;
            p = next(b, e);
        }
        if (rows == 0 || pendingFailure) {
            return null;
        }
        return new Columns(Arrays.copyOf(r, rows), Arrays.copyOf(g, rows), marker);
    }

    /**
     * @return the header text as ISO-8859-1: before the start-data line, or for a plain column file
     *         (no such line) its first 200 lines, as ClassifyStructure reads a header for the
     *         processing history
     */
    public static String header(byte[] b, Columns c) {
        if (c.headerBytes() >= 0) {
            return new String(b, 0, c.headerBytes(), StandardCharsets.ISO_8859_1);
        }
        int p = 0;
        for (int line = 0; line < 200 && p < b.length; line++) {
            p = next(b, lineEnd(b, p));
        }
        return new String(b, 0, Math.min(p, b.length), StandardCharsets.ISO_8859_1);
    }

    private static boolean delimiter(byte c) {
        return c == ' ' || c == '\t' || c == ',' || c == 0x0B || c == '\f';
    }

    private static int lineEnd(byte[] b, int p) {
        while (p < b.length && b[p] != '\n' && b[p] != '\r') {
            p++;
        }
        return p;
    }

    private static int next(byte[] b, int e) {
        if (e < b.length && b[e] == '\r') {
            e++;
            if (e < b.length && b[e] == '\n') {
                e++;
            }
            return e;
        }
        return e + 1;
    }

    /** '#'s and blanks around "start data" (any case), as GrReader tests it. */
    private static boolean isStartData(byte[] b, int q, int e) {
        StringBuilder sb = new StringBuilder();
        for (int i = q; i < e; i++) {
            if (b[i] != '#') {
                sb.append((char) (b[i] & 0xff));
            }
        }
        return sb.toString().trim().equalsIgnoreCase("start data");
    }

    /**
     * Parses a plain decimal number at t into v[k].
     *
     * @return the index after it, or -1 when the token is not a plain decimal number followed by
     *         a delimiter, a line end or another byte &lt;= ' ' (the caller checks those)
     */
    private static int number(byte[] b, int t, int end, double[] v, int k) {
        int start = t;
        boolean neg = false;
        if (b[t] == '-' || b[t] == '+') {
            neg = b[t] == '-';
            t++;
        }
        long m = 0;
        boolean exact = true;
        int exp10 = 0;
        boolean any = false;
        while (t < end && b[t] >= '0' && b[t] <= '9') {
            any = true;
            if (m <= MAX_BEFORE_DIGIT) {
                m = m * 10 + (b[t] - '0');
            } else {
                exp10++;
                exact &= b[t] == '0';
            }
            t++;
        }
        if (t < end && b[t] == '.') {
            t++;
            while (t < end && b[t] >= '0' && b[t] <= '9') {
                any = true;
                if (m <= MAX_BEFORE_DIGIT) {
                    m = m * 10 + (b[t] - '0');
                    exp10--;
                } else {
                    exact &= b[t] == '0';
                }
                t++;
            }
        }
        if (!any) {
            return -1;
        }
        if (t < end && (b[t] == 'e' || b[t] == 'E')) {
            t++;
            boolean eneg = false;
            if (t < end && (b[t] == '-' || b[t] == '+')) {
                eneg = b[t] == '-';
                t++;
            }
            int ev = 0;
            boolean edig = false;
            while (t < end && b[t] >= '0' && b[t] <= '9') {
                edig = true;
                if (ev < 100_000) {
                    ev = ev * 10 + (b[t] - '0');
                }
                t++;
            }
            if (!edig) {
                return -1;
            }
            exp10 += eneg ? -ev : ev;
        }
        if (t < end && !delimiter(b[t]) && (b[t] & 0xff) > ' ') {
            return -1;
        }
        double x = m == 0 && exact ? 0 : exact ? toDouble(m, exp10) : Double.NaN;
        if (Double.isNaN(x)) {
            x = Math.abs(Double.parseDouble(new String(b, start, t - start, StandardCharsets.ISO_8859_1)));
        }
        v[k] = neg ? -x : x;
        return t;
    }

    /** Largest mantissa that can take one more decimal digit without overflowing a long. */
    private static final long MAX_BEFORE_DIGIT = (Long.MAX_VALUE - 9) / 10;

    /**
     * @return m * 10^e correctly rounded, or NaN when this method cannot guarantee it (the caller
     *         then uses Double.parseDouble). m &lt; 2^53 and |e| &lt;= 22: one exact operation
     *         (Clinger's fast path). m up to 2^63: m = mh + ml (mh = m rounded to a double, ml the
     *         exact long remainder), the product or quotient with the exact power of ten evaluated
     *         as a double-double with Math.fma (error below 2^-100 relative), rounded once; NaN when
     *         that double-double lies within 2^-40 ulp of a rounding midpoint or on a binade edge.
     */
    static double toDouble(long m, int e) {
        if (e < -22 || e > 22) {
            return Double.NaN;
        }
        double p10 = POW10[Math.abs(e)];
        if (m < (1L << 53)) {
            return e >= 0 ? m * p10 : m / p10;
        }
        double mh = (double) m;
        long ml = m - (long) mh;
        if ((long) mh != m - ml || mh >= 0x1p63) {
            return Double.NaN;
        }
        double hi;
        double lo;
        if (e >= 0) {
            hi = mh * p10;
            lo = Math.fma(mh, p10, -hi) + ml * p10;
        } else {
            hi = mh / p10;
            double r = Math.fma(-hi, p10, mh);
            lo = (r + ml) / p10;
        }
        double s = hi + lo;
        double t = (hi - s) + lo;
        if (!Double.isFinite(s) || s == 0 || (Double.doubleToRawLongBits(s) & 0x000f_ffff_ffff_ffffL) == 0) {
            return Double.NaN;
        }
        double half = Math.ulp(s) * 0.5;
        if (Math.abs(half - Math.abs(t)) <= Math.ulp(s) * 0x1p-40) {
            return Double.NaN;
        }
        return s;
    }
}
