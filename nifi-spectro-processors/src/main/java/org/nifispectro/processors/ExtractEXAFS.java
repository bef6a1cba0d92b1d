package org.nifispectro.processors;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.SideEffectFree;
import org.apache.nifi.annotation.behavior.SupportsBatching;
import org.apache.nifi.annotation.behavior.SystemResource;
import org.apache.nifi.annotation.behavior.SystemResourceConsideration;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.DataUnit;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.util.StandardValidators;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.SpectraReader;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.plot.Figure;
import org.nifispectro.plot.LinePlot;
import org.nifispectro.processors.common.BuildInfo;
import org.nifispectro.processors.common.Failures;
import org.nifispectro.processors.common.InputException;
import org.nifispectro.processors.common.Parameters;
import org.nifispectro.processors.common.ProcessingHistory;
import org.nifispectro.processors.common.SpectroAttributes;
import org.nifispectro.processors.common.TempFiles;
import org.nifispectro.processors.property.Choice;
import org.nifispectro.xas.Autobk;
import org.nifispectro.xas.PreEdgeNormalization;
import org.nifispectro.xas.XafsFT;
import org.nifispectro.xas.io.MuSpec;
import org.nifispectro.xas.io.XasData;
import org.nifispectro.xas.io.XasParseException;
import org.nifispectro.xas.io.XasReader;
import org.nifispectro.xas.io.XasSpectrum;
import org.nifispectro.xas.io.XdiField;
import org.nifispectro.xas.io.XdiWriter;

@SideEffectFree
@SupportsBatching
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Tags({"xas", "exafs", "xafs", "autobk", "chi(k)", "fourier transform", "larch", "xdi", "synchrotron", "spectroscopy"})
@CapabilityDescription("Extracts EXAFS from X-ray absorption spectra as Larch does: AUTOBK background removal (spline "
        + "with knots set by rbkg) giving chi(k), then the windowed Fourier transform (xftf) to chi(R), with Larch's "
        + "parameter names and defaults. Reads XDI 1.0 files, plain column files (energy and mu, or i0 and itrans "
        + "with mu = ln(i0/itrans)) and NeXus/HDF5 files of cluster mean spectra (every spectrum of every 2-D NXdata "
        + "group over an energy axis, e.g. from DBSCANCluster). Per spectrum one chi(k) and one chi(R) XDI-style "
        + "column file, plus one PNG with k-weighted chi(k) and |chi(R)| panels (per spectra group for HDF5 inputs).")
@WritesAttributes({
        @WritesAttribute(attribute = "xas.e0", description = "Edge energy used (eV)"),
        @WritesAttribute(attribute = "xas.edge.step", description = "Edge step used to normalize chi(k)"),
        @WritesAttribute(attribute = "xas.k.min", description = "Lower end of the Fourier-transform k range (1/A)"),
        @WritesAttribute(attribute = "xas.k.max", description = "Upper end of the Fourier-transform k range used "
                + "(1/A): kmax, or the end of chi(k) when the data stop before it"),
        @WritesAttribute(attribute = "xas.r.max", description = "Last R of the chi(R) output (A)"),
        @WritesAttribute(attribute = "xas.r.first.peak", description = "Position of the first |chi(R)| peak between "
                + "0.8 and 6 A that reaches 10 % of the largest (A, not phase-corrected); absent when there is none"),
        @WritesAttribute(attribute = "xas.spectrum.count", description = "Number of spectra in the input"),
        @WritesAttribute(attribute = "xas.spectrum.id", description = "For spectra from an HDF5 input: the spectrum "
                + "id (cluster id, else the row index)"),
        @WritesAttribute(attribute = "xas.spectrum.group", description = "For spectra from an HDF5 input: the "
                + "NXdata group path"),
        @WritesAttribute(attribute = "spectro.output", description = "chik, chir or plot"),
        @WritesAttribute(attribute = "spectro.producer", description = "ExtractEXAFS"),
        @WritesAttribute(attribute = "spectro.version", description = "nifi-spectro version"),
        @WritesAttribute(attribute = "spectro.error", description = "On failure: what is wrong"),
        @WritesAttribute(attribute = "spectro.error.where", description = "On failure: file and line, or HDF5 dataset, "
                + "or spectrum")
})
@UseCase(description = "EXAFS of the L3 edge of cluster mean spectra, stopping before the L2 edge",
        configuration = "Send the HDF5 output of DBSCANCluster. Set emax about 30 eV below the L2 edge (e.g. 6690 for "
                + "Nd, whose L2 edge is at 6722 eV), kweight 2, kmin 2, kmax 6.5, window hanning.")
