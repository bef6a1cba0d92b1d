package org.nifispectro.processors.property;

/** File format of the component children. */
public enum ComponentFormat implements Choice {
    AUTO("Detect", ".gr when the input curves were .gr files, otherwise a two-column spectrum file"),
    GR("PDF (.gr)", "PDFgetX3-layout .gr file: r (angstrom) and G(r)"),
    SPECTRUM("Spectrum (two columns)", "Comma-separated grid and intensity with # header lines");

    private final Text text;

    ComponentFormat(String value, String description) {
        this.text = new Text(value, description);
    }

    @Override
    public Text text() {
        return text;
    }
}
