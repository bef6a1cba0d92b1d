package org.nifispectro.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.math3.analysis.interpolation.LinearInterpolator;
import org.apache.commons.math3.analysis.polynomials.PolynomialSplineFunction;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.Slab;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.io.stack.StackInfo;
import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.io.stack.StackReader;
import org.nifispectro.io.stack.StackWriter;
import org.nifispectro.xas.ChantlerF2;
import org.nifispectro.xas.Mback;
import org.nifispectro.xas.PreEdgeNormalization;
import org.nifispectro.xas.StackMback;
import org.nifispectro.xas.StackNormalizer;

/**
 * Normalizes every pixel spectrum of an HDF5 stack, edge window by edge window, in two passes over
 * the file, holding one slab of image rows at a time.
 *
 * <h2>Algorithm</h2>
 * <ol>
 * <li>Open the stack ({@link StackReader}: layout, energy unit and axis order detected or given) and
 * check every edge window holds at least 7 energies.</li>
 * <li>Estimate the heap the run needs for one image row; refuse ("needs X, budget Y") if even that
 * exceeds the budget, else take the tallest slab that fits (see {@link #heapBytes}).</li>
 * <li>Pass 1: the mean spectrum over all pixels whose spectrum is finite at every energy (for a contiguous
 * energy-y-x absorbance stack summed plane by plane in the stored layout, {@link StackReader#finitePixelMean};
 * otherwise from pixel-major slabs); pixels with a
 * NaN or infinite value are counted (more than the allowed fraction is refused).</li>
 * <li>Per window, Larch's {@code pre_edge} rules on the mean spectrum give the reference e0 and the
 * fit ranges pre1, pre2, norm1, norm2, nnorm ({@link StackNormalizer#prepareFromMean}); these are
 * then fixed for all pixels, as Athena/Larch users do when they "set all groups to the same
 * parameters", which makes the per-pixel fits linear least squares with one precomputed
 * pseudo-inverse.</li>
 * <li>Pass 2: each slab is normalized per window (its pixels split over the worker threads; the
 * normalizer is immutable; with more than one thread the next slab is read meanwhile) and written in place into the output: the normalized stack (window energies
 * only), the e0, edge-step, pre-edge-noise and white-line maps.</li>
 * </ol>
 * <h2>MBACK</h2> With {@link Method#MBACK} the normalized stack and the edge step come from MBACK
 * (Weng et al. 2005; {@link StackMback}, Larch {@code mback} defaults: pre2 = -50, norm1 = 100 eV,
 * background order 3, no erfc term), fitted per pixel with e0 fixed to the window's reference e0 and
 * the Chantler f2 of the window's {@link Absorber}; pre1/pre2/norm1/norm2 given in the parameters
 * replace Larch's mback defaults (nnorm is not used by MBACK). The e0 map, the pre-edge noise and
 * the "has an edge" test stay those of the pre-edge method above (derivative maximum; RMS residual
 * of the pre-edge line in the unit of the input; edge step above float32 resolution), so the
 * signal-to-noise ratio of RejectLowSNR (edge step / pre-edge noise) means the same with both
 * methods; the white line is the MBACK edge step x the maximum of the MBACK-normalized spectrum.
 * The edge name of the absorber is recorded, not used: without the erfc term (Larch's default
 * {@code fit_erfc=False}) and with e0 taken from the data, Larch's mback does not use it either.
 *
 * <p>A pixel with a NaN/Inf value, a flat spectrum or an edge step below float32 resolution gets NaN
 * for norm, edge step, pre-edge noise, white line and e0 in that window (RejectLowSNR rejects it); a window in
 * which no pixel has an edge is refused, so a wrong window is not mistaken for an empty sample.
 *
 * <h2>Transmission input</h2> With a {@link Transmission} in the config the stack holds transmitted
 * intensities I (counts), as STXM/TXM stacks arrive. Each slab is converted in place, right after it is
 * read and in both passes, to optical density OD(E) = -ln(I(E) / I0(E)) (Beer-Lambert), then normalized
 * as above; the stack is never held whole. I0(E) is
 * <ul>
 * <li>a measured 1-D dataset of the same file ({@link Transmission#i0Path()}, e.g. {@code /i0}): taken
 * index by index when it has one value per stack energy and no I0 energy axis is given; otherwise
 * linearly interpolated (Commons Math {@link LinearInterpolator}) from its own energy axis
 * ({@link Transmission#i0EnergyPath()}, in eV, or the ALS-convention sibling {@code <i0Path>_energy_eV} when
 * the lengths differ and none is given) onto the stack energies. Stack energies beyond the I0 axis by at most
 * half the mean I0 energy step take the end value; further out is refused. I0 must be finite and positive
 * everywhere;</li>
 * <li>without a measured I0, the per-energy mean intensity of the brightest
 * {@value #BRIGHTEST_PERCENT} % of the pixels (ranked by the sum of I over all energies; pixels with a
 * NaN/Inf value left out), the usual STXM practice of taking I0 from a hole or thin area of the
 * field of view (Jacobsen et al. 2000; aXis2000 and MANTIS offer the same). This costs two extra
 * passes over the file and two floats per pixel (the pixel sums and their sorted copy), released before
 * pass 1 and less than the whole-image maps of pass 2 counted in {@link #heapBytes}.</li>
 * </ul>
 * A finite intensity I &le; {@value #FLOOR_FRACTION} x I0(E) (zero or negative counts after dark
 * subtraction) is raised to that floor (OD at most ln(1e6) = 13.8) and counted in
 * {@link Result#clippedIntensities()}; NaN/Inf intensities stay non-finite and are treated as above.
 *
 * <h2>Output</h2> A NeXus file laid out as {@link NormalizedStackLayout} says, with the input's
 * processing history followed by the given step. The file is complete when {@link #run} returns;
 * on an exception it is incomplete and must be deleted by the caller.
 *
 * <h2>References</h2>
 * <ul>
 * <li>Larch {@code pre_edge} (xraylarch {@code larch/xafs/pre_edge.py}): e0 from the derivative
 * maximum, pre1/pre2/norm1/norm2/nnorm defaults.</li>
 * <li>C. Jacobsen, G. Flynn, S. Wirick, C. Zimba, "Soft X-ray spectroscopy from image sequences with
 * sub-100 nm spatial resolution", J. Microsc. 197 (2000) 173-184: OD = -ln(I/I0), I0 from an empty area
 * of the image.</li>
 * <li>J. Duan et al., "Identification of chemical phases in spectro-microscopy data by DBSCAN",
 * Sci. Rep. 6 (2016) 34406: every pixel of the Nd L3 and L2 edges normalized separately before
 * clustering.</li>
 * </ul>
 */
