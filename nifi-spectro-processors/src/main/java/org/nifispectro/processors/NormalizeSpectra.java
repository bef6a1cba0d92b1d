package org.nifispectro.processors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.InputRequirement.Requirement;
import org.apache.nifi.annotation.behavior.SideEffectFree;
import org.apache.nifi.annotation.behavior.SystemResource;
import org.apache.nifi.annotation.behavior.SystemResourceConsideration;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.SeeAlso;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.util.StandardValidators;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.pipeline.EdgeWindow;
import org.nifispectro.pipeline.NormalizeJob;
import org.nifispectro.pipeline.PipelineException;
import org.nifispectro.processors.common.BuildInfo;
import org.nifispectro.processors.common.Failures;
import org.nifispectro.processors.common.InputException;
import org.nifispectro.processors.common.Parameters;
import org.nifispectro.processors.common.ProcessingHistory;
import org.nifispectro.processors.common.SpectroAttributes;
import org.nifispectro.processors.common.TempFiles;
import org.nifispectro.processors.property.DataType;
import org.nifispectro.processors.property.NormalizationMethod;
import org.nifispectro.processors.property.StackAxisOrder;
import org.nifispectro.processors.property.StackEnergyUnit;
import org.nifispectro.xas.PreEdgeNormalization;

@SideEffectFree
@InputRequirement(Requirement.INPUT_REQUIRED)
@Tags({"xas", "xanes", "spectro-microscopy", "normalization", "pre-edge", "larch", "hdf5", "nexus", "stack", "synchrotron"})
@CapabilityDescription("Normalizes every pixel spectrum of an HDF5 spectral image stack (APS Data Exchange, NeXus NXstxm/NXdata,"
        + " NSLS-II FXI, or dataset paths given per FlowFile): pre-edge line and post-edge polynomial with Larch's rules"
        + " and parameter names, or MBACK (Weng et al. 2005) against the tabulated f2 of the absorber, each edge window"
        + " (e.g. L3 and L2) on its own. Stacks of transmitted intensities (STXM/TXM counts) are first converted to"
        + " optical density -ln(I/I0) with a measured I0 or one taken from the brightest pixels. Reads the stack twice, one slab of image rows"
        + " at a time: the mean spectrum fixes the reference e0 and the fit ranges of each window, then every pixel is"
        + " normalized. Emits a new NeXus HDF5 FlowFile with the normalized stack and the e0, edge-step and pre-edge-noise"
        + " maps of each window plus the processing history; the input goes to 'original'.")
