package org.nifispectro.pdf.cif;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Syntax-level reader of CIF 1.1 files (Hall, Allen &amp; Brown 1991; IUCr CIF 1.1 syntax
 * specification): several {@code data_} blocks per file, {@code loop_} tables, values quoted
 * with {@code '} or {@code "} (a quote only closes when followed by white space), semicolon
 * text fields, {@code #} comments, {@code ?} and {@code .} values. {@code save_} frames and
 * {@code global_} blocks are skipped. The parser is lenient in one respect common in old
 * database files: bytes that are not valid UTF-8 are read as ISO-8859-1.
 *
 * <p>Errors ({@link CifException}) give the source name and the 1-based line.
 *
 * <p>References: S. R. Hall, F. H. Allen, I. D. Brown, Acta Cryst. A47 (1991) 655;
 * CIF 1.1 syntax, https://www.iucr.org/resources/cif/spec/version1.1/cifsyntax
 */
public final class CifParser {

    private CifParser() {
    }

    /** Reads all data blocks of a file. */
    public static List<CifBlock> parse(Path file) throws IOException, CifException {
        byte[] bytes = Files.readAllBytes(file);
        return parse(decode(bytes), file.getFileName().toString());
    }

    /** Decodes CIF bytes as UTF-8, falling back to ISO-8859-1 when not valid UTF-8. */
    public static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private record Token(String text, int line, boolean quoted) {
    }

    /**
     * Parses CIF text into data blocks.
     *
     * @param text CIF content
     * @param source name used in error messages
     * @return blocks in file order (never empty)
     * @throws CifException on a syntax error or when the text holds no data block
     */
    public static List<CifBlock> parse(String text, String source) throws CifException {
        List<Token> toks = tokenize(text, source);
        List<CifBlock> blocks = new ArrayList<>();
        String bname = null;
        int bline = 0;
        Map<String, CifBlock.Item> items = null;
        int nloop = 0;
        int i = 0;
        boolean inSave = false;
        while (i < toks.size()) {
            Token t = toks.get(i);
            String lc = t.quoted ? "" : t.text.toLowerCase(Locale.ROOT);
            if (!t.quoted && lc.startsWith("data_")) {
                if (bname != null) {
                    blocks.add(new CifBlock(bname, bline, items, source));
                }
                bname = t.text.substring(5);
                bline = t.line;
                items = new LinkedHashMap<>();
                inSave = false;
                i++;
                continue;
            }
            if (!t.quoted && lc.equals("global_")) {
                throw new CifException(source + " line " + t.line + ": global_ blocks are not supported",
                        t.line, null);
            }
            if (!t.quoted && lc.startsWith("save_")) {
                inSave = lc.length() > 5; // save_name opens, bare save_ closes
                i++;
                continue;
            }
            if (items == null) {
                throw new CifException(source + " line " + t.line + ": '" + abbreviate(t.text)
                        + "' before the first data_ block header", t.line, null);
            }
            if (!t.quoted && lc.equals("loop_")) {
                int loopLine = t.line;
                i++;
                List<Token> tags = new ArrayList<>();
                while (i < toks.size() && !toks.get(i).quoted && toks.get(i).text.startsWith("_")) {
                    tags.add(toks.get(i));
                    i++;
                }
                if (tags.isEmpty()) {
                    throw new CifException(source + " line " + loopLine + ": loop_ without tags", loopLine, null);
                }
                List<Token> vals = new ArrayList<>();
                while (i < toks.size() && isValue(toks.get(i))) {
                    vals.add(toks.get(i));
                    i++;
                }
                if (vals.size() % tags.size() != 0) {
                    Token last = vals.isEmpty() ? tags.get(tags.size() - 1) : vals.get(vals.size() - 1);
                    throw new CifException(source + " line " + loopLine + ": loop_ of " + tags.size()
                            + " tags (first " + tags.get(0).text + ") has " + vals.size()
                            + " values, not a multiple of " + tags.size() + " (loop ends at line " + last.line + ")",
                            loopLine, tags.get(0).text);
                }
                int nrow = vals.size() / tags.size();
                for (int k = 0; k < tags.size(); k++) {
                    List<String> v = new ArrayList<>(nrow);
                    int[] lines = new int[nrow];
                    for (int r = 0; r < nrow; r++) {
                        Token vt = vals.get(r * tags.size() + k);
                        v.add(vt.quoted ? quotedValue(vt.text) : vt.text);
                        lines[r] = vt.line;
                    }
                    if (!inSave) {
                        items.put(tags.get(k).text.toLowerCase(Locale.ROOT),
                                new CifBlock.Item(tags.get(k).text, v, lines, nloop));
                    }
                }
                nloop++;
                continue;
            }
            if (!t.quoted && t.text.startsWith("_")) {
                if (i + 1 >= toks.size() || !isValue(toks.get(i + 1))) {
                    throw new CifException(source + " line " + t.line + ": tag " + t.text + " has no value",
                            t.line, t.text);
                }
                Token vt = toks.get(i + 1);
                if (!inSave) {
                    items.put(lc, new CifBlock.Item(t.text,
                            List.of(vt.quoted ? quotedValue(vt.text) : vt.text), new int[] {vt.line}, -1));
                }
                i += 2;
                continue;
            }
            throw new CifException(source + " line " + t.line + ": value '" + abbreviate(t.text)
                    + "' without a tag", t.line, null);
        }
        if (bname != null) {
            blocks.add(new CifBlock(bname, bline, items, source));
        }
        if (blocks.isEmpty()) {
            throw new CifException(source + ": no data_ block found (not a CIF?)", -1, null);
        }
        return blocks;
    }

    // quoted values are stored with a leading marker so that '?' quoted differs from ?; strip it
    private static String quotedValue(String s) {
        return s.substring(1);
    }

    private static boolean isValue(Token t) {
        if (t.quoted) {
            return true;
        }
        String lc = t.text.toLowerCase(Locale.ROOT);
        return !(t.text.startsWith("_") || lc.equals("loop_") || lc.startsWith("data_")
                || lc.startsWith("save_") || lc.equals("global_") || lc.equals("stop_"));
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static List<Token> tokenize(String text, String source) throws CifException {
        List<Token> out = new ArrayList<>();
        int n = text.length();
        int pos = 0;
        int line = 1;
        boolean lineStart = true;
        while (pos < n) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
                lineStart = true;
                continue;
            }
            if (c == '\r') {
                // CR or CRLF
                if (pos + 1 < n && text.charAt(pos + 1) == '\n') {
                    pos++;
                }
                line++;
                pos++;
                lineStart = true;
                continue;
            }
            // every char Java counts as whitespace separates tokens: the bare-token scan below stops at
            // Character.isWhitespace, so a separator not skipped here (e.g. U+001F, found by fuzzing) made an
            // empty token without advancing, an endless loop that filled the heap
            if (c == ' ' || c == '\t' || c == '\f' || c == '\u000b' || c == '\u001a' || Character.isWhitespace(c)) {
                pos++;
                lineStart = false;
                continue;
            }
            if (c == '#') {
                while (pos < n && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
                    pos++;
                }
                continue;
            }
            if (c == ';' && lineStart) {
                int startLine = line;
                int p = pos + 1;
                StringBuilder sb = new StringBuilder();
                boolean closed = false;
                while (p < n) {
                    char d = text.charAt(p);
                    if (d == '\n' || d == '\r') {
                        if (d == '\r' && p + 1 < n && text.charAt(p + 1) == '\n') {
                            p++;
                        }
                        line++;
                        p++;
                        if (p < n && text.charAt(p) == ';') {
                            closed = true;
                            p++;
                            break;
                        }
                        sb.append('\n');
                        continue;
                    }
                    sb.append(d);
                    p++;
                }
                if (!closed) {
                    throw new CifException(source + " line " + startLine
                            + ": semicolon text field is never closed", startLine, null);
                }
                String v = sb.toString();
                if (v.startsWith("\n")) {
                    v = v.substring(1);
                }
                out.add(new Token("\u0000" + v.strip(), startLine, true));
                pos = p;
                lineStart = false;
                continue;
            }
            lineStart = false;
            if (c == '\'' || c == '"') {
                int p = pos + 1;
                int end = -1;
                while (p < n) {
                    char d = text.charAt(p);
                    if (d == '\n' || d == '\r') {
                        break;
                    }
                    if (d == c && (p + 1 >= n || Character.isWhitespace(text.charAt(p + 1)))) {
                        end = p;
                        break;
                    }
                    p++;
                }
                if (end < 0) {
                    throw new CifException(source + " line " + line + ": unterminated quoted value starting "
                            + abbreviate(text.substring(pos, Math.min(n, p))), line, null);
                }
                out.add(new Token("\u0000" + text.substring(pos + 1, end), line, true));
                pos = end + 1;
                continue;
            }
            int p = pos;
            while (p < n && !Character.isWhitespace(text.charAt(p))) {
                p++;
            }
            out.add(new Token(text.substring(pos, p), line, false));
            pos = p;
        }
        return out;
    }
}
