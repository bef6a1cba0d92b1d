package org.nifispectro.processors.property;

/** What a DecomposePCANMF input FlowFile holds. */
public enum SeriesInputFormat implements Choice {
    AUTO("Detect", "TAR or ZIP by signature; HDF5 by signature: a 2-D series when HDF5 Dataset Path names a 2-D dataset, else a spectral stack; anything else multi-column text"),
    ARCHIVE("TAR or ZIP Archive", "One curve per archive member (.gr or two-column text), as MergeContent writes them"),
    TEXT_COLUMNS("Multi-Column Text", "First column the grid, every further column one curve"),
    HDF5_SERIES("HDF5 2-D Dataset", "A 2-D dataset, one curve per row (samples x grid points)"),
    STACK("Spectral Stack", "A spectral image stack (NormalizeSpectra output or any stack StackReader reads); pixels are the samples");

    private final Text text;

    SeriesInputFormat(String value, String description) {
        this.text = new Text(value, description);
    }

    @Override
    public Text text() {
        return text;
    }
}