@SeeAlso(RejectLowSNR.class)
@WritesAttributes({
    @WritesAttribute(attribute = "filename", description = "<input base name>_norm.h5"),
    @WritesAttribute(attribute = "mime.type", description = "application/x-hdf5"),
    @WritesAttribute(attribute = NormalizeSpectra.ATTR_WIDTH, description = "Image width (pixels per row, x)"),
    @WritesAttribute(attribute = NormalizeSpectra.ATTR_HEIGHT, description = "Image height (rows, y)"),
    @WritesAttribute(attribute = NormalizeSpectra.ATTR_ENERGIES, description = "Number of energies of the input stack"),
    @WritesAttribute(attribute = NormalizeSpectra.ATTR_NON_FINITE, description = "Pixels holding a NaN or infinite value"
            + " (their results are NaN)"),
    @WritesAttribute(attribute = NormalizeSpectra.ATTR_WINDOWS, description = "Edge window labels, comma separated"
            + " (\"edge\" for one window over the whole scan)"),
    @WritesAttribute(attribute = NormalizeSpectra.ATTR_DATA_TYPE, description = "Data Type of the input: absorbance or"
            + " transmission"),
    @WritesAttribute(attribute = NormalizeSpectra.ATTR_I0_SOURCE, description = "Transmission only: where I0 came from,"
            + " e.g. 'dataset /i0' or 'brightest 5 % of pixels (782 of 15625)'"),
    @WritesAttribute(attribute = NormalizeSpectra.ATTR_CLIPPED, description = "Transmission only: intensity values at or"
            + " below 1e-6 x I0 (zero or negative counts) raised to that floor before taking the logarithm"),
    @WritesAttribute(attribute = NormalizeSpectra.ATTR_METHOD, description = "Normalization Method used: pre_edge or mback"),
    @WritesAttribute(attribute = "xas.<label>.absorber", description = "MBACK only: absorber of the window, e.g. Nd L3"),
    @WritesAttribute(attribute = "xas.<label>.e0.reference", description = "e0 of the mean spectrum in the window (eV)"),
    @WritesAttribute(attribute = "xas.<label>.e0.min", description = "Smallest per-pixel e0 in the window (eV)"),
    @WritesAttribute(attribute = "xas.<label>.e0.max", description = "Largest per-pixel e0 in the window (eV)"),
    @WritesAttribute(attribute = "xas.<label>.e0.median", description = "Median per-pixel e0 in the window (eV)"),
    @WritesAttribute(attribute = "xas.<label>.edge.step.median", description = "Median per-pixel edge step (unit of the input)"),
    @WritesAttribute(attribute = "xas.<label>.pixels.with.edge", description = "Pixels with a finite edge step in the window"),
    @WritesAttribute(attribute = SpectroAttributes.VERSION, description = "nifi-spectro version"),
    @WritesAttribute(attribute = SpectroAttributes.PRODUCER, description = "NormalizeSpectra"),
    @WritesAttribute(attribute = SpectroAttributes.OUTPUT_KIND, description = "normalized-stack"),
    @WritesAttribute(attribute = SpectroAttributes.ERROR, description = "On failure: what is wrong"),
    @WritesAttribute(attribute = SpectroAttributes.ERROR_WHERE, description = "On failure: file, dataset, index, or property"),
    @WritesAttribute(attribute = SpectroAttributes.ERROR_KIND, description = "On failure: input, limit or internal")
})
@SystemResourceConsideration(resource = SystemResource.MEMORY, description = "Holds one slab of image rows (all energies),"
        + " its normalized copy and the per-pixel maps; the slab height is chosen to fit the Memory Budget, and a stack whose"
        + " single image row does not fit is routed to failure before any data is read.")
@SystemResourceConsideration(resource = SystemResource.DISK, description = "The input is spooled to a temporary file and the"
        + " output written to another one (about the size of the input) before it is imported; both are always deleted.")
@SystemResourceConsideration(resource = SystemResource.CPU, description = "Per-pixel fits run on the Worker Threads.")
public class NormalizeSpectra extends AbstractProcessor {

    static final String ATTR_WIDTH = "stack.width";
    static final String ATTR_HEIGHT = "stack.height";
    static final String ATTR_ENERGIES = "stack.energies";
    static final String ATTR_NON_FINITE = "stack.pixels.nonfinite";
    static final String ATTR_WINDOWS = "xas.windows";
    static final String ATTR_METHOD = "xas.normalization.method";
    static final String ATTR_DATA_TYPE = "stack.data.type";
    static final String ATTR_I0_SOURCE = "stack.i0.source";
    static final String ATTR_CLIPPED = "stack.intensities.clipped";
    static final String OUTPUT_KIND = "normalized-stack";
    static final String MIME_TYPE = "application/x-hdf5";

    public static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description("The new NeXus HDF5 FlowFile with the normalized stacks and maps")
            .build();
    public static final Relationship REL_ORIGINAL = new Relationship.Builder()
            .name("original")
            .description("The input stack, unchanged, once its normalized child has been created")
            .build();
    public static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure")
            .description("Inputs that cannot be normalized (damaged or incomplete HDF5, missing datasets, bad energy axis,"
                    + " too many NaN/Inf pixels, a window with too few energies, over the memory budget), unchanged, with"
                    + " spectro.error and spectro.error.where, penalized")
            .build();

