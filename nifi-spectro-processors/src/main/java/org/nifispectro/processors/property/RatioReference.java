package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;

/** What ClassifyStructure's Minimum Probability Ratio compares the top class with. */
public enum RatioReference implements DescribedValue {
    NEXT_STRUCTURE_TYPE("Next Structure Type", "The best class of another structure type (space group, atoms per cell "
            + "and stoichiometry differ). Classes of one type at different lattice scales (Ni and Cu, NaCl and the "
            + "rocksalt sulfides) share the probability of a clear match, since the +-4 % lattice variants of one "
            + "reach the other; they do not make the type ambiguous."),
    NEXT_CLASS("Next Class", "The second class of the ranking, whatever its structure type (MLstructureMining's reading)");

    private final String value;
    private final String description;

    RatioReference(String value, String description) {
        this.value = value;
        this.description = description;
    }

    @Override
    public String getValue() {
        return value;
    }

    @Override
    public String getDisplayName() {
        return value;
    }

    @Override
    public String getDescription() {
        return description;
    }
}