@SystemResourceConsideration(resource = SystemResource.MEMORY, description = "A text spectrum is held in memory "
        + "(a few MB at most); HDF5 spectra groups are read whole, up to Maximum Input Size / 8 values.")
public class ExtractEXAFS extends AbstractProcessor {

    public static final Relationship REL_SUCCESS = new Relationship.Builder().name("success")
            .description("chi(k) and chi(R) files per spectrum and the PNG plot(s)").build();
    public static final Relationship REL_ORIGINAL = new Relationship.Builder().name("original")
            .description("The input, once all its spectra were processed").build();
    public static final Relationship REL_FAILURE = new Relationship.Builder().name("failure")
            .description("Inputs that could not be read or processed, unchanged, with spectro.error and "
                    + "spectro.error.where").build();

    /** FT windows of Larch's ftwindow. */
    public enum Window implements Choice {
        HANNING("hanning", "Hanning: cos^2 tapers of width dk"),
        FHANNING("fhanning", "Flat Hanning"),
        GAUSSIAN("gaussian", "Gaussian of width dk"),
        KAISER("kaiser", "Kaiser-Bessel with parameter dk (Larch's xftf default)"),
        PARZEN("parzen", "Parzen (linear tapers)"),
        WELCH("welch", "Welch (quadratic tapers)"),
        SINE("sine", "Sine");

        private final Text text;

        Window(String value, String description) {
            this.text = new Text(value, description);
        }

        @Override
        public Text text() {
            return text;
        }
    }

