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

    /**
     * A coarse structure-type key: space group ({@link #spaceGroupKey}), atoms per cell and the sorted
     * per-element counts of the cell formula. "Ni4" Fm-3m and "Cu4" F m 3 m give "Fm3m|4|4"; "Na4 Cl4" and
     * "Ce4 S4" in Fm-3m give "Fm3m|8|4,4" (rocksalt). Structures with one key are isotypic in the usual cases
     * (same symmetry, same number of atoms, same stoichiometry); the key does not compare Wyckoff positions, so
     * two different types can share it, and it ignores minus signs of the symbol (P-1 and P1 share one).
     */
    public String structureTypeKey() {
        java.util.List<Integer> counts = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Z][a-z]?(\\d*\\.?\\d*)").matcher(formula);
        while (m.find()) {
            String n = m.group(1);
            double v = n.isEmpty() ? 1 : Double.parseDouble(n);
            counts.add((int) Math.round(v));
        }
        java.util.Collections.sort(counts);
        StringBuilder b = new StringBuilder(spaceGroupKey(spaceGroup)).append('|').append(atoms).append('|');
        for (int i = 0; i < counts.size(); i++) {
            b.append(i == 0 ? "" : ",").append(counts.get(i));
        }
        return b.toString();
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
