package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;

/** What a DecomposePCANMF input FlowFile holds. */
public enum SeriesInputFormat implements DescribedValue {
    AUTO("Detect", "TAR or ZIP by signature; HDF5 by signature: a 2-D series when HDF5 Dataset Path names a 2-D dataset, else a spectral stack; anything else multi-column text"),
    ARCHIVE("TAR or ZIP Archive", "One curve per archive member (.gr or two-column text), as MergeContent writes them"),
    TEXT_COLUMNS("Multi-Column Text", "First column the grid, every further column one curve"),
    HDF5_SERIES("HDF5 2-D Dataset", "A 2-D dataset, one curve per row (samples x grid points)"),
    STACK("Spectral Stack", "A spectral image stack (NormalizeSpectra output or any stack StackReader reads); pixels are the samples");

    private final String value;
    private final String description;

    SeriesInputFormat(String value, String description) {
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
