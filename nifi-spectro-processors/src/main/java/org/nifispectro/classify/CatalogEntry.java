package org.nifispectro.classify;

/**
 * One structure of a catalog.
 *
 * @param sourceId the CIF file's path relative to the catalog folder (with '/' separators)
 * @param block the CIF data block the structure came from
 * @param formula unit-cell formula, e.g. "Na4 Cl4"
 * @param spaceGroup space-group symbol as given in the CIF
 * @param atoms atoms in the unit cell after symmetry expansion
 */
public record CatalogEntry(String sourceId, String block, String formula, String spaceGroup, int atoms) {

    /**
     * The space group without spaces, minus signs, underscores and origin/setting suffixes
     * ("F d -3 m S", "Fd-3m:2" and "F d 3 m" all give "Fd3m"), for comparing symbols written in
     * different CIF styles.
     */
    public static String spaceGroupKey(String symbol) {
        String s = symbol == null ? "" : symbol.replaceAll(":.*$", "").replaceAll("[\\s_\\-]", "");
        if (s.length() > 2 && Character.isUpperCase(s.charAt(s.length() - 1))) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** @return the element symbols of the formula, sorted, space separated ("Cl Na") */
    public String elements() {
        java.util.TreeSet<String> set = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Z][a-z]?").matcher(formula);
        while (m.find()) {
            set.add(m.group());
        }
        return String.join(" ", set);
    }
}
