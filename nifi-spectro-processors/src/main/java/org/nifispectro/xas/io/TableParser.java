package org.nifispectro.xas.io;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects numeric rows with their line numbers; shared by the XDI and column readers. */
final class TableParser {

    static final Pattern SPLIT = Pattern.compile("[\\s,]+");

    private final String source;
    private final List<double[]> rows = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();
    private int ncol = -1;
    private int firstLine;

    TableParser(String source) {
        this.source = source;
    }

    static String[] tokens(String line) {
        String s = line.strip();
        if (s.isEmpty()) {
            return new String[0];
        }
        return SPLIT.split(s);
    }

    static boolean isNumber(String t) {
        try {
            Double.parseDouble(t);
            return true;
        } catch (NumberFormatException ex) {
            return false;
        }
    }

    void add(String line, int lineNo) throws XasParseException {
        String[] t = tokens(line);
        if (t.length == 0) {
            return;
        }
        if (ncol < 0) {
            ncol = t.length;
            firstLine = lineNo;
        } else if (t.length != ncol) {
            throw new XasParseException(source, lineNo, "row has " + t.length + " values but the data table has "
                    + ncol + " columns (from line " + firstLine + ")");
        }
        double[] v = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            try {
                v[i] = Double.parseDouble(t[i]);
            } catch (NumberFormatException ex) {
                throw new XasParseException(source, lineNo, "non-numeric value '" + t[i] + "' in column " + (i + 1));
            }
        }
        rows.add(v);
        lines.add(lineNo);
    }

    int columnCount() {
        return Math.max(ncol, 0);
    }

    double[][] columns() {
        int n = rows.size();
        double[][] c = new double[columnCount()][n];
        for (int r = 0; r < n; r++) {
            double[] v = rows.get(r);
            for (int j = 0; j < v.length; j++) {
                c[j][r] = v[j];
            }
        }
        return c;
    }

    int[] lines() {
        return lines.stream().mapToInt(Integer::intValue).toArray();
    }
}
