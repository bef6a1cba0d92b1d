package org.nifispectro.processors.property;

/** What the values of a stack are: absorbance as stored, or transmitted intensities to convert. */
public enum DataType implements Choice {
    ABSORBANCE("Absorbance", "The stored values are the absorption coefficient mu or the optical density, normalized as"
            + " stored"),
    TRANSMISSION("Transmission", "The stored values are transmitted intensities I (counts, as STXM/TXM stacks arrive);"
            + " each pixel spectrum is converted to optical density OD = -ln(I / I0(E)) before normalizing, with I0 from"
            + " the I0 Path dataset or, without one, the mean of the brightest 5 % of pixels");

    private final Text text;

    DataType(String value, String description) {
        this.text = new Text(value, description);
    }

    @Override
    public Text text() {
        return text;
    }
}
