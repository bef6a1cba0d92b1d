package org.nifispectro.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.FloatingPoint;
import org.nifispectro.io.stack.AxisOrder;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.Slab;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.io.stack.StackReader;
import org.nifispectro.io.stack.StackWriter;

/**
 * Rejects pixels whose spectra carry too little signal, from the maps {@link NormalizeJob} wrote.
 *
 * <h2>Signal-to-noise</h2>
 * Per pixel and edge window, {@code SNR = edge step / pre-edge noise} (or, as an option,
 * {@code white line / pre-edge noise}, {@link Signal}): the edge step is the jump the
 * normalization divides by, the pre-edge noise the RMS residual of the pre-edge line fit (both in the
 * unit of the input, e.g. optical density). Because the normalized spectrum is {@code (mu - line) / step},
 * its point-to-point noise is {@code 1 / SNR} in normalized units: SNR 10 means noise of 0.1 of the
 * edge step. A pixel is kept when its SNR is at least the threshold in every window
 * ({@link WindowRule#ALL}) or in at least one ({@link WindowRule#ANY}). A NaN edge step or noise (a
 * pixel with NaN/Inf input or no edge) gives SNR NaN: rejected. A noise of exactly zero with a positive
 * step gives SNR +Inf: kept.
 *
 * <h2>Output</h2>
 * A new file with everything of the input layout ({@link NormalizedStackLayout}: normalized stacks,
 * copied byte for byte when stored as NormalizeJob stores them ({@link StackWriter#copyStack}; 0.8 s instead of
 * 5 s for the two 1.7 GB seed-scale stacks), else slab by slab; e0, edge-step and pre-edge-noise maps; entry attributes; history) plus the
 * {@code snr_<label>} maps, the {@code mask} (int32, 1 kept, 0 rejected), the threshold and window
 * rule as entry attributes, and this run's history step. If every pixel is rejected nothing is
 * written and a {@link PipelineException} says so, with the highest SNR found per window: the chain
 * never passes on an empty stack silently.
 *
 * <h2>Memory</h2> The maps (ny x nx floats, a few per window, twice while the writer holds its copy)
 * plus one slab of one normalized stack; see {@link #heapBytes}.
 */
public final class RejectJob {

    /** The signal divided by the pre-edge noise. */
    public enum Signal {
        /** Edge step (default): SNR is the inverse noise of the normalized spectrum. */
        EDGE_STEP,
        /** White-line height above the pre-edge line: for L edges whose white line dwarfs the edge step. */
        WHITE_LINE
    }

    /** How the per-window decisions combine. */
    public enum WindowRule {
        /** Keep a pixel only if its SNR reaches the threshold in every window. */
        ALL,
        /** Keep a pixel if its SNR reaches the threshold in at least one window. */
        ANY
    }

    private RejectJob() {
    }

    /**
     * @param minSnr            a pixel with SNR &gt;= this is kept (per window)
     * @param rule              how windows combine
     * @param memoryBudgetBytes heap the run may use
     * @param signal            what is divided by the pre-edge noise
     */
    public record Config(double minSnr, WindowRule rule, long memoryBudgetBytes, Signal signal) {
        /** Edge step over pre-edge noise. */
        public Config(double minSnr, WindowRule rule, long memoryBudgetBytes) {
            this(minSnr, rule, memoryBudgetBytes, Signal.EDGE_STEP);
        }

        public Config {
            if (signal == null) {
                throw new IllegalArgumentException("signal must not be null");
            }
            if (!(minSnr >= 0) || Double.isInfinite(minSnr)) {
                throw new IllegalArgumentException("minimum SNR must be a finite number >= 0, got " + minSnr);
            }
            if (rule == null) {
                throw new IllegalArgumentException("window rule must not be null");
            }
            if (memoryBudgetBytes <= 0) {
                throw new IllegalArgumentException("memory budget must be positive, got " + memoryBudgetBytes);
            }
        }
    }

    /**
     * @param label          window label
     * @param pixelsAtOrAbove pixels whose SNR in this window reaches the threshold
     * @param snrMedian      median of the finite SNR values (NaN if none)
     * @param snrMax         highest SNR (may be +Inf; NaN if every pixel is NaN)
     */
    public record WindowSnr(String label, long pixelsAtOrAbove, double snrMedian, double snrMax) {
    }

