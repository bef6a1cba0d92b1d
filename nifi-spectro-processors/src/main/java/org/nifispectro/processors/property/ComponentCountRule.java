package org.nifispectro.processors.property;

/** How DecomposePCANMF chooses the number of NMF components. */
public enum ComponentCountRule implements Choice {
    THRESHOLD("Variance Threshold", "Smallest number of PCA components whose cumulative explained variance ratio reaches the threshold"),
    THRESHOLD_PLUS_ONE("Variance Threshold Plus One", "The threshold's count plus one: k significant mean-centred PCA axes span k + 1 end-members of a mixture"),
    FIXED("Fixed", "The number given in Component Count");

    private final Text text;

    ComponentCountRule(String value, String description) {
        this.text = new Text(value, description);
    }

    @Override
    public Text text() {
        return text;
    }
}