    static final Validator FINITE_NUMBER = (subject, input, context) -> {
        if (context.isExpressionLanguageSupported(subject) && context.isExpressionLanguagePresent(input)) {
            return new ValidationResult.Builder().subject(subject).input(input).valid(true).build();
        }
        boolean ok;
        try {
            ok = Double.isFinite(Double.parseDouble(input.trim()));
        } catch (NumberFormatException e) {
            ok = false;
        }
        return new ValidationResult.Builder().subject(subject).input(input).valid(ok)
                .explanation(ok ? null : "'" + input + "' is not a finite number").build();
    };

    public static final PropertyDescriptor DATA_PATH = new PropertyDescriptor.Builder()
            .name("Data Path")
            .description("Path of the 3-D stack dataset inside the HDF5 file, e.g. /exchange/data. Empty: detect the layout"
                    + " (Data Exchange, NeXus @default/@signal, FXI /img_xanes, or the one 3-D dataset). Must be given together"
                    + " with Energy Path.")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();
    public static final PropertyDescriptor ENERGY_PATH = new PropertyDescriptor.Builder()
            .name("Energy Path")
            .description("Path of the 1-D energy dataset inside the HDF5 file, e.g. /exchange/energy. Empty: detect.")
            .required(false)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();
    public static final PropertyDescriptor ENERGY_UNIT = new PropertyDescriptor.Builder()
            .name("Energy Unit")
            .description("Unit of the energy dataset")
            .required(true)
            .allowableValues(StackEnergyUnit.class)
            .defaultValue(StackEnergyUnit.AUTO)
            .build();
    public static final PropertyDescriptor AXIS_ORDER = new PropertyDescriptor.Builder()
            .name("Axis Order")
            .description("Order of the axes of the stack dataset, slowest varying first")
            .required(true)
            .allowableValues(StackAxisOrder.class)
            .defaultValue(StackAxisOrder.AUTO)
            .build();
    public static final PropertyDescriptor DATA_TYPE = new PropertyDescriptor.Builder()
            .name("Data Type")
            .description("What the values of the stack are")
            .required(true)
            .allowableValues(DataType.class)
            .defaultValue(DataType.ABSORBANCE)
            .build();
    public static final PropertyDescriptor I0_PATH = new PropertyDescriptor.Builder()
            .name("I0 Path")
            .description("Path of the 1-D dataset of the incident intensity I0 inside the HDF5 file, e.g. /i0. Empty: I0 is"
                    + " the per-energy mean of the brightest 5 % of pixels.")
            .required(false)
            .dependsOn(DATA_TYPE, DataType.TRANSMISSION)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();
    public static final PropertyDescriptor I0_ENERGY_PATH = new PropertyDescriptor.Builder()
            .name("I0 Energy Path")
            .description("Path of the 1-D dataset of the energies (eV) at which I0 was measured, e.g. /i0_energy_eV; I0 is"
                    + " then interpolated onto the stack energies. Empty: I0 is taken energy by energy when its length"
                    + " matches the stack, else from '<I0 Path>_energy_eV' if that exists.")
            .required(false)
            .dependsOn(I0_PATH)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();
    public static final PropertyDescriptor EDGE_WINDOWS = new PropertyDescriptor.Builder()
            .name("Edge Windows")
            .description("Energy ranges normalized separately, as label:emin-emax in eV separated by commas, e.g."
                    + " 'L3:6190-6680, L2:6680-7100'. Labels (letters, digits, underscores) name the output groups and"
                    + " attributes. Empty: one window named 'edge' over the whole scan.")
            .required(false)
            .addValidator((subject, input, context) -> {
                try {
                    EdgeWindow.parseList(input);
                    return new ValidationResult.Builder().subject(subject).input(input).valid(true).build();
                } catch (IllegalArgumentException e) {
                    return new ValidationResult.Builder().subject(subject).input(input).valid(false)
                            .explanation(e.getMessage()).build();
                }
            })
            .build();
    public static final PropertyDescriptor METHOD = new PropertyDescriptor.Builder()
            .name("Normalization Method")
            .description("How each pixel spectrum is normalized in each edge window")
            .required(true)
            .allowableValues(NormalizationMethod.class)
            .defaultValue(NormalizationMethod.PRE_EDGE)
            .build();
    public static final PropertyDescriptor ABSORBER = new PropertyDescriptor.Builder()
            .name("Absorber")
            .description("Absorbing element and edge whose tabulated f2 MBACK matches, e.g. 'Nd L3' for every edge window,"
                    + " or per window label 'L3=Nd L3, L2=Nd L2'. Without an edge, a window labelled like an edge (K, L3,"
                    + " ...) takes that edge.")
            .required(true)
            .dependsOn(METHOD, NormalizationMethod.MBACK)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();
    public static final PropertyDescriptor PRE1 = larch("pre1",
            "Start of the pre-edge line fit, eV relative to e0 (negative). Empty: Larch's default for the window");
    public static final PropertyDescriptor PRE2 = larch("pre2",
            "End of the pre-edge line fit, eV relative to e0 (negative). Empty: Larch's default");
    public static final PropertyDescriptor NORM1 = larch("norm1",
            "Start of the post-edge polynomial fit, eV relative to e0. Empty: Larch's default");
    public static final PropertyDescriptor NORM2 = larch("norm2",
            "End of the post-edge polynomial fit, eV relative to e0. Empty: Larch's default (end of the window)");
    public static final PropertyDescriptor NNORM = new PropertyDescriptor.Builder()
            .name("nnorm")
            .description("Degree of the post-edge polynomial, 0 to 5. Empty: Larch's default (from the post-edge range)")
            .required(false)
            .addValidator(StandardValidators.createLongValidator(0, PreEdgeNormalization.MAX_NNORM, true))
            .build();
    public static final PropertyDescriptor E0_SEARCH = new PropertyDescriptor.Builder()
            .name("E0 Search Half-Width")
            .description("Each pixel's e0 (derivative maximum) is searched within this many eV of the reference e0 of the"
                    + " mean spectrum, so that noise far from the edge cannot move it. Empty: the whole window (Larch).")
            .required(false)
            .addValidator(FINITE_NUMBER)
            .build();
    public static final PropertyDescriptor NON_FINITE_LIMIT = new PropertyDescriptor.Builder()
            .name("Non-Finite Pixel Limit")
            .description("Largest percentage of pixels that may hold NaN or infinite values (dead or masked pixels). Such"
                    + " pixels get NaN results and are rejected by RejectLowSNR; a stack with more goes to failure.")
            .required(true)
            .defaultValue("10")
            .addValidator(StandardValidators.createNonNegativeFloatingPointValidator(100))
            .build();
    public static final PropertyDescriptor MEMORY_BUDGET = new PropertyDescriptor.Builder()
            .name("Memory Budget")
            .description("Heap this processor may use for the FlowFiles in work: sets the slab height; a stack whose"
                    + " smallest slab does not fit goes to failure with 'needs X, budget Y'. The stack itself never has"
                    + " to fit." + Parameters.MEMORY_BUDGET_SCOPE)
            .required(true)
            .defaultValue("1 GB")
            .addValidator(StandardValidators.DATA_SIZE_VALIDATOR)
            .build();
    public static final PropertyDescriptor WORKER_THREADS = new PropertyDescriptor.Builder()
            .name("Worker Threads")
            .description("Threads sharing the per-pixel work of one FlowFile (in addition to NiFi's concurrent tasks,"
                    + " which work on different FlowFiles)")
            .required(true)
            .defaultValue("2")
            .addValidator(StandardValidators.createLongValidator(1, 64, true))
            .build();