public final class NormalizeJob {

    /** Fewest energies a window (and the stack) must hold: Larch's pre_edge minimum. */
    public static final int MIN_ENERGIES = 7;

    /** Entry attribute: "pre_edge" or "mback". */
    public static final String ATTR_METHOD = "normalization_method";
    /** Entry attribute (MBACK only): absorber per window, e.g. "Nd L3". */
    public static final String ATTR_ABSORBERS = "mback_absorbers";

    /** Entry attribute: "absorbance" or "transmission". */
    public static final String ATTR_DATA_TYPE = "data_type";
    /** Entry attribute (transmission only): where I0 came from. */
    public static final String ATTR_I0_SOURCE = "i0_source";
    /** Entry attribute (transmission only): I0 at each stack energy, as used. */
    public static final String ATTR_I0 = "i0";

    /** Percentage of the brightest pixels whose mean spectrum is I0 when no I0 dataset is given. */
    public static final int BRIGHTEST_PERCENT = 5;
    /** Intensities at or below this fraction of I0(E) are raised to it before taking the logarithm. */
    public static final double FLOOR_FRACTION = 1e-6;
    /** Longest I0 (or I0 energy) dataset read. */
    static final int MAX_I0_LENGTH = 1_000_000;

    private static final int MIN_CHUNK_PIXELS = 256;
    /** Energy planes per read of the plane-wise mean spectrum (8 x 602 x 643 floats = 12 MB at seed scale). */
    private static final int PLANES_PER_READ = 8;

    private NormalizeJob() {
    }

    /** How each pixel spectrum is normalized. */
    public enum Method {
        /** Larch {@code pre_edge}: pre-edge line and post-edge polynomial. */
        PRE_EDGE,
        /** MBACK (Weng et al. 2005): scaled to the tabulated f2 of the absorber, Larch {@code mback}. */
        MBACK
    }

    /**
     * The absorbing element and edge of an edge window, for MBACK.
     *
     * @param element chemical symbol, e.g. "Nd" (Z 1..92, the Chantler f2 table)
     * @param edge    edge name (K, L1..L3, M1..M5, N1..N7), e.g. "L3"; recorded in the output, not
     *                used by the fit (see class doc)
     */
    public record Absorber(String element, String edge) {

        private static final Pattern EDGE = Pattern.compile("K|L[1-3]|M[1-5]|N[1-7]");
        private static final Pattern ITEM = Pattern.compile(
                "\\s*(?:([A-Za-z0-9_]+)\\s*=\\s*)?([A-Za-z]{1,2})(?:\\s+([A-Za-z][0-9]?))?\\s*");

        public Absorber {
            if (element == null || element.isBlank()) {
                throw new IllegalArgumentException("absorber element is empty; give a chemical symbol such as Nd");
            }
            element = element.trim();
            element = element.substring(0, 1).toUpperCase(Locale.ROOT) + element.substring(1).toLowerCase(Locale.ROOT);
            ChantlerF2.atomicNumber(element); // throws naming the unknown symbol
            edge = edge == null ? "" : edge.trim().toUpperCase(Locale.ROOT);
            if (!edge.isEmpty() && !EDGE.matcher(edge).matches()) {
                throw new IllegalArgumentException("absorber edge '" + edge + "' of " + element
                        + " is not an edge name (K, L1, L2, L3, M1..M5, N1..N7)");
            }
        }

        /** "Nd L3", or "Nd" without an edge. */
        @Override
        public String toString() {
            return edge.isEmpty() ? element : element + " " + edge;
        }

