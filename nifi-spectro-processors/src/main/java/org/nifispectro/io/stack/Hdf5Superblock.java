package org.nifispectro.io.stack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads an HDF5 file's superblock before jHDF does, to refuse files that are not there yet.
 *
 * <p>A detector or a copy that has not finished leaves an HDF5 file shorter than its superblock's
 * end-of-file address says. jHDF 0.13 then decodes object headers whose declared sizes point past the
 * end and allocates those sizes before it notices (fuzzing found 317-byte files that took 17-25 s and
 * about 3 GB of heap to fail). Comparing the end-of-file address with the file's length costs one
 * small read and turns those into a clear "truncated" refusal.
 *
 * <p>Layout (HDF5 File Format Specification 3.0, section II.A): the signature sits at byte 0, 512,
 * 1024, 2048, ...; superblock versions 0 and 1 give the size of offsets at byte 13 and the base,
 * free-space, end-of-file addresses from byte 24 (version 0) or 28 (version 1); versions 2 and 3 give
 * the size of offsets at byte 9 and base, extension, end-of-file addresses from byte 12. The
 * end-of-file address is relative to the base address; all bits set means undefined.
 */
public final class Hdf5Superblock {

    static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /**
     * @param offset   where the superblock (the signature) starts
     * @param version  superblock version
     * @param endOfFile bytes the file must have (base address + end-of-file address), or -1 if undefined
     */
    public record Info(long offset, int version, long endOfFile) {
    }

    private Hdf5Superblock() {
    }

    /** The superblock of the file, or null when there is no HDF5 signature at 0, 512, 1024, ... */
    public static Info read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            for (long off = 0; off + 8 <= size; off = off == 0 ? 512 : off * 2) {
                ByteBuffer b = read(ch, off, 64);
                if (b.remaining() >= 8 && Arrays.equals(Arrays.copyOf(b.array(), 8), SIGNATURE)) {
                    return parse(b, off);
                }
            }
            return null;
        }
    }

    private static Info parse(ByteBuffer b, long off) {
        int n = b.remaining();
        if (n < 9) {
            return new Info(off, -1, Long.MAX_VALUE); // signature only: certainly incomplete
        }
        int version = b.get(8) & 0xff;
        int sizeOffsets;
        int addresses;
        if (version <= 1) {
            if (n < 14) {
                return new Info(off, version, Long.MAX_VALUE);
            }
            sizeOffsets = b.get(13) & 0xff;
            addresses = version == 0 ? 24 : 28;
        } else {
            if (n < 10) {
                return new Info(off, version, Long.MAX_VALUE);
            }
            sizeOffsets = b.get(9) & 0xff;
            addresses = 12;
        }
        if (sizeOffsets != 2 && sizeOffsets != 4 && sizeOffsets != 8) {
            return new Info(off, version, -1); // not a layout we can read: leave the verdict to jHDF
        }
        int eofAt = addresses + 2 * sizeOffsets;
        if (eofAt + sizeOffsets > n) {
            return new Info(off, version, Long.MAX_VALUE);
        }
        long base = address(b, addresses, sizeOffsets);
        long eof = address(b, eofAt, sizeOffsets);
        if (eof < 0 || base < 0) {
            return new Info(off, version, -1);
        }
        return new Info(off, version, base + eof);
    }

    /** An address of {@code size} little-endian bytes; -1 when all bits are set (undefined). */
    private static long address(ByteBuffer b, int at, int size) {
        long v = 0;
        boolean allSet = true;
        for (int i = size - 1; i >= 0; i--) {
            int x = b.get(at + i) & 0xff;
            allSet &= x == 0xff;
            v = (v << 8) | x;
        }
        return allSet || v < 0 ? -1 : v;
    }

    private static ByteBuffer read(FileChannel ch, long off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, off + b.position()) < 0) {
                break;
            }
        }
        b.flip();
        return b;
    }

    /**
     * Why the file cannot be a complete HDF5 file, or null when it may be: no signature, or fewer bytes
     * than its superblock's end-of-file address.
     */
    public static String problem(Path file, long size) throws IOException {
        Info info = read(file);
        if (info == null) {
            return "not an HDF5 file: no HDF5 signature at byte 0, 512, 1024, ... (" + size + " bytes)";
        }
        if (info.endOfFile() == Long.MAX_VALUE) {
            return "truncated HDF5 file: it ends inside its superblock (" + size + " bytes)";
        }
        if (info.endOfFile() > size) {
            return "truncated HDF5 file: its superblock says the file has " + info.endOfFile() + " bytes, it has "
                    + size + " (an incomplete copy, or a detector still writing it)";
        }
        return null;
    }
}