    private static final List<PropertyDescriptor> PROPERTY_DESCRIPTORS = List.of(
            DATA_PATH, ENERGY_PATH, ENERGY_UNIT, AXIS_ORDER, DATA_TYPE, I0_PATH, I0_ENERGY_PATH, EDGE_WINDOWS, METHOD, ABSORBER, PRE1, PRE2, NORM1, NORM2, NNORM,
            E0_SEARCH,
            NON_FINITE_LIMIT, MEMORY_BUDGET, WORKER_THREADS);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_ORIGINAL, REL_FAILURE);

    private static final String PROCESSOR = "NormalizeSpectra";

    private volatile NormalizeJob.Config config;
    private volatile StackOptions baseOptions;

    private static PropertyDescriptor larch(String name, String description) {
        return new PropertyDescriptor.Builder()
                .name(name)
                .description(description)
                .required(false)
                .addValidator(FINITE_NUMBER)
                .build();
    }

    @Override
    public Set<Relationship> getRelationships() {
        return RELATIONSHIPS;
    }

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTY_DESCRIPTORS;
    }

    @Override
    protected Collection<ValidationResult> customValidate(ValidationContext context) {
        List<ValidationResult> results = new ArrayList<>();
        boolean data = context.getProperty(DATA_PATH).isSet();
        boolean energy = context.getProperty(ENERGY_PATH).isSet();
        if (data != energy) {
            results.add(new ValidationResult.Builder().subject(data ? ENERGY_PATH.getName() : DATA_PATH.getName()).valid(false)
                    .explanation("Data Path and Energy Path must be set together (custom layout) or both left empty").build());
        }
        if (context.getProperty(METHOD).asAllowableValue(NormalizationMethod.class) == NormalizationMethod.MBACK) {
            try {
                NormalizeJob.Absorber.parseList(context.getProperty(ABSORBER).getValue(),
                        EdgeWindow.parseList(context.getProperty(EDGE_WINDOWS).getValue()));
            } catch (IllegalArgumentException e) {
                results.add(new ValidationResult.Builder().subject(ABSORBER.getName())
                        .input(context.getProperty(ABSORBER).getValue()).valid(false).explanation(e.getMessage()).build());
            }
        }
        checkOrder(context, PRE1, PRE2, results);
        checkOrder(context, NORM1, NORM2, results);
        return results;
    }

    private static void checkOrder(ValidationContext context, PropertyDescriptor lo, PropertyDescriptor hi,
                                   List<ValidationResult> results) {
        Double a = number(context.getProperty(lo).getValue());
        Double b = number(context.getProperty(hi).getValue());
        if (a != null && b != null && !(a < b)) {
            results.add(new ValidationResult.Builder().subject(hi.getName()).valid(false)
                    .explanation(lo.getName() + " (" + a + ") must be below " + hi.getName() + " (" + b + ")").build());
        }
    }

    private static Double number(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) {
        PreEdgeNormalization.Params params = PreEdgeNormalization.Params.defaults()
                .withPre(nan(context, PRE1), nan(context, PRE2))
                .withNorm(nan(context, NORM1), nan(context, NORM2))
                .withNnorm(context.getProperty(NNORM).isSet() ? context.getProperty(NNORM).asInteger() : -1)
                .withMakeFlat(false);
        List<EdgeWindow> windows = EdgeWindow.parseList(context.getProperty(EDGE_WINDOWS).getValue());
        NormalizeJob.Method method = context.getProperty(METHOD).asAllowableValue(NormalizationMethod.class).method();
        config = new NormalizeJob.Config(
                windows,
                params,
                nan(context, E0_SEARCH),
                Parameters.memoryBudget(context, MEMORY_BUDGET),
                context.getProperty(NON_FINITE_LIMIT).asDouble() / 100.0,
                context.getProperty(WORKER_THREADS).asInteger(),
                method,
                method == NormalizeJob.Method.MBACK
                        ? NormalizeJob.Absorber.parseList(context.getProperty(ABSORBER).getValue(), windows) : List.of());
        baseOptions = StackOptions.DEFAULT
                .withEnergyUnit(context.getProperty(ENERGY_UNIT).asAllowableValue(StackEnergyUnit.class).unit())
                .withAxisOrder(context.getProperty(AXIS_ORDER).asAllowableValue(StackAxisOrder.class).order());
    }

    private static double nan(ProcessContext context, PropertyDescriptor d) {
        Double v = number(context.getProperty(d).getValue());
        return v == null ? Double.NaN : v;
    }

    @Override
    public void onTrigger(ProcessContext context, ProcessSession session) {
        FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        long started = System.nanoTime();
        Path input = null;
        Path output = null;
        FlowFile child = null;
        try {
            Map<String, String> parameters = Parameters.effective(context, flowFile, PROPERTY_DESCRIPTORS);
            StackOptions options = options(context, flowFile);
            String fileName = flowFile.getAttribute(CoreAttributes.FILENAME.key());
            ProcessStep step = ProcessingHistory.step(PROCESSOR, parameters, fileName, flowFile.getAttribute(CoreAttributes.UUID.key()));
            input = TempFiles.spool(session, flowFile, ".h5");
            output = TempFiles.createNamed(baseName(fileName) + "_norm.h5");
            NormalizeJob.Config cfg = withTransmission(context, flowFile, config);
            NormalizeJob.Result result = NormalizeJob.run(input, options, output, cfg, step);

            child = session.create(flowFile);
            child = session.importFrom(output, false, child);
            child = session.putAllAttributes(child, attributes(result, fileName, cfg));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            session.getProvenanceReporter().fork(flowFile, List.of(child), Parameters.provenanceDetails(parameters, millis), millis);
            getLogger().debug("Normalized {} in {} ms with slabs of {} rows (estimated heap {} bytes)", flowFile, millis,
                    result.slabRows(), result.heapEstimateBytes());
            session.transfer(child, REL_SUCCESS);
            session.transfer(flowFile, REL_ORIGINAL);
        } catch (InputException e) {
            child = removeQuietly(session, child);
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
        } catch (StackFormatException e) {
            child = removeQuietly(session, child);
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR,
                    withFlowFileName(InputException.fromStack(e), input, flowFile));
        } catch (PipelineException e) {
            child = removeQuietly(session, child);
            InputException problem = new InputException(e.getMessage(), e.where(), e.overLimit() ? "limit" : "input", e);
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, withFlowFileName(problem, input, flowFile));
        } catch (Exception e) {
            child = removeQuietly(session, child);
            Failures.routeUnexpected(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
        } finally {
            TempFiles.deleteQuietly(input);
            TempFiles.deleteQuietly(output);
        }
    }

    /** The configuration with this FlowFile's I0 paths when the Data Type is Transmission. */
    private static NormalizeJob.Config withTransmission(ProcessContext context, FlowFile flowFile, NormalizeJob.Config base) {
        if (context.getProperty(DATA_TYPE).asAllowableValue(DataType.class) != DataType.TRANSMISSION) {
            return base;
        }
        String i0 = context.getProperty(I0_PATH).evaluateAttributeExpressions(flowFile).getValue();
        String i0Energy = context.getProperty(I0_ENERGY_PATH).evaluateAttributeExpressions(flowFile).getValue();
        if (i0 == null || i0.isBlank()) {
            i0Energy = null; // I0 Energy Path depends on I0 Path; without I0 it has no meaning
        }
        return base.withTransmission(new NormalizeJob.Transmission(i0, i0Energy));
    }

    private StackOptions options(ProcessContext context, FlowFile flowFile) throws InputException {
        String data = context.getProperty(DATA_PATH).evaluateAttributeExpressions(flowFile).getValue();
        String energy = context.getProperty(ENERGY_PATH).evaluateAttributeExpressions(flowFile).getValue();
        boolean hasData = data != null && !data.isBlank();
        boolean hasEnergy = energy != null && !energy.isBlank();
        if (hasData != hasEnergy) {
            throw new InputException("Data Path and Energy Path must both be given for a custom layout; got Data Path '"
                    + (data == null ? "" : data) + "' and Energy Path '" + (energy == null ? "" : energy) + "'",
                    "properties Data Path, Energy Path");
        }
        StackOptions base = baseOptions;
        return hasData ? new StackOptions(data.trim(), energy.trim(), base.energyUnit(), base.axisOrder(), base.minEnergies())
                : base;
    }

    /**
     * Messages from the readers name the spooled temp file; operators know the FlowFile's filename, so
     * that name is put in its place.
     */
    static InputException withFlowFileName(InputException e, Path spooled, FlowFile flowFile) {
        String name = flowFile.getAttribute(CoreAttributes.FILENAME.key());
        if (spooled == null || spooled.getFileName() == null || name == null || name.isBlank()) {
            return e;
        }
        String temp = spooled.getFileName().toString();
        return new InputException(e.getMessage().replace(temp, name), e.where().replace(temp, name), e.kind(),
                e.getCause());
    }

    private static FlowFile removeQuietly(ProcessSession session, FlowFile child) {
        if (child != null) {
            session.remove(child);
        }
        return null;
    }

    private static Map<String, String> attributes(NormalizeJob.Result r, String inputName, NormalizeJob.Config cfg) {
        Map<String, String> a = new HashMap<>();
        a.put(CoreAttributes.FILENAME.key(), baseName(inputName) + "_norm.h5");
        a.put(CoreAttributes.MIME_TYPE.key(), MIME_TYPE);
        a.put(ATTR_WIDTH, Integer.toString(r.stack().nx()));
        a.put(ATTR_HEIGHT, Integer.toString(r.stack().ny()));
        a.put(ATTR_ENERGIES, Integer.toString(r.stack().nE()));
        a.put(ATTR_NON_FINITE, Long.toString(r.nonFinitePixels()));
        a.put(ATTR_DATA_TYPE, cfg.transmission() == null ? "absorbance" : "transmission");
        if (cfg.transmission() != null) {
            a.put(ATTR_I0_SOURCE, r.i0Source());
            a.put(ATTR_CLIPPED, Long.toString(r.clippedIntensities()));
        }
        List<String> labels = new ArrayList<>();
        boolean mback = cfg.method() == NormalizeJob.Method.MBACK;
        a.put(ATTR_METHOD, mback ? "mback" : "pre_edge");
        for (int k = 0; k < r.windows().size(); k++) {
            NormalizeJob.WindowSummary w = r.windows().get(k);
            String l = w.window().label();
            labels.add(l);
            String p = "xas." + l + ".";
            if (mback) {
                a.put(p + "absorber", cfg.absorbers().get(k).toString());
            }
            a.put(p + "e0.reference", energy(w.e0Reference()));
            a.put(p + "e0.min", energy(w.e0Min()));
            a.put(p + "e0.max", energy(w.e0Max()));
            a.put(p + "e0.median", energy(w.e0Median()));
            a.put(p + "edge.step.median", num(w.edgeStepMedian()));
            a.put(p + "pixels.with.edge", Long.toString(w.pixelsWithEdge()));
        }
        a.put(ATTR_WINDOWS, String.join(",", labels));
        a.put(SpectroAttributes.VERSION, BuildInfo.version());
        a.put(SpectroAttributes.PRODUCER, PROCESSOR);
        a.put(SpectroAttributes.OUTPUT_KIND, OUTPUT_KIND);
        return a;
    }

    /** Input file name without directories and without an HDF5 extension; "stack" if unknown. */
    static String baseName(String fileName) {
        if (fileName == null || fileName.isBlank()) {
            return "stack";
        }
        String n = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        if (n.isBlank()) {
            return "stack";
        }
        String lower = n.toLowerCase(Locale.ROOT);
        for (String ext : new String[] {".h5", ".hdf5", ".hdf", ".nxs", ".nx5", ".he5"}) {
            if (lower.endsWith(ext) && n.length() > ext.length()) {
                return n.substring(0, n.length() - ext.length());
            }
        }
        return n;
    }

    /** An energy in eV with meV resolution, e.g. "7117.904". */
    static String energy(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Six significant digits, e.g. "0.310901". */
    static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6g", v);
    }
}
