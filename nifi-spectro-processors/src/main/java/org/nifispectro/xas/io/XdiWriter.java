package org.nifispectro.xas.io;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nifispectro.xas.Autobk;
import org.nifispectro.xas.XafsFT;

/**
 * Writes chi(k) and chi(R) as XDI-style column files:
 * <pre>
 * # XDI/1.0 nifi-spectro/0.1
 * # Column.1: k inverse Angstrom
 * # Column.2: chi
 * # Column.3: chi_k2
 * # Column.4: window
 * # Element.symbol: Cu
 * # Element.edge: K
 * # Autobk.rbkg: 1.0                 parameters used (Autobk., Xftf., PreEdge. namespaces)
 * # ...                              fields of the input file, in their order (Column.* dropped)
 * # ///
 * # input comments
 * # ---
 * # k chi chi_k2 window
 * </pre>
 * chi(R) files have columns r (Angstrom), chir_mag, chir_re, chir_im. Numbers are written with 8
 * significant digits; text is written as given (callers should use ISO-8859-1 or UTF-8 consistently
 * with the reader; the readers use ISO-8859-1 so bytes round-trip).
 */
public final class XdiWriter {

    /** Version line written. */
    public static final String VERSION_LINE = "# XDI/1.0 nifi-spectro/0.1";

    private XdiWriter() {
    }

    /**
     * Header content: element/edge, the parameters used (ordered keys {@code Namespace.tag}), the
     * input's fields and comments to carry on.
     */
    public record Header(String element, String edge, Map<String, String> parameters, List<XdiField> inputFields,
                         List<String> comments) {
        public Header {
            parameters = parameters == null ? Map.of() : new LinkedHashMap<>(parameters);
            inputFields = inputFields == null ? List.of() : List.copyOf(inputFields);
            comments = comments == null ? List.of() : List.copyOf(comments);
            for (String k : parameters.keySet()) {
                if (!k.matches("[A-Za-z][A-Za-z0-9_]*\\.[A-Za-z0-9_]+")) {
                    throw new IllegalArgumentException("parameter key '" + k + "' is not of the form Namespace.tag");
                }
            }
        }

        /** Header carrying the fields and comments of an input file. */
        public static Header from(XasSpectrum in, Map<String, String> parameters) {
            return new Header(in.element(), in.edge(), parameters, in.data().fields(), in.data().comments());
        }
    }

