package org.nifispectro.series;

/**
 * Budgets against archive bombs, checked while the archive is streamed (headers are never trusted:
 * the bytes actually produced by each entry are counted).
 *
 * @param maxEntries       most entries (files, directories, metadata headers all count)
 * @param maxEntryBytes    most bytes one entry may expand to
 * @param maxTotalBytes    most bytes all entries together may expand to
 */
public record ArchiveLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes) {

    public ArchiveLimits {
        if (maxEntries < 1 || maxEntryBytes < 1 || maxTotalBytes < 1) {
            throw new IllegalArgumentException("archive limits must be positive: entries " + maxEntries
                    + ", entry bytes " + maxEntryBytes + ", total bytes " + maxTotalBytes);
        }
    }

    /** 10,000 entries, 16 MB per entry, 256 MB in total. */
    public static ArchiveLimits defaults() {
        return new ArchiveLimits(10_000, 16L << 20, 256L << 20);
    }
}
