package org.nifispectro.classify;

import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nifispectro.pdf.Elements;

/**
 * The chemical constraint of MLstructureMining (seed 004, CeO2 example: "if we eliminate all
 * proposed structures that do not include Ce, then we obtain a range of different cerium oxides in
 * our top-5"): only classes holding a structure that contains every required element are ranked.
 * The classifier itself takes no chemical input; the constraint is applied to its scores, so the
 * probabilities stay those over the whole catalog (a low probability for the best admitted class
 * still says the data are not much like it).
 *
 * <p>Elements are given as symbols separated by spaces, commas or dashes ("Cd Se", "Fe-O") or as
 * a formula ("CdSe", "Cd0.5 Se0.5", "W12O40"): counts are ignored. {@link #composition} reads the
 * {@code composition = ...} line PDFgetX3 writes into a .gr header.
 *
 * @param elements required element symbols, sorted; empty: no constraint
 */
public record ElementFilter(SortedSet<String> elements) {

    private static final Pattern TOKEN = Pattern.compile("([A-Z][a-z]?)(\\d*\\.?\\d*)");
    private static final Pattern COMPOSITION = Pattern.compile("^[# \\t]*composition[ \\t]*[=:][ \\t]*(.*?)[ \\t]*$",
            Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

    public ElementFilter {
        elements = Collections.unmodifiableSortedSet(new TreeSet<>(elements));
    }

    /** @return no constraint */
    public static ElementFilter none() {
        return new ElementFilter(new TreeSet<>());
    }

    /**
     * @param text element symbols or a formula
     * @return the filter
     * @throws IllegalArgumentException naming the first part that is not an element symbol
     */
    public static ElementFilter parse(String text) {
        SortedSet<String> out = new TreeSet<>();
        if (text == null) {
            return none();
        }
        for (String part : text.strip().split("[\\s,;\\-]+")) {
            if (part.isEmpty()) {
                continue;
            }
            Matcher m = TOKEN.matcher(part);
            int at = 0;
            while (at < part.length()) {
                if (!m.find(at) || m.start() != at || m.end() == at) {
                    throw new IllegalArgumentException("'" + part + "' is not an element symbol or formula (at '"
                            + part.substring(at) + "')");
                }
                String symbol = m.group(1);
                if (!Elements.isElement(symbol)) {
                    throw new IllegalArgumentException("'" + symbol + "' is not an element symbol");
                }
                out.add(symbol);
                at = m.end();
            }
        }
        return new ElementFilter(out);
    }

    /**
     * @param header the text before a .gr's data
     * @return the value of its last {@code composition = ...} line (PDFgetX3), or null when it has none or an
     *         empty one
     */
    public static String composition(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = COMPOSITION.matcher(header);
        String found = null;
        while (m.find()) {
            found = m.group(1).isEmpty() ? found : m.group(1);
        }
        return found;
    }

    /** @return true when there is no constraint */
    public boolean isEmpty() {
        return elements.isEmpty();
    }

    /** @return whether some structure of the class contains every required element */
    public boolean admits(StructureClass c) {
        if (isEmpty()) {
            return true;
        }
        for (CatalogEntry e : c.all()) {
            if (List.of(e.elements().split(" ")).containsAll(elements)) {
                return true;
            }
        }
        return false;
    }

    /** @return per class, {@link #admits}; null when there is no constraint */
    public boolean[] admitted(List<StructureClass> classes) {
        if (isEmpty()) {
            return null;
        }
        boolean[] out = new boolean[classes.size()];
        for (int c = 0; c < out.length; c++) {
            out[c] = admits(classes.get(c));
        }
        return out;
    }

    @Override
    public String toString() {
        return String.join(" ", elements);
    }
}
