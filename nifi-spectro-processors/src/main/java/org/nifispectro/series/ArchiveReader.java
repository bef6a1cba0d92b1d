package org.nifispectro.series;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

import org.nifispectro.pdf.io.GrData;
import org.nifispectro.pdf.io.GrFormatException;
import org.nifispectro.pdf.io.GrReader;

/**
 * Reads the curves of a TAR or ZIP archive, one curve per regular file, streaming.
 *
 * <h2>Formats</h2>
 * TAR (POSIX ustar, GNU long names {@code L}, PAX {@code x} path records; what MergeContent writes
 * with commons-compress) and ZIP (stored or deflated, {@link ZipInputStream}). The format is told by
 * the first bytes (ZIP local header {@code PK\3\4}, else a TAR header with a valid checksum).
 * Directories and PAX global headers are skipped; links and devices are refused. Each member is read
 * by {@link GrReader} (PDFgetX3, PDFgui or plain columns: first column the grid, second the values).
 *
 * <h2>Safety</h2>
 * Entry names are only labels: they are never used as file paths, and a name that is absolute or has a
 * {@code ..} segment is refused (it would escape any directory it were extracted into). Limits
 * ({@link ArchiveLimits}) are checked against the bytes actually produced while streaming, not against
 * sizes declared in headers: a ZIP entry that declares 1 kB and inflates to 1 GB stops at the limit.
 *
 * <h2>References</h2>
 * POSIX.1-2001 pax / ustar interchange format; PKWARE APPNOTE.TXT (ZIP); Apache NiFi MergeContent
 * (TAR and ZIP merge: entry name = path + filename attribute, no other attributes kept).
 */
public final class ArchiveReader {

    private static final int BLOCK = 512;

    private ArchiveReader() {
    }

