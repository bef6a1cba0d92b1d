package org.nifispectro.classify;

import java.util.List;

/**
 * A class of structures whose simulated PDFs correlate with the representative's at or above the
 * catalog threshold (Pearson r, MLstructureMining's grouping).
 *
 * @param id 0-based class index (the classifier's output index)
 * @param representative the structure that opened the class
 * @param members the other structures of the class (possibly empty)
 */
public record StructureClass(int id, CatalogEntry representative, List<CatalogEntry> members) {

    public StructureClass {
        members = List.copyOf(members);
    }

    /** @return representative followed by the members */
    public List<CatalogEntry> all() {
        java.util.ArrayList<CatalogEntry> out = new java.util.ArrayList<>(members.size() + 1);
        out.add(representative);
        out.addAll(members);
        return out;
    }

    /** @return "class 12: Ni4 (Fm-3m)" style label */
    public String label() {
        return representative.formula().replace(" ", "") + " " + representative.spaceGroup();
    }
}
