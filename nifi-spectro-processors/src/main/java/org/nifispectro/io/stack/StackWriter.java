package org.nifispectro.io.stack;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.object.datatype.FloatingPoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes stack-processing results as a NeXus-style HDF5 file that h5py, silx, NeXpy or Larch
 * open directly.
 *
 * <h2>File layout</h2>
 * <pre>
 * /                      @NX_class=NXroot @default=entry @creator @file_name
 * /entry                 NXentry @default=&lt;first NXdata or the one named&gt;
 * /entry/&lt;stack&gt;         NXdata: data float32 [nE][ny][nx] (energy-y-x), energy float64 @units=eV,
 *                        @signal=data @axes=[energy,.,.] @energy_indices=0
 * /entry/&lt;map&gt;           NXdata: data float32 or int32 [ny][nx] @units, @signal=data @axes=[.,.]
 * /entry/&lt;spectra&gt;       NXdata: data float32 [k][nE], energy, cluster (int32 ids), pixel_count (int64)
 *                        @axes=[cluster,energy] @cluster_indices=0 @energy_indices=1
 * /entry/process         NXcollection of NXprocess groups step_001, step_002, ... each with the
 *                        datasets program, version, date (ISO-8601), sequence_index, parameters
 *                        (JSON text), input_file, input_uuid; the history of the input file is
 *                        copied forward ({@link ProcessStep#readAll}) and the new step appended.
 * </pre>
 *
 * <h2>Large datasets without holding them in heap</h2>
 * jHDF 0.13.0 writes a dataset from one Java array, in full, when the file is closed; it has no
 * API to write a dataset in parts (upstream jHDF has since added a {@code StreamableDatasetImpl}
 * fed by an {@code Iterable} of slices, not in 0.13.0), and its chunked writer flattens the whole
 * array to one {@code byte[]}. This class therefore uses two phases:
 * <ol>
 * <li>{@link Builder#write(Path)} writes the whole file with jHDF, a "deferred" dataset (the
 *     normalized stack, or maps computed while streaming) as a 1 x 1 x 1 (1 x 1) float32 placeholder.
 *     {@link ContiguousLayoutPatch} then gives each placeholder its real dimensions and a contiguous
 *     data block at the end of the file (page-aligned) by rewriting its dataspace and layout
 *     messages and the superblock's end-of-file address (checksums recomputed); the block is not
 *     written, so the file is sparse until the slabs arrive.</li>
 * <li>The returned {@code StackWriter} writes slabs in place ({@link #writeStackRows},
 *     {@link #writeMapRows}) with positional {@code FileChannel} writes. {@link #close()} checks
 *     that every row of every deferred dataset was written (a dataset left partly unwritten is an
 *     error, not a silent default) and forces the file to disk.</li>
 * </ol>
 * Every byte of the deferred datasets is written once (until 2026-11-21 jHDF wrote them as zeros
 * first and they were overwritten: 3 s of the seed-scale normalization); heap use is the caller's slab
 * plus {@link #stackWorkBytes} for the reorder. The
 * file is complete only after {@link #close()}: processors write to a temporary file and import
 * it into the FlowFile only then, so no partial result reaches storage.
 *
 * <p>Not thread-safe.
 *
 * <h2>References</h2>
 * <ul>
 * <li>NeXus NXdata, NXentry, NXprocess, NXcollection base classes, https://manual.nexusformat.org/</li>
 * <li>HDF5 file format specification v3 (contiguous layout: one data block at a fixed address).</li>
 * </ul>
 */
public final class StackWriter implements AutoCloseable {

    /** Creates a builder for a file with one NXentry named {@code entryName}. */
    public static Builder builder(String entryName) {
        return new Builder(entryName);
    }

    private enum Kind { STACK, MAP }

    private record Deferred(Kind kind, String path, int nE, int ny, int nx) {
    }

    private static final class Target {
        final Deferred d;
        final long address;
        final ByteOrder order;
        final BitSet rowsDone;

        Target(Deferred d, long address, ByteOrder order) {
            this.d = d;
            this.address = address;
            this.order = order;
            this.rowsDone = new BitSet(d.ny);
        }
    }

    /** Collects what goes into the file; nothing touches the disk before {@link #write(Path)}. */
    public static final class Builder {
        private final String entry;
        private final Map<String, Object> rootAttrs = new LinkedHashMap<>();
        private final Map<String, Object> entryAttrs = new LinkedHashMap<>();
        private final List<java.util.function.Consumer<WritableGroup>> groups = new ArrayList<>();
        private final Map<String, Deferred> deferred = new LinkedHashMap<>();
        private final List<String> nxdataNames = new ArrayList<>();
        private final List<ProcessStep> history = new ArrayList<>();
        private String defaultData;

        private Builder(String entryName) {
            checkName(entryName, "entry name");
            this.entry = entryName;
        }

        private void addName(String name) {
            checkName(name, "group name");
            if (nxdataNames.contains(name) || name.equals("process")) {
                throw new IllegalArgumentException("group name '" + name + "' used twice (or reserved)");
            }
            nxdataNames.add(name);
        }

        /**
         * Declares a float32 stack [nE][ny][nx] (energy-y-x) written later by
         * {@link StackWriter#writeStackRows}.
         */
        public Builder stack(String name, double[] energyEv, int ny, int nx) {
            checkDims(ny, nx);
            if (energyEv == null || energyEv.length == 0) {
                throw new IllegalArgumentException("stack '" + name + "' needs at least one energy");
            }
            checkEnergies(energyEv, name);
            long rowRefs = (long) energyEv.length * ny;
            if (rowRefs > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException("stack '" + name + "' too large: " + energyEv.length + " x " + ny + " rows");
            }
            addName(name);
            double[] e = energyEv.clone();
            deferred.put(name, new Deferred(Kind.STACK, "/" + entry + "/" + name + "/data", e.length, ny, nx));
            groups.add(entryGroup -> {
                WritableGroup g = nxdata(entryGroup, name);
                // 1 x 1 x 1 placeholder, enlarged after jHDF has written the file (ContiguousLayoutPatch)
                WritableDataset ds = g.putDataset("data", new float[1][1][1]);
                ds.putAttribute("interpretation", "spectrum-image");
                g.putAttribute("axes", new String[] {"energy", ".", "."});
                g.putAttribute("energy_indices", 0);
                WritableDataset en = g.putDataset("energy", e);
                en.putAttribute("units", "eV");
            });
            return this;
        }

        /** A float32 [ny][nx] map given now (pixel p = y * nx + x). NaN is allowed. */
        public Builder map(String name, float[] values, int ny, int nx, String units) {
            checkDims(ny, nx);
            checkLength(values == null ? -1 : values.length, (long) ny * nx, name);
            addName(name);
            float[][] a = new float[ny][];
            for (int y = 0; y < ny; y++) {
                a[y] = java.util.Arrays.copyOfRange(values, y * nx, (y + 1) * nx);
            }
            groups.add(entryGroup -> {
                WritableGroup g = nxdata(entryGroup, name);
                WritableDataset ds = g.putDataset("data", a);
                if (units != null && !units.isBlank()) {
                    ds.putAttribute("units", units);
                }
                g.putAttribute("axes", new String[] {".", "."});
            });
            return this;
        }

        /** A float32 [ny][nx] map written later by {@link StackWriter#writeMapRows}. */
        public Builder deferredMap(String name, int ny, int nx, String units) {
            checkDims(ny, nx);
            addName(name);
            deferred.put(name, new Deferred(Kind.MAP, "/" + entry + "/" + name + "/data", 1, ny, nx));
            groups.add(entryGroup -> {
                WritableGroup g = nxdata(entryGroup, name);
                WritableDataset ds = g.putDataset("data", new float[1][1]); // enlarged like a deferred stack
                if (units != null && !units.isBlank()) {
                    ds.putAttribute("units", units);
                }
                g.putAttribute("axes", new String[] {".", "."});
            });
            return this;
        }

        /**
         * An int32 [ny][nx] map (labels, mask). {@code legend} maps label values to names and is
         * stored as the parallel attributes {@code label_values} / {@code label_names}.
         */
        public Builder intMap(String name, int[] values, int ny, int nx, Map<Integer, String> legend) {
            checkDims(ny, nx);
            checkLength(values == null ? -1 : values.length, (long) ny * nx, name);
            addName(name);
            int[][] a = new int[ny][];
            for (int y = 0; y < ny; y++) {
                a[y] = java.util.Arrays.copyOfRange(values, y * nx, (y + 1) * nx);
            }
            groups.add(entryGroup -> {
                WritableGroup g = nxdata(entryGroup, name);
                WritableDataset ds = g.putDataset("data", a);
                if (legend != null && !legend.isEmpty()) {
                    int[] keys = legend.keySet().stream().mapToInt(Integer::intValue).toArray();
                    String[] names = new String[keys.length];
                    for (int i = 0; i < keys.length; i++) {
                        names[i] = legend.get(keys[i]);
                    }
                    ds.putAttribute("label_values", keys);
                    ds.putAttribute("label_names", names);
                }
                g.putAttribute("axes", new String[] {".", "."});
            });
            return this;
        }

        /**
         * Mean spectra, e.g. of clusters: {@code spectra[k]} over {@code energyEv}, with ids
         * and pixel counts per row.
         */
        public Builder spectra(String name, double[] energyEv, float[][] spectra, int[] ids, long[] pixelCounts) {
            if (spectra == null || ids == null || pixelCounts == null || energyEv == null) {
                throw new IllegalArgumentException("spectra '" + name + "': arrays must not be null");
            }
            if (ids.length != spectra.length || pixelCounts.length != spectra.length) {
                throw new IllegalArgumentException("spectra '" + name + "': " + spectra.length + " spectra but " + ids.length
                        + " ids and " + pixelCounts.length + " pixel counts");
            }
            if (spectra.length == 0) {
                throw new IllegalArgumentException("spectra '" + name + "': no spectra (HDF5 cannot store a 0 x nE array here)");
            }
            checkEnergies(energyEv, name);
            for (int k = 0; k < spectra.length; k++) {
                if (spectra[k].length != energyEv.length) {
                    throw new IllegalArgumentException("spectra '" + name + "': spectrum " + k + " has " + spectra[k].length
                            + " values, energy axis has " + energyEv.length);
                }
            }
            addName(name);
            float[][] s = new float[spectra.length][];
            for (int k = 0; k < s.length; k++) {
                s[k] = spectra[k].clone();
            }
            double[] e = energyEv.clone();
            int[] id = ids.clone();
            long[] pc = pixelCounts.clone();
            groups.add(entryGroup -> {
                WritableGroup g = nxdata(entryGroup, name);
                g.putDataset("data", s);
                g.putDataset("energy", e).putAttribute("units", "eV");
                g.putDataset("cluster", id);
                g.putDataset("pixel_count", pc);
                g.putAttribute("axes", new String[] {"cluster", "energy"});
                g.putAttribute("cluster_indices", 0);
                g.putAttribute("energy_indices", 1);
            });
            return this;
        }

        /** Attribute on the NXentry (string, number, or array of those). */
        public Builder entryAttribute(String key, Object value) {
            checkName(key, "attribute name");
            entryAttrs.put(key, value);
            return this;
        }

        /** Attribute on the file root. */
        public Builder rootAttribute(String key, Object value) {
            checkName(key, "attribute name");
            rootAttrs.put(key, value);
            return this;
        }

        /** Which NXdata group NeXus viewers show first (default: the first one added). */
        public Builder defaultData(String name) {
            this.defaultData = name;
            return this;
        }

        /** Previous steps (e.g. {@code ProcessStep.readAll} of the input), kept in order. */
        public Builder history(List<ProcessStep> previous) {
            history.addAll(previous);
            return this;
        }

        /** This step; its sequence index is set to follow the previous ones. */
        public Builder step(ProcessStep step) {
            history.add(step);
            return this;
        }

        private static WritableGroup nxdata(WritableGroup parent, String name) {
            WritableGroup g = parent.putGroup(name);
            g.putAttribute("NX_class", "NXdata");
            g.putAttribute("signal", "data");
            return g;
        }

        /**
         * Writes the file (deferred datasets as zeros) and returns a writer for the deferred
         * datasets. Close it to finish the file.
         */
        public StackWriter write(Path file) throws IOException {
            if (defaultData != null && !nxdataNames.contains(defaultData)) {
                throw new IllegalArgumentException("default data '" + defaultData + "' is not one of " + nxdataNames);
            }
            // jHDF 0.13.0 opens an existing file without truncating it: stale bytes of an older,
            // larger file would stay behind the new end of file (measured in overwritesExistingFile)
            java.nio.file.Files.deleteIfExists(file);
            try (WritableHdfFile w = HdfFile.write(file)) {
                w.putAttribute("NX_class", "NXroot");
                w.putAttribute("default", entry);
                w.putAttribute("file_name", file.getFileName().toString());
                w.putAttribute("creator", "nifi-spectro (jHDF 0.13.0)");
                for (Map.Entry<String, Object> a : rootAttrs.entrySet()) {
                    w.putAttribute(a.getKey(), a.getValue());
                }
                WritableGroup e = w.putGroup(entry);
                e.putAttribute("NX_class", "NXentry");
                if (defaultData != null) {
                    e.putAttribute("default", defaultData);
                } else if (!nxdataNames.isEmpty()) {
                    e.putAttribute("default", nxdataNames.get(0));
                }
                for (Map.Entry<String, Object> a : entryAttrs.entrySet()) {
                    e.putAttribute(a.getKey(), a.getValue());
                }
                for (var g : groups) {
                    g.accept(e);
                }
                if (!history.isEmpty()) {
                    WritableGroup p = e.putGroup("process");
                    p.putAttribute("NX_class", "NXcollection");
                    int i = 0;
                    for (ProcessStep s : history) {
                        i++;
                        WritableGroup sg = p.putGroup(String.format("step_%03d", i));
                        sg.putAttribute("NX_class", "NXprocess");
                        sg.putDataset("program", new String[] {s.program()});
                        sg.putDataset("version", new String[] {s.version()});
                        sg.putDataset("date", new String[] {s.date()});
                        sg.putDataset("sequence_index", new int[] {i});
                        sg.putDataset("parameters", new String[] {s.parametersJson()});
                        sg.putDataset("input_file", new String[] {s.inputFile()});
                        sg.putDataset("input_uuid", new String[] {s.inputUuid()});
                    }
                }
            } catch (RuntimeException ex) {
                throw new IOException("cannot write " + file.getFileName() + ": " + StackReader.describe(ex), ex);
            }
            Map<String, Target> targets = new LinkedHashMap<>();
            if (!deferred.isEmpty()) {
                Map<String, Long> headers = new LinkedHashMap<>();
                Map<String, ByteOrder> orders = new LinkedHashMap<>();
                try (HdfFile r = new HdfFile(file)) {
                    for (Map.Entry<String, Deferred> d : deferred.entrySet()) {
                        Dataset ds = r.getDatasetByPath(d.getValue().path());
                        if (!(ds instanceof ContiguousDataset c) || !(ds.getDataType() instanceof FloatingPoint fp)
                                || fp.getSize() != 4) {
                            throw new IOException("jHDF did not write " + d.getValue().path() + " as contiguous float32");
                        }
                        headers.put(d.getKey(), c.getAddress());
                        orders.put(d.getKey(), fp.getByteOrder());
                    }
                } catch (RuntimeException ex) {
                    throw new IOException("cannot reopen " + file.getFileName() + ": " + StackReader.describe(ex), ex);
                }
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ContiguousLayoutPatch patch = new ContiguousLayoutPatch(ch);
                    for (Map.Entry<String, Deferred> d : deferred.entrySet()) {
                        Deferred v = d.getValue();
                        long[] dims = v.kind() == Kind.STACK ? new long[] {v.nE(), v.ny(), v.nx()} : new long[] {v.ny(), v.nx()};
                        long address = patch.resize(headers.get(d.getKey()), dims, 4);
                        targets.put(d.getKey(), new Target(v, address, orders.get(d.getKey())));
                    }
                    patch.finish();
                } catch (IOException ex) {
                    throw new IOException("cannot lay out the datasets of " + file.getFileName() + ": " + ex.getMessage(), ex);
                }
            }
            return new StackWriter(file, targets);
        }
    }

    private final Path file;
    private final Map<String, Target> targets;
    private FileChannel channel;
    private ByteBuffer buffer = ByteBuffer.allocate(0);
    /** {@link Transpose#BLOCK} energy planes of the slab being written, plane-major. */
    private float[] block = new float[0];

    private StackWriter(Path file, Map<String, Target> targets) throws IOException {
        this.file = file;
        this.targets = targets;
        this.channel = targets.isEmpty() ? null : FileChannel.open(file, StandardOpenOption.WRITE);
    }

    /**
     * Writes image rows {@code [y0, y0+rows)} of a deferred stack from a pixel-major slab
     * (spectrum of slab pixel p at {@code [p*nE, (p+1)*nE)}), e.g. {@link Slab#data()}.
     */
    public void writeStackRows(String name, int y0, int rows, float[] pixelMajor) throws IOException {
        Target t = target(name, Kind.STACK);
        int nx = t.d.nx;
        int nE = t.d.nE;
        checkRows(t, y0, rows);
        checkLength(pixelMajor == null ? -1 : pixelMajor.length, (long) rows * nx * nE, name);
        int plane = rows * nx;
        // pixel-major -> energy planes, Transpose.BLOCK energies at a time, then one bulk put and one
        // positional write per plane
        int blk = Math.min(Transpose.BLOCK, nE);
        if (block.length < blk * plane) {
            block = new float[blk * plane];
        }
        ByteBuffer b = buffer(plane * 4, t.order);
        for (int e0 = 0; e0 < nE; e0 += blk) {
            int nb = Math.min(blk, nE - e0);
            Transpose.pixelsToPlanes(pixelMajor, nE, e0, nb, plane, block);
            for (int k = 0; k < nb; k++) {
                b.clear();
                b.asFloatBuffer().put(block, k * plane, plane);
                b.limit(plane * 4);
                long pos = t.address + ((long) (e0 + k) * t.d.ny + y0) * nx * 4L;
                writeFully(b, pos);
            }
        }
        t.rowsDone.set(y0, y0 + rows);
    }

    /**
     * Writes a whole deferred stack by copying the bytes of {@code source}'s dataset when it is stored exactly as
     * this writer stores the stack (contiguous float32, energy-y-x, ascending energies, same byte order and
     * dimensions): no decoding, no reordering, no heap; e.g. RejectLowSNR passing NormalizeSpectra's stacks on.
     *
     * @return true if copied; false if the source is stored differently (nothing written: stream its slabs through
     * {@link #writeStackRows} instead)
     * @throws StackFormatException if the source cannot be read (e.g. a truncated file)
     */
    public boolean copyStack(String name, StackReader source) throws IOException, StackFormatException {
        Target t = target(name, Kind.STACK);
        StackInfo si = source.info();
        if (si.nE() != t.d.nE || si.ny() != t.d.ny || si.nx() != t.d.nx) {
            throw new IllegalArgumentException("'" + name + "' is " + t.d.nE + " x " + t.d.ny + " x " + t.d.nx
                    + " but the source " + si.dataPath() + " is " + si.nE() + " x " + si.ny() + " x " + si.nx());
        }
        boolean copied;
        try {
            copied = source.copyRawFloat32(channel, t.address, t.order);
        } catch (IOException e) {
            throw new StackFormatException(StackFormatException.Problem.CORRUPT, si.fileName(), si.dataPath(), -1,
                    "cannot copy the stack: " + StackReader.describe(e), e);
        }
        if (copied) {
            t.rowsDone.set(0, t.d.ny);
        }
        return copied;
    }

    /**
     * Heap (bytes) {@link #writeStackRows} keeps besides the caller's slab for a slab of
     * {@code pixels} pixels and {@code nE} energies: the reorder block (energy planes as float).
     */
    public static long stackWorkBytes(long pixels, int nE) {
        return Math.min(Transpose.BLOCK, Math.max(0, nE)) * Math.max(0, pixels) * 4L;
    }

    /** Writes image rows {@code [y0, y0+rows)} of a deferred map (values row-major). */
    public void writeMapRows(String name, int y0, int rows, float[] values) throws IOException {
        Target t = target(name, Kind.MAP);
        checkRows(t, y0, rows);
        int nx = t.d.nx;
        checkLength(values == null ? -1 : values.length, (long) rows * nx, name);
        ByteBuffer b = buffer(rows * nx * 4, t.order);
        b.asFloatBuffer().put(values, 0, rows * nx);
        writeFully(b, t.address + (long) y0 * nx * 4L);
        t.rowsDone.set(y0, y0 + rows);
    }

    private ByteBuffer buffer(int bytes, ByteOrder order) {
        if (buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(bytes);
        }
        buffer.clear().limit(bytes);
        buffer.order(order);
        return buffer;
    }

    private void writeFully(ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
    }

    private Target target(String name, Kind kind) {
        if (channel == null && !targets.isEmpty()) {
            throw new IllegalStateException("writer for " + file.getFileName() + " is closed");
        }
        Target t = targets.get(name);
        if (t == null || t.d.kind != kind) {
            throw new IllegalArgumentException("no deferred " + kind.name().toLowerCase() + " named '" + name + "' in "
                    + file.getFileName() + "; declared: " + targets.keySet());
        }
        return t;
    }

    private static void checkRows(Target t, int y0, int rows) {
        if (y0 < 0 || rows <= 0 || (long) y0 + rows > t.d.ny) {
            throw new IllegalArgumentException("rows [" + y0 + ", " + ((long) y0 + rows) + ") outside [0, " + t.d.ny + ") of "
                    + t.d.path);
        }
    }

    /**
     * Finishes the file: checks every deferred dataset was written completely and forces the
     * data to disk.
     *
     * @throws IllegalStateException if rows of a deferred dataset were never written (the file is
     *                               then incomplete and must not be used)
     */
    @Override
    public void close() throws IOException {
        if (channel == null) {
            return;
        }
        try {
            channel.force(true);
        } finally {
            channel.close();
            channel = null;
        }
        List<String> missing = new ArrayList<>();
        for (Target t : targets.values()) {
            int n = t.rowsDone.cardinality();
            if (n != t.d.ny) {
                missing.add(t.d.path + " (" + (t.d.ny - n) + " of " + t.d.ny + " rows, first "
                        + t.rowsDone.nextClearBit(0) + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("incomplete file " + file.getFileName() + ": rows never written in " + missing);
        }
    }

    /** Energies must be finite and strictly increasing (readers rely on it). */
    private static void checkEnergies(double[] e, String name) {
        for (int i = 0; i < e.length; i++) {
            if (!Double.isFinite(e[i]) || (i > 0 && !(e[i] > e[i - 1]))) {
                throw new IllegalArgumentException("'" + name + "': energy[" + i + "] = " + e[i]
                        + (i > 0 ? " after " + e[i - 1] : "") + " (energies must be finite and strictly increasing)");
            }
        }
    }

    private static void checkName(String name, String what) {
        if (name == null || name.isBlank() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(what + " '" + name + "' is empty or contains '/'");
        }
    }

    private static void checkDims(int ny, int nx) {
        if (ny <= 0 || nx <= 0) {
            throw new IllegalArgumentException("image size must be positive, got ny=" + ny + ", nx=" + nx);
        }
    }

    private static void checkLength(long actual, long expected, String name) {
        if (actual != expected) {
            throw new IllegalArgumentException("'" + name + "': " + (actual < 0 ? "null array" : actual + " values")
                    + ", expected " + expected);
        }
    }
}
