package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;

/** Where ClassifyStructure takes its optional chemical constraint from. */
public enum ElementFilterSource implements DescribedValue {
    NONE("None", "No chemical input: every class of the catalog is ranked (MLstructureMining's default)"),
    FILE_HEADER("Composition In File Header", "The elements of the 'composition = ...' line PDFgetX3 writes into a "
            + ".gr header (e.g. 'composition = Cd Se'): only classes holding a structure that contains all of them are "
            + "ranked. A file without such a line is ranked unconstrained (classify.element.filter is then empty)."),
    LISTED("Listed Elements", "The elements of the Required Elements property (may come from a FlowFile attribute)");

    private final String value;
    private final String description;

    ElementFilterSource(String value, String description) {
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
