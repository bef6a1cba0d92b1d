package org.nifispectro.processors.property;

/** Where ClassifyStructure takes its optional chemical constraint from. */
public enum ElementFilterSource implements Choice {
    NONE("None", "No chemical input: every class of the catalog is ranked (MLstructureMining's default)"),
    FILE_HEADER("Composition In File Header", "The elements of the 'composition = ...' line PDFgetX3 writes into a "
            + ".gr header (e.g. 'composition = Cd Se'): only classes holding a structure that contains all of them are "
            + "ranked. A file without such a line is ranked unconstrained (classify.element.filter is then empty)."),
    LISTED("Listed Elements", "The elements of the Required Elements property (may come from a FlowFile attribute)");

    private final Text text;

    ElementFilterSource(String value, String description) {
        this.text = new Text(value, description);
    }

    @Override
    public Text text() {
        return text;
    }
}
