package org.nifispectro.xas.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader for XDI (XAS Data Interchange) files, version 1.0 (1.x accepted).
 *
 * <h2>Format</h2>
 * <pre>
 * # XDI/1.0 GSE/1.0                 version line (application versions optional)
 * # Column.1: energy eV             Namespace.tag: value header fields
 * # Column.2: i0
 * # Element.symbol: Cu
 * # Element.edge: K
 * # ///                             start of free user comments
 * # Cu foil, room temperature
 * # ---                             end of header (any run of 3 or more '-')
 * # energy i0 itrans                optional column label line
 *   8779.0  149013.7  550643.08     whitespace-separated numbers
 * </pre>
 * Every field is kept in file order (unknown namespaces, duplicates and EPICS-style
 * {@code value || PV} suffixes included) so that outputs can carry them on. Column names come from
 * the {@code Column.N} fields (first word = name, second = unit), then from the label line.
 * Header lines that are not fields are kept as comments (some writers, e.g. Larch's XDI/1.1, emit
 * them). Namespaces and tags are matched case-insensitively.
 *
 * <p>In strict mode (default) the fields this project needs are required: {@code Element.symbol},
 * {@code Element.edge} and {@code Column.1}; a missing one is an error naming the file and the line
 * where the header ends. Data errors (non-numeric value, ragged row) name the file and line.
 *
 * <h2>References</h2>
 * XDI specification, github XraySpectroscopy/XAS-Data-Interchange {@code specification/spec.md}
 * and the field dictionary {@code specification/dictionary.md}.
 */
public final class XdiReader {

    /** {@code # XDI/1.0 ...}. */
    static final Pattern VERSION = Pattern.compile("^#\\s*XDI/(\\d+\\.\\d+)(.*)$");
    private static final Pattern FIELD = Pattern.compile(
            "^#\\s*([A-Za-z][A-Za-z0-9_]*)\\.([A-Za-z0-9_][A-Za-z0-9_]*)\\s*:(.*)$");
    private static final Pattern COMMENT_START = Pattern.compile("^#\\s*/{3,}.*$");
    private static final Pattern HEADER_END = Pattern.compile("^#\\s*-{3,}\\s*$");

    /** Fields a strict read requires. */
    public static final List<String> REQUIRED = List.of("Element.symbol", "Element.edge", "Column.1");

    private XdiReader() {
    }

    /** Reads a file strictly; the source name in messages is the file name. */
    public static XasData read(Path path) throws IOException, XasParseException {
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
            return read(path.getFileName().toString(), r, true);
        }
    }

    /**
     * Reads XDI text.
     *
     * @param source name used in messages (file name, FlowFile filename)
     * @param strict require {@link #REQUIRED} fields
     */
    public static XasData read(String source, Reader in, boolean strict) throws IOException, XasParseException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        String first = r.readLine();
        if (first == null) {
            throw new XasParseException(source, 0, "empty file");
        }
        first = stripBom(first);
        Matcher vm = VERSION.matcher(first.strip());
        if (!vm.matches()) {
            throw new XasParseException(source, 1, "not an XDI file: the first line must start with '# XDI/1.0', found '"
                    + abbreviate(first) + "'");
        }
        String version = "XDI/" + vm.group(1);
        List<XdiField> fields = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        String labelLine = null;
        boolean inComments = false;
        boolean headerEnded = false;
        int headerEndLine = 1;
        TableParser table = new TableParser(source);
        String line;
        int no = 1;
        while ((line = r.readLine()) != null) {
            no++;
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (s.startsWith("#")) {
                if (table.columnCount() > 0) {
                    continue; // comment lines inside the data block are ignored
                }
                if (HEADER_END.matcher(s).matches()) {
                    headerEnded = true;
                    inComments = false;
                    headerEndLine = no;
                    continue;
                }
                if (headerEnded) {
                    labelLine = s.substring(1).strip();
                    continue;
                }
                if (!inComments && COMMENT_START.matcher(s).matches()) {
                    inComments = true;
                    headerEndLine = no;
                    continue;
                }
                if (!inComments) {
                    Matcher fm = FIELD.matcher(s);
                    if (fm.matches()) {
                        fields.add(new XdiField(fm.group(1), fm.group(2), fm.group(3), no));
                        headerEndLine = no;
                        continue;
                    }
                }
                comments.add(s.substring(1).strip());
                continue;
            }
            if (table.columnCount() == 0) {
                headerEndLine = Math.max(headerEndLine, no - 1);
            }
            table.add(s, no);
        }
        if (table.columnCount() == 0) {
            throw new XasParseException(source, no, "no data rows after the header");
        }
        if (strict) {
            for (String req : REQUIRED) {
                boolean found = false;
                for (XdiField f : fields) {
                    if (f.is(req)) {
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    throw new XasParseException(source, headerEndLine, "missing required XDI field " + req
                            + " (header ends here)");
                }
            }
        }
        int ncol = table.columnCount();
        TreeMap<Integer, String[]> colDefs = new TreeMap<>();
        for (XdiField f : fields) {
            if (f.namespace().equalsIgnoreCase("Column") && f.tag().chars().allMatch(Character::isDigit)) {
                int idx = Integer.parseInt(f.tag());
                String v = f.value();
                int bar = v.indexOf("||");
                if (bar >= 0) {
                    v = v.substring(0, bar);
                }
                String[] t = TableParser.tokens(v);
                if (idx < 1) {
                    throw new XasParseException(source, f.line(), "Column numbers start at 1, found Column." + idx);
                }
                if (t.length == 0) {
                    throw new XasParseException(source, f.line(), "Column." + idx + " has no name");
                }
                colDefs.put(idx, t);
            }
        }
        if (!colDefs.isEmpty() && colDefs.lastKey() > ncol) {
            throw new XasParseException(source, 0, "header defines Column." + colDefs.lastKey() + " but the data rows have "
                    + ncol + " columns");
        }
        String[] labels = labelLine == null ? new String[0] : TableParser.tokens(labelLine);
        List<String> names = new ArrayList<>();
        List<String> units = new ArrayList<>();
        for (int c = 1; c <= ncol; c++) {
            String[] def = colDefs.get(c);
            if (def != null) {
                names.add(def[0]);
                units.add(def.length > 1 ? def[1] : "");
            } else if (labels.length == ncol) {
                names.add(labels[c - 1]);
                units.add("");
            } else {
                names.add("col" + c);
                units.add("");
            }
        }
        return new XasData(source, version, first.strip(), fields, comments, names, units, table.columns(),
                table.lines());
    }

    static String stripBom(String s) {
        return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
