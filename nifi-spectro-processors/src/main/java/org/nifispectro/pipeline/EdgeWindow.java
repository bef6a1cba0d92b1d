package org.nifispectro.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An energy range of a scan normalized on its own, e.g. the L3 edge of a scan that also covers L2.
 *
 * <p>Text form (the "Edge Windows" property): {@code label:emin-emax} in eV, several separated by
 * commas or semicolons, e.g. {@code L3:6190-6680, L2:6680-7100}. Energies inside a window satisfy
 * {@code emin <= E <= emax}; windows may touch or overlap. The label names the window in group
 * names ({@code norm_L3}) and attributes ({@code xas.L3.e0.median}), so it is limited to letters,
 * digits and underscores (at most 32) and must be unique.
 *
 * @param label window name
 * @param emin  lower end (eV); {@code -Infinity} for the start of the scan
 * @param emax  upper end (eV); {@code +Infinity} for the end of the scan
 */
public record EdgeWindow(String label, double emin, double emax) {

    /** Label of the one window used when no windows are given. */
    public static final String WHOLE_SCAN_LABEL = "edge";

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final String NUMBER = "([+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)";
    private static final Pattern ITEM = Pattern.compile("\\s*([^:\\s]+)\\s*:\\s*" + NUMBER + "\\s*-\\s*" + NUMBER + "\\s*");

    public EdgeWindow {
        if (label == null || !LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("edge window label '" + label
                    + "' must be 1 to 32 letters, digits or underscores");
        }
        if (Double.isNaN(emin) || Double.isNaN(emax) || !(emin < emax)) {
            throw new IllegalArgumentException("edge window " + label + ": emin (" + emin + " eV) must be below emax ("
                    + emax + " eV)");
        }
    }

    /** One window over the whole scan, labelled {@value #WHOLE_SCAN_LABEL}. */
    public static EdgeWindow wholeScan() {
        return new EdgeWindow(WHOLE_SCAN_LABEL, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /**
     * Parses the text form; blank text gives one {@link #wholeScan()} window.
     *
     * @throws IllegalArgumentException naming the item that is wrong (1-based) and why
     */
    public static List<EdgeWindow> parseList(String text) {
        if (text == null || text.isBlank()) {
            return List.of(wholeScan());
        }
        List<EdgeWindow> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] items = text.split("[,;]");
        for (int i = 0; i < items.length; i++) {
            String item = items[i];
            if (item.isBlank()) {
                throw new IllegalArgumentException("edge window " + (i + 1) + " of '" + text.trim()
                        + "' is empty; expected label:emin-emax, e.g. L3:6190-6680");
            }
            Matcher m = ITEM.matcher(item);
            if (!m.matches()) {
                throw new IllegalArgumentException("edge window " + (i + 1) + " '" + item.trim()
                        + "' is not label:emin-emax in eV, e.g. L3:6190-6680");
            }
            EdgeWindow w;
            try {
                w = new EdgeWindow(m.group(1), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("edge window " + (i + 1) + " '" + item.trim() + "': " + e.getMessage(), e);
            }
            if (!seen.add(w.label().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("edge window label '" + w.label() + "' is used twice in '" + text.trim()
                        + "'");
            }
            out.add(w);
        }
        return List.copyOf(out);
    }

    /** True for the {@link #wholeScan()} window. */
    public boolean isWholeScan() {
        return Double.isInfinite(emin) && Double.isInfinite(emax);
    }

    /** Number of energies of {@code energyEv} (increasing) inside the window. */
    public int count(double[] energyEv) {
        int n = 0;
        for (double e : energyEv) {
            if (e >= emin && e <= emax) {
                n++;
            }
        }
        return n;
    }

    /** "L3:6190-6680" (or "edge:whole scan"), the text form of this window. */
    @Override
    public String toString() {
        return isWholeScan() ? label + ":whole scan" : label + ":" + fmt(emin) + "-" + fmt(emax);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
