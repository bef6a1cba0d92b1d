package org.nifispectro.pdf.io;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;

/**
 * Writes G(r) in the PDFgetX3 layout: an INI-style {@code [DEFAULT]} header with
 * {@code key = value} lines (the parameters used), a {@code #### start data} line, the
 * {@code #S 1} and {@code #L r($\AA$)  G($\AA^{-2}$)} lines, then "r G" rows. Files written here
 * are read back by {@link GrReader}, PDFgetX3, PDFgui and DiffPy's {@code loadData}.
 */
public final class GrWriter {

    private GrWriter() {
    }

    /**
     * @param out destination (not closed)
     * @param header parameters in order (keys must not contain '=' or line breaks)
     * @param r r grid
     * @param g G(r)
     */
    public static void write(Writer out, Map<String, ?> header, double[] r, double[] g) throws IOException {
        if (r.length != g.length) {
            throw new IllegalArgumentException("r and G lengths differ: " + r.length + " vs " + g.length);
        }
        StringBuilder sb = new StringBuilder(64 + 24 * r.length);
        sb.append("[DEFAULT]\n\n");
        for (Map.Entry<String, ?> e : header.entrySet()) {
            String k = e.getKey();
            String v = String.valueOf(e.getValue()).replace('\n', ' ').replace('\r', ' ');
            if (k.contains("=") || k.contains("\n") || k.isBlank()) {
                throw new IllegalArgumentException("invalid .gr header key '" + k + "'");
            }
            sb.append(k).append(" = ").append(v).append('\n');
        }
        sb.append("\n#### start data\n#S 1\n#L r($\\AA$)  G($\\AA^{-2}$)\n");
        for (int i = 0; i < r.length; i++) {
            sb.append(String.format(Locale.ROOT, "%.6g %.8g\n", r[i], g[i]));
        }
        out.write(sb.toString());
    }
}
