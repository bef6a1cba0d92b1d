package org.nifispectro.processors.property;

/** Curves of a series on different grids. */
public enum SeriesGridRule implements Choice {
    RESAMPLE("Resample To Overlap", "Linear interpolation onto the range all curves cover, with the finest median step of any curve"),
    REFUSE("Refuse", "Route to failure naming the first curve whose grid differs");

    private final Text text;

    SeriesGridRule(String value, String description) {
        this.text = new Text(value, description);
    }

    @Override
    public Text text() {
        return text;
    }
}
