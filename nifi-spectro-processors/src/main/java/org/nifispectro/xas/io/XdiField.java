package org.nifispectro.xas.io;

/**
 * One {@code # Namespace.tag: value} header field of an XDI file, kept verbatim (value trimmed) with
 * the line it came from (0 when created by a program).
 */
public record XdiField(String namespace, String tag, String value, int line) {

    public XdiField {
        if (namespace == null || namespace.isEmpty() || tag == null || tag.isEmpty()) {
            throw new IllegalArgumentException("XDI field needs a namespace and a tag, got '" + namespace + "." + tag
                    + "'");
        }
        value = value == null ? "" : value.strip();
    }

    /** {@code Namespace.tag}. */
    public String key() {
        return namespace + "." + tag;
    }

    /** Case-insensitive key match, as the XDI specification makes namespaces and tags case-insensitive. */
    public boolean is(String key) {
        return key().equalsIgnoreCase(key);
    }
}
