package org.nifispectro.processors.property;

/** How NMF treats negative values (PDFs are negative between peaks). */
public enum NegativeValueRule implements Choice {
    SHIFT("Shift By Global Minimum", "Subtract the minimum of the whole series (one number) from every value; weights and component shapes keep the negative parts; the reference recipe"),
    SPLIT("Split Positive And Negative", "Factorise [max(x,0), max(-x,0)] side by side; each component is written as positive minus negative part"),
    CLIP("Clip At Zero", "Set negative values to zero (loses the negative parts)"),
    REJECT("Refuse", "Route series with any negative value to failure, naming where");

    private final Text text;

    NegativeValueRule(String value, String description) {
        this.text = new Text(value, description);
    }

    @Override
    public Text text() {
        return text;
    }
}
