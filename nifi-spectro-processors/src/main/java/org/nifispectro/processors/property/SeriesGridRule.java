package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;

/** Curves of a series on different grids. */
public enum SeriesGridRule implements DescribedValue {
    RESAMPLE("Resample To Overlap", "Linear interpolation onto the range all curves cover, with the finest median step of any curve"),
    REFUSE("Refuse", "Route to failure naming the first curve whose grid differs");

    private final String value;
    private final String description;

    SeriesGridRule(String value, String description) {
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
