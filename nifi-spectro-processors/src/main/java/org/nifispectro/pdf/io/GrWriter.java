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
     * Standard header for a simulated PDF: structure identity and every calculator setting, with
     * DiffPy's parameter names.
     */
    public static Map<String, Object> header(org.nifispectro.pdf.PdfParameters p, org.nifispectro.pdf.CrystalStructure s) {
        Map<String, Object> h = new java.util.LinkedHashMap<>();
        h.put("program", "nifi-spectro SimulatePDF (DiffPy-CMI PDFCalculator equivalent)");
        h.put("mode", "xray");
        h.put("structure", s.name());
        h.put("composition", s.cellFormula());
        h.put("spacegroup", s.spaceGroup());
        h.put("natoms", s.size());
        h.put("numberdensity", String.format(Locale.ROOT, "%.6g", s.numberDensity()));
        h.put("a", s.lattice().a());
        h.put("b", s.lattice().b());
        h.put("c", s.lattice().c());
        h.put("alpha", s.lattice().alpha());
        h.put("beta", s.lattice().beta());
        h.put("gamma", s.lattice().gamma());
        h.put("rmin", p.rmin());
        h.put("rmax", p.rmax());
        h.put("rstep", p.rstep());
        h.put("qmin", p.qmin());
        h.put("qmax", p.qmax());
        h.put("qdamp", p.qdamp());
        h.put("qbroad", p.qbroad());
        h.put("delta1", p.delta1());
        h.put("delta2", p.delta2());
        h.put("uiso", Double.isNaN(p.uiso()) ? "from structure" : p.uiso());
        h.put("scale", p.scale());
        h.put("spdiameter", Double.isNaN(p.spdiameter()) ? 0.0 : p.spdiameter());
        return h;
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