    /**
     * @param ny       image rows
     * @param nx       image columns
     * @param kept     pixels kept
     * @param rejected pixels rejected (including NaN pixels)
     * @param windows  per-window figures, in file order
     * @param slabRows rows per slab used while copying the stacks
     * @param heapEstimateBytes estimated peak heap
     */
    public record Result(int ny, int nx, long kept, long rejected, double threshold, WindowRule rule,
                         List<WindowSnr> windows, int slabRows, long heapEstimateBytes) {
        /** rejected / (kept + rejected). */
        public double rejectedFraction() {
            return (double) rejected / (kept + rejected);
        }
    }

    /**
     * Computes the SNR maps and mask of a NormalizeSpectra output and writes the extended copy.
     *
     * @param step this run's history step
     * @throws PipelineException    if the input is not a NormalizeSpectra output, is damaged, over budget,
     *                              or every pixel is rejected
     * @throws StackFormatException if a normalized stack in it cannot be read
     * @throws IOException          if the output cannot be written
     */
    public static Result run(Path input, Path output, Config config, ProcessStep step)
            throws PipelineException, StackFormatException, IOException {
        String name = input.getFileName() == null ? input.toString() : input.getFileName().toString();
        HdfFile hdf = NormalizedStackLayout.openHdf(input, name);
        try (hdf) {
            return run(hdf, input, name, output, config, step);
        }
    }

