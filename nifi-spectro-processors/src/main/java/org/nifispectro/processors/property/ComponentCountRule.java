package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;

/** How DecomposePCANMF chooses the number of NMF components. */
public enum ComponentCountRule implements DescribedValue {
    THRESHOLD("Variance Threshold", "Smallest number of PCA components whose cumulative explained variance ratio reaches the threshold"),
    THRESHOLD_PLUS_ONE("Variance Threshold Plus One", "The threshold's count plus one: k significant mean-centred PCA axes span k + 1 end-members of a mixture"),
    FIXED("Fixed", "The number given in Component Count");

    private final String value;
    private final String description;

    ComponentCountRule(String value, String description) {
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