    /**
     * The parameters of an Autobk + xftf run as XDI fields ({@code PreEdge.e0}, {@code Autobk.rbkg},
     * {@code Xftf.kweight}, ...), in a stable order.
     */
    public static Map<String, String> parameters(Autobk.Result bk, XafsFT.Params ft) {
        Map<String, String> m = new LinkedHashMap<>();
        Autobk.Params p = bk.params();
        m.put("PreEdge.e0", num(bk.e0()));
        m.put("PreEdge.edge_step", num(bk.edgeStep()));
        m.put("Autobk.rbkg", num(bk.rbkg()));
        m.put("Autobk.kmin", num(bk.kmin()));
        m.put("Autobk.kmax", num(bk.kmax()));
        m.put("Autobk.kweight", num(p.kweight()));
        m.put("Autobk.dk", num(p.dk()));
        m.put("Autobk.win", p.win());
        m.put("Autobk.nknots", Integer.toString(bk.nknots()));
        m.put("Autobk.nclamp", Integer.toString(p.nclamp()));
        m.put("Autobk.clamp_lo", num(p.clampLo()));
        m.put("Autobk.clamp_hi", num(p.clampHi()));
        m.put("Autobk.kstep", num(p.kstep()));
        m.put("Autobk.nfft", Integer.toString(p.nfft()));
        if (!Double.isNaN(p.emax())) {
            m.put("Autobk.emax", num(p.emax()));
        }
        if (ft != null) {
            m.put("Xftf.kmin", num(ft.kmin()));
            m.put("Xftf.kmax", num(ft.kmax()));
            m.put("Xftf.kweight", num(ft.kweight()));
            m.put("Xftf.dk", num(ft.dk()));
            m.put("Xftf.dk2", num(Double.isNaN(ft.dk2()) ? ft.dk() : ft.dk2()));
            m.put("Xftf.window", ft.window());
            m.put("Xftf.nfft", Integer.toString(ft.nfft()));
            m.put("Xftf.kstep", num(ft.kstep()));
            m.put("Xftf.rmax_out", num(ft.rmaxOut()));
        }
        return m;
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** chi(k): columns k, chi, k^w chi, window (window may be shorter/longer; missing values written as 0). */
    public static void writeChiK(Writer w, Header h, double[] k, double[] chi, double kweight, double[] window)
            throws IOException {
        if (k.length != chi.length) {
            throw new IllegalArgumentException("k and chi lengths differ: " + k.length + " vs " + chi.length);
        }
        String kwName = "chi_k" + num(kweight);
        List<String[]> cols = List.of(new String[] {"k", "inverse Angstrom"}, new String[] {"chi", ""},
                new String[] {kwName, ""}, new String[] {"window", ""});
        header(w, h, cols);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < k.length; i++) {
            sb.setLength(0);
            double win = window != null && i < window.length ? window[i] : 0.0;
            sb.append(fmt(k[i])).append(' ').append(fmt(chi[i])).append(' ')
                    .append(fmt(chi[i] * Math.pow(k[i], kweight))).append(' ').append(fmt(win)).append('\n');
            w.write(sb.toString());
        }
        w.flush();
    }

    /** chi(R): columns r, |chi(R)|, Re, Im. */
    public static void writeChiR(Writer w, Header h, XafsFT.Result ft) throws IOException {
        List<String[]> cols = List.of(new String[] {"r", "Angstrom"}, new String[] {"chir_mag", ""},
                new String[] {"chir_re", ""}, new String[] {"chir_im", ""});
        header(w, h, cols);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ft.r().length; i++) {
            sb.setLength(0);
            sb.append(fmt(ft.r()[i])).append(' ').append(fmt(ft.mag()[i])).append(' ').append(fmt(ft.re()[i]))
                    .append(' ').append(fmt(ft.im()[i])).append('\n');
            w.write(sb.toString());
        }
        w.flush();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.8g", v);
    }

    private static void header(Writer w, Header h, List<String[]> cols) throws IOException {
        List<String> out = new ArrayList<>();
        out.add(VERSION_LINE);
        for (int i = 0; i < cols.size(); i++) {
            String[] c = cols.get(i);
            out.add("# Column." + (i + 1) + ": " + c[0] + (c[1].isEmpty() ? "" : " " + c[1]));
        }
        if (h.element() != null) {
            out.add("# Element.symbol: " + h.element());
        }
        if (h.edge() != null) {
            out.add("# Element.edge: " + h.edge());
        }
        for (Map.Entry<String, String> e : h.parameters().entrySet()) {
            out.add("# " + e.getKey() + ": " + clean(e.getValue()));
        }
        for (XdiField f : h.inputFields()) {
            if (f.namespace().equalsIgnoreCase("Column") || f.is("Element.symbol") || f.is("Element.edge")
                    || h.parameters().containsKey(f.key())) {
                continue;
            }
            out.add("# " + f.key() + ": " + clean(f.value()));
        }
        out.add("# ///");
        for (String c : h.comments()) {
            String s = clean(c);
            // a comment must not end the header early
            if (s.matches("^-{3,}\\s*$") || s.matches("^/{3,}.*")) {
                s = "(" + s + ")";
            }
            out.add("# " + s);
        }
        out.add("# ---");
        StringBuilder labels = new StringBuilder("#");
        for (String[] c : cols) {
            labels.append(' ').append(c[0]);
        }
        out.add(labels.toString());
        for (String s : out) {
            w.write(s);
            w.write('\n');
        }
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
