package org.nifispectro.io.stack;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Link;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.links.ExternalLink;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import org.nifispectro.io.stack.StackFormatException.Problem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a spectro-microscopy image stack (energy x image) from an HDF5 file in slabs of image
 * rows, so that the whole stack never has to sit in the Java heap.
 *
 * <h2>Layouts detected (in this order)</h2>
 * <ol>
 * <li><b>Custom</b>: the caller names the data and energy dataset paths
 *     ({@link StackOptions#custom}).</li>
 * <li><b>APS Data Exchange</b>: {@code /exchange/data} with {@code /exchange/energy}.</li>
 * <li><b>NSLS-II FXI</b>: {@code /img_xanes} with {@code /X_eng} (keV by the rule below; FXI
 *     writes no units attribute).</li>
 * <li><b>NeXus</b> (NXstxm, any NXdata): the {@code @default} attribute chain is followed from
 *     the root to an NXentry (first NXentry child if the root has no {@code @default}) and on to an
 *     NXdata group (first NXdata child if the entry has no {@code @default}; NXsubentry hops are
 *     followed too); the NXdata {@code @signal} names the data, {@code @axes} (string array, or a
 *     single string separated by {@code :} or {@code ,}) names the axes; the energy axis is the
 *     axis whose name contains "energy" (or is {@code E}/{@code eng}); its dimension comes from
 *     {@code @<axis>_indices} if present, else from its position in {@code @axes}.</li>
 * <li><b>Generic</b>: exactly one 1-D numeric dataset named like an energy axis
 *     ({@code energy}, {@code energy_eV}, {@code X_eng}, ... preferred over other names containing
 *     "energy") and exactly one 3-D numeric dataset with a dimension of that length.</li>
 * </ol>
 *
 * <h2>Axis order</h2> Override if given; else an energy-dimension index from the NeXus
 * attributes; else the data set's own {@code axes} attribute (e.g. {@code "energy, y, x"},
 * {@code "energy:y:x"}, {@code ["y","x","energy"]}); else the shape (the dimension whose size
 * equals the number of energies: first -> energy-y-x, last -> y-x-energy; if both match,
 * energy-y-x). Energy on the middle axis is refused.
 *
 * <h2>Energy units</h2> See {@link EnergyUnit}: override, else {@code units} attribute, else
 * max &lt; 150 means keV. Energies are reported in eV.
 *
 * <h2>Validation</h2> Data set rank 3, every dimension &gt; 0, numeric element type
 * (integer or floating point of any size/endianness), energy axis 1-D, finite, of the same length
 * as the energy dimension, at least {@link StackOptions#minEnergies()} values, strictly
 * monotonic. A strictly <i>decreasing</i> axis is accepted and reversed (reported in
 * {@link StackInfo#energyReversed()}); slabs are then flipped so spectra always follow increasing
 * energy. Contiguous data must lie inside the file (a truncated file is caught at open). Links that
 * leave the file (HDF5 external links) are refused, so nothing taken from a FlowFile can make the
 * reader open another file. Every problem is reported as a {@link StackFormatException} naming the
 * file, dataset path and, for energy problems, the index of the first bad value.
 *
 * <h2>Memory and speed</h2> {@link #readSlab(int, int)} returns {@code rows} image rows with all
 * energies, pixel-major float. Chunked or compressed datasets are read with jHDF's hyperslab call
 * ({@code Dataset.getData(long[], int[])}) and reordered. Contiguous, unfiltered datasets (how
 * large stacks are normally stored) are read straight from the file at the data address jHDF
 * reports, one {@code rows x nx} block per energy, because that measured 2.5x faster with a
 * third of the heap on the seed-size stack ({@code DirectContiguousReader} has the figures;
 * {@link #setDirectRead(boolean)} switches back to jHDF for comparison). The heap need of one
 * call is estimated by {@link #slabBytes(int)}; {@link #rowsForBudget(long)} picks the slab height
 * for a heap budget and {@link #estimateBytes()} gives what holding the whole stack as float32
 * would need, so a processor can refuse with "needs X, budget Y" ({@link #requireWithinBudget}).
 * NaN and infinite values are passed through and counted, never fatal.
 *
 * <p>Not thread-safe: one reader per task.
 *
 * <h2>References</h2>
 * <ul>
 * <li>F. De Carlo et al., "Scientific data exchange: a schema for HDF5-based storage of raw and
 * analyzed data", J. Synchrotron Rad. 21 (2014) 1224 (APS Data Exchange).</li>
 * <li>NeXus NXstxm and NXdata base class definitions, NIAC, https://manual.nexusformat.org/ (the
 * {@code @default}/{@code @signal}/{@code @axes}/{@code @AXISNAME_indices} conventions, 2014+).</li>
 * <li>NSLS-II 18-ID FXI XANES file layout ({@code img_xanes}, {@code X_eng}), as read by the
 * beamline's pyxas/txm_pal tools.</li>
 * <li>jHDF 0.13.0 (pure-Java HDF5), https://github.com/jamesmudd/jhdf .</li>
 * </ul>
 */
public final class StackReader implements AutoCloseable {

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final int MAX_SCAN_NODES = 5000;

    private final HdfFile hdf;
    private final Dataset data;
    private final StackInfo info;
    private final int[] dims;
    private final int javaBytes;
    private final long chunkBytes;
    private long nonFiniteSeen;
    private final DirectContiguousReader direct;
    private boolean directEnabled = true;
    /** Rows per chunk along y for chunked datasets (0 if contiguous). */
    private int chunkRows;

    private StackReader(HdfFile hdf, Dataset data, StackInfo info, int[] dims, int javaBytes, long chunkBytes,
                        DirectContiguousReader direct) {
        this.direct = direct;
        this.hdf = hdf;
        this.data = data;
        this.info = info;
        this.dims = dims;
        this.javaBytes = javaBytes;
        this.chunkBytes = chunkBytes;
    }

    /**
     * Opens and validates a stack file.
     *
     * @param file    HDF5 file (processors spool FlowFile content to a temporary file)
     * @param options paths/overrides; {@link StackOptions#DEFAULT} to detect everything
     * @throws StackFormatException if the file is not a usable stack (see class doc)
     */
    public static StackReader open(Path file, StackOptions options) throws StackFormatException {
        if (file == null || options == null) {
            throw new IllegalArgumentException("file and options must not be null");
        }
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new StackFormatException(Problem.IO, name, null, -1, "cannot read file: " + e.getMessage(), e);
        }
        if (size == 0) {
            throw new StackFormatException(Problem.NOT_HDF5, name, null, -1, "file is empty (0 bytes)");
        }
        checkSignature(file, name, size);
        HdfFile hdf;
        try {
            hdf = new HdfFile(file);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw new StackFormatException(Problem.CORRUPT, name, null, -1,
                    "HDF5 file structure cannot be decoded (truncated or damaged file?): " + describe(e), e);
        }
        try {
            StackReader r = new Opener(hdf, name, size, options, file).open();
            return r;
        } catch (StackFormatException e) {
            hdf.close();
            throw e;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            hdf.close();
            throw new StackFormatException(Problem.CORRUPT, name, null, -1,
                    "HDF5 file structure cannot be decoded (truncated or damaged file?): " + describe(e), e);
        }
    }

    /** Opens with detection of everything. */
    public static StackReader open(Path file) throws StackFormatException {
        return open(file, StackOptions.DEFAULT);
    }

    public StackInfo info() {
        return info;
    }

    /**
     * Reads image rows {@code [y0, y0 + rows)} with all energies, pixel-major, into a new array.
     *
     * @throws IllegalArgumentException if the row range is outside the image or the slab would
     *                                  exceed a Java array
     * @throws StackFormatException     if the data cannot be read or decoded (e.g. a damaged chunk)
     */
    public Slab readSlab(int y0, int rows) throws StackFormatException {
        return readSlab(y0, rows, null);
    }

    /**
     * Like {@link #readSlab(int, int)} but fills {@code reuse} when it is large enough (then
     * {@code Slab.data()} is that array and may be longer than {@code rows * nx * nE}); lets a
     * streaming caller keep one slab buffer for the whole stack.
     */
    public Slab readSlab(int y0, int rows, float[] reuse) throws StackFormatException {
        if (y0 < 0 || rows <= 0 || (long) y0 + rows > info.ny()) {
            throw new IllegalArgumentException("slab rows [" + y0 + ", " + ((long) y0 + rows) + ") outside image rows [0, "
                    + info.ny() + ") of " + info.dataPath());
        }
        int nx = info.nx();
        int nE = info.nE();
        long n = (long) rows * nx * nE;
        if (n > MAX_ARRAY || n * info.bytesPerElement() > MAX_ARRAY) {
            throw new IllegalArgumentException("slab of " + rows + " rows has " + n + " values, more than one Java array holds;"
                    + " use at most " + maxRowsPerArray() + " rows");
        }
        float[] out = reuse != null && reuse.length >= n ? reuse : new float[(int) n];
        try {
            if (direct != null && directEnabled) {
                direct.read(y0, rows, out);
            } else {
                readViaJhdf(y0, rows, out);
            }
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw new StackFormatException(Problem.CORRUPT, info.fileName(), info.dataPath(), -1,
                    "cannot read rows " + y0 + ".." + (y0 + rows - 1) + ": " + describe(e), e);
        }
        long bad = 0;
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(out[i])) {
                bad++;
            }
        }
        nonFiniteSeen += bad;
        return new Slab(y0, rows, nx, nE, out, bad);
    }

    /**
     * True when {@link #readEnergyPlanes} applies: a contiguous energy-y-x dataset on the direct path, stored in
     * ascending energy order.
     */
    public boolean readsEnergyPlanes() {
        return usesDirectRead() && direct.energyPlanes() && !info.energyReversed();
    }

    /**
     * Reads {@code count} whole energy planes (energy indices {@code [e0, e0 + count)}) in the stored layout into
     * {@code out}: plane-major, {@code ny * nx} values per plane, pixel {@code y * nx + x} within a plane. No
     * reorder to pixel-major spectra, so a pass that works energy by energy (sums, projections) reads the file at
     * the speed of the disk or page cache.
     *
     * @throws IllegalStateException if {@link #readsEnergyPlanes()} is false
     * @throws IllegalArgumentException if the range is outside the energies or {@code out} is too short
     * @throws StackFormatException if the data cannot be read
     */
    public void readEnergyPlanes(int e0, int count, float[] out) throws StackFormatException {
        if (!readsEnergyPlanes()) {
            throw new IllegalStateException(info.dataPath() + " is not read plane by plane (not contiguous energy-y-x)");
        }
        long plane = (long) info.ny() * info.nx();
        if (e0 < 0 || count <= 0 || (long) e0 + count > info.nE() || out == null || out.length < plane * count) {
            throw new IllegalArgumentException("energy planes [" + e0 + ", " + ((long) e0 + count) + ") of " + info.nE()
                    + " into " + (out == null ? "null" : out.length + " values") + " (" + plane + " per plane)");
        }
        try {
            direct.readPlanes(e0, count, out);
        } catch (IOException | RuntimeException e) {
            throw new StackFormatException(Problem.CORRUPT, info.fileName(), info.dataPath(), -1,
                    "cannot read energy planes " + e0 + ".." + (e0 + count - 1) + ": " + describe(e), e);
        }
    }

    /** See {@link DirectContiguousReader#copyRawFloat32}; false when the direct path does not apply. */
    boolean copyRawFloat32(FileChannel dst, long dstPos, java.nio.ByteOrder dstOrder) throws IOException {
        return usesDirectRead() && direct.copyRawFloat32(dst, dstPos, dstOrder);
    }

    /**
     * Mean spectrum over the pixels finite at every energy.
     *
     * @param mean           per energy (ascending energy order, as {@link StackInfo#energiesEv()}); NaN
     *                       everywhere when no pixel is finite
     * @param finitePixels   pixels whose spectrum is finite at every energy
     * @param nonFinitePixels pixels with at least one NaN/Inf value
     * @param firstNonFinite lowest such pixel index (y * nx + x), -1 if none
     */
    public record FiniteMean(double[] mean, long finitePixels, long nonFinitePixels, long firstNonFinite) {
    }

    /**
     * {@link FiniteMean} read in the stored layout, energy plane by energy plane, without reordering to
     * pixel-major spectra: for contiguous energy-y-x datasets on the direct path only (returns null
     * otherwise; then stream {@link #readSlab} slabs). Each energy's sum runs over the pixels in index
     * order in double precision, so the result does not depend on threads or slab sizes. One pass over the
     * file, plus a second only when some pixel is non-finite (the sums then skip those pixels). Heap:
     * {@code planesPerRead} planes as float, one byte per pixel.
     *
     * <p>Measured on the 602 x 643 x 1024 float32 seed-scale stack (SeedChainBenchmark, 2 shared
     * cores): the slab path (read, reorder to pixel-major, sum per pixel) took 6.5 s for NormalizeJob's
     * pass 1; this plane path reads the same 1.6 GB in about 1 s.
     *
     * @throws StackFormatException if the data cannot be read
     */
    public FiniteMean finitePixelMean(int planesPerRead) throws StackFormatException {
        if (!usesDirectRead() || !direct.energyPlanes()) {
            return null;
        }
        int nE = info.nE();
        int plane = info.ny() * info.nx();
        int per = (int) Math.max(1, Math.min(Math.min(planesPerRead, nE), MAX_ARRAY / plane));
        float[] buf = new float[per * plane];
        boolean[] bad = new boolean[plane];
        double[] sum = new double[nE];
        boolean rev = info.energyReversed();
        try {
            long nBad = 0;
            for (int s0 = 0; s0 < nE; s0 += per) {
                int n = Math.min(per, nE - s0);
                direct.readPlanes(s0, n, buf);
                for (int k = 0; k < n; k++) {
                    double s = 0;
                    for (int i = k * plane, p = 0; p < plane; i++, p++) {
                        float v = buf[i];
                        if (Float.isFinite(v)) {
                            s += v;
                        } else {
                            bad[p] = true;
                            nBad++;
                        }
                    }
                    sum[rev ? nE - 1 - (s0 + k) : s0 + k] = s;
                }
            }
            nonFiniteSeen += nBad;
            long badPixels = 0;
            long first = -1;
            for (int p = 0; p < plane; p++) {
                if (bad[p]) {
                    badPixels++;
                    first = first < 0 ? p : first;
                }
            }
            if (badPixels > 0) { // sums again, over the pixels finite everywhere only
                for (int s0 = 0; s0 < nE; s0 += per) {
                    int n = Math.min(per, nE - s0);
                    direct.readPlanes(s0, n, buf);
                    for (int k = 0; k < n; k++) {
                        double s = 0;
                        for (int i = k * plane, p = 0; p < plane; i++, p++) {
                            if (!bad[p]) {
                                s += buf[i];
                            }
                        }
                        sum[rev ? nE - 1 - (s0 + k) : s0 + k] = s;
                    }
                }
            }
            long finite = plane - badPixels;
            for (int e = 0; e < nE; e++) {
                sum[e] = finite == 0 ? Double.NaN : sum[e] / finite;
            }
            return new FiniteMean(sum, finite, badPixels, first);
        } catch (IOException | RuntimeException e) {
            throw new StackFormatException(Problem.CORRUPT, info.fileName(), info.dataPath(), -1,
                    "cannot read energy planes: " + describe(e), e);
        }
    }

    /**
     * Diagnostics/benchmarks: false forces the generic jHDF hyperslab path even where the direct
     * contiguous read applies. Default true.
     */
    public void setDirectRead(boolean enabled) {
        this.directEnabled = enabled;
    }

    /** True if slabs are read by the direct contiguous path (see class doc). */
    public boolean usesDirectRead() {
        return direct != null && directEnabled;
    }

    private void readViaJhdf(int y0, int rows, float[] out) {
        int nx = info.nx();
        int nE = info.nE();
        AxisOrder order = info.axisOrder();
        long[] off = new long[3];
        int[] shape = new int[3];
        off[order.yDim()] = y0;
        shape[order.yDim()] = rows;
        shape[order.xDim()] = nx;
        shape[order.energyDim()] = nE;
        Object arr = data.getData(off, shape);
        boolean rev = info.energyReversed();
        if (order == AxisOrder.ENERGY_Y_X) {
            Object[] planes = (Object[]) arr;
            for (int e = 0; e < nE; e++) {
                Object[] rowArrays = (Object[]) planes[e];
                int eo = rev ? nE - 1 - e : e;
                for (int r = 0; r < rows; r++) {
                    copyStrided(rowArrays[r], out, r * nx * nE + eo, nE, nx);
                }
            }
        } else {
            Object[] rowArrays = (Object[]) arr;
            for (int r = 0; r < rows; r++) {
                Object[] pix = (Object[]) rowArrays[r];
                for (int x = 0; x < nx; x++) {
                    int base = (r * nx + x) * nE;
                    if (rev) {
                        copyStrided(pix[x], out, base + nE - 1, -1, nE);
                    } else {
                        copyStrided(pix[x], out, base, 1, nE);
                    }
                }
            }
        }
    }

    /** Copies {@code count} values of a 1-D primitive array to {@code out[start + i * stride]}. */
    private static void copyStrided(Object src, float[] out, int start, int stride, int count) {
        int o = start;
        if (src instanceof float[] a) {
            for (int i = 0; i < count; i++, o += stride) {
                out[o] = a[i];
            }
        } else if (src instanceof double[] a) {
            for (int i = 0; i < count; i++, o += stride) {
                out[o] = (float) a[i];
            }
        } else if (src instanceof short[] a) {
            for (int i = 0; i < count; i++, o += stride) {
                out[o] = a[i];
            }
        } else if (src instanceof int[] a) {
            for (int i = 0; i < count; i++, o += stride) {
                out[o] = a[i];
            }
        } else if (src instanceof byte[] a) {
            for (int i = 0; i < count; i++, o += stride) {
                out[o] = a[i];
            }
        } else if (src instanceof long[] a) {
            for (int i = 0; i < count; i++, o += stride) {
                out[o] = a[i];
            }
        } else {
            throw new IllegalStateException("unexpected element array " + src.getClass());
        }
    }

    /** Total NaN/Inf values returned by {@link #readSlab} so far. */
    public long nonFiniteSeen() {
        return nonFiniteSeen;
    }

    /**
     * Reads the whole stack slab by slab and counts NaN/Inf values (does not keep the data).
     *
     * @param heapBudgetBytes budget for one slab, see {@link #rowsForBudget(long)}
     */
    public long countNonFinite(long heapBudgetBytes) throws StackFormatException {
        int rows = Math.max(1, rowsForBudget(heapBudgetBytes));
        long bad = 0;
        for (int y = 0; y < info.ny(); y += rows) {
            bad += readSlab(y, Math.min(rows, info.ny() - y)).nonFiniteCount();
        }
        return bad;
    }

    /**
     * Estimated peak heap of one {@link #readSlab(int, int)} call of {@code rows} rows. Direct
     * contiguous path: the pixel-major float output plus one block of {@link Transpose#BLOCK} energy planes (float)
     * plus one plane of stored bytes. jHDF path: the bytes jHDF reads (stored element size), the
     * nested Java arrays it builds (Java element size plus 16 bytes per leaf array), the float
     * output, and for chunked data two (compressed + decompressed) chunks, all times 3 (measured,
     * see {@code JHDF_FACTOR}).
     */
    public long slabBytes(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        long n = (long) rows * info.nx() * info.nE();
        if (usesDirectRead()) {
            return n * 4L + direct.workBytes(rows);
        }
        long leafArrays = info.axisOrder() == AxisOrder.ENERGY_Y_X ? (long) info.nE() * rows : (long) rows * info.nx();
        return JHDF_FACTOR * (n * info.bytesPerElement() + n * javaBytes + leafArrays * 16L + n * 4L + 2L * chunkBytes);
    }

    /**
     * Safety factor on the jHDF-path arithmetic: StackIoBenchmark measured a sampled heap peak
     * of 718 MB for 32-row slabs whose arithmetic sum is 241 MB (602 x 643 x 1024 float32,
     * temporaries of jHDF and of the previous slab awaiting collection).
     */
    private static final long JHDF_FACTOR = 3;

    /**
     * Slab height (rows) whose {@link #slabBytes(int)} fits the budget, at most the image height
     * and at most what one Java array holds, rounded down to whole storage chunks along y when
     * the data is chunked and at least one chunk fits; 0 if not even one row fits.
     */
    public int rowsForBudget(long budgetBytes) {
        if (budgetBytes <= 0) {
            return 0;
        }
        long lo = 0;
        long hi = Math.min(info.ny(), maxRowsPerArray());
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (slabBytes((int) mid) <= budgetBytes) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (chunkRows > 1 && lo >= chunkRows && lo < info.ny()) {
            // whole chunks per slab: a chunk cut by a slab boundary would be decompressed twice
            lo = lo / chunkRows * chunkRows;
        }
        return (int) lo;
    }

    /** Rows per storage chunk along y (0 for contiguous data); slabs of a multiple of it read fastest. */
    public int chunkRows() {
        return chunkRows;
    }

    private int maxRowsPerArray() {
        long perRow = (long) info.nx() * info.nE() * Math.max(4, info.bytesPerElement());
        return (int) Math.max(1, Math.min(info.ny(), MAX_ARRAY / perRow));
    }

    /**
     * Heap needed to hold the whole stack as float32 pixel-major plus the transient of reading it
     * one row at a time: what a processor that keeps the stack in memory needs.
     */
    public long estimateBytes() {
        return info.pixels() * info.nE() * 4L + slabBytes(1);
    }

    /**
     * Refuses work that needs more than the budget.
     *
     * @param neededBytes  e.g. {@link #estimateBytes()} or {@code slabBytes(rows)}
     * @param budgetBytes  configured budget
     * @param what         what the memory is for (goes into the message)
     * @throws StackFormatException {@link Problem#OVER_BUDGET} with "needs X, budget Y"
     */
    public void requireWithinBudget(long neededBytes, long budgetBytes, String what) throws StackFormatException {
        if (neededBytes > budgetBytes) {
            throw new StackFormatException(Problem.OVER_BUDGET, info.fileName(), info.dataPath(), -1,
                    what + " needs " + formatBytes(neededBytes) + ", budget " + formatBytes(budgetBytes)
                            + " (stack " + info.nE() + " x " + info.ny() + " x " + info.nx() + ")");
        }
    }

    /** "1.58 GB (1580000000 bytes)" style, decimal units. */
    public static String formatBytes(long bytes) {
        String[] u = {"B", "kB", "MB", "GB", "TB"};
        double v = bytes;
        int i = 0;
        while (v >= 1000 && i < u.length - 1) {
            v /= 1000;
            i++;
        }
        return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s (%d bytes)", v, u[i], bytes);
    }

    /**
     * Reads a small auxiliary 1-D numeric dataset from the same file (e.g. an I0 spectrum), with
     * the same link safety as the stack itself.
     *
     * @param maxLength refuse datasets longer than this
     */
    public double[] readVector(String path, int maxLength) throws StackFormatException {
        Opener o = new Opener(hdf, info.fileName(), Long.MAX_VALUE, StackOptions.DEFAULT, null);
        Dataset d = o.dataset(path);
        int[] dd = d.getDimensions();
        long len = 1;
        for (int v : dd) {
            len *= v;
        }
        if (len > maxLength) {
            throw new StackFormatException(Problem.BAD_RANK, info.fileName(), path, -1,
                    "dataset has " + len + " values, more than the " + maxLength + " allowed");
        }
        try {
            return o.toDoubles(d, path);
        } catch (RuntimeException e) {
            throw new StackFormatException(Problem.CORRUPT, info.fileName(), path, -1, "cannot read: " + describe(e), e);
        }
    }

    /**
     * Processing history stored in the file by {@link StackWriter} (empty for raw facility
     * files), to be copied forward into the next result.
     */
    public java.util.List<ProcessStep> history() {
        try {
            return ProcessStep.readAll(hdf);
        } catch (RuntimeException e) {
            return java.util.List.of();
        }
    }

    @Override
    public void close() {
        if (direct != null) {
            direct.close();
        }
        hdf.close();
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 300 ? m.substring(0, 300) + "..." : m));
    }

    /** A signature at 0, 512, 1024, ... and at least as many bytes as the superblock says ({@link Hdf5Superblock}). */
    private static void checkSignature(Path file, String name, long size) throws StackFormatException {
        String problem;
        try {
            problem = Hdf5Superblock.problem(file, size);
        } catch (IOException e) {
            throw new StackFormatException(Problem.IO, name, null, -1, "cannot read file: " + e.getMessage(), e);
        }
        if (problem != null) {
            throw new StackFormatException(problem.startsWith("not an HDF5") ? Problem.NOT_HDF5 : Problem.CORRUPT, name, null,
                    -1, problem);
        }
    }

    /** Detection and validation, separated from the open reader. */
    private static final class Opener {
        private final HdfFile hdf;
        private final String name;
        private final long fileSize;
        private final StackOptions opt;
        private final Path path;

        Opener(HdfFile hdf, String name, long fileSize, StackOptions opt, Path path) {
            this.path = path;
            this.hdf = hdf;
            this.name = name;
            this.fileSize = fileSize;
            this.opt = opt;
        }

        StackReader open() throws StackFormatException {
            StackLayout layout;
            String dataPath;
            String energyPath;
            Integer energyDimHint = null;
            String hintSource = null;
            if (opt.dataPath() != null) {
                layout = StackLayout.CUSTOM;
                dataPath = normalise(opt.dataPath());
                energyPath = normalise(opt.energyPath());
            } else if (exists("/exchange/data")) {
                layout = StackLayout.DATA_EXCHANGE;
                dataPath = "/exchange/data";
                energyPath = "/exchange/energy";
            } else if (exists("/img_xanes")) {
                layout = StackLayout.FXI;
                dataPath = "/img_xanes";
                energyPath = "/X_eng";
            } else if (looksLikeNexus()) {
                layout = StackLayout.NEXUS;
                NexusHit hit = nexus();
                dataPath = hit.dataPath;
                energyPath = hit.energyPath;
                energyDimHint = hit.energyDim;
                hintSource = hit.source;
            } else {
                layout = StackLayout.GENERIC;
                String[] pair = generic();
                dataPath = pair[0];
                energyPath = pair[1];
            }

            Dataset d = dataset(dataPath);
            int[] dims = d.getDimensions();
            if (dims.length != 3) {
                throw err(Problem.BAD_RANK, dataPath, -1, "stack dataset must have 3 dimensions (energy, y, x), it has "
                        + dims.length + " " + Arrays.toString(dims));
            }
            for (int i = 0; i < 3; i++) {
                if (dims[i] <= 0) {
                    throw err(Problem.ZERO_SIZE, dataPath, -1, "dimension " + i + " of shape " + Arrays.toString(dims) + " has size 0");
                }
            }
            DataType dt = d.getDataType();
            Class<?> jt = d.getJavaType();
            int javaBytes = javaBytes(jt);
            if (!(dt instanceof FloatingPoint || dt instanceof FixedPoint) || javaBytes < 0) {
                throw err(Problem.NOT_NUMERIC, dataPath, -1, "stack dataset element type is " + dt.getClass().getSimpleName()
                        + " (" + jt.getSimpleName() + "), a number type is needed");
            }
            if (d.isCompound() || d.isVariableLength()) {
                throw err(Problem.NOT_NUMERIC, dataPath, -1, "stack dataset is compound/variable-length, a number type is needed");
            }
            long chunkBytes = 0;
            int[] chunkDims = null;
            if (d instanceof ChunkedDataset c) {
                long cb = dt.getSize();
                chunkDims = c.getChunkDimensions();
                for (int v : chunkDims) {
                    cb *= v;
                }
                chunkBytes = cb;
            } else if (d instanceof ContiguousDataset c) {
                long end = c.getDataAddress() + d.getSizeInBytes();
                if (c.getDataAddress() < 0 || end > fileSize) {
                    throw err(Problem.CORRUPT, dataPath, -1, "dataset data ends at byte " + end + " but the file has only "
                            + fileSize + " bytes (truncated file?)");
                }
            }

            Dataset ed = dataset(energyPath);
            double[] raw = energyValues(ed, energyPath);
            // unit
            EnergyUnit unit;
            String unitSource;
            String unitsAttr = attrString(ed, "units");
            if (opt.energyUnit() != null) {
                unit = opt.energyUnit();
                unitSource = "override";
            } else if (unitsAttr != null) {
                unit = EnergyUnit.parse(unitsAttr);
                if (unit == null) {
                    throw err(Problem.BAD_UNITS, energyPath, -1, "units attribute '" + unitsAttr
                            + "' is not an energy unit (eV or keV); set the energy unit explicitly");
                }
                unitSource = "units attribute";
            } else {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : raw) {
                    max = Math.max(max, v);
                }
                unit = EnergyUnit.byMagnitude(max);
                unitSource = "max " + (unit == EnergyUnit.KEV ? "<" : ">=") + " " + (int) EnergyUnit.KEV_THRESHOLD + " rule";
            }
            // axis order
            AxisOrder order;
            String orderSource;
            int nE = raw.length;
            if (opt.axisOrder() != null) {
                order = opt.axisOrder();
                orderSource = "override";
            } else if (energyDimHint != null) {
                order = orderFromEnergyDim(energyDimHint, dataPath, hintSource);
                orderSource = hintSource;
            } else {
                Integer fromAttr = energyDimFromAxesAttr(d);
                if (fromAttr != null) {
                    order = orderFromEnergyDim(fromAttr, dataPath, "axes attribute");
                    orderSource = "axes attribute '" + attrJoined(d, "axes") + "'";
                } else if (dims[0] == nE) {
                    order = AxisOrder.ENERGY_Y_X;
                    orderSource = dims[2] == nE ? "default (first and last dimension both match energy count)" : "shape";
                } else if (dims[2] == nE) {
                    order = AxisOrder.Y_X_ENERGY;
                    orderSource = "shape";
                } else {
                    throw err(Problem.ENERGY_LENGTH_MISMATCH, energyPath, -1, "energy axis has " + nE
                            + " values but neither the first nor the last dimension of " + dataPath + " "
                            + Arrays.toString(dims) + " has that size");
                }
            }
            if (dims[order.energyDim()] != nE) {
                throw err(Problem.ENERGY_LENGTH_MISMATCH, energyPath, -1, "energy axis has " + nE + " values but the energy dimension ("
                        + order.energyDim() + ", " + order + ") of " + dataPath + " " + Arrays.toString(dims) + " has "
                        + dims[order.energyDim()]);
            }
            if (nE < opt.minEnergies()) {
                throw err(Problem.TOO_FEW_ENERGIES, energyPath, -1, "stack has " + nE + " energ" + (nE == 1 ? "y" : "ies")
                        + ", at least " + opt.minEnergies() + " needed");
            }
            for (int i = 0; i < nE; i++) {
                if (!Double.isFinite(raw[i])) {
                    throw err(Problem.ENERGY_NOT_FINITE, energyPath, i, "energy[" + i + "] = " + raw[i] + " is not a finite number");
                }
            }
            boolean reversed = raw[1] < raw[0];
            for (int i = 1; i < nE; i++) {
                boolean ok = reversed ? raw[i] < raw[i - 1] : raw[i] > raw[i - 1];
                if (!ok) {
                    throw err(Problem.ENERGY_NOT_MONOTONIC, energyPath, i, "energy axis is not strictly "
                            + (reversed ? "decreasing" : "increasing") + ": energy[" + i + "] = " + raw[i] + " after energy["
                            + (i - 1) + "] = " + raw[i - 1]);
                }
            }
            double[] ev = new double[nE];
            for (int i = 0; i < nE; i++) {
                ev[i] = raw[reversed ? nE - 1 - i : i] * unit.toEv();
            }
            StackInfo info = new StackInfo(name, layout, dataPath, energyPath, order, orderSource, dims[order.yDim()],
                    dims[order.xDim()], ev, unit, unitSource, reversed, jt, dt.getSize(), d instanceof ChunkedDataset);
            DirectContiguousReader direct = null;
            if (d instanceof ContiguousDataset c && d.getFilters().isEmpty()) {
                direct = DirectContiguousReader.create(path, c.getDataAddress(), dt, info);
            }
            StackReader reader = new StackReader(hdf, d, info, dims, javaBytes, chunkBytes, direct);
            if (chunkDims != null && chunkDims.length == 3) {
                reader.chunkRows = chunkDims[order.yDim()];
            }
            return reader;
        }

        private AxisOrder orderFromEnergyDim(int dim, String dataPath, String source) throws StackFormatException {
            return switch (dim) {
                case 0 -> AxisOrder.ENERGY_Y_X;
                case 2 -> AxisOrder.Y_X_ENERGY;
                default -> throw err(Problem.BAD_AXES, dataPath, -1, "energy is dimension " + dim + " (from " + source
                        + "); only energy-y-x (0) or y-x-energy (2) are supported");
            };
        }

        private Integer energyDimFromAxesAttr(Node d) {
            List<String> axes = attrStrings(d, "axes");
            if (axes.size() != 3) {
                return null;
            }
            for (int i = 0; i < 3; i++) {
                if (isEnergyName(axes.get(i))) {
                    return i;
                }
            }
            return null;
        }

        private double[] energyValues(Dataset ed, String path) throws StackFormatException {
            int[] ld = ed.getDimensions();
            long len = 1;
            int nonSingleton = 0;
            for (int v : ld) {
                len *= v;
                if (v != 1) {
                    nonSingleton++;
                }
            }
            if (ld.length == 0) {
                throw err(Problem.BAD_RANK, path, -1, "energy dataset is a scalar, a 1-D array is needed (single energy?)");
            }
            if (len == 0) {
                throw err(Problem.ZERO_SIZE, path, -1, "energy dataset is empty " + Arrays.toString(ld));
            }
            if (nonSingleton > 1) {
                throw err(Problem.BAD_RANK, path, -1, "energy dataset must be 1-D, shape is " + Arrays.toString(ld));
            }
            if (len > 10_000_000) {
                throw err(Problem.BAD_RANK, path, -1, "energy dataset has " + len + " values, implausibly many");
            }
            return toDoubles(ed, path);
        }

        double[] toDoubles(Dataset d, String path) throws StackFormatException {
            DataType dt = d.getDataType();
            if (!(dt instanceof FloatingPoint || dt instanceof FixedPoint)) {
                throw err(Problem.NOT_NUMERIC, path, -1, "element type is " + dt.getClass().getSimpleName() + ", a number type is needed");
            }
            Object o = d.getDataFlat();
            if (o instanceof double[] a) {
                return a.clone();
            }
            int n = java.lang.reflect.Array.getLength(o);
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                r[i] = ((Number) java.lang.reflect.Array.get(o, i)).doubleValue();
            }
            return r;
        }

        private static int javaBytes(Class<?> t) {
            if (t == float.class || t == int.class) {
                return 4;
            }
            if (t == double.class || t == long.class) {
                return 8;
            }
            if (t == short.class) {
                return 2;
            }
            if (t == byte.class) {
                return 1;
            }
            return -1;
        }

        // ---------------------------------------------------------------- NeXus

        private boolean looksLikeNexus() {
            if (attrString(hdf, "default") != null) {
                return true;
            }
            for (Node n : hdf.getChildren().values()) {
                if (n instanceof Group && "NXentry".equals(attrString(n, "NX_class"))) {
                    return true;
                }
            }
            return false;
        }

        private record NexusHit(String dataPath, String energyPath, Integer energyDim, String source) {
        }

        private NexusHit nexus() throws StackFormatException {
            Node cur = hdf;
            String trail = "/";
            for (int hop = 0; hop < 8; hop++) {
                String cls = hop == 0 ? "root" : attrString(cur, "NX_class");
                if ("NXdata".equals(cls)) {
                    return nxdata((Group) cur);
                }
                String def = attrString(cur, "default");
                Node next = null;
                if (def != null) {
                    String p = cur.getPath().endsWith("/") ? cur.getPath() + def : cur.getPath() + "/" + def;
                    next = node(p, "@default of " + trail);
                    if (!(next instanceof Group)) {
                        throw err(Problem.MISSING_DATASET, p, -1, "@default of " + cur.getPath() + " points to a dataset, a group is needed");
                    }
                } else {
                    String want = hop == 0 ? "NXentry" : "NXdata";
                    next = firstChildOfClass((Group) cur, want);
                    if (next == null && hop > 0) {
                        next = firstChildOfClass((Group) cur, "NXsubentry");
                    }
                    if (next == null) {
                        throw err(Problem.MISSING_DATASET, cur.getPath(), -1, "NeXus group " + cur.getPath()
                                + " has no @default attribute and no " + want + " child");
                    }
                }
                trail = next.getPath();
                cur = next;
            }
            throw err(Problem.CORRUPT, trail, -1, "NeXus @default chain longer than 8 hops");
        }

        private Node firstChildOfClass(Group g, String cls) {
            List<String> names = new ArrayList<>(g.getChildren().keySet());
            names.sort(null);
            for (String n : names) {
                Node c = g.getChildren().get(n);
                if (c instanceof Link) {
                    continue;
                }
                if (c instanceof Group && cls.equals(attrString(c, "NX_class"))) {
                    return c;
                }
            }
            return null;
        }

        private NexusHit nxdata(Group g) throws StackFormatException {
            String base = g.getPath().endsWith("/") ? g.getPath() : g.getPath() + "/";
            String signal = attrString(g, "signal");
            if (signal == null) {
                for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
                    Node c = e.getValue();
                    if (!(c instanceof Link) && !c.isGroup()) {
                        String s = attrString(c, "signal");
                        if ("1".equals(s)) {
                            signal = e.getKey();
                        }
                    }
                }
            }
            if (signal == null) {
                throw err(Problem.MISSING_DATASET, g.getPath(), -1, "NXdata group has no @signal attribute (and no dataset with @signal=1)");
            }
            String dataPath = base + signal;
            Node sig = node(dataPath, "@signal of " + g.getPath());
            List<String> axes = attrStrings(g, "axes");
            String axesSource = "NXdata @axes";
            if (axes.isEmpty()) {
                axes = attrStrings(sig, "axes");
                axesSource = "signal @axes";
            }
            String energyName = null;
            int energyIndex = -1;
            for (int i = 0; i < axes.size(); i++) {
                if (isEnergyName(axes.get(i))) {
                    energyName = axes.get(i);
                    energyIndex = i;
                    break;
                }
            }
            if (energyName == null) {
                throw err(Problem.MISSING_DATASET, g.getPath(), -1, "no energy axis among NXdata axes " + axes
                        + " (expected a name containing 'energy'); name the dataset paths explicitly");
            }
            Integer dim = null;
            String source = axesSource + " " + axes;
            String idx = attrString(g, energyName + "_indices");
            if (idx != null) {
                try {
                    dim = Integer.parseInt(idx.trim());
                    source = "NXdata @" + energyName + "_indices=" + dim;
                } catch (NumberFormatException e) {
                    throw err(Problem.BAD_AXES, g.getPath(), -1, "@" + energyName + "_indices = '" + idx + "' is not an integer");
                }
            } else if (axes.size() == 3) {
                dim = energyIndex;
            }
            return new NexusHit(dataPath, base + energyName, dim, source);
        }

        // ---------------------------------------------------------------- generic

        private String[] generic() throws StackFormatException {
            List<Dataset> energies = new ArrayList<>();
            List<Dataset> cubes = new ArrayList<>();
            scan(hdf, 0, energies, cubes, new int[1]);
            int best = 0;
            List<String[]> pairs = new ArrayList<>();
            for (Dataset e : energies) {
                int score = standardEnergyName(e.getName()) ? 2 : 1;
                int len = e.getDimensions()[0];
                for (Dataset c : cubes) {
                    int[] cd = c.getDimensions();
                    if (cd[0] == len || cd[2] == len) {
                        if (score > best) {
                            best = score;
                            pairs.clear();
                        }
                        if (score == best) {
                            pairs.add(new String[] {c.getPath(), e.getPath()});
                        }
                    }
                }
            }
            if (pairs.size() == 1) {
                return pairs.get(0);
            }
            if (pairs.isEmpty()) {
                throw err(Problem.UNKNOWN_LAYOUT, null, -1, "no known stack layout: no /exchange/data (Data Exchange), /img_xanes (FXI), "
                        + "NeXus NXentry/NXdata, nor a 3-D dataset with a matching 1-D energy dataset; top-level names "
                        + hdf.getChildren().keySet() + "; name the data and energy dataset paths explicitly");
            }
            StringBuilder sb = new StringBuilder();
            for (String[] p : pairs) {
                sb.append(' ').append(p[0]).append(" + ").append(p[1]).append(';');
            }
            throw err(Problem.AMBIGUOUS_LAYOUT, null, -1, "several data/energy pairs match:" + sb
                    + " name the data and energy dataset paths explicitly");
        }

        private void scan(Group g, int depth, List<Dataset> energies, List<Dataset> cubes, int[] count) {
            if (depth > 6) {
                return;
            }
            for (Node n : g.getChildren().values()) {
                if (++count[0] > MAX_SCAN_NODES) {
                    return;
                }
                if (n instanceof Link) {
                    continue; // do not follow links while guessing
                }
                if (n instanceof Group sub) {
                    scan(sub, depth + 1, energies, cubes, count);
                } else if (n instanceof Dataset d) {
                    DataType dt = d.getDataType();
                    if (!(dt instanceof FloatingPoint || dt instanceof FixedPoint)) {
                        continue;
                    }
                    int[] dd = d.getDimensions();
                    if (dd.length == 1 && dd[0] > 0 && isEnergyName(d.getName())) {
                        energies.add(d);
                    } else if (dd.length == 3) {
                        cubes.add(d);
                    }
                }
            }
        }

        // ---------------------------------------------------------------- nodes and attributes

        private boolean exists(String path) throws StackFormatException {
            try {
                node(path, null);
                return true;
            } catch (StackFormatException e) {
                if (e.problem() == Problem.MISSING_DATASET) {
                    return false;
                }
                throw e;
            }
        }

        Dataset dataset(String path) throws StackFormatException {
            Node n = node(path, null);
            if (!(n instanceof Dataset d)) {
                throw err(Problem.MISSING_DATASET, path, -1, "'" + path + "' is a group, a dataset is needed");
            }
            return d;
        }

        /** Walks the path one name at a time; refuses external links. */
        Node node(String path, String via) throws StackFormatException {
            String p = normalise(path);
            Node cur = hdf;
            StringBuilder walked = new StringBuilder();
            for (String part : p.split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (!(cur instanceof Group g)) {
                    throw err(Problem.MISSING_DATASET, p, -1, "'" + walked + "' is a dataset, not a group");
                }
                walked.append('/').append(part);
                Node c = g.getChildren().get(part);
                if (c == null) {
                    throw err(Problem.MISSING_DATASET, p, -1, "no dataset or group '" + walked + "'"
                            + (via == null ? "" : " (named by " + via + ")"));
                }
                cur = follow(c, walked.toString());
            }
            return cur;
        }

        private Node follow(Node n, String where) throws StackFormatException {
            if (!(n instanceof Link l)) {
                return n;
            }
            if (l instanceof ExternalLink) {
                throw err(Problem.EXTERNAL_LINK, where, -1, "'" + where + "' is an external link to another file ("
                        + l.getTargetPath() + "); external links are refused");
            }
            // a soft link's target is resolved here, not by jHDF (whose getByPath would follow an external link
            // on the target's way: a soft link to /ext/data with /ext external left the file, found in review)
            Node target;
            try {
                target = Hdf5Paths.resolve(hdf, l.getTargetPath());
            } catch (Hdf5Paths.UnsafeLinkException e) {
                throw err(e.external() ? Problem.EXTERNAL_LINK : Problem.CORRUPT, where, -1, "'" + where
                        + "' is a soft link to " + l.getTargetPath() + ": " + e.getMessage());
            }
            if (target == null) {
                throw err(Problem.MISSING_DATASET, where, -1, "'" + where + "' is a broken link to " + l.getTargetPath());
            }
            return target;
        }

        private StackFormatException err(Problem p, String path, long index, String detail) {
            return new StackFormatException(p, name, path, index, detail);
        }
    }

    static String normalise(String path) {
        String p = path.trim();
        return p.startsWith("/") ? p : "/" + p;
    }

    static boolean isEnergyName(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        return t.contains("energy") || t.equals("e") || t.equals("eng") || t.equals("x_eng") || t.equals("energies");
    }

    static boolean standardEnergyName(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "energy", "energies", "energy_ev", "energy_kev", "photon_energy", "x_eng", "eng" -> true;
            default -> false;
        };
    }

    /** A string attribute (first element of an array), or null if absent or not a string/number. */
    static String attrString(Node n, String key) {
        List<String> l = attrStrings(n, key);
        return l.isEmpty() ? null : l.get(0);
    }

    static String attrJoined(Node n, String key) {
        return String.join(", ", attrStrings(n, key));
    }

    /**
     * Attribute as a list of strings; a single string is split on ':' or ',' (old NeXus
     * {@code axes="energy:sample_y:sample_x"}) when the key is "axes".
     */
    static List<String> attrStrings(Node n, String key) {
        Attribute a;
        try {
            Map<String, Attribute> attrs = n.getAttributes();
            a = attrs.get(key);
        } catch (RuntimeException e) {
            return List.of();
        }
        if (a == null) {
            return List.of();
        }
        Object v;
        try {
            v = a.getData();
        } catch (RuntimeException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            if (key.equals("axes")) {
                for (String t : s.split("[:,]")) {
                    if (!t.isBlank()) {
                        out.add(t.trim());
                    }
                }
            } else {
                out.add(s);
            }
        } else if (v instanceof String[] arr) {
            for (String s : arr) {
                out.add(s == null ? "" : s.trim());
            }
        } else if (v instanceof Number num) {
            out.add(num.toString());
        } else if (v != null && v.getClass().isArray() && java.lang.reflect.Array.getLength(v) > 0) {
            Object first = java.lang.reflect.Array.get(v, 0);
            if (first != null) {
                out.add(first.toString());
            }
        }
        return out;
    }

    /** For tests: the raw shape of the data set. */
    int[] rawShape() {
        return dims.clone();
    }

}
