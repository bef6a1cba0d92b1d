package org.nifispectro.processors.property;

/** Order of the curves of an archive. */
public enum SeriesMemberOrder implements Choice {
    ARCHIVE("Archive Order", "As stored: MergeContent with the Defragment strategy stores members in fragment.index order"),
    NATURAL_NAME("File Name (Natural Order)", "By entry name, digit runs compared as numbers (scan_2 before scan_10)");

    private final Text text;

    SeriesMemberOrder(String value, String description) {
        this.text = new Text(value, description);
    }

    @Override
    public Text text() {
        return text;
    }
}
