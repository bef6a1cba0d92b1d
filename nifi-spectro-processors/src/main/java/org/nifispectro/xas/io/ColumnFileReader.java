package org.nifispectro.xas.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader for plain column files (Athena/IFEFFIT {@code .xmu}, {@code .dat}, beamline ASCII, CSV):
 * header lines start with {@code #}, {@code ;}, {@code %} or {@code !}; data rows are numbers
 * separated by blanks, tabs or commas. Column names come from the last header line when it has as
 * many words as there are columns (a leading {@code key:} such as {@code columns:} is dropped), or
 * from a non-numeric first line before the data (CSV header); otherwise col1, col2, ...
 * Header lines are kept as comments; lines of the form {@code # Namespace.tag: value} are kept as
 * fields too. A non-numeric or ragged data row is an error naming the file and line.
 */
public final class ColumnFileReader {

    private ColumnFileReader() {
    }

    public static XasData read(Path path) throws IOException, XasParseException {
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
            return read(path.getFileName().toString(), r);
        }
    }

    public static XasData read(String source, Reader in) throws IOException, XasParseException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<String> comments = new ArrayList<>();
        List<XdiField> fields = new ArrayList<>();
        String lastHeader = null;
        String[] textHeader = null;
        TableParser table = new TableParser(source);
        String line;
        int no = 0;
        java.util.regex.Pattern field = java.util.regex.Pattern.compile(
                "^([A-Za-z][A-Za-z0-9_]*)\\.([A-Za-z0-9_]+)\\s*:(.*)$");
        while ((line = r.readLine()) != null) {
            no++;
            if (no == 1) {
                line = XdiReader.stripBom(line);
            }
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            char c0 = s.charAt(0);
            if (c0 == '#' || c0 == ';' || c0 == '%' || c0 == '!') {
                if (table.columnCount() > 0) {
                    continue;
                }
                String body = s.replaceFirst("^[#;%!]+", "").strip();
                comments.add(body);
                java.util.regex.Matcher m = field.matcher(body);
                if (m.matches()) {
                    fields.add(new XdiField(m.group(1), m.group(2), m.group(3), no));
                }
                if (!body.isEmpty() && !body.matches("^[-=_*/]+$")) {
                    lastHeader = body;
                }
                continue;
            }
            String[] t = TableParser.tokens(s);
            if (table.columnCount() == 0 && textHeader == null && t.length > 0 && !TableParser.isNumber(t[0])) {
                textHeader = t;
                continue;
            }
            table.add(s, no);
        }
        if (table.columnCount() == 0) {
            throw new XasParseException(source, no, "no numeric data rows found");
        }
        int ncol = table.columnCount();
        String[] labels = textHeader;
        if (labels == null || labels.length != ncol) {
            labels = null;
            if (lastHeader != null) {
                String h = lastHeader;
                int colon = h.indexOf(':');
                String[] t = TableParser.tokens(h);
                if (t.length != ncol && colon >= 0) {
                    t = TableParser.tokens(h.substring(colon + 1));
                }
                if (t.length == ncol) {
                    labels = t;
                }
            }
        }
        List<String> names = new ArrayList<>();
        List<String> units = new ArrayList<>();
        for (int c = 0; c < ncol; c++) {
            names.add(labels != null ? labels[c] : "col" + (c + 1));
            units.add("");
        }
        return new XasData(source, "columns", "", fields, comments, names, units, table.columns(), table.lines());
    }
}
