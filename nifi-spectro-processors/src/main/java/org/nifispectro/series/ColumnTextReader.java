package org.nifispectro.series;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a multi-column text file: the first column is the common grid, every further column one curve.
 * Lines starting with {@code #} and blank lines are skipped; free-text lines before the first numeric
 * line are a header, and the last of them, if it has one name per column, names the curves (otherwise
 * curves are named {@code column_2}, {@code column_3}, ...). Separators: whitespace, comma, semicolon.
 * After the first numeric line every line must hold the same number of numbers; the first line that
 * does not is reported by number.
 */
public final class ColumnTextReader {

    private ColumnTextReader() {
    }

    /**
     * @param reader   text (not closed)
     * @param source   file name for messages
     * @param maxValues refuse files with more values than this (memory budget)
     */
    public static List<Curve> read(BufferedReader reader, String source, long maxValues) throws SeriesException, IOException {
        List<double[]> rows = new ArrayList<>();
        String[] names = null;
        String line;
        int lineNo = 0;
        int ncol = -1;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] tok = t.split("[\\s,;]+");
            double[] v = new double[tok.length];
            boolean numeric = true;
            for (int k = 0; k < tok.length && numeric; k++) {
                try {
                    v[k] = Double.parseDouble(tok[k]);
                } catch (NumberFormatException e) {
                    numeric = false;
                }
            }
            if (!numeric) {
                if (rows.isEmpty()) {
                    names = tok;
                    continue;
                }
                throw new SeriesException("not a number in a data line: '" + shorten(t) + "'", source + ", line " + lineNo);
            }
            if (ncol < 0) {
                ncol = v.length;
                if (ncol < 2) {
                    throw new SeriesException("a series file needs a grid column and at least one curve column, found "
                            + ncol + " column", source + ", line " + lineNo);
                }
            } else if (v.length != ncol) {
                throw new SeriesException(v.length + " columns where the first data line has " + ncol,
                        source + ", line " + lineNo);
            }
            if ((long) (rows.size() + 1) * ncol > maxValues) {
                throw SeriesException.overLimit("more than " + maxValues + " values (memory budget)", source + ", line "
                        + lineNo);
            }
            rows.add(v);
        }
        if (rows.isEmpty()) {
            throw new SeriesException("no numeric data lines", source);
        }
        int n = rows.size();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rows.get(i)[0];
        }
        boolean named = names != null && names.length == ncol;
        List<Curve> curves = new ArrayList<>();
        for (int c = 1; c < ncol; c++) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = rows.get(i)[c];
            }
            curves.add(new Curve(named ? names[c] : "column_" + (c + 1), x.clone(), y));
        }
        return curves;
    }

    private static String shorten(String t) {
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }
}
