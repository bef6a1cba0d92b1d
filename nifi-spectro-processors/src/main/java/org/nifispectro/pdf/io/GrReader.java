package org.nifispectro.pdf.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader of PDF files (.gr): the PDFgetX3 / xPDFsuite layout (INI-like header, a
 * {@code #### start data} line, optional {@code #S}/{@code #L} lines, then columns), the
 * PDFgetN / PDFgetX2 / PDFgui layout ({@code ##### start data}, {@code #L r G(r) dr dG(r)}), and
 * plain whitespace-separated columns without any header. Two columns are r and G; three are r, G,
 * dG; four are r, G, dr, dG (PDFgui convention). Fortran "D" exponents are accepted.
 */
public final class GrReader {

    private GrReader() {
    }

    /** Reads a file (the general reader: every column, dr and dG too). */
    public static GrData read(Path file) throws IOException, GrFormatException {
        return parse(Files.readAllLines(file, StandardCharsets.ISO_8859_1), file.getFileName().toString());
    }

    /**
     * Parses the bytes of a .gr file (ISO-8859-1). Plain decimal columns take {@link GrText}'s fast
     * path (the same numbers, several times faster; r and G only, so dr and dG are null there);
     * anything else, and every malformed file, goes through {@link #parse(List, String)} with its
     * messages.
     *
     * @param bytes file content
     * @param source name for error messages
     */
    public static GrData parse(byte[] bytes, String source) throws GrFormatException {
        GrText.Columns c = GrText.parse(bytes);
        if (c == null) {
            return parse(new String(bytes, StandardCharsets.ISO_8859_1).lines().toList(), source);
        }
        if (c.headerBytes() < 0) {
            return new GrData(c.r(), c.g(), null, null, new LinkedHashMap<>(), "columns");
        }
        String marker = new String(bytes, c.headerBytes(), Math.min(bytes.length - c.headerBytes(), 80),
                StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
        List<String> head = new String(bytes, 0, c.headerBytes(), StandardCharsets.ISO_8859_1).lines().toList();
        return new GrData(c.r(), c.g(), null, null, header(head), layout(marker));
    }

    /** The key = value lines of a header (INI sections and comments skipped). */
    private static Map<String, String> header(List<String> lines) {
        Map<String, String> header = new LinkedHashMap<>();
        for (String line : lines) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("[")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq > 0) {
                header.put(t.substring(0, eq).trim(), t.substring(eq + 1).trim());
            }
        }
        return header;
    }

    /** Layout named by the start-data line: PDFgui's has five '#'. */
    private static String layout(String startDataLine) {
        return startDataLine.trim().startsWith("#####") ? "pdfgui" : "pdfgetx3";
    }

    /**
     * Parses lines of a .gr file.
     *
     * @param lines file lines
     * @param source name for error messages
     */
    public static GrData parse(List<String> lines, String source) throws GrFormatException {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.startsWith("#") && t.replace("#", "").trim().equalsIgnoreCase("start data")) {
                start = i;
            }
        }
        Map<String, String> header = start >= 0 ? header(lines.subList(0, start)) : new LinkedHashMap<>();
        String layout = start < 0 ? "columns" : layout(lines.get(start));
        List<double[]> rows = new ArrayList<>();
        int ncol = -1;
        for (int i = start + 1; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] tok = t.split("[\\s,]+");
            double[] v = new double[Math.min(tok.length, 4)];
            boolean numeric = tok.length >= 2;
            for (int k = 0; k < v.length && numeric; k++) {
                try {
                    v[k] = Double.parseDouble(tok[k].replace('D', 'E').replace('d', 'e'));
                } catch (NumberFormatException e) {
                    numeric = false;
                }
            }
            if (!numeric) {
                if (start < 0 && rows.isEmpty()) {
                    continue; // free-text header of a plain column file
                }
                throw new GrFormatException(source + " line " + (i + 1) + ": expected at least 2 numbers (r G), got '"
                        + (t.length() > 60 ? t.substring(0, 60) + "..." : t) + "'", i + 1);
            }
            if (ncol < 0) {
                ncol = v.length;
            } else if (v.length < ncol) {
                throw new GrFormatException(source + " line " + (i + 1) + ": " + v.length + " columns, expected "
                        + ncol, i + 1);
            }
            rows.add(v);
        }
        if (rows.isEmpty()) {
            throw new GrFormatException(source + ": no data rows found", -1);
        }
        int n = rows.size();
        double[] r = new double[n];
        double[] g = new double[n];
        double[] dr = ncol >= 4 ? new double[n] : null;
        double[] dg = ncol >= 3 ? new double[n] : null;
        for (int i = 0; i < n; i++) {
            double[] v = rows.get(i);
            r[i] = v[0];
            g[i] = v[1];
            if (ncol == 3) {
                dg[i] = v[2];
            } else if (ncol >= 4) {
                dr[i] = v[2];
                dg[i] = v[3];
            }
        }
        return new GrData(r, g, dr, dg, header, layout);
    }
}