    /** Archive type found from the first bytes, or null when neither. */
    public static String detect(byte[] head, int length) {
        if (length >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5) && (head[3] == 4 || head[3] == 6)) {
            return "zip";
        }
        if (length >= BLOCK && tarChecksumOk(head)) {
            return "tar";
        }
        return null;
    }

    /**
     * Reads every regular file of the archive as a curve.
     *
     * @param in      archive content (not closed)
     * @param source  archive name for messages
     * @param limits  budgets
     * @param order   order of the returned curves
     * @throws SeriesException for an unreadable archive, an unsafe entry name, an exceeded limit or a member
     *                         that is not a numeric curve (with the entry name and line)
     */
    public static List<Curve> read(InputStream in, String source, ArchiveLimits limits, MemberOrder order)
            throws SeriesException, IOException {
        BufferedInputStream bin = new BufferedInputStream(in, 1 << 16);
        bin.mark(BLOCK);
        byte[] head = new byte[BLOCK];
        int n = bin.readNBytes(head, 0, BLOCK);
        bin.reset();
        String type = detect(head, n);
        if (type == null) {
            throw new SeriesException("not a TAR or ZIP archive (no ZIP signature, no valid TAR header in the first "
                    + BLOCK + " bytes)", source);
        }
        List<Curve> curves = "zip".equals(type) ? readZip(bin, source, limits) : readTar(bin, source, limits);
        if (curves.isEmpty()) {
            throw new SeriesException("the archive holds no files", source);
        }
        if (order == MemberOrder.NATURAL_NAME) {
            curves.sort(Comparator.comparing(Curve::name, ArchiveReader::naturalCompare));
        }
        return curves;
    }

    private static List<Curve> readZip(InputStream in, String source, ArchiveLimits limits)
            throws SeriesException, IOException {
        List<Curve> curves = new ArrayList<>();
        Budget budget = new Budget(limits, source);
        try (ZipInputStream zip = new ZipInputStream(new NonClosing(in), StandardCharsets.UTF_8)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                budget.entry(e.getName());
                String name = checkName(e.getName(), source);
                if (e.isDirectory()) {
                    continue;
                }
                byte[] bytes = budget.readEntry(zip, name, Long.MAX_VALUE);
                curves.add(parse(bytes, name, source));
            }
        } catch (ZipException e) {
            throw new SeriesException("damaged ZIP archive: " + e.getMessage(), source);
        } catch (EOFException e) {
            // ZipInputStream's inflater at the end of a cut-off entry (found by fuzzing): truncated input
            throw new SeriesException("truncated ZIP archive: " + e.getMessage(), source);
        }
        return curves;
    }

    private static List<Curve> readTar(InputStream in, String source, ArchiveLimits limits)
            throws SeriesException, IOException {
        List<Curve> curves = new ArrayList<>();
        Budget budget = new Budget(limits, source);
        byte[] header = new byte[BLOCK];
        String longName = null;
        long offset = 0;
        while (true) {
            int got = in.readNBytes(header, 0, BLOCK);
            if (got == 0) {
                break; // end without the two zero blocks: tolerated, as GNU tar does
            }
            if (got < BLOCK) {
                throw new SeriesException("truncated TAR archive: " + got + " bytes of a header block", source
                        + ", offset " + offset);
            }
            offset += BLOCK;
            if (allZero(header)) {
                break;
            }
            if (!tarChecksumOk(header)) {
                throw new SeriesException("damaged TAR archive: header checksum does not match", source + ", offset "
                        + (offset - BLOCK));
            }
            String name = longName != null ? longName : tarName(header);
            longName = null;
            char type = (char) header[156];
            long size = tarSize(header, source, name);
            budget.entry(name);
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            switch (type) {
                case 'L', 'x' -> {
                    if (size > 65_536) {
                        throw SeriesException.overLimit("TAR metadata record of " + size + " bytes (at most 65536)",
                                source + ", entry " + name);
                    }
                    byte[] meta = readExactly(in, size, source, name);
                    skipExactly(in, padded - size, source, name);
                    offset += padded;
                    if (type == 'L') {
                        longName = cString(meta, 0, meta.length);
                    } else {
                        String path = paxPath(meta);
                        if (path != null) {
                            longName = path;
                        }
                    }
                }
                case '0', '\0', '7' -> {
                    String safe = checkName(name, source);
                    byte[] bytes = budget.readEntry(in, safe, size);
                    skipExactly(in, padded - size, source, safe);
                    offset += padded;
                    curves.add(parse(bytes, safe, source));
                }
                case '5', 'g' -> {
                    checkName(name, source);
                    skipExactly(in, padded, source, name);
                    offset += padded;
                }
                default -> throw new SeriesException("TAR entry of type '" + type + "' (link, device or FIFO) is not a "
                        + "curve file; only regular files are read", source + ", entry " + name);
            }
        }
        return curves;
    }

    /** Counts entries and expanded bytes. */
    private static final class Budget {
        private final ArchiveLimits limits;
        private final String source;
        private int entries;
        private long total;

        Budget(ArchiveLimits limits, String source) {
            this.limits = limits;
            this.source = source;
        }

        void entry(String name) throws SeriesException {
            if (++entries > limits.maxEntries()) {
                throw SeriesException.overLimit("the archive has more than " + limits.maxEntries()
                        + " entries (Maximum Archive Entries)", source + ", entry " + name);
            }
        }

        /** Reads one entry, at most {@code declared} bytes, counting what is really produced. */
        byte[] readEntry(InputStream in, String name, long declared) throws SeriesException, IOException {
            if (declared != Long.MAX_VALUE && declared > limits.maxEntryBytes()) {
                throw SeriesException.overLimit("entry of " + declared + " bytes exceeds Maximum Entry Size of "
                        + limits.maxEntryBytes() + " bytes", source + ", entry " + name);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long read = 0;
            while (read < declared) {
                int want = (int) Math.min(buf.length, declared - read);
                int r = in.read(buf, 0, want);
                if (r < 0) {
                    if (declared != Long.MAX_VALUE) {
                        throw new SeriesException("truncated archive: entry ends after " + read + " of " + declared
                                + " bytes", source + ", entry " + name);
                    }
                    break;
                }
                read += r;
                total += r;
                if (read > limits.maxEntryBytes()) {
                    throw SeriesException.overLimit("entry expands to more than " + limits.maxEntryBytes()
                            + " bytes (Maximum Entry Size)", source + ", entry " + name);
                }
                if (total > limits.maxTotalBytes()) {
                    throw SeriesException.overLimit("entries expand to more than " + limits.maxTotalBytes()
                            + " bytes in total (Maximum Expanded Size)", source + ", entry " + name);
                }
                out.write(buf, 0, r);
            }
            return out.toByteArray();
        }
    }

    /** Parses one member as a curve (GrReader: .gr layouts and plain columns, plain decimal columns on its fast path). */
    static Curve parse(byte[] bytes, String name, String source) throws SeriesException {
        String where = source + ", entry " + name;
        if (bytes.length == 0) {
            throw new SeriesException("empty member: no data", where);
        }
        GrData d;
        try {
            d = GrReader.parse(bytes, name);
        } catch (GrFormatException e) {
            String msg = e.getMessage();
            String prefix = name + " line " + e.line() + ": ";
            if (msg != null && msg.startsWith(prefix)) {
                msg = msg.substring(prefix.length());
            } else if (msg != null && msg.startsWith(name + ": ")) {
                msg = msg.substring(name.length() + 2);
            }
            throw new SeriesException("not a numeric curve: " + msg, e.line() > 0 ? where + ", line " + e.line() : where);
        }
        return new Curve(name, d.r(), d.g(), historyLines(d.header()));
    }

    /** The {@code history.N} and {@code history.N.parameters} entries of a .gr header, as "key = value" lines. */
    static List<String> historyLines(Map<String, String> header) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> e : header.entrySet()) {
            if (HISTORY_KEY.matcher(e.getKey()).matches()) {
                lines.add(e.getKey() + " = " + e.getValue());
            }
        }
        return lines;
    }

    private static final Pattern HISTORY_KEY =
            Pattern.compile("(?i)history\\.\\d+([._]parameters)?");

    /**
     * Refuses names that would escape a directory: absolute, drive letters, backslashes used as
     * separators with "..", or any ".." segment. Returns the name unchanged otherwise.
     */
    static String checkName(String name, String source) throws SeriesException {
        if (name == null || name.isEmpty()) {
            throw new SeriesException("archive entry without a name", source);
        }
        String unified = name.replace('\\', '/');
        boolean absolute = unified.startsWith("/") || unified.matches("^[A-Za-z]:.*");
        boolean parent = false;
        for (String seg : unified.split("/")) {
            parent |= seg.equals("..");
        }
        if (absolute || parent || name.indexOf('\0') >= 0) {
            throw new SeriesException("unsafe archive entry name (absolute path or '..' segment); refused, entry names "
                    + "are never used as paths", source + ", entry " + printable(name));
        }
        return name;
    }

    private static String printable(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]", "?");
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private static boolean tarChecksumOk(byte[] h) {
        long stored = 0;
        boolean digits = false;
        for (int i = 148; i < 156; i++) {
            int c = h[i] & 0xff;
            if (c >= '0' && c <= '7') {
                stored = stored * 8 + (c - '0');
                digits = true;
            } else if (c == 0 || c == ' ') {
                if (digits) {
                    break;
                }
            } else {
                return false;
            }
        }
        if (!digits) {
            return false;
        }
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        return sum == stored;
    }

    private static String tarName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        if (ustar && h[262] == 0) { // POSIX ustar has a prefix field; GNU ("ustar  ") does not
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    private static long tarSize(byte[] h, String source, String name) throws SeriesException {
        if ((h[124] & 0x80) != 0) { // base-256 (GNU / commons-compress BIGNUMBER)
            long v = 0;
            for (int i = 125; i < 136; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    throw SeriesException.overLimit("TAR entry declares an absurd size", source + ", entry " + name);
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = 124; i < 136; i++) {
            int c = h[i] & 0xff;
            if (c == 0 || c == ' ') {
                continue;
            }
            if (c < '0' || c > '7') {
                throw new SeriesException("damaged TAR header: size field is not octal", source + ", entry " + name);
            }
            v = v * 8 + (c - '0');
        }
        return v;
    }

    private static String paxPath(byte[] meta) {
        String text = new String(meta, StandardCharsets.UTF_8);
        for (String rec : text.split("\n")) {
            int sp = rec.indexOf(' ');
            if (sp < 0) {
                continue;
            }
            String kv = rec.substring(sp + 1);
            if (kv.startsWith("path=")) {
                return kv.substring(5);
            }
        }
        return null;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] b) {
        for (byte v : b) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] readExactly(InputStream in, long n, String source, String name) throws IOException, SeriesException {
        byte[] b = in.readNBytes((int) n);
        if (b.length < n) {
            throw new SeriesException("truncated TAR archive", source + ", entry " + name);
        }
        return b;
    }

    private static void skipExactly(InputStream in, long n, String source, String name) throws IOException, SeriesException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw new SeriesException("truncated TAR archive", source + ", entry " + name);
        }
    }

    /** Natural order: runs of digits compare by value, the rest case-insensitively. */
    public static int naturalCompare(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i), cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i, sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String da = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String db = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = da.length() != db.length() ? Integer.compare(da.length(), db.length()) : da.compareTo(db);
                if (c != 0) {
                    return c;
                }
            } else {
                int c = Character.compare(Character.toLowerCase(ca), Character.toLowerCase(cb));
                if (c != 0) {
                    return c;
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the caller owns the stream
        }
    }
}
