package org.nifispectro.io.stack;

import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Slab reads of a contiguous, unfiltered HDF5 dataset straight from the file, at the data address
 * jHDF reports, with positional {@link FileChannel} reads.
 *
 * <p>Why not jHDF's {@code Dataset.getData(long[], int[])} for these: measured on the 602 x 643 x
 * 1024 float32 benchmark stack (StackIoBenchmark, 2 shared cores, 32-row slabs), the jHDF path
 * read at 152 MB/s (10.4 s for 1.59 GB) with a sampled heap peak of 634 MB for 84 MB slabs
 * (byte buffer + nested float[][][] + per-row garbage); this path reads each energy plane's
 * {@code rows * nx} block in one call and transposes in blocks of 16 energies (cache-line sized
 * writes): 460 MB/s (3.45 s) with a sampled heap peak of 245 MB for 95-row slabs of 242 MB
 * estimated. The reorder now works on blocks of {@link Transpose#BLOCK} energies (figures there).
 * Chunked or filtered
 * (compressed) datasets still go through jHDF.
 *
 * <p>Element types: IEEE float32/float64 and 8/16/32/64-bit integers, signed or unsigned, either
 * byte order, as described by the dataset's HDF5 datatype.
 */
final class DirectContiguousReader {

    private enum Kind { F32, F64, I8, U8, I16, U16, I32, U32, I64 }

    private final FileChannel ch;
    private final long address;
    private final Kind kind;
    private final int es;
    private final ByteOrder order;
    private final int ny;
    private final int nx;
    private final int nE;
    private final boolean eyx;
    private final boolean reversed;
    private ByteBuffer buf = ByteBuffer.allocate(0);
    /** {@link Transpose#BLOCK} energy planes of the slab, plane-major. */
    private float[] block = new float[0];

    private DirectContiguousReader(FileChannel ch, long address, Kind kind, int es, ByteOrder order, StackInfo info) {
        this.ch = ch;
        this.address = address;
        this.kind = kind;
        this.es = es;
        this.order = order;
        this.ny = info.ny();
        this.nx = info.nx();
        this.nE = info.nE();
        this.eyx = info.axisOrder() == AxisOrder.ENERGY_Y_X;
        this.reversed = info.energyReversed();
    }

    /** A reader, or null if the element type is not one this class decodes (then use jHDF). */
    static DirectContiguousReader create(Path file, long address, DataType dt, StackInfo info) {
        if (file == null || address < 0) {
            return null;
        }
        Kind k = null;
        ByteOrder order = null;
        if (dt instanceof FloatingPoint fp && fp.getBitOffset() == 0) {
            order = fp.getByteOrder();
            k = fp.getSize() == 4 && fp.getBitPrecision() == 32 ? Kind.F32
                    : fp.getSize() == 8 && fp.getBitPrecision() == 64 ? Kind.F64 : null;
        } else if (dt instanceof FixedPoint xp && xp.getBitOffset() == 0 && xp.getBitPrecision() == 8 * xp.getSize()) {
            order = xp.getByteOrder();
            boolean s = xp.isSigned();
            k = switch (xp.getSize()) {
                case 1 -> s ? Kind.I8 : Kind.U8;
                case 2 -> s ? Kind.I16 : Kind.U16;
                case 4 -> s ? Kind.I32 : Kind.U32;
                case 8 -> s ? Kind.I64 : null;
                default -> null;
            };
        }
        if (k == null || order == null) {
            return null;
        }
        try {
            return new DirectContiguousReader(FileChannel.open(file, StandardOpenOption.READ), address, k, dt.getSize(), order,
                    info);
        } catch (IOException e) {
            return null;
        }
    }

    /** Work memory besides the output for a slab of {@code rows} rows. */
    long workBytes(int rows) {
        long plane = (long) rows * nx;
        return eyx ? Math.min(Transpose.BLOCK, nE) * plane * 4L + plane * es : Math.min(plane * nE, 1L << 20) * es;
    }

    void read(int y0, int rows, float[] out) throws IOException {
        int plane = rows * nx;
        if (eyx) {
            int b = Math.min(Transpose.BLOCK, nE);
            if (block.length < b * plane) {
                block = new float[b * plane];
            }
            ByteBuffer bb = buffer(plane * es);
            for (int e0 = 0; e0 < nE; e0 += b) {
                int nb = Math.min(b, nE - e0);
                for (int k = 0; k < nb; k++) {
                    long pos = address + ((long) (e0 + k) * ny + y0) * nx * es;
                    readFully(bb, pos, plane * es);
                    decode(bb, block, k * plane, plane);
                }
                Transpose.planesToPixels(block, plane, nb, out, nE, e0, reversed);
            }
        } else {
            long total = (long) plane * nE;
            int step = (int) Math.min(total, 1 << 20);
            ByteBuffer bb = buffer(step * es);
            long pos = address + (long) y0 * nx * nE * es;
            for (long done = 0; done < total; done += step) {
                int n = (int) Math.min(step, total - done);
                readFully(bb, pos + done * es, n * es);
                decode(bb, out, (int) done, n);
            }
            if (reversed) {
                for (int p = 0; p < plane; p++) {
                    for (int i = p * nE, j = i + nE - 1; i < j; i++, j--) {
                        float t = out[i];
                        out[i] = out[j];
                        out[j] = t;
                    }
                }
            }
        }
    }

    /**
     * Copies the whole dataset byte for byte to {@code dst} at {@code dstPos} ({@link FileChannel#transferTo}, which
     * the kernel can do without copying through the heap) when it is float32 energy-y-x in ascending energy order
     * and in {@code dstOrder}; returns false (nothing written) otherwise.
     */
    boolean copyRawFloat32(FileChannel dst, long dstPos, ByteOrder dstOrder) throws IOException {
        if (!eyx || reversed || kind != Kind.F32 || !order.equals(dstOrder)) {
            return false;
        }
        long bytes = (long) nE * ny * nx * 4L;
        long done = 0;
        while (done < bytes) {
            dst.position(dstPos + done);
            long n = ch.transferTo(address + done, bytes - done, dst);
            if (n <= 0) {
                throw new EOFException("end of file at byte " + (address + done) + " while copying " + bytes + " bytes at "
                        + address + " (truncated file?)");
            }
            done += n;
        }
        return true;
    }

    /** True if the stored order is energy-y-x (whole energy planes lie contiguously in the file). */
    boolean energyPlanes() {
        return eyx;
    }

    /**
     * Reads {@code count} whole energy planes in stored order, starting at stored plane {@code s0}, into
     * {@code out} (plane-major, {@code ny * nx} values per plane, y-x within a plane); energy-y-x only.
     */
    void readPlanes(int s0, int count, float[] out) throws IOException {
        if (!eyx) {
            throw new IllegalStateException("not an energy-y-x dataset");
        }
        long plane = (long) ny * nx;
        long total = plane * count;
        int step = (int) Math.min(total, 1 << 20);
        ByteBuffer bb = buffer(step * es);
        long pos = address + s0 * plane * es;
        for (long done = 0; done < total; done += step) {
            int n = (int) Math.min(step, total - done);
            readFully(bb, pos + done * es, n * es);
            decode(bb, out, (int) done, n);
        }
    }

    private ByteBuffer buffer(int bytes) {
        if (buf.capacity() < bytes) {
            buf = ByteBuffer.allocateDirect(bytes);
        }
        return buf;
    }

    private void readFully(ByteBuffer bb, long pos, int len) throws IOException {
        bb.clear().limit(len);
        while (bb.hasRemaining()) {
            int r = ch.read(bb, pos + bb.position());
            if (r < 0) {
                throw new EOFException("end of file at byte " + (pos + bb.position()) + " while reading " + len + " bytes at "
                        + pos + " (truncated file?)");
            }
        }
        bb.flip().order(order);
    }

    private void decode(ByteBuffer bb, float[] dst, int off, int n) {
        switch (kind) {
            case F32 -> bb.asFloatBuffer().get(dst, off, n);
            case F64 -> {
                var d = bb.asDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    dst[off + i] = (float) d.get(i);
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = bb.get(i);
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = bb.get(i) & 0xFF;
                }
            }
            case I16 -> {
                var s = bb.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    dst[off + i] = s.get(i);
                }
            }
            case U16 -> {
                var s = bb.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    dst[off + i] = s.get(i) & 0xFFFF;
                }
            }
            case I32 -> {
                var s = bb.asIntBuffer();
                for (int i = 0; i < n; i++) {
                    dst[off + i] = s.get(i);
                }
            }
            case U32 -> {
                var s = bb.asIntBuffer();
                for (int i = 0; i < n; i++) {
                    dst[off + i] = s.get(i) & 0xFFFFFFFFL;
                }
            }
            case I64 -> {
                var s = bb.asLongBuffer();
                for (int i = 0; i < n; i++) {
                    dst[off + i] = s.get(i);
                }
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    void close() {
        try {
            ch.close();
        } catch (IOException e) {
            // read-only channel; nothing to lose
        }
    }
}
