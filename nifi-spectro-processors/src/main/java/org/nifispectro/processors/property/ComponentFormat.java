package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;

/** File format of the component children. */
public enum ComponentFormat implements DescribedValue {
    AUTO("Detect", ".gr when the input curves were .gr files, otherwise a two-column spectrum file"),
    GR("PDF (.gr)", "PDFgetX3-layout .gr file: r (angstrom) and G(r)"),
    SPECTRUM("Spectrum (two columns)", "Comma-separated grid and intensity with # header lines");

    private final String value;
    private final String description;

    ComponentFormat(String value, String description) {
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
