package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;

/** Order of the curves of an archive. */
public enum SeriesMemberOrder implements DescribedValue {
    ARCHIVE("Archive Order", "As stored: MergeContent with the Defragment strategy stores members in fragment.index order"),
    NATURAL_NAME("File Name (Natural Order)", "By entry name, digit runs compared as numbers (scan_2 before scan_10)");

    private final String value;
    private final String description;

    SeriesMemberOrder(String value, String description) {
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