    static final PropertyDescriptor ENERGY_COLUMN = column("Energy Column",
            "Name (or 1-based number) of the energy column of text inputs; empty: the column named 'energy', else the first");
    static final PropertyDescriptor MU_COLUMN = column("Mu Column",
            "Name (or 1-based number) of the mu column of text inputs; empty: I0/Itrans Column if set, else the first "
                    + "of mutrans, mu, xmu, mufluor, murefer, else ln(i0/itrans) or ln(i0/i1)");
    static final PropertyDescriptor I0_COLUMN = column("I0 Column",
            "Incident intensity column: with Itrans Column, mu = ln(i0/itrans)");
    static final PropertyDescriptor ITRANS_COLUMN = column("Itrans Column",
            "Transmitted intensity column: with I0 Column, mu = ln(i0/itrans)");
    static final PropertyDescriptor E0 = optionalNumber("e0", "Edge energy (eV); empty: found by pre_edge (maximum of the derivative)");
    static final PropertyDescriptor EDGE_STEP = optionalNumber("edge_step", "Edge step; empty: from pre_edge");
    static final PropertyDescriptor EMIN = optionalNumber("emin", "Energy range limit: data below emin (eV) are dropped "
            + "before anything else; empty: no limit");
    static final PropertyDescriptor EMAX = optionalNumber("emax", "Energy range limit: data above emax (eV) are dropped "
            + "before anything else (e.g. L3 EXAFS stops before the L2 edge); empty: no limit");
    static final PropertyDescriptor RBKG = number("rbkg", "1.0", "autobk: distance (A) below which chi(R) is minimised; "
            + "sets the number of spline knots");
    static final PropertyDescriptor NKNOTS = optionalNumber("nknots", "autobk: number of spline knots (5..128); empty: "
            + "1 + 2 rbkg (bkg_kmax - bkg_kmin)/pi");
    static final PropertyDescriptor BKG_KMIN = number("bkg_kmin", "0", "autobk kmin: start of the background spline (1/A)");
    static final PropertyDescriptor BKG_KMAX = optionalNumber("bkg_kmax", "autobk kmax: end of the background spline "
            + "(1/A); empty: the end of the data");
    static final PropertyDescriptor BKG_KWEIGHT = number("bkg_kweight", "1", "autobk kweight: k weight of chi(k) in the "
            + "background fit");
    static final PropertyDescriptor BKG_DK = number("bkg_dk", "0.1", "autobk dk: window taper (1/A) in the background fit");
    static final PropertyDescriptor BKG_WIN = new PropertyDescriptor.Builder().name("bkg_win")
            .description("autobk win: window of the background fit").required(true)
            .allowableValues(Window.class).defaultValue(Window.HANNING.getValue()).build();
    static final PropertyDescriptor NCLAMP = number("nclamp", "3", "autobk: number of end points of chi(k) clamped");
    static final PropertyDescriptor CLAMP_LO = number("clamp_lo", "0", "autobk: weight of the low-k clamp");
    static final PropertyDescriptor CLAMP_HI = number("clamp_hi", "1", "autobk: weight of the high-k clamp");
    static final PropertyDescriptor KMIN = number("kmin", "0", "xftf kmin: start of the Fourier-transform window (1/A)");
    static final PropertyDescriptor KMAX = number("kmax", "20", "xftf kmax: end of the Fourier-transform window (1/A); "
            + "chi(k) is zero beyond the data, as in Larch");
    static final PropertyDescriptor KWEIGHT = number("kweight", "0", "xftf kweight: k weight of chi(k) in the transform "
            + "and in the plot");
    static final PropertyDescriptor DK = number("dk", "1", "xftf dk: window taper (1/A), or the Kaiser-Bessel parameter");
    static final PropertyDescriptor DK2 = optionalNumber("dk2", "xftf dk2: second taper parameter; empty: dk");
    static final PropertyDescriptor WINDOW = new PropertyDescriptor.Builder().name("window")
            .description("xftf window").required(true)
            .allowableValues(Window.class).defaultValue(Window.KAISER.getValue()).build();
    static final PropertyDescriptor RMAX_OUT = number("rmax_out", "10", "xftf rmax_out: last R of chi(R) (A)");
    static final PropertyDescriptor KSTEP = number("kstep", "0.05", "k grid spacing of chi(k) (1/A), autobk and xftf");
    static final PropertyDescriptor NFFT = new PropertyDescriptor.Builder().name("nfft")
            .description("FFT length, autobk and xftf (a power of two)").required(true).defaultValue("2048")
            .addValidator(StandardValidators.createLongValidator(16, 1 << 16, true)).build();
    static final PropertyDescriptor MAX_INPUT_SIZE = new PropertyDescriptor.Builder().name("Maximum Input Size")
            .description("Larger inputs are refused to failure before being read; HDF5 inputs may hold at most this "
                    + "size / 8 spectrum values")
            .required(true).defaultValue("100 MB").addValidator(StandardValidators.DATA_SIZE_VALIDATOR).build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(ENERGY_COLUMN, MU_COLUMN, I0_COLUMN,
            ITRANS_COLUMN, E0, EDGE_STEP, EMIN, EMAX, RBKG, NKNOTS, BKG_KMIN, BKG_KMAX, BKG_KWEIGHT, BKG_DK, BKG_WIN,
            NCLAMP, CLAMP_LO, CLAMP_HI, KMIN, KMAX, KWEIGHT, DK, DK2, WINDOW, RMAX_OUT, KSTEP, NFFT, MAX_INPUT_SIZE);
    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_ORIGINAL, REL_FAILURE);
    private static final String PROCESSOR = "ExtractEXAFS";
    /** First-peak search, as the project's Larch references: 0.8..6 A, 10 % of the largest. */
    static final double PEAK_RMIN = 0.8;
    static final double PEAK_RMAX = 6.0;
    static final double PEAK_FRACTION = 0.10;
    static final int PLOT_WIDTH = 1400;
    static final int PLOT_HEIGHT = 560;

    private volatile long maxInputBytes;

    private static PropertyDescriptor number(String name, String defaultValue, String description) {
        return new PropertyDescriptor.Builder().name(name).description(description).required(true)
                .defaultValue(defaultValue).addValidator(StandardValidators.NUMBER_VALIDATOR)
                .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    }

    private static PropertyDescriptor optionalNumber(String name, String description) {
        return new PropertyDescriptor.Builder().name(name).description(description).required(false)
                .addValidator(StandardValidators.NUMBER_VALIDATOR)
                .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    }

    private static PropertyDescriptor column(String name, String description) {
        return new PropertyDescriptor.Builder().name(name).description(description).required(false)
                .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
                .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    }

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTIES;
    }

    @Override
    public Set<Relationship> getRelationships() {
        return RELATIONSHIPS;
    }

    @Override
    protected Collection<ValidationResult> customValidate(ValidationContext context) {
        List<ValidationResult> results = new ArrayList<>();
        boolean i0 = context.getProperty(I0_COLUMN).isSet();
        boolean it = context.getProperty(ITRANS_COLUMN).isSet();
        if (i0 != it) {
            results.add(invalid("I0 Column", "I0 Column and Itrans Column go together (mu = ln(i0/itrans))"));
        }
        if (i0 && context.getProperty(MU_COLUMN).isSet()) {
            results.add(invalid("Mu Column", "give either Mu Column or I0/Itrans Column, not both"));
        }
        checkOrder(context, KMIN, KMAX, results);
        checkOrder(context, BKG_KMIN, BKG_KMAX, results);
        checkOrder(context, EMIN, EMAX, results);
        String nfft = context.getProperty(NFFT).getValue();
        if (nfft != null && nfft.matches("\\d+") && Integer.bitCount(Integer.parseInt(nfft)) != 1) {
            results.add(invalid("nfft", "nfft must be a power of two, got " + nfft));
        }
        return results;
    }

    private static void checkOrder(ValidationContext context, PropertyDescriptor lo, PropertyDescriptor hi,
                                   List<ValidationResult> results) {
        String a = context.getProperty(lo).getValue();
        String b = context.getProperty(hi).getValue();
        if (a == null || b == null || context.isExpressionLanguagePresent(a) || context.isExpressionLanguagePresent(b)) {
            return;
        }
        try {
            if (!(Double.parseDouble(b) > Double.parseDouble(a))) {
                results.add(invalid(hi.getName(), hi.getName() + " (" + b + ") must be above " + lo.getName() + " (" + a + ")"));
            }
        } catch (NumberFormatException ignored) {
            // the property validators report it
        }
    }

    private static ValidationResult invalid(String subject, String explanation) {
        return new ValidationResult.Builder().subject(subject).valid(false).explanation(explanation).build();
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) {
        maxInputBytes = context.getProperty(MAX_INPUT_SIZE).asDataSize(DataUnit.B).longValue();
    }

    @Override
    public void onTrigger(ProcessContext context, ProcessSession session) {
        FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        long start = System.nanoTime();
        String filename = flowFile.getAttribute(CoreAttributes.FILENAME.key());
        String source = filename == null || filename.isBlank() ? "input" : filename;
        Map<String, String> parameters;
        Input input;
        List<Output> outputs;
        try {
            parameters = Parameters.effective(context, flowFile, PROPERTIES);
            Settings settings = settings(context, flowFile);
            input = read(session, flowFile, source, context);
            outputs = new ArrayList<>();
            for (Spectrum s : input.spectra()) {
                outputs.add(extract(s, settings));
            }
        } catch (InputException e) {
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
            return;
        } catch (Exception e) {
            Failures.routeUnexpected(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
            return;
        }

        List<FlowFile> children = new ArrayList<>();
        try {
            List<ProcessStep> history = new ArrayList<>(input.history());
            history.add(ProcessingHistory.step(PROCESSOR, parameters, source,
                    flowFile.getAttribute(CoreAttributes.UUID.key())));
            String stem = stem(source);
            boolean multi = input.spectra().size() > 1 || input.hdf5();
            for (Output out : outputs) {
                children.add(textChild(session, flowFile, out, history, stem, multi, true));
                children.add(textChild(session, flowFile, out, history, stem, multi, false));
            }
            Map<String, List<Output>> byGroup = new LinkedHashMap<>();
            for (Output out : outputs) {
                byGroup.computeIfAbsent(out.spectrum().group(), g -> new ArrayList<>()).add(out);
            }
            for (Map.Entry<String, List<Output>> g : byGroup.entrySet()) {
                children.add(plotChild(session, flowFile, g.getKey(), g.getValue(), stem, byGroup.size() > 1,
                        outputs.size(), history));
            }
        } catch (Exception e) {
            session.remove(children);
            Failures.routeUnexpected(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        session.getProvenanceReporter().fork(flowFile, children, Parameters.provenanceDetails(parameters, millis), millis);
        session.transfer(children, REL_SUCCESS);
        session.transfer(flowFile, REL_ORIGINAL);
    }

    // ---------------------------------------------------------------- settings

    /** Parameters of one run, Expression Language evaluated. */
    record Settings(Autobk.Params autobk, XafsFT.Params ft, double emin, MuSpec muSpec) {
    }

    private static Settings settings(ProcessContext context, FlowFile ff) throws InputException {
        try {
            double e0 = optional(context, E0, ff);
            double nknots = optional(context, NKNOTS, ff);
            int nfft = context.getProperty(NFFT).asInteger();
            double kstep = value(context, KSTEP, ff);
            Autobk.Params bk = new Autobk.Params(value(context, RBKG, ff),
                    Double.isNaN(nknots) ? -1 : (int) Math.round(nknots), e0, optional(context, EDGE_STEP, ff),
                    value(context, BKG_KMIN, ff), optional(context, BKG_KMAX, ff), value(context, BKG_KWEIGHT, ff),
                    value(context, BKG_DK, ff), context.getProperty(BKG_WIN).getValue(), nfft, kstep,
                    (int) Math.round(value(context, NCLAMP, ff)), value(context, CLAMP_LO, ff),
                    value(context, CLAMP_HI, ff), optional(context, EMAX, ff), PreEdgeNormalization.Params.defaults());
            XafsFT.Params ft = new XafsFT.Params(value(context, KMIN, ff), value(context, KMAX, ff),
                    value(context, KWEIGHT, ff), value(context, DK, ff), optional(context, DK2, ff),
                    context.getProperty(WINDOW).getValue(), value(context, RMAX_OUT, ff), nfft, kstep);
            return new Settings(bk, ft, optional(context, EMIN, ff), muSpec(context, ff));
        } catch (IllegalArgumentException e) {
            throw new InputException("invalid EXAFS parameters: " + e.getMessage(), "processor properties");
        }
    }

    private static MuSpec muSpec(ProcessContext context, FlowFile ff) {
        String energy = text(context, ENERGY_COLUMN, ff);
        String mu = text(context, MU_COLUMN, ff);
        String i0 = text(context, I0_COLUMN, ff);
        String itrans = text(context, ITRANS_COLUMN, ff);
        if (mu != null) {
            return MuSpec.column(energy, mu);
        }
        if (i0 != null || itrans != null) {
            return MuSpec.transmission(energy, i0, itrans);
        }
        MuSpec auto = MuSpec.auto();
        return energy == null ? auto : new MuSpec(MuSpec.Mode.AUTO, energy, null, null, null, null);
    }

    private static String text(ProcessContext context, PropertyDescriptor d, FlowFile ff) {
        String v = context.getProperty(d).evaluateAttributeExpressions(ff).getValue();
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static double value(ProcessContext context, PropertyDescriptor d, FlowFile ff) {
        String text = context.getProperty(d).evaluateAttributeExpressions(ff).getValue();
        try {
            double v = Double.parseDouble(text.strip());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(d.getName() + " = '" + text + "' is not a finite number");
        }
    }

    private static double optional(ProcessContext context, PropertyDescriptor d, FlowFile ff) {
        String text = context.getProperty(d).evaluateAttributeExpressions(ff).getValue();
        return text == null || text.isBlank() ? Double.NaN : value(context, d, ff);
    }

    // ---------------------------------------------------------------- input

    /**
     * One spectrum to process.
     *
     * @param group  NXdata path for HDF5 inputs, "" for text inputs
     * @param id     spectrum id for HDF5 inputs (cluster id), -1 for text inputs
     * @param pixels pixels averaged, -1 when unknown
     * @param where  how to name the spectrum in an error
     * @param lines  file line of each energy point for text inputs (null for HDF5)
     */
    record Spectrum(String source, String group, long id, long pixels, double[] energy, double[] mu, String muFormula,
                    String element, String edge, List<XdiField> fields, List<String> comments, String where,
                    int[] lines) {
        String label() {
            return id < 0 ? stem(source) : "cluster " + id;
        }
    }

    /** What was read: spectra and the history carried by the input. */
    record Input(List<Spectrum> spectra, List<ProcessStep> history, boolean hdf5) {
    }

    private Input read(ProcessSession session, FlowFile ff, String source, ProcessContext context) throws InputException {
        if (ff.getSize() > maxInputBytes) {
            throw InputException.overLimit("input of " + ff.getSize() + " bytes exceeds Maximum Input Size of "
                    + maxInputBytes + " bytes", source);
        }
        if (ff.getSize() == 0) {
            throw new InputException("the input is empty (0 bytes)", source);
        }
        byte[][] head = new byte[1][];
        session.read(ff, (InputStream in) -> head[0] = in.readNBytes(8));
        if (SpectraReader.isHdf5(head[0])) {
            return readHdf5(session, ff, source);
        }
        return readText(session, ff, source, context);
    }

    private Input readHdf5(ProcessSession session, FlowFile ff, String source) throws InputException {
        Path tmp = null;
        try {
            tmp = TempFiles.spool(session, ff, ".h5");
            SpectraReader.Contents contents = SpectraReader.read(tmp, source, Math.max(1, maxInputBytes / 8));
            if (contents.groups().isEmpty()) {
                throw new InputException("no spectra in the HDF5 file: no 2-D NXdata group whose @axes end with an "
                        + "energy axis (e.g. DBSCANCluster's [cluster][energy] mean spectra)", source);
            }
            List<Spectrum> spectra = new ArrayList<>();
            for (SpectraReader.SpectraGroup g : contents.groups()) {
                for (int i = 0; i < g.count(); i++) {
                    String where = source + ", " + g.path() + ", spectrum " + i + " (id " + g.ids()[i] + ")";
                    double[] mu = g.spectra()[i];
                    for (int j = 0; j < mu.length; j++) {
                        if (!Double.isFinite(mu[j])) {
                            throw new InputException("mu is " + mu[j] + " at E = " + g.energy()[j] + " eV (energy index "
                                    + j + ")", where);
                        }
                    }
                    spectra.add(new Spectrum(source, g.path(), g.ids()[i], g.pixelCounts()[i], g.energy(), mu, "",
                            null, null, List.of(), List.of(), where, null));
                }
            }
            return new Input(spectra, contents.history(), true);
        } catch (StackFormatException e) {
            StringBuilder where = new StringBuilder(source);
            if (e.datasetPath() != null) {
                where.append(", ").append(e.datasetPath());
            }
            if (e.index() >= 0) {
                where.append(", index ").append(e.index());
            }
            if (e.problem() == StackFormatException.Problem.OVER_BUDGET) {
                throw InputException.overLimit(e.getMessage(), where.toString());
            }
            throw new InputException(e.getMessage(), where.toString(), "input", e);
        } catch (IOException e) {
            throw new InputException("cannot spool the HDF5 content: " + e.getMessage(), source, "internal", e);
        } finally {
            TempFiles.deleteQuietly(tmp);
        }
    }

    private Input readText(ProcessSession session, FlowFile ff, String source, ProcessContext context)
            throws InputException {
        byte[][] content = new byte[1][];
        session.read(ff, (InputStream in) -> content[0] = in.readAllBytes());
        String text = new String(content[0], StandardCharsets.ISO_8859_1);
        try {
            XasData data = XasReader.read(source, text, true);
            XasSpectrum s = data.spectrum(muSpec(context, ff));
            List<XdiField> fields = new ArrayList<>();
            List<String> historyLines = new ArrayList<>();
            for (XdiField f : data.fields()) {
                if (f.namespace().equalsIgnoreCase("History")) {
                    historyLines.add("History." + f.tag() + ": " + f.value());
                } else {
                    fields.add(f);
                }
            }
            List<ProcessStep> history = ProcessingHistory.fromText(historyLines);
            Spectrum sp = new Spectrum(source, "", -1, -1, s.energy(), s.mu(), s.muFormula(), s.element(), s.edge(),
                    fields, data.comments(), source, data.rowLines());
            return new Input(List.of(sp), history, false);
        } catch (XasParseException e) {
            String where = e.getSource() + (e.getLine() > 0 ? ", line " + e.getLine() : "");
            throw new InputException(e.getMessage(), where, "input", e);
        } catch (IOException e) {
            throw new InputException("cannot read the text: " + e.getMessage(), source, "internal", e);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage(), source);
        }
    }

    // ---------------------------------------------------------------- science

    /** chi(k), chi(R) and the first peak of one spectrum. */
    record Output(Spectrum spectrum, Autobk.Result bk, XafsFT.Result ft, double kmaxUsed, double firstPeak) {
    }

    private static Output extract(Spectrum s, Settings settings) throws InputException {
        double[] energy = s.energy();
        double[] mu = s.mu();
        if (!Double.isNaN(settings.emin())) {
            int from = 0;
            while (from < energy.length && energy[from] < settings.emin()) {
                from++;
            }
            if (energy.length - from < XasData.MIN_POINTS) {
                throw new InputException("only " + (energy.length - from) + " data points at or above emin = "
                        + settings.emin() + " eV (data end at " + energy[energy.length - 1] + " eV); at least "
                        + XasData.MIN_POINTS + " are needed", s.where());
            }
            energy = java.util.Arrays.copyOfRange(energy, from, energy.length);
            mu = java.util.Arrays.copyOfRange(mu, from, mu.length);
        }
        Autobk.Result bk;
        try {
            bk = Autobk.autobk(energy, mu, settings.autobk());
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage() + " [data: " + energy.length + " points, " + energy[0] + " to "
                    + energy[energy.length - 1] + " eV" + rangeLines(s, energy) + "]", s.where());
        }
        XafsFT.Params fp = settings.ft();
        double kData = bk.k()[bk.k().length - 1];
        if (!(fp.kmin() < kData)) {
            throw new InputException("the FT window starts at kmin = " + fp.kmin() + " 1/A but chi(k) ends at k = "
                    + kData + " 1/A", s.where());
        }
        XafsFT.Result ft;
        try {
            ft = XafsFT.xftf(bk.k(), bk.chi(), fp);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage(), s.where());
        }
        List<XafsFT.Peak> peaks = XafsFT.peaks(ft.r(), ft.mag(), PEAK_RMIN, PEAK_RMAX, PEAK_FRACTION);
        return new Output(s, bk, ft, Math.min(fp.kmax(), kData), peaks.isEmpty() ? Double.NaN : peaks.get(0).r());
    }

    private static String rangeLines(Spectrum s, double[] used) {
        if (s.lines() == null) {
            return "";
        }
        int first = java.util.Arrays.binarySearch(s.energy(), used[0]);
        int last = java.util.Arrays.binarySearch(s.energy(), used[used.length - 1]);
        return first >= 0 && last >= 0 ? ", lines " + s.lines()[first] + "-" + s.lines()[last] : "";
    }

    // ---------------------------------------------------------------- output

    private FlowFile textChild(ProcessSession session, FlowFile parent, Output out, List<ProcessStep> history, String stem,
                               boolean multi, boolean chik) {
        Spectrum s = out.spectrum();
        Map<String, String> fields = XdiWriter.parameters(out.bk(), out.ft().params());
        if (!s.muFormula().isEmpty()) {
            fields.put("Spectrum.mu", s.muFormula());
        }
        fields.put("Spectrum.source", s.source());
        if (s.id() >= 0) {
            fields.put("Spectrum.group", s.group());
            fields.put("Spectrum.id", Long.toString(s.id()));
            if (s.pixels() >= 0) {
                fields.put("Spectrum.pixel_count", Long.toString(s.pixels()));
            }
        }
        if (!Double.isNaN(out.firstPeak())) {
            fields.put("Xftf.first_peak_r", String.format(Locale.ROOT, "%.4f", out.firstPeak()));
        }
        for (int i = 0; i < history.size(); i++) {
            fields.put("History." + (i + 1), ProcessingHistory.summary(history.get(i)));
            fields.put("History." + (i + 1) + "_parameters", history.get(i).parametersJson());
        }
        XdiWriter.Header header = new XdiWriter.Header(s.element(), s.edge(), fields, s.fields(), s.comments());
        FlowFile child = session.create(parent);
        child = session.write(child, (OutputStream os) -> {
            Writer w = new OutputStreamWriter(os, StandardCharsets.ISO_8859_1);
            if (chik) {
                XdiWriter.writeChiK(w, header, out.bk().k(), out.bk().chi(), out.ft().params().kweight(), out.ft().kwin());
            } else {
                XdiWriter.writeChiR(w, header, out.ft());
            }
            w.flush();
        });
        String kind = chik ? "chik" : "chir";
        Map<String, String> a = attributes(out);
        a.put(CoreAttributes.FILENAME.key(), baseName(stem, s, multi) + "_" + kind + ".xdi");
        a.put(CoreAttributes.MIME_TYPE.key(), "text/plain");
        a.put(SpectroAttributes.OUTPUT_KIND, kind);
        return session.putAllAttributes(child, a);
    }

    private static String baseName(String stem, Spectrum s, boolean multi) {
        if (!multi || s.id() < 0) {
            return stem;
        }
        String group = s.group().substring(s.group().lastIndexOf('/') + 1);
        return stem + "_" + safe(group) + "_cluster" + s.id();
    }

    private static Map<String, String> attributes(Output out) {
        Map<String, String> a = new HashMap<>();
        a.put("xas.e0", String.format(Locale.ROOT, "%.4f", out.bk().e0()));
        a.put("xas.edge.step", String.format(Locale.ROOT, "%.6g", out.bk().edgeStep()));
        a.put("xas.k.min", fmt(out.ft().params().kmin()));
        a.put("xas.k.max", fmt(out.kmaxUsed()));
        a.put("xas.r.max", fmt(out.ft().r()[out.ft().r().length - 1]));
        if (!Double.isNaN(out.firstPeak())) {
            a.put("xas.r.first.peak", String.format(Locale.ROOT, "%.4f", out.firstPeak()));
        }
        Spectrum s = out.spectrum();
        if (s.id() >= 0) {
            a.put("xas.spectrum.id", Long.toString(s.id()));
            a.put("xas.spectrum.group", s.group());
        }
        a.put(SpectroAttributes.VERSION, BuildInfo.version());
        a.put(SpectroAttributes.PRODUCER, PROCESSOR);
        return a;
    }

    private FlowFile plotChild(ProcessSession session, FlowFile parent, String group, List<Output> outs, String stem,
                               boolean severalGroups, int total, List<ProcessStep> history) {
        Output first = outs.get(0);
        XafsFT.Params fp = first.ft().params();
        double kw = fp.kweight();
        String kwText = fmt(kw);
        String kLabel = kw == 0 ? "\u03c7(k)" : "k" + superscript(kwText) + " \u03c7(k)";
        LinePlot kPlot = LinePlot.create("EXAFS, k-weight " + kwText).xLabel("k", "\u00c5\u207b\u00b9")
                .yLabel(kLabel, kw == 0 ? "" : "\u00c5" + superscript("-" + kwText));
        LinePlot rPlot = LinePlot.create("Fourier transform, " + fp.window() + " window, k " + fmt(fp.kmin()) + "-"
                + fmt(first.kmaxUsed()) + " \u00c5\u207b\u00b9").xLabel("R (not phase-corrected)", "\u00c5")
                .yLabel("|\u03c7(R)|", kw == 0 ? "" : "\u00c5" + superscript("-" + fmt(kw + 1)));
        double kEnd = 0;
        double ymax = 0;
        double rmax = 0;
        boolean many = outs.size() > 1;
        for (Output o : outs) {
            double[] k = o.bk().k();
            double[] y = new double[k.length];
            for (int i = 0; i < k.length; i++) {
                y[i] = o.bk().chi()[i] * Math.pow(k[i], kw);
                if (k[i] >= fp.kmin() && k[i] <= o.kmaxUsed()) {
                    ymax = Math.max(ymax, Math.abs(y[i]));
                }
            }
            kEnd = Math.max(kEnd, k[k.length - 1]);
            String name = many ? o.spectrum().label() + pixels(o.spectrum()) : o.spectrum().label();
            kPlot.add(name, k, y);
            double rEnd = Math.min(PEAK_RMAX, o.ft().r()[o.ft().r().length - 1]);
            int nr = 0;
            while (nr < o.ft().r().length && o.ft().r()[nr] <= rEnd + 1e-9) {
                nr++;
            }
            rPlot.add(name, java.util.Arrays.copyOf(o.ft().r(), nr), java.util.Arrays.copyOf(o.ft().mag(), nr));
            for (int i = 0; i < nr; i++) {
                rmax = Math.max(rmax, o.ft().mag()[i]);
            }
        }
        double[] win = first.ft().kwin();
        double[] kk = java.util.Arrays.copyOf(first.bk().k(), Math.min(win.length, first.bk().k().length));
        double[] ww = new double[kk.length];
        double scale = ymax > 0 ? ymax * 1.05 : 1.0;
        for (int i = 0; i < kk.length; i++) {
            ww[i] = win[i] * scale;
        }
        kPlot.add("FT window", kk, ww, LinePlot.Mode.DASHED, new java.awt.Color(0x88, 0x88, 0x88));
        if (kEnd > 0) {
            kPlot.xRange(0, kEnd);
        }
        if (ymax > 0) {
            kPlot.yRange(-ymax * 1.15, ymax * 1.25);
        }
        rPlot.xRange(0, Math.min(PEAK_RMAX, fp.rmaxOut()));
        if (rmax > 0) {
            rPlot.yRange(0, rmax * 1.1);
        }
        kPlot.size(PLOT_WIDTH / 2, PLOT_HEIGHT - 36);
        rPlot.size(PLOT_WIDTH / 2, PLOT_HEIGHT - 36);
        String groupName = group.isEmpty() ? "" : group.substring(group.lastIndexOf('/') + 1);
        String title = stem + (groupName.isEmpty() ? "" : " " + groupName) + ": "
                + (many ? outs.size() + " spectra" : String.format(Locale.ROOT, "e0 %.1f eV, edge step %.4g",
                first.bk().e0(), first.bk().edgeStep()))
                + ", rbkg " + fmt(first.bk().rbkg()) + " \u00c5";
        byte[] png = Figure.of(1, 2, kPlot, rPlot).title(title).toPng(ProcessingHistory.pngText(history));
        FlowFile child = session.create(parent);
        child = session.write(child, (OutputStream os) -> os.write(png));
        Map<String, String> a = many ? new HashMap<>() : attributes(first);
        if (many) {
            a.put("xas.k.min", fmt(fp.kmin()));
            a.put("xas.k.max", fmt(first.kmaxUsed()));
            a.put("xas.spectrum.group", group);
            a.put(SpectroAttributes.VERSION, BuildInfo.version());
            a.put(SpectroAttributes.PRODUCER, PROCESSOR);
        }
        a.put("xas.spectrum.count", Integer.toString(outs.size()));
        a.put(CoreAttributes.FILENAME.key(), stem + (severalGroups && !groupName.isEmpty() ? "_" + safe(groupName) : "")
                + "_exafs.png");
        a.put(CoreAttributes.MIME_TYPE.key(), "image/png");
        a.put(SpectroAttributes.OUTPUT_KIND, "plot");
        return session.putAllAttributes(child, a);
    }

    private static String pixels(Spectrum s) {
        return s.pixels() >= 0 ? " (" + s.pixels() + " px)" : "";
    }

    private static String superscript(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(switch (c) {
                case '0' -> '\u2070';
                case '1' -> '\u00b9';
                case '2' -> '\u00b2';
                case '3' -> '\u00b3';
                case '4' -> '\u2074';
                case '5' -> '\u2075';
                case '6' -> '\u2076';
                case '7' -> '\u2077';
                case '8' -> '\u2078';
                case '9' -> '\u2079';
                case '-' -> '\u207b';
                case '.' -> '\u00b7';
                default -> c;
            });
        }
        return b.toString();
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static String stem(String filename) {
        String name = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        String s = dot > 0 ? name.substring(0, dot) : name;
        s = safe(s);
        return s.isEmpty() ? "spectrum" : s;
    }
}
