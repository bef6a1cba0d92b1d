package org.nifispectro.pdf.cif;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code data_} block of a CIF: tags (lower-cased) mapped to their values. A tag outside
 * a loop has one value; a looped tag has one value per loop row. Values keep the line they
 * were read from for error messages. Unknown ({@code ?}) and inapplicable ({@code .})
 * unquoted values are kept verbatim; use {@link #isNull(String)} to test them.
 *
 * @param name block name (text after {@code data_})
 * @param line line of the {@code data_} header
 * @param items tag (lower case) to item, in file order
 * @param source name of the file, for messages
 */
public record CifBlock(String name, int line, Map<String, Item> items, String source) {

    /**
     * Values of one tag.
     *
     * @param tag tag as written in the file
     * @param values values (one unless looped)
     * @param lines line of each value
     * @param loop loop index within the block, -1 if not looped
     */
    public record Item(String tag, List<String> values, int[] lines, int loop) {
    }

    public CifBlock {
        items = Collections.unmodifiableMap(new LinkedHashMap<>(items));
    }

    /** @return whether the tag (any case) is present */
    public boolean has(String tag) {
        return items.containsKey(tag.toLowerCase(java.util.Locale.ROOT));
    }

    /** @return the item for the tag (any case), or null */
    public Item item(String tag) {
        return items.get(tag.toLowerCase(java.util.Locale.ROOT));
    }

    /** @return the first value of the tag, or null when absent */
    public String value(String tag) {
        Item it = item(tag);
        return it == null || it.values().isEmpty() ? null : it.values().get(0);
    }

    /** @return the first of the given tags that is present with a non-null value, or null */
    public String firstValue(String... tags) {
        for (String t : tags) {
            String v = value(t);
            if (v != null && !isNull(v)) {
                return v;
            }
        }
        return null;
    }

    /** @return true for CIF's unknown {@code ?} and inapplicable {@code .} values */
    public static boolean isNull(String v) {
        return v == null || v.equals("?") || v.equals(".");
    }

    /** @return a location text "source, block 'name'" */
    public String where() {
        return source + ", data block '" + name + "'";
    }
}