        /**
         * One absorber per window, from the text form: {@code Element [Edge]} for every window (e.g.
         * {@code Nd L3}), or per window label {@code label=Element [Edge]} separated by commas or
         * semicolons (e.g. {@code L3=Nd L3, L2=Nd L2}); an item without a label covers the windows not
         * named. Without an edge, a window labelled like an edge (L3, K, ...) takes that edge.
         *
         * @throws IllegalArgumentException naming the item (1-based) or the window that is wrong
         */
        public static List<Absorber> parseList(String text, List<EdgeWindow> windows) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("MBACK needs the absorbing element (and edge), e.g. 'Nd L3'");
            }
            Map<String, String[]> byLabel = new HashMap<>();
            String[] fallback = null;
            String[] items = text.split("[,;]");
            for (int i = 0; i < items.length; i++) {
                Matcher m = ITEM.matcher(items[i]);
                if (!m.matches()) {
                    throw new IllegalArgumentException("absorber " + (i + 1) + " '" + items[i].trim()
                            + "' is not 'Element [Edge]' or 'label=Element [Edge]', e.g. 'Nd L3' or 'L2=Nd L2'");
                }
                String[] v = {m.group(2), m.group(3)};
                try {
                    new Absorber(v[0], v[1]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("absorber " + (i + 1) + " '" + items[i].trim() + "': "
                            + e.getMessage(), e);
                }
                if (m.group(1) == null) {
                    if (fallback != null) {
                        throw new IllegalArgumentException("absorber " + (i + 1) + " '" + items[i].trim()
                                + "': only one absorber may omit the window label");
                    }
                    fallback = v;
                } else if (byLabel.put(m.group(1).toLowerCase(Locale.ROOT), v) != null) {
                    throw new IllegalArgumentException("absorber for window '" + m.group(1) + "' is given twice");
                }
            }
            List<Absorber> out = new ArrayList<>();
            int used = 0;
            for (EdgeWindow w : windows) {
                String[] v = byLabel.get(w.label().toLowerCase(Locale.ROOT));
                if (v != null) {
                    used++;
                } else {
                    v = fallback;
                }
                if (v == null) {
                    throw new IllegalArgumentException("no absorber for edge window '" + w.label() + "' in '" + text.trim()
                            + "'; add " + w.label() + "=Element Edge or one absorber without a label");
                }
                String edge = v[1];
                if (edge == null && EDGE.matcher(w.label().toUpperCase(Locale.ROOT)).matches()) {
                    edge = w.label();
                }
                out.add(new Absorber(v[0], edge));
            }
            if (used < byLabel.size()) {
                List<String> labels = new ArrayList<>();
                for (EdgeWindow w : windows) {
                    labels.add(w.label());
                }
                throw new IllegalArgumentException("absorber names a window that is not among the edge windows " + labels
                        + ": '" + text.trim() + "'");
            }
            return List.copyOf(out);
        }
    }

    /**
     * Transmission input: the stack holds transmitted intensities I, converted per pixel to optical
     * density OD(E) = -ln(I(E) / I0(E)) before normalizing (see the class doc).
     *
     * @param i0Path       1-D dataset of the incident intensity I0 in the same file, e.g. {@code /i0}; null or
     *                     blank: I0(E) = per-energy mean of the brightest {@value NormalizeJob#BRIGHTEST_PERCENT} %
     *                     of the pixels
     * @param i0EnergyPath 1-D dataset of the energies (eV) at which I0 was measured, to interpolate I0 onto the
     *                     stack energies; null or blank: none (see the class doc)
     */
    public record Transmission(String i0Path, String i0EnergyPath) {

        public Transmission {
            i0Path = i0Path == null || i0Path.isBlank() ? null : i0Path.trim();
            i0EnergyPath = i0EnergyPath == null || i0EnergyPath.isBlank() ? null : i0EnergyPath.trim();
            if (i0Path == null && i0EnergyPath != null) {
                throw new IllegalArgumentException("I0 energy dataset '" + i0EnergyPath
                        + "' is given without an I0 dataset; give the I0 path too, or neither");
            }
        }

        /** I0 from the brightest pixels. */
        public static Transmission brightestPixels() {
            return new Transmission(null, null);
        }
    }

    /**
     * What to do.
     *
     * @param windows                 edge windows (at least one; {@link EdgeWindow#wholeScan()} for the whole scan)
     * @param params                  Larch parameters; NaN / -1 = automatic (e0 and step must be automatic)
     * @param e0SearchEv              half-width (eV) around the reference e0 in which each pixel's e0 is
     *                                searched; NaN = the whole window
     * @param memoryBudgetBytes       heap the run may use
     * @param maxNonFiniteFraction    largest fraction (0..1) of pixels with a NaN/Inf value accepted
     * @param threads                 worker threads for the per-pixel work (1 = the caller only)
     * @param method                  pre-edge/post-edge (Larch pre_edge) or MBACK
     * @param absorbers               MBACK: one absorber per window, in window order; empty for PRE_EDGE
     * @param transmission            null: the stack holds absorbance (mu or optical density); else it holds
     *                                transmitted intensities, converted to optical density with this I0
     */
    public record Config(List<EdgeWindow> windows, PreEdgeNormalization.Params params, double e0SearchEv,
                         long memoryBudgetBytes, double maxNonFiniteFraction, int threads, Method method,
                         List<Absorber> absorbers, Transmission transmission) {

        /** Absorbance input, with the given method. */
        public Config(List<EdgeWindow> windows, PreEdgeNormalization.Params params, double e0SearchEv,
                      long memoryBudgetBytes, double maxNonFiniteFraction, int threads, Method method,
                      List<Absorber> absorbers) {
            this(windows, params, e0SearchEv, memoryBudgetBytes, maxNonFiniteFraction, threads, method, absorbers,
                    null);
        }

        /** The pre-edge method. */
        public Config(List<EdgeWindow> windows, PreEdgeNormalization.Params params, double e0SearchEv,
                      long memoryBudgetBytes, double maxNonFiniteFraction, int threads) {
            this(windows, params, e0SearchEv, memoryBudgetBytes, maxNonFiniteFraction, threads, Method.PRE_EDGE, List.of());
        }

        public Config {
            if (windows == null || windows.isEmpty()) {
                throw new IllegalArgumentException("at least one edge window is needed");
            }
            windows = List.copyOf(windows);
            if (params == null) {
                params = PreEdgeNormalization.Params.defaults();
            }
            if (!Double.isNaN(params.e0()) || !Double.isNaN(params.step())) {
                throw new IllegalArgumentException("e0 and step are found per pixel; they must not be fixed");
            }
            if (memoryBudgetBytes <= 0) {
                throw new IllegalArgumentException("memory budget must be positive, got " + memoryBudgetBytes);
            }
            if (!(maxNonFiniteFraction >= 0 && maxNonFiniteFraction <= 1)) {
                throw new IllegalArgumentException("allowed non-finite pixel fraction must be in [0, 1], got "
                        + maxNonFiniteFraction);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            if (method == null) {
                method = Method.PRE_EDGE;
            }
            absorbers = absorbers == null ? List.of() : List.copyOf(absorbers);
            if (method == Method.MBACK && absorbers.size() != windows.size()) {
                throw new IllegalArgumentException("MBACK needs one absorber per edge window: " + windows.size()
                        + " window(s), " + absorbers.size() + " absorber(s)");
            }
        }

        /** Whole scan, Larch defaults, 1 GB, 10 % non-finite pixels, 2 threads. */
        public static Config defaults() {
            return new Config(List.of(EdgeWindow.wholeScan()), PreEdgeNormalization.Params.defaults(), Double.NaN,
                    1_000_000_000L, 0.10, 2);
        }

        public Config withWindows(List<EdgeWindow> w) {
            return new Config(w, params, e0SearchEv, memoryBudgetBytes, maxNonFiniteFraction, threads, method,
                    absorbers, transmission);
        }

        public Config withParams(PreEdgeNormalization.Params p) {
            return new Config(windows, p, e0SearchEv, memoryBudgetBytes, maxNonFiniteFraction, threads, method,
                    absorbers, transmission);
        }

        public Config withMemoryBudget(long bytes) {
            return new Config(windows, params, e0SearchEv, bytes, maxNonFiniteFraction, threads, method,
                    absorbers, transmission);
        }

        public Config withMaxNonFiniteFraction(double f) {
            return new Config(windows, params, e0SearchEv, memoryBudgetBytes, f, threads, method,
                    absorbers, transmission);
        }

        public Config withThreads(int n) {
            return new Config(windows, params, e0SearchEv, memoryBudgetBytes, maxNonFiniteFraction, n, method,
                    absorbers, transmission);
        }

        /** MBACK with these absorbers (one per window, see {@link Absorber#parseList}). */
        public Config withMback(List<Absorber> a) {
            return new Config(windows, params, e0SearchEv, memoryBudgetBytes, maxNonFiniteFraction, threads,
                    Method.MBACK, a, transmission);
        }

        /** Mback parameters of window {@code k}: the given pre1/pre2/norm1/norm2, else Larch's mback defaults. */
        Mback.Params mbackParams(int k, double e0) {
            Mback.Params d = Mback.Params.defaults(absorbers.get(k).element());
            return new Mback.Params(d.element(), e0, Double.isNaN(params.pre1()) ? d.pre1() : params.pre1(),
                    Double.isNaN(params.pre2()) ? d.pre2() : params.pre2(),
                    Double.isNaN(params.norm1()) ? d.norm1() : params.norm1(),
                    Double.isNaN(params.norm2()) ? d.norm2() : params.norm2(), d.order());
        }

        public Config withE0Search(double ev) {
            return new Config(windows, params, ev, memoryBudgetBytes, maxNonFiniteFraction, threads, method, absorbers,
                    transmission);
        }

        /** Transmission input with this I0 (see {@link Transmission}); null = absorbance input. */
        public Config withTransmission(Transmission t) {
            return new Config(windows, params, e0SearchEv, memoryBudgetBytes, maxNonFiniteFraction, threads, method,
                    absorbers, t);
        }
    }

    /**
     * Per-window result.
     *
     * @param window         the window as configured
     * @param energies       number of stack energies inside it
     * @param e0Reference    e0 of the mean spectrum (eV)
     * @param pre1           fit ranges used (eV relative to e0Reference) and polynomial degree
     * @param pixelsWithEdge pixels with a finite edge step
     * @param e0Min          smallest, largest and median per-pixel e0 over pixels with an edge (eV)
     * @param edgeStepMedian median edge step over pixels with an edge
     * @param preEdgeNoiseMedian median pre-edge noise over pixels with an edge
     */
    public record WindowSummary(EdgeWindow window, int energies, double e0Reference, double pre1, double pre2,
                                double norm1, double norm2, int nnorm, long pixelsWithEdge, double e0Min, double e0Max,
                                double e0Median, double edgeStepMedian, double preEdgeNoiseMedian) {
    }

    /**
     * @param stack            what the reader found
     * @param windows          one summary per window, in order
     * @param nonFinitePixels  pixels with at least one NaN/Inf value (left out of the mean spectrum)
     * @param slabRows         image rows per slab used
     * @param heapEstimateBytes estimated peak heap of the run (see {@link #heapBytes})
     * @param clippedIntensities transmission: finite intensities at or below {@value #FLOOR_FRACTION} x I0(E)
     *                         raised to that floor (values, not pixels); 0 for absorbance
     * @param i0Source         transmission: where I0 came from, e.g. "dataset /i0"; empty for absorbance
     * @param seconds          wall time of pass 1 (mean spectrum), and in pass 2 of reading slabs, normalizing
     *                         and writing (for benchmarks and logs)
     */
    public record Result(StackInfo stack, List<WindowSummary> windows, long nonFinitePixels, int slabRows,
                         long heapEstimateBytes, Seconds seconds, long clippedIntensities, String i0Source) {
    }

    /** Where the time went. */
    public record Seconds(double meanSpectrum, double create, double read, double normalize, double write, double finish) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "mean spectrum %.2f s, create output %.2f s, read %.2f s, normalize %.2f s,"
                    + " write %.2f s, finish %.2f s", meanSpectrum, create, read, normalize, write, finish);
        }
    }

    /**
     * Normalizes {@code input} into a new file {@code output}.
     *
     * @param options how to find the stack in the file (the minimum energy count is raised to
     *                {@value #MIN_ENERGIES})
     * @param step    this run's history step (appended after the input's history)
     * @throws StackFormatException if the file is not a usable stack, or over budget
     *                              ({@link StackFormatException.Problem#OVER_BUDGET})
     * @throws PipelineException    if a window, the non-finite pixels or the edges make normalization
     *                              impossible
     * @throws IOException          if the output cannot be written
     */
    public static Result run(Path input, StackOptions options, Path output, Config config, ProcessStep step)
            throws StackFormatException, PipelineException, IOException {
        StackOptions opts = options.minEnergies() >= MIN_ENERGIES ? options : options.withMinEnergies(MIN_ENERGIES);
        try (StackReader reader = StackReader.open(input, opts); Parallel parallel = new Parallel(config.threads())) {
            StackInfo info = reader.info();
            double[] energy = info.energiesEv();
            String where = "file " + info.fileName() + ", dataset " + info.dataPath();
            List<EdgeWindow> windows = config.windows();
            int[] counts = checkWindows(windows, energy);

            int rows = slabRows(reader, info, counts, config.memoryBudgetBytes(), parallel.threads());
            long heap = heapBytes(reader, info, counts, rows, parallel.threads());

            OdConversion od = null;
            if (config.transmission() != null) {
                od = config.transmission().i0Path() != null
                        ? measuredI0(reader, energy, config.transmission(), info.fileName())
                        : brightestI0(reader, info, rows, parallel, where);
            }

            // pass 1: mean spectrum of the finite pixels
            long t0 = System.nanoTime();
            MeanSpectrum mean = meanSpectrum(reader, info, rows, parallel, od);
            double meanSeconds = (System.nanoTime() - t0) / 1e9;
            long npix = info.pixels();
            if (mean.finitePixels == 0) {
                throw PipelineException.input("no pixel is finite at every energy: all " + npix
                        + " pixels hold NaN or infinite values, so there is no mean spectrum to fix the fit ranges", where);
            }
            if (mean.nonFinitePixels > config.maxNonFiniteFraction() * npix) {
                throw PipelineException.input(String.format(Locale.ROOT,
                        "%d of %d pixels (%.1f %%) hold NaN or infinite values, more than the %.1f %% allowed;"
                                + " first at pixel (y=%d, x=%d)", mean.nonFinitePixels, npix,
                        100.0 * mean.nonFinitePixels / npix, 100.0 * config.maxNonFiniteFraction(),
                        mean.firstBad / info.nx(), mean.firstBad % info.nx()), where);
            }

            StackNormalizer[] normalizers = new StackNormalizer[windows.size()];
            for (int k = 0; k < windows.size(); k++) {
                EdgeWindow w = windows.get(k);
                try {
                    normalizers[k] = StackNormalizer.prepareFromMean(energy, mean.mu, w.emin(), w.emax(), config.params(),
                            config.e0SearchEv());
                } catch (IllegalArgumentException e) {
                    throw PipelineException.input("edge window " + w + " cannot be normalized from the mean spectrum: "
                            + e.getMessage(), "Edge Windows: " + w.label() + " (" + where + ")", e);
                }
            }

            StackMback[] mbacks = null;
            if (config.method() == Method.MBACK) {
                mbacks = new StackMback[windows.size()];
                for (int k = 0; k < windows.size(); k++) {
                    EdgeWindow w = windows.get(k);
                    try {
                        mbacks[k] = StackMback.prepare(energy, w.emin(), w.emax(), config.mbackParams(k, normalizers[k].e0Ref()));
                    } catch (IllegalArgumentException e) {
                        throw PipelineException.input("edge window " + w + " cannot be normalized by MBACK ("
                                + config.absorbers().get(k) + "): " + e.getMessage(), "Edge Windows: " + w.label() + " ("
                                + where + ")", e);
                    }
                }
            }

            long t1 = System.nanoTime();
            StackWriter.Builder out = builder(info, windows, normalizers, reader, step, config)
                    .entryAttribute(ATTR_DATA_TYPE, od == null ? "absorbance" : "transmission");
            if (od != null) {
                out.entryAttribute(ATTR_I0_SOURCE, od.source).entryAttribute(ATTR_I0, od.i0);
            }
            StackWriter writer = out.write(output);
            double createSeconds = (System.nanoTime() - t1) / 1e9;
            Maps maps;
            boolean complete = false;
            double finishSeconds;
            try {
                maps = normalizeAll(reader, writer, info, normalizers, mbacks, windows, rows, parallel, od);
                long t2 = System.nanoTime();
                writer.close();
                finishSeconds = (System.nanoTime() - t2) / 1e9;
                complete = true;
            } finally {
                if (!complete) {
                    closeQuietly(writer);
                }
            }
            List<WindowSummary> summaries = new ArrayList<>();
            for (int k = 0; k < windows.size(); k++) {
                WindowSummary s = summarize(windows.get(k), counts[k], normalizers[k], maps.e0[k], maps.step[k],
                        maps.noise[k]);
                if (s.pixelsWithEdge() == 0) {
                    throw PipelineException.input("no pixel has an absorption edge in edge window " + windows.get(k)
                            + " (every edge step is zero, NaN or below float resolution); check the window",
                            "Edge Windows: " + windows.get(k).label() + " (" + where + ")");
                }
                summaries.add(s);
            }
            return new Result(info, List.copyOf(summaries), mean.nonFinitePixels, rows, heap,
                    new Seconds(meanSeconds, createSeconds, maps.nanos[0] / 1e9, maps.nanos[1] / 1e9, maps.nanos[2] / 1e9,
                            finishSeconds), maps.clipped, od == null ? "" : od.source);
        }
    }

    private static void closeQuietly(StackWriter writer) {
        try {
            writer.close();
        } catch (IOException | RuntimeException ignored) {
            // the output is incomplete anyway; the caller deletes it and reports the first problem
        }
    }

    // ------------------------------------------------------------------ windows and memory

    private static int[] checkWindows(List<EdgeWindow> windows, double[] energy) throws PipelineException {
        int[] counts = new int[windows.size()];
        for (int k = 0; k < counts.length; k++) {
            EdgeWindow w = windows.get(k);
            counts[k] = w.count(energy);
            if (counts[k] < MIN_ENERGIES) {
                throw PipelineException.input(String.format(Locale.ROOT,
                        "edge window %s holds %d of the %d stack energies (%.2f-%.2f eV); at least %d are needed",
                        w, counts[k], energy.length, energy[0], energy[energy.length - 1], MIN_ENERGIES),
                        "Edge Windows: " + w.label());
            }
        }
        return counts;
    }

    /**
     * Estimated peak heap (bytes) of a run with slabs of {@code rows} rows: the reader's slab
     * transient ({@link StackReader#slabBytes}), with more than one thread the previous slab (the next
     * one is read while it is normalized, see {@link SlabPrefetch}), the normalized output and the per-slab maps of every
     * window, the writer's row buffer, the whole-image e0, edge-step and pre-edge-noise maps kept for
     * the statistics (plus one copy while taking a median), pass 1's energy planes and per-pixel flags
     * ({@link StackReader#finitePixelMean}) or per-thread partial sums, and the writer's reorder block
     * ({@link StackWriter#stackWorkBytes}).
     */
    public static long heapBytes(StackReader reader, StackInfo info, int[] windowEnergies, int rows, int threads) {
        long px = (long) rows * info.nx();
        long npix = info.pixels();
        long sumWin = 0;
        for (int c : windowEnergies) {
            sumWin += c;
        }
        int k = windowEnergies.length;
        long prefetched = threads > 1 ? px * info.nE() * 4L : 0; // the slab worked on while the next is read
        int widest = 0;
        for (int c : windowEnergies) {
            widest = Math.max(widest, c);
        }
        // maps: e0, step, noise, white line, MBACK step; the writer's reorder block
        long perSlab = reader.slabBytes(rows) + prefetched + px * sumWin * 4L + px * 4L * 5L + px * 4L
                + StackWriter.stackWorkBytes(px, widest);
        long fixed = npix * 4L * (3L * k + 1) + PLANES_PER_READ * npix * 4L + npix + (long) threads * info.nE() * 16L
                + info.nE() * 32L;
        return perSlab + fixed;
    }

    private static int slabRows(StackReader reader, StackInfo info, int[] counts, long budget, int threads)
            throws StackFormatException {
        reader.requireWithinBudget(heapBytes(reader, info, counts, 1, threads), budget,
                "normalizing (one image row of " + info.nx() + " pixels x " + info.nE() + " energies, "
                        + counts.length + " window(s), maps of " + info.pixels() + " pixels)");
        int lo = 1;
        int hi = Math.max(1, reader.rowsForBudget(budget));
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (heapBytes(reader, info, counts, mid, threads) <= budget) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    // ------------------------------------------------------------------ pass 1

    private static final class MeanSpectrum {
        double[] mu;
        long finitePixels;
        long nonFinitePixels;
        long firstBad = -1;
    }

    private static MeanSpectrum meanSpectrum(StackReader reader, StackInfo info, int rows, Parallel parallel,
                                             OdConversion od) throws StackFormatException {
        if (od == null) {
            // absorbance in energy-y-x: summed plane by plane in the stored layout (StackReader#finitePixelMean)
            StackReader.FiniteMean fm = reader.finitePixelMean(PLANES_PER_READ);
            if (fm != null) {
                MeanSpectrum m = new MeanSpectrum();
                m.mu = fm.finitePixels() == 0 ? new double[info.nE()] : fm.mean();
                m.finitePixels = fm.finitePixels();
                m.nonFinitePixels = fm.nonFinitePixels();
                m.firstBad = fm.firstNonFinite();
                return m;
            }
        }
        int nE = info.nE();
        int threads = parallel.threads();
        double[][] sums = new double[threads][nE];
        long[] finite = new long[threads];
        long[] bad = new long[threads];
        long[] firstBad = new long[threads];
        Arrays.fill(firstBad, Long.MAX_VALUE);
        try (SlabPrefetch slabs = new SlabPrefetch(reader, rows, threads > 1)) {
          for (Slab slab = slabs.next(); slab != null; slab = slabs.next()) {
            float[] d = slab.data();
            long pixelBase = (long) slab.y0() * info.nx();
            boolean anyBad = slab.nonFiniteCount() > 0;
            int n = slab.pixels();
            parallel.forRange(n, MIN_CHUNK_PIXELS, (t, from, to) -> {
                if (od != null) {
                    od.convert(d, from, to, nE);
                }
                double[] s = sums[t];
                for (int p = from; p < to; p++) {
                    int base = p * nE;
                    if (anyBad && !allFinite(d, base, nE)) {
                        bad[t]++;
                        firstBad[t] = Math.min(firstBad[t], pixelBase + p);
                        continue;
                    }
                    for (int e = 0; e < nE; e++) {
                        s[e] += d[base + e];
                    }
                    finite[t]++;
                }
            });
          }
        }
        MeanSpectrum m = new MeanSpectrum();
        m.mu = new double[nE];
        for (int t = 0; t < threads; t++) {
            m.finitePixels += finite[t];
            m.nonFinitePixels += bad[t];
            m.firstBad = Math.min(m.firstBad < 0 ? Long.MAX_VALUE : m.firstBad, firstBad[t]);
            for (int e = 0; e < nE; e++) {
                m.mu[e] += sums[t][e];
            }
        }
        if (m.firstBad == Long.MAX_VALUE) {
            m.firstBad = -1;
        }
        for (int e = 0; e < nE; e++) {
            m.mu[e] /= Math.max(1, m.finitePixels);
        }
        return m;
    }

    private static boolean allFinite(float[] d, int from, int n) {
        for (int i = from, end = from + n; i < end; i++) {
            if (!Float.isFinite(d[i])) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ output

    private static StackWriter.Builder builder(StackInfo info, List<EdgeWindow> windows, StackNormalizer[] sn,
                                               StackReader reader, ProcessStep step, Config config) {
        int k = windows.size();
        String[] labels = new String[k];
        double[] emin = new double[k];
        double[] emax = new double[k];
        double[] e0 = new double[k];
        double[] pre1 = new double[k];
        double[] pre2 = new double[k];
        double[] norm1 = new double[k];
        double[] norm2 = new double[k];
        int[] nnorm = new int[k];
        StackWriter.Builder b = StackWriter.builder(NormalizedStackLayout.ENTRY);
        for (int i = 0; i < k; i++) {
            String l = windows.get(i).label();
            labels[i] = l;
            emin[i] = windows.get(i).emin();
            emax[i] = windows.get(i).emax();
            e0[i] = sn[i].e0Ref();
            pre1[i] = sn[i].pre1();
            pre2[i] = sn[i].pre2();
            norm1[i] = sn[i].norm1();
            norm2[i] = sn[i].norm2();
            nnorm[i] = sn[i].nnorm();
            b.stack(NormalizedStackLayout.norm(l), sn[i].windowEnergy(), info.ny(), info.nx())
                    .deferredMap(NormalizedStackLayout.e0(l), info.ny(), info.nx(), "eV")
                    .deferredMap(NormalizedStackLayout.edgeStep(l), info.ny(), info.nx(), null)
                    .deferredMap(NormalizedStackLayout.preEdgeNoise(l), info.ny(), info.nx(), null)
                    .deferredMap(NormalizedStackLayout.whiteLine(l), info.ny(), info.nx(), null);
        }
        b.entryAttribute(NormalizedStackLayout.ATTR_WINDOWS, labels)
                .entryAttribute(NormalizedStackLayout.ATTR_WINDOW_EMIN, emin)
                .entryAttribute(NormalizedStackLayout.ATTR_WINDOW_EMAX, emax)
                .entryAttribute(NormalizedStackLayout.ATTR_E0_REFERENCE, e0)
                .entryAttribute(NormalizedStackLayout.ATTR_PRE1, pre1)
                .entryAttribute(NormalizedStackLayout.ATTR_PRE2, pre2)
                .entryAttribute(NormalizedStackLayout.ATTR_NORM1, norm1)
                .entryAttribute(NormalizedStackLayout.ATTR_NORM2, norm2)
                .entryAttribute(NormalizedStackLayout.ATTR_NNORM, nnorm)
                .entryAttribute(ATTR_METHOD, config.method() == Method.MBACK ? "mback" : "pre_edge")
                // the FlowFile's name, not the spooled temp file's random one (which made outputs differ from run to run,
                // found by ConcurrentTasksTest)
                .entryAttribute("source_file", step != null && step.inputFile() != null && !step.inputFile().isBlank()
                        ? step.inputFile() : info.fileName())
                .entryAttribute("source_dataset", info.dataPath())
                .defaultData(NormalizedStackLayout.norm(labels[0]))
                .history(reader.history());
        if (config.method() == Method.MBACK) {
            String[] abs = new String[k];
            for (int i = 0; i < k; i++) {
                abs[i] = config.absorbers().get(i).toString();
            }
            b.entryAttribute(ATTR_ABSORBERS, abs);
        }
        if (step != null) {
            b.step(step);
        }
        return b;
    }

    // ------------------------------------------------------------------ pass 2

    /** Whole-image maps per window, kept for the statistics. */
    private static final class Maps {
        float[][] e0;
        float[][] step;
        float[][] noise;
        /** read, normalize, write. */
        final long[] nanos = new long[3];
        /** Transmission: intensities raised to the floor. */
        long clipped;
    }

    private static Maps normalizeAll(StackReader reader, StackWriter writer, StackInfo info, StackNormalizer[] sn,
                                     StackMback[] mb, List<EdgeWindow> windows, int rows, Parallel parallel,
                                     OdConversion od) throws StackFormatException, IOException {
        int k = sn.length;
        int nx = info.nx();
        int npix = (int) info.pixels();
        Maps maps = new Maps();
        maps.e0 = new float[k][npix];
        maps.step = new float[k][npix];
        maps.noise = new float[k][npix];
        float[][] norm = new float[k][];
        float[] e0 = null;
        float[] step = null;
        float[] noise = null;
        float[] white = null;
        float[] mstep = null;
        long[] clipped = new long[parallel.threads()];
        int nEAll = info.nE();
        try (SlabPrefetch slabs = new SlabPrefetch(reader, rows, parallel.threads() > 1)) {
          long t = System.nanoTime();
          for (Slab slab = slabs.next(); slab != null; slab = slabs.next()) {
            maps.nanos[0] += System.nanoTime() - t;
            int y = slab.y0();
            int r = slab.rows();
            int n = r * nx;
            if (e0 == null || e0.length != n) { // first slab, and once more for a shorter last slab
                e0 = new float[n];
                step = new float[n];
                noise = new float[n];
                white = new float[n];
                mstep = mb == null ? null : new float[n];
                for (int w = 0; w < k; w++) {
                    norm[w] = new float[n * sn[w].windowLength()];
                }
            }
            float[] d = slab.data();
            if (od != null) {
                t = System.nanoTime();
                parallel.forRange(n, MIN_CHUNK_PIXELS, (part, from, to) ->
                        clipped[part] += od.convert(d, from, to, nEAll));
                maps.nanos[1] += System.nanoTime() - t;
            }
            for (int w = 0; w < k; w++) {
                t = System.nanoTime();
                StackNormalizer s = sn[w];
                int nE = s.gridLength();
                int nw = s.windowLength();
                float[] normW = norm[w];
                float[] e0W = e0;
                float[] stepW = step;
                float[] noiseW = noise;
                float[] whiteW = white;
                float[] mstepW = mstep;
                StackMback m = mb == null ? null : mb[w];
                int w0 = s.windowStart();
                boolean anyBad = slab.nonFiniteCount() > 0;
                parallel.forRange(n, MIN_CHUNK_PIXELS, (part, from, to) -> {
                    if (m == null) {
                        s.normalize(d, from * nE, to - from, normW, from * nw, e0W, stepW, noiseW, from);
                    } else {
                        // e0, noise and the edge test from pre_edge; norm and step from MBACK (class doc)
                        s.normalize(d, from * nE, to - from, null, 0, e0W, stepW, noiseW, from);
                        m.normalize(d, from * nE, to - from, normW, from * nw, mstepW, from);
                        for (int p = from; p < to; p++) {
                            if (Float.isFinite(stepW[p]) && Float.isFinite(mstepW[p])) {
                                stepW[p] = mstepW[p];
                            } else {
                                stepW[p] = Float.NaN;
                                noiseW[p] = Float.NaN;
                                Arrays.fill(normW, p * nw, (p + 1) * nw, Float.NaN);
                            }
                        }
                    }
                    for (int p = from; p < to; p++) {
                        // StackNormalizer only sees NaN/Inf inside its fit ranges; a pixel with one anywhere in
                        // the window has no trustworthy result there
                        if (anyBad && !allFinite(d, p * nE + w0, nw)) {
                            stepW[p] = Float.NaN;
                            noiseW[p] = Float.NaN;
                            Arrays.fill(normW, p * nw, (p + 1) * nw, Float.NaN);
                        }
                        if (!Float.isFinite(stepW[p])) {
                            e0W[p] = Float.NaN;
                            whiteW[p] = Float.NaN;
                        } else {
                            // white line = largest absorption above the pre-edge line = step x max(norm)
                            // the values are finite here (a NaN/Inf anywhere in the window made the step NaN), so a
                            // plain comparison gives Math.max's result, except for the sign of a zero maximum
                            float max = Float.NEGATIVE_INFINITY;
                            for (int i = p * nw, end = i + nw; i < end; i++) {
                                float v = normW[i];
                                max = v > max ? v : max;
                            }
                            if (max == 0f) {
                                max = Float.NEGATIVE_INFINITY;
                                for (int i = p * nw, end = i + nw; i < end; i++) {
                                    max = Math.max(max, normW[i]);
                                }
                            }
                            whiteW[p] = stepW[p] * max;
                        }
                    }
                });
                String l = windows.get(w).label();
                long t2 = System.nanoTime();
                maps.nanos[1] += t2 - t;
                writer.writeStackRows(NormalizedStackLayout.norm(l), y, r, normW);
                writer.writeMapRows(NormalizedStackLayout.e0(l), y, r, e0);
                writer.writeMapRows(NormalizedStackLayout.edgeStep(l), y, r, step);
                writer.writeMapRows(NormalizedStackLayout.preEdgeNoise(l), y, r, noise);
                writer.writeMapRows(NormalizedStackLayout.whiteLine(l), y, r, white);
                System.arraycopy(e0, 0, maps.e0[w], y * nx, n);
                System.arraycopy(step, 0, maps.step[w], y * nx, n);
                System.arraycopy(noise, 0, maps.noise[w], y * nx, n);
                maps.nanos[2] += System.nanoTime() - t2;
            }
            t = System.nanoTime();
          }
        }
        for (long c : clipped) {
            maps.clipped += c;
        }
        return maps;
    }

    private static WindowSummary summarize(EdgeWindow w, int energies, StackNormalizer sn, float[] e0, float[] step,
                                           float[] noise) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long withEdge = 0;
        for (int p = 0; p < e0.length; p++) {
            if (Float.isFinite(step[p])) {
                withEdge++;
                min = Math.min(min, e0[p]);
                max = Math.max(max, e0[p]);
            }
        }
        if (withEdge == 0) {
            min = Double.NaN;
            max = Double.NaN;
        }
        return new WindowSummary(w, energies, sn.e0Ref(), sn.pre1(), sn.pre2(), sn.norm1(), sn.norm2(), sn.nnorm(),
                withEdge, min, max, median(e0), median(step), median(noise));
    }

    /** Median of the finite values (mean of the two middle ones for an even count); NaN if none. */
    static double median(float[] values) {
        float[] f = new float[values.length];
        int n = 0;
        for (float v : values) {
            if (Float.isFinite(v)) {
                f[n++] = v;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        Arrays.sort(f, 0, n);
        return n % 2 == 1 ? f[n / 2] : 0.5 * ((double) f[n / 2 - 1] + f[n / 2]);
    }

    // ------------------------------------------------------------------ transmission

    /** I0 per stack energy and the conversion I -> OD = ln I0 - ln I with the floor of the class doc. */
    static final class OdConversion {
        final double[] i0;
        final String source;
        private final double[] lnI0;
        private final float[] floor;

        OdConversion(double[] i0, String source) {
            this.i0 = i0;
            this.source = source;
            lnI0 = new double[i0.length];
            floor = new float[i0.length];
            for (int e = 0; e < i0.length; e++) {
                lnI0[e] = Math.log(i0[e]);
                floor[e] = (float) Math.max(FLOOR_FRACTION * i0[e], Float.MIN_NORMAL);
            }
        }

        /** Converts pixels [from, to) of a slab in place; returns how many finite values were raised to the floor. */
        long convert(float[] d, int from, int to, int nE) {
            long clipped = 0;
            for (int p = from; p < to; p++) {
                int base = p * nE;
                for (int e = 0; e < nE; e++) {
                    float v = d[base + e];
                    if (v <= floor[e] && v != Float.NEGATIVE_INFINITY) { // NaN and -Inf stay non-finite
                        v = floor[e];
                        clipped++;
                    }
                    d[base + e] = (float) (lnI0[e] - Math.log(v));
                }
            }
            return clipped;
        }
    }

    private static OdConversion measuredI0(StackReader reader, double[] energy, Transmission t, String file)
            throws StackFormatException, PipelineException {
        String where = "file " + file + ", dataset " + t.i0Path();
        double[] i0 = reader.readVector(t.i0Path(), MAX_I0_LENGTH);
        requirePositive(i0, "I0", where);
        String ePath = t.i0EnergyPath();
        if (ePath == null && i0.length != energy.length) {
            String sibling = t.i0Path() + "_energy_eV";
            try {
                reader.readVector(sibling, MAX_I0_LENGTH);
                ePath = sibling;
            } catch (StackFormatException e) {
                if (e.problem() != StackFormatException.Problem.MISSING_DATASET) {
                    throw e;
                }
                throw PipelineException.input("I0 has " + i0.length + " values but the stack has " + energy.length
                        + " energies, and there is no I0 energy axis to interpolate on (give I0 Energy Path; "
                        + sibling + " does not exist)", where);
            }
        }
        if (ePath == null) {
            return new OdConversion(i0, "dataset " + t.i0Path());
        }
        String ewhere = "file " + file + ", dataset " + ePath;
        double[] ie = reader.readVector(ePath, MAX_I0_LENGTH);
        if (ie.length != i0.length) {
            throw PipelineException.input("I0 energy axis has " + ie.length + " values but I0 (" + t.i0Path() + ") has "
                    + i0.length, ewhere);
        }
        if (ie.length < 2) {
            throw PipelineException.input("I0 energy axis has " + ie.length + " value(s); at least 2 are needed to"
                    + " interpolate", ewhere);
        }
        double[] x = ie.clone();
        double[] y = i0.clone();
        if (x[0] > x[x.length - 1]) { // decreasing scans are reversed
            reverse(x);
            reverse(y);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || (i > 0 && !(x[i] > x[i - 1]))) {
                throw PipelineException.input("I0 energy axis is not finite and strictly monotonic at index " + i
                        + " (" + x[i] + " eV)", ewhere);
            }
        }
        double tol = 0.5 * (x[x.length - 1] - x[0]) / (x.length - 1);
        PolynomialSplineFunction f = new LinearInterpolator().interpolate(x, y);
        double[] out = new double[energy.length];
        for (int e = 0; e < energy.length; e++) {
            double v = energy[e];
            if (v < x[0] - tol || v > x[x.length - 1] + tol) {
                throw PipelineException.input(String.format(Locale.ROOT, "stack energy %d (%.3f eV) is outside the I0"
                        + " energy axis %.3f-%.3f eV; I0 cannot be interpolated there", e, v, x[0], x[x.length - 1]),
                        ewhere);
            }
            out[e] = f.value(Math.min(Math.max(v, x[0]), x[x.length - 1]));
        }
        return new OdConversion(out, "dataset " + t.i0Path() + " interpolated from " + ePath);
    }

    private static void reverse(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double v = a[i];
            a[i] = a[j];
            a[j] = v;
        }
    }

    private static void requirePositive(double[] i0, String what, String where) throws PipelineException {
        for (int i = 0; i < i0.length; i++) {
            if (!(i0[i] > 0) || !Double.isFinite(i0[i])) {
                throw PipelineException.input(what + " is " + i0[i] + " at index " + i
                        + "; OD = -ln(I / I0) needs a finite, positive I0 at every energy", where);
            }
        }
    }

    /** I0 = mean spectrum of the brightest pixels (two passes; one float per pixel). */
    private static OdConversion brightestI0(StackReader reader, StackInfo info, int rows, Parallel parallel,
                                            String where) throws StackFormatException, PipelineException {
        int nE = info.nE();
        int nx = info.nx();
        float[] total = new float[(int) info.pixels()];
        try (SlabPrefetch slabs = new SlabPrefetch(reader, rows, parallel.threads() > 1)) {
            for (Slab slab = slabs.next(); slab != null; slab = slabs.next()) {
                float[] d = slab.data();
                int base0 = slab.y0() * nx;
                parallel.forRange(slab.pixels(), MIN_CHUNK_PIXELS, (t, from, to) -> {
                    for (int p = from; p < to; p++) {
                        double s = 0;
                        for (int i = p * nE, end = i + nE; i < end; i++) {
                            s += d[i];
                        }
                        total[base0 + p] = Double.isFinite(s) ? (float) s : Float.NaN;
                    }
                });
            }
        }
        float[] sorted = new float[total.length];
        int n = 0;
        for (float v : total) {
            if (!Float.isNaN(v)) {
                sorted[n++] = v;
            }
        }
        if (n == 0) {
            throw PipelineException.input("no pixel is finite at every energy, so there are no bright pixels to take"
                    + " I0 from", where);
        }
        Arrays.sort(sorted, 0, n);
        int want = Math.max(1, (int) Math.ceil(BRIGHTEST_PERCENT / 100.0 * n));
        float threshold = sorted[n - want];
        int threads = parallel.threads();
        double[][] sums = new double[threads][nE];
        long[] count = new long[threads];
        try (SlabPrefetch slabs = new SlabPrefetch(reader, rows, threads > 1)) {
            for (Slab slab = slabs.next(); slab != null; slab = slabs.next()) {
                float[] d = slab.data();
                int base0 = slab.y0() * nx;
                parallel.forRange(slab.pixels(), MIN_CHUNK_PIXELS, (t, from, to) -> {
                    double[] s = sums[t];
                    for (int p = from; p < to; p++) {
                        if (total[base0 + p] >= threshold) { // false for NaN
                            for (int e = 0, i = p * nE; e < nE; e++, i++) {
                                s[e] += d[i];
                            }
                            count[t]++;
                        }
                    }
                });
            }
        }
        double[] i0 = new double[nE];
        long used = 0;
        for (int t = 0; t < threads; t++) {
            used += count[t];
            for (int e = 0; e < nE; e++) {
                i0[e] += sums[t][e];
            }
        }
        for (int e = 0; e < nE; e++) {
            i0[e] /= used;
        }
        String source = "brightest " + BRIGHTEST_PERCENT + " % of pixels (" + used + " of " + n + ")";
        requirePositive(i0, "I0 from the " + source, where);
        return new OdConversion(i0, source);
    }
}
