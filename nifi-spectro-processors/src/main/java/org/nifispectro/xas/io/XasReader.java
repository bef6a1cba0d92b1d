package org.nifispectro.xas.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an XAS file of either kind: XDI when the first line starts with {@code # XDI/} (strict
 * {@link XdiReader}), plain columns otherwise ({@link ColumnFileReader}).
 */
public final class XasReader {

    private XasReader() {
    }

    public static XasData read(Path path) throws IOException, XasParseException {
        String text = Files.readString(path, StandardCharsets.ISO_8859_1);
        return read(path.getFileName().toString(), text, true);
    }

    /**
     * @param source   name used in messages
     * @param text     file content
     * @param strictXdi require Element.symbol/Element.edge/Column.1 in XDI files
     */
    public static XasData read(String source, String text, boolean strictXdi) throws IOException, XasParseException {
        String first;
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            first = r.readLine();
        }
        if (first != null && XdiReader.VERSION.matcher(XdiReader.stripBom(first).strip()).matches()) {
            return XdiReader.read(source, new StringReader(text), strictXdi);
        }
        return ColumnFileReader.read(source, new StringReader(text));
    }
}