    private static Result run(HdfFile hdf, Path input, String name, Path output, Config config, ProcessStep step)
            throws PipelineException, StackFormatException, IOException {
        Input in = readLayout(hdf, name, config.signal());
        List<String> labels = in.labels;
        int ny = in.ny;
        int nx = in.nx;
        int npix = ny * nx;
        int k = labels.size();

        List<StackReader> readers = new ArrayList<>();
        try {
            long maxSlab1 = 0;
            StackReader widest = null;
            for (String l : labels) {
                StackReader r = StackReader.open(input, StackOptions.custom(NormalizedStackLayout.dataPath(
                        NormalizedStackLayout.norm(l)), NormalizedStackLayout.energyPath(NormalizedStackLayout.norm(l)))
                        .withAxisOrder(AxisOrder.ENERGY_Y_X));
                readers.add(r);
                if (r.info().ny() != ny || r.info().nx() != nx) {
                    throw PipelineException.input("normalized stack is " + r.info().ny() + " x " + r.info().nx()
                            + " pixels but the maps are " + ny + " x " + nx, "file " + name + ", dataset "
                            + r.info().dataPath());
                }
                if (r.slabBytes(1) > maxSlab1) {
                    maxSlab1 = r.slabBytes(1);
                    widest = r;
                }
            }
            int rows = slabRows(widest, k, npix, nx, config.memoryBudgetBytes(), name);
            long heap = heapBytes(widest, k, npix, nx, rows);
            readMaps(in, name);

            float[][] snr = new float[k][npix];
            int[] mask = new int[npix];
            long kept = 0;
            List<WindowSnr> figures = new ArrayList<>();
            for (int w = 0; w < k; w++) {
                float[] st = config.signal() == Signal.WHITE_LINE ? in.white[w] : in.step[w];
                float[] no = in.noise[w];
                float[] s = snr[w];
                long above = 0;
                double max = Double.NaN;
                for (int p = 0; p < npix; p++) {
                    s[p] = snr(st[p], no[p]);
                    if (s[p] >= config.minSnr()) {
                        above++;
                    }
                    if (!Float.isNaN(s[p]) && !(s[p] <= max)) {
                        max = s[p];
                    }
                }
                figures.add(new WindowSnr(in.labels.get(w), above, NormalizeJob.median(s), max));
            }
            for (int p = 0; p < npix; p++) {
                boolean keep = config.rule() == WindowRule.ALL;
                for (int w = 0; w < k; w++) {
                    boolean ok = snr[w][p] >= config.minSnr();
                    keep = config.rule() == WindowRule.ALL ? keep && ok : keep || ok;
                }
                mask[p] = keep ? NormalizedStackLayout.KEPT : NormalizedStackLayout.REJECTED;
                kept += keep ? 1 : 0;
            }
            if (kept == 0) {
                StringBuilder best = new StringBuilder();
                for (WindowSnr f : figures) {
                    best.append(best.length() == 0 ? "" : ", ").append(f.label()).append(' ')
                            .append(String.format(Locale.ROOT, "%.3g", f.snrMax()));
                }
                throw PipelineException.input(String.format(Locale.ROOT,
                        "all %d pixels rejected: no pixel reaches SNR (%s / pre-edge noise) %s in %s window(s);"
                                + " highest SNR per window: %s; lower Minimum SNR or check the sample and edge windows",
                        npix, config.signal() == Signal.WHITE_LINE ? "white line" : "edge step", fmt(config.minSnr()),
                        config.rule() == WindowRule.ALL ? "all" : "any", best),
                        "file " + name + ", datasets " + NormalizedStackLayout.dataPath(NormalizedStackLayout.edgeStep("*"))
                                + " (or white_line_*) and " + NormalizedStackLayout.dataPath(NormalizedStackLayout.preEdgeNoise("*")));
            }

            StackWriter.Builder b = StackWriter.builder(NormalizedStackLayout.ENTRY);
            for (int w = 0; w < k; w++) {
                String l = in.labels.get(w);
                b.stack(NormalizedStackLayout.norm(l), readers.get(w).info().energiesEv(), ny, nx)
                        .map(NormalizedStackLayout.e0(l), in.e0[w], ny, nx, "eV")
                        .map(NormalizedStackLayout.edgeStep(l), in.step[w], ny, nx, null)
                        .map(NormalizedStackLayout.preEdgeNoise(l), in.noise[w], ny, nx, null);
                if (in.white[w] != null) {
                    b.map(NormalizedStackLayout.whiteLine(l), in.white[w], ny, nx, null);
                }
                b.map(NormalizedStackLayout.snr(l), snr[w], ny, nx, null);
            }
            b.intMap(NormalizedStackLayout.MASK, mask, ny, nx, legend());
            for (Map.Entry<String, Object> a : in.entryAttributes.entrySet()) {
                b.entryAttribute(a.getKey(), a.getValue());
            }
            b.entryAttribute(NormalizedStackLayout.ATTR_SNR_THRESHOLD, config.minSnr())
                    .entryAttribute(NormalizedStackLayout.ATTR_SNR_WINDOW_RULE, config.rule().name().toLowerCase(Locale.ROOT))
                    .defaultData(NormalizedStackLayout.norm(in.labels.get(0)))
                    .history(in.history);
            if (step != null) {
                b.step(step);
            }
            in.e0 = null; // the builder holds its own copies of the maps
            in.step = null;
            in.noise = null;
            in.white = null;
            StackWriter writer = b.write(output);
            boolean complete = false;
            try {
                for (int w = 0; w < k; w++) {
                    String group = NormalizedStackLayout.norm(labels.get(w));
                    if (writer.copyStack(group, readers.get(w))) {
                        continue; // stored as we store it: copied byte for byte
                    }
                    try (SlabPrefetch slabs = new SlabPrefetch(readers.get(w), rows, true)) {
                        for (Slab slab = slabs.next(); slab != null; slab = slabs.next()) {
                            writer.writeStackRows(group, slab.y0(), slab.rows(), slab.data());
                        }
                    }
                }
                writer.close();
                complete = true;
            } finally {
                if (!complete) {
                    try {
                        writer.close();
                    } catch (IOException | RuntimeException ignored) {
                        // incomplete output; the caller deletes it
                    }
                }
            }
            return new Result(ny, nx, kept, npix - kept, config.minSnr(), config.rule(), List.copyOf(figures), rows, heap);
        } finally {
            for (StackReader r : readers) {
                r.close();
            }
        }
    }

    /** SNR of one pixel: step / noise; NaN unless both are finite, step &gt; 0 and noise &gt;= 0. */
    public static float snr(float step, float noise) {
        if (!Float.isFinite(step) || !Float.isFinite(noise) || !(step > 0) || noise < 0) {
            return Float.NaN;
        }
        return noise == 0 ? Float.POSITIVE_INFINITY : step / noise;
    }

