package org.nifispectro.processors.property;

/** What ClassifyStructure's confidence rule (Minimum Top Probability, Minimum Probability Ratio) judges. */
public enum ConfidenceLevel implements Choice {
    STRUCTURE_TYPE("Structure Type", "The structure type of the top class (space group, atoms per cell and stoichiometry): "
            + "its probability is the sum over the ranked classes of that type, compared with the best other type. "
            + "Classes of one type at different lattice scales (Ni and Cu, NaCl and the rocksalt sulfides) share the "
            + "probability of a clear match, since the +-4 % lattice variants of one reach the other; they do not "
            + "make the type ambiguous."),
    CLASS("Class", "The top class alone, compared with the second class whatever its type (MLstructureMining's reading)");

    private final Text text;

    ConfidenceLevel(String value, String description) {
        this.text = new Text(value, description);
    }

    @Override
    public Text text() {
        return text;
    }
}
