package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;

/** What ClassifyStructure's confidence rule (Minimum Top Probability, Minimum Probability Ratio) judges. */
public enum ConfidenceLevel implements DescribedValue {
    STRUCTURE_TYPE("Structure Type", "The structure type of the top class (space group, atoms per cell and stoichiometry): "
            + "its probability is the sum over the ranked classes of that type, compared with the best other type. "
            + "Classes of one type at different lattice scales (Ni and Cu, NaCl and the rocksalt sulfides) share the "
            + "probability of a clear match, since the +-4 % lattice variants of one reach the other; they do not "
            + "make the type ambiguous."),
    CLASS("Class", "The top class alone, compared with the second class whatever its type (MLstructureMining's reading)");

    private final String value;
    private final String description;

    ConfidenceLevel(String value, String description) {
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