    private static Map<Integer, String> legend() {
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(NormalizedStackLayout.REJECTED, "rejected");
        m.put(NormalizedStackLayout.KEPT, "kept");
        return m;
    }

    /**
     * Estimated peak heap: per window the e0, edge-step, pre-edge-noise, white-line and SNR maps twice (ours and
     * the writer's copy) plus the mask twice, the transient of reading one map, and two slabs of the
     * widest normalized stack (one written while the next is read) with the writer's row buffer.
     */
    static long heapBytes(StackReader widest, int windows, long npix, int nx, int rows) {
        long maps = npix * 4L * (5L * windows * 2 + 2 + 2);
        long prefetched = (long) rows * nx * widest.info().nE() * 4L; // slab being written while the next is read
        return maps + widest.slabBytes(rows) + prefetched + (long) rows * nx * 4L;
    }

    private static int slabRows(StackReader widest, int windows, long npix, int nx, long budget, String name)
            throws PipelineException {
        long need = heapBytes(widest, windows, npix, nx, 1);
        if (need > budget) {
            throw PipelineException.overLimit("rejecting low-SNR pixels (maps of " + npix + " pixels x " + windows
                    + " window(s) and one image row) needs " + StackReader.formatBytes(need) + ", budget "
                    + StackReader.formatBytes(budget), "file " + name);
        }
        int lo = 1;
        int hi = Math.max(1, widest.rowsForBudget(budget));
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (heapBytes(widest, windows, npix, nx, mid) <= budget) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    // ------------------------------------------------------------------ reading the NormalizeSpectra layout

    private static final class Input {
        List<String> labels;
        int ny;
        int nx;
        float[][] e0;
        float[][] step;
        float[][] noise;
        /** Per window, null where the file has no white-line map. */
        float[][] white;
        Dataset[][] maps;
        Map<String, Object> entryAttributes = new LinkedHashMap<>();
        List<ProcessStep> history;
    }

    /** Labels, map datasets (not their data), entry attributes and history; jHDF failures become input errors. */
    private static Input readLayout(HdfFile hdf, String name, Signal signal) throws PipelineException {
        try {
            return layout(hdf, name, signal);
        } catch (RuntimeException | OutOfMemoryError e) {
            throw PipelineException.input("HDF5 structure cannot be decoded (truncated or damaged file?): " + NormalizedStackLayout.describe(e),
                    "file " + name, e);
        }
    }

    /** Reads the map data (after the memory check). */
    private static void readMaps(Input in, String name) throws PipelineException {
        int k = in.labels.size();
        in.e0 = new float[k][];
        in.step = new float[k][];
        in.noise = new float[k][];
        in.white = new float[k][];
        for (int w = 0; w < k; w++) {
            in.e0[w] = readMap(in.maps[w][0], in.ny, in.nx, name);
            in.step[w] = readMap(in.maps[w][1], in.ny, in.nx, name);
            in.noise[w] = readMap(in.maps[w][2], in.ny, in.nx, name);
            in.white[w] = in.maps[w][3] == null ? null : readMap(in.maps[w][3], in.ny, in.nx, name);
        }
        in.maps = null;
    }

    private static float[] readMap(Dataset d, int ny, int nx, String name) throws PipelineException {
        try {
            return flatten(d.getData(), ny, nx);
        } catch (RuntimeException | OutOfMemoryError e) {
            throw PipelineException.input("cannot read map (truncated or damaged file?): " + NormalizedStackLayout.describe(e),
                    "file " + name + ", dataset " + d.getPath(), e);
        }
    }

    private static Input layout(HdfFile hdf, String name, Signal signal) throws PipelineException {
        String entryPath = "/" + NormalizedStackLayout.ENTRY;
        Node entry = hdf.getChildren().get(NormalizedStackLayout.ENTRY);
        if (!(entry instanceof Group g)) {
            throw PipelineException.input("not a NormalizeSpectra output: no group " + entryPath
                    + "; run NormalizeSpectra first", "file " + name);
        }
        Attribute labelsAttr = g.getAttribute(NormalizedStackLayout.ATTR_WINDOWS);
        Object lv = labelsAttr == null ? null : labelsAttr.getData();
        List<String> labels = new ArrayList<>();
        if (lv instanceof String s) {
            labels.add(s);
        } else if (lv instanceof String[] a) {
            labels.addAll(List.of(a));
        }
        if (labels.isEmpty()) {
            throw PipelineException.input("not a NormalizeSpectra output: " + entryPath + " has no @"
                    + NormalizedStackLayout.ATTR_WINDOWS + " attribute naming the edge windows; run NormalizeSpectra first",
                    "file " + name + ", group " + entryPath);
        }
        for (String l : labels) {
            try {
                new EdgeWindow(l, 0, 1);
            } catch (IllegalArgumentException e) {
                throw PipelineException.input("edge window label '" + l + "' in @" + NormalizedStackLayout.ATTR_WINDOWS
                        + " is not a valid label", "file " + name + ", group " + entryPath, e);
            }
        }
        Input in = new Input();
        in.labels = List.copyOf(labels);
        int k = labels.size();
        in.maps = new Dataset[k][4];
        int[] shape = null;
        for (int w = 0; w < k; w++) {
            String l = labels.get(w);
            String[] groups = {NormalizedStackLayout.e0(l), NormalizedStackLayout.edgeStep(l),
                NormalizedStackLayout.preEdgeNoise(l), NormalizedStackLayout.whiteLine(l)};
            for (int i = 0; i < 4; i++) {
                String path = NormalizedStackLayout.dataPath(groups[i]);
                if (i == 3 && !(NormalizedStackLayout.node(hdf, path) instanceof Dataset)) {
                    if (signal == Signal.WHITE_LINE) {
                        throw PipelineException.input("no white-line map " + path + " (written by NormalizeSpectra since"
                                + " version 0.1); use the edge step as signal or normalize again", "file " + name);
                    }
                    continue;
                }
                Dataset d = mapDataset(hdf, path, name);
                int[] dims = d.getDimensions();
                if (shape == null) {
                    shape = dims;
                } else if (dims[0] != shape[0] || dims[1] != shape[1]) {
                    throw PipelineException.input("map is " + dims[0] + " x " + dims[1] + ", the first map is "
                            + shape[0] + " x " + shape[1], "file " + name + ", dataset " + path);
                }
                in.maps[w][i] = d;
            }
        }
        in.ny = shape[0];
        in.nx = shape[1];
        in.entryAttributes.putAll(NormalizedStackLayout.entryAttributes(g, java.util.Set.of(NormalizedStackLayout.ATTR_SNR_THRESHOLD, NormalizedStackLayout.ATTR_SNR_WINDOW_RULE)));
        in.history = ProcessStep.readAll(hdf);
        return in;
    }

    private static Dataset mapDataset(HdfFile hdf, String path, String name) throws PipelineException {
        Node n = NormalizedStackLayout.node(hdf, path);
        if (!(n instanceof Dataset d)) {
            throw PipelineException.input("not a NormalizeSpectra output: dataset " + path + " is missing",
                    "file " + name + ", dataset " + path);
        }
        int[] dims = d.getDimensions();
        if (dims.length != 2 || dims[0] <= 0 || dims[1] <= 0 || (long) dims[0] * dims[1] > Integer.MAX_VALUE / 8) {
            throw PipelineException.input("map must be 2-D with positive sizes, shape is " + java.util.Arrays.toString(dims),
                    "file " + name + ", dataset " + path);
        }
        if (!(d.getDataType() instanceof FloatingPoint)) {
            throw PipelineException.input("map must hold floating-point values, type is "
                    + d.getDataType().getClass().getSimpleName(), "file " + name + ", dataset " + path);
        }
        return d;
    }

    private static float[] flatten(Object data, int ny, int nx) {
        float[] out = new float[ny * nx];
        if (data instanceof float[][] a) {
            for (int y = 0; y < ny; y++) {
                System.arraycopy(a[y], 0, out, y * nx, nx);
            }
        } else if (data instanceof double[][] a) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    out[y * nx + x] = (float) a[y][x];
                }
            }
        } else {
            throw new IllegalStateException("unexpected map array " + data.getClass());
        }
        return out;
    }
}
