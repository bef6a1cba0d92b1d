package org.nifispectro.processors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.nifi.annotation.behavior.InputRequirement;
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
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.DataUnit;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.util.StandardValidators;
import org.nifispectro.decompose.Nmf;
import org.nifispectro.io.stack.AxisOrder;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.SpectraReader;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.io.stack.StackReader;
import org.nifispectro.pdf.io.GrWriter;
import org.nifispectro.pipeline.NormalizedStackLayout;
import org.nifispectro.plot.ContinuousMap;
import org.nifispectro.plot.Figure;
import org.nifispectro.plot.LinePlot;
import org.nifispectro.processors.common.BuildInfo;
import org.nifispectro.processors.common.Failures;
import org.nifispectro.processors.common.InputException;
import org.nifispectro.processors.common.Parameters;
import org.nifispectro.processors.common.ProcessingHistory;
import org.nifispectro.processors.common.SpectroAttributes;
import org.nifispectro.processors.common.TempFiles;
import org.nifispectro.processors.property.ComponentCountRule;
import org.nifispectro.processors.property.ComponentFormat;
import org.nifispectro.processors.property.NegativeValueRule;
import org.nifispectro.processors.property.SeriesGridRule;
import org.nifispectro.processors.property.SeriesInputFormat;
import org.nifispectro.processors.property.SeriesMemberOrder;
import org.nifispectro.series.ArchiveLimits;
import org.nifispectro.series.ArchiveReader;
import org.nifispectro.series.ColumnTextReader;
import org.nifispectro.series.CommonGrid;
import org.nifispectro.series.ComponentRule;
import org.nifispectro.series.Curve;
import org.nifispectro.series.DecompositionJob;
import org.nifispectro.series.DecompositionOptions;
import org.nifispectro.series.GridRule;
import org.nifispectro.series.Hdf5SeriesReader;
import org.nifispectro.series.MemberOrder;
import org.nifispectro.series.Series;
import org.nifispectro.series.SeriesException;
import org.nifispectro.series.StackDecomposition;

@SideEffectFree
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Tags({"pca", "nmf", "decomposition", "unmixing", "pdf", "pair distribution function", "xanes", "stack", "series",
        "scikit-learn", "synchrotron"})
@CapabilityDescription("Decomposes a series of curves (in-situ PDFs, a spectrum series, or the pixel spectra of a "
        + "spectral stack) by PCA, whose explained variance ratios propose the number of components, then NMF with that "
        + "many non-negative components, as scikit-learn's PCA and NMF (cd solver, nndsvda) do. Input: a TAR or ZIP as "
        + "MergeContent writes it, multi-column text, a 2-D HDF5 dataset, or a spectral stack (pixels as samples). "
        + "Every component becomes its own child (.gr or two-column spectrum) so the flow can classify each; weights go "
        + "out as CSV and JSON, plus a scree plot, a weights-versus-sample plot and, for a stack, component maps. The "
        + "input goes to 'original'. Every output carries the processing history: history.N header lines (.gr, CSV), "
        + "a \"history\" array (JSON), a PNG text chunk 'nifi-spectro:history' (plots). The history each member file "
        + "of a series carried (e.g. SimulatePDF's) is kept per sample in the weights JSON (\"sample_history\").")
@SeeAlso({NormalizeSpectra.class, SimulatePDF.class})
@WritesAttributes({
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_PCA_COMPONENTS, description = "Number of components chosen"),
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_VARIANCE, description = "Cumulative PCA explained variance ratio "
                + "of the chosen components (0-1)"),
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_RATIO_1, description = "Explained variance ratio of the first "
                + "PCA component"),
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_ERROR, description = "NMF reconstruction error ||X - W H||_F "
                + "(scikit-learn's reconstruction_err_), of the matrix after the negative-value rule"),
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_ITERATIONS, description = "NMF iterations done"),
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_CONVERGED, description = "Whether NMF reached its tolerance"),
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_SHIFT, description = "Value subtracted by the shift rule (0 "
                + "otherwise)"),
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_SAMPLES, description = "Number of curves (pixels for a stack)"),
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_POINTS, description = "Grid points of the common grid"),
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_RESAMPLED, description = "true if curves were interpolated onto "
                + "a common grid"),
        @WritesAttribute(attribute = DecomposePCANMF.ATTR_INDEX, description = "On component and map children: the "
                + "component number, 1-based"),
        @WritesAttribute(attribute = "filename", description = "<input base name>_nmf_<n>.gr / .csv, _weights.csv, "
                + "_weights.json, _scree.png, _weights.png, _components.png, _map_<n>.png"),
        @WritesAttribute(attribute = SpectroAttributes.OUTPUT_KIND, description = "component, weights.csv, weights.json, "
                + "plot or map"),
        @WritesAttribute(attribute = SpectroAttributes.ERROR, description = "On failure: what is wrong"),
        @WritesAttribute(attribute = SpectroAttributes.ERROR_WHERE, description = "On failure: archive entry and line, "
                + "curve, dataset or pixel")
})
@SystemResourceConsideration(resource = SystemResource.MEMORY, description = "A series is held in memory as doubles "
        + "(samples x grid points x 8 bytes, refused above Memory Budget). A stack is streamed in slabs; the NMF subsample "
        + "(Maximum NMF Pixels x energies x 4 bytes) and one float per pixel and component are held.")
@SystemResourceConsideration(resource = SystemResource.DISK, description = "HDF5 inputs are spooled to a temporary "
        + "file that is always deleted.")
public class DecomposePCANMF extends AbstractProcessor {

    static final String ATTR_PCA_COMPONENTS = "pca.components";
    static final String ATTR_VARIANCE = "pca.variance.explained";
    static final String ATTR_RATIO_1 = "pca.variance.ratio.1";
    static final String ATTR_ERROR = "nmf.reconstruction.error";
    static final String ATTR_ITERATIONS = "nmf.iterations";
    static final String ATTR_CONVERGED = "nmf.converged";
    static final String ATTR_SHIFT = "nmf.shift";
    static final String ATTR_SAMPLES = "decompose.samples";
    static final String ATTR_POINTS = "decompose.grid.points";
    static final String ATTR_RESAMPLED = "decompose.resampled";
    static final String ATTR_INDEX = "decompose.component.index";

    public static final Relationship REL_SUCCESS = new Relationship.Builder().name("success")
            .description("Components (one FlowFile each), weights (CSV, JSON) and plots").build();
    public static final Relationship REL_ORIGINAL = new Relationship.Builder().name("original")
            .description("The input series, once decomposed").build();
    public static final Relationship REL_FAILURE = new Relationship.Builder().name("failure")
            .description("Inputs that could not be read or decomposed, with spectro.error and spectro.error.where").build();

    static final PropertyDescriptor INPUT_FORMAT = new PropertyDescriptor.Builder().name("Input Format")
            .description("What the FlowFile holds").required(true).allowableValues(SeriesInputFormat.class)
            .defaultValue(SeriesInputFormat.AUTO.getValue()).build();
    static final PropertyDescriptor MEMBER_ORDER = new PropertyDescriptor.Builder().name("Member Order")
            .description("Order of the curves of an archive. TAR and ZIP keep no FlowFile attributes: MergeContent "
                    + "(Defragment) stores members in fragment.index order, so Archive Order is that order")
            .required(true).allowableValues(SeriesMemberOrder.class).defaultValue(SeriesMemberOrder.ARCHIVE.getValue())
            .build();
    static final PropertyDescriptor DATASET_PATH = new PropertyDescriptor.Builder().name("HDF5 Dataset Path")
            .description("HDF5: path of the 2-D series dataset (rows = curves), or of a 3-D stack dataset. Empty for a "
                    + "stack: the Edge Window group of a NormalizeSpectra file, or the stack layout detected")
            .required(false).addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    static final PropertyDescriptor GRID_PATH = new PropertyDescriptor.Builder().name("HDF5 Grid Path")
            .description("HDF5: path of the 1-D grid dataset (r or energy) for HDF5 Dataset Path; empty for a 2-D "
                    + "series uses the point index")
            .required(false).addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    static final PropertyDescriptor EDGE_WINDOW = new PropertyDescriptor.Builder().name("Edge Window")
            .description("Stack from NormalizeSpectra: label of the edge window whose normalized stack is decomposed "
                    + "(e.g. L3, or 'edge' for a whole-scan normalization)")
            .required(false).addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    static final PropertyDescriptor GRID_MIN = new PropertyDescriptor.Builder().name("Grid Minimum")
            .description("Lower end of the grid range used (r in angstrom, energy in eV); empty for no limit")
            .required(false).addValidator(StandardValidators.NUMBER_VALIDATOR)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    static final PropertyDescriptor GRID_MAX = new PropertyDescriptor.Builder().name("Grid Maximum")
            .description("Upper end of the grid range used; empty for no limit")
            .required(false).addValidator(StandardValidators.NUMBER_VALIDATOR)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    static final PropertyDescriptor GRID_RULE = new PropertyDescriptor.Builder().name("Different Grids")
            .description("What to do when the curves are not on one grid").required(true)
            .allowableValues(SeriesGridRule.class).defaultValue(SeriesGridRule.RESAMPLE.getValue()).build();
    static final PropertyDescriptor COUNT_RULE = new PropertyDescriptor.Builder().name("Component Count Rule")
            .description("How the number of NMF components is chosen").required(true)
            .allowableValues(ComponentCountRule.class).defaultValue(ComponentCountRule.THRESHOLD.getValue()).build();
    static final PropertyDescriptor THRESHOLD = new PropertyDescriptor.Builder().name("Variance Threshold")
            .description("Cumulative PCA explained variance ratio the chosen components must reach (0-1]")
            .required(true).defaultValue("0.99").addValidator(StandardValidators.NUMBER_VALIDATOR)
            .dependsOn(COUNT_RULE, ComponentCountRule.THRESHOLD, ComponentCountRule.THRESHOLD_PLUS_ONE).build();
    static final PropertyDescriptor COUNT = new PropertyDescriptor.Builder().name("Component Count")
            .description("Number of NMF components").required(true).defaultValue("2")
            .addValidator(StandardValidators.createLongValidator(1, 100, true))
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES)
            .dependsOn(COUNT_RULE, ComponentCountRule.FIXED).build();
    static final PropertyDescriptor NEGATIVE_RULE = new PropertyDescriptor.Builder().name("Negative Value Rule")
            .description("How NMF treats negative values").required(true).allowableValues(NegativeValueRule.class)
            .defaultValue(NegativeValueRule.SHIFT.getValue()).build();
    static final PropertyDescriptor MAX_ITER = new PropertyDescriptor.Builder().name("NMF Maximum Iterations")
            .description("Iteration limit of the NMF solver (scikit-learn max_iter)").required(true).defaultValue("2000")
            .addValidator(StandardValidators.createLongValidator(1, 1_000_000, true)).build();
    static final PropertyDescriptor TOLERANCE = new PropertyDescriptor.Builder().name("NMF Tolerance")
            .description("Stopping tolerance of the NMF solver (scikit-learn tol). Series of up to 4 million values"
                    + " are computed with float products, which cannot go below about 1e-7: a smaller tolerance runs"
                    + " them to the iteration limit").required(true).defaultValue("1e-4")
            .addValidator(StandardValidators.NUMBER_VALIDATOR).build();
    static final PropertyDescriptor COMPONENT_FORMAT = new PropertyDescriptor.Builder().name("Component Format")
            .description("File format of the component children").required(true).allowableValues(ComponentFormat.class)
            .defaultValue(ComponentFormat.AUTO.getValue()).build();
    static final PropertyDescriptor MAX_NMF_PIXELS = new PropertyDescriptor.Builder().name("Maximum NMF Pixels")
            .description("Stack: NMF is fitted on a regular subsample of at most this many pixels; the weights of every "
                    + "pixel are then solved with the components fixed")
            .required(true).defaultValue("50000").addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR).build();
    static final PropertyDescriptor MAX_ENTRIES = new PropertyDescriptor.Builder().name("Maximum Archive Entries")
            .description("Archives with more entries are refused (archive bomb)").required(true).defaultValue("10000")
            .addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR).build();
    static final PropertyDescriptor MAX_ENTRY_SIZE = new PropertyDescriptor.Builder().name("Maximum Entry Size")
            .description("An archive entry expanding to more bytes is refused; counted while reading, headers are not "
                    + "trusted").required(true).defaultValue("16 MB").addValidator(StandardValidators.DATA_SIZE_VALIDATOR)
            .build();
    static final PropertyDescriptor MAX_EXPANDED = new PropertyDescriptor.Builder().name("Maximum Expanded Size")
            .description("All entries of an archive together expanding to more bytes are refused").required(true)
            .defaultValue("256 MB").addValidator(StandardValidators.DATA_SIZE_VALIDATOR).build();
    static final PropertyDescriptor MEMORY_BUDGET = new PropertyDescriptor.Builder().name("Memory Budget")
            .description("Heap this processor may use for the FlowFiles in work: a series needing more (8 bytes per"
                    + " value, times 4 for the copies PCA and NMF make) is refused with the figures instead of running"
                    + " NiFi out of memory." + Parameters.MEMORY_BUDGET_SCOPE).required(true)
            .defaultValue("512 MB").addValidator(StandardValidators.DATA_SIZE_VALIDATOR).build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(INPUT_FORMAT, MEMBER_ORDER, DATASET_PATH,
            GRID_PATH, EDGE_WINDOW, GRID_MIN, GRID_MAX, GRID_RULE, COUNT_RULE, THRESHOLD, COUNT, NEGATIVE_RULE, MAX_ITER,
            TOLERANCE, COMPONENT_FORMAT, MAX_NMF_PIXELS, MAX_ENTRIES, MAX_ENTRY_SIZE, MAX_EXPANDED, MEMORY_BUDGET);
    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_ORIGINAL, REL_FAILURE);
    private static final String PROCESSOR = "DecomposePCANMF";
    private static final int SLAB_VALUES = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile SeriesInputFormat format;
    private volatile MemberOrder memberOrder;
    private volatile GridRule gridRule;
    private volatile ComponentCountRule countRule;
    private volatile double threshold;
    private volatile Nmf.NegativeRule negativeRule;
    private volatile int maxIter;
    private volatile double tolerance;
    private volatile ComponentFormat componentFormat;
    private volatile int maxNmfPixels;
    private volatile ArchiveLimits limits;
    private volatile long maxValues;

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
        String t = context.getProperty(THRESHOLD).getValue();
        if (t != null) {
            try {
                double v = Double.parseDouble(t);
                if (!(v > 0 && v <= 1)) {
                    results.add(new ValidationResult.Builder().subject(THRESHOLD.getName()).input(t).valid(false)
                            .explanation("must be in (0, 1], e.g. 0.99").build());
                }
            } catch (NumberFormatException e) {
                results.add(new ValidationResult.Builder().subject(THRESHOLD.getName()).input(t).valid(false)
                        .explanation("not a number").build());
            }
        }
        String tol = context.getProperty(TOLERANCE).getValue();
        if (tol != null && !(Double.parseDouble(tol) >= 0)) {
            results.add(new ValidationResult.Builder().subject(TOLERANCE.getName()).input(tol).valid(false)
                    .explanation("must not be negative").build());
        }
        return results;
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) {
        format = SeriesInputFormat.valueOf(enumName(SeriesInputFormat.values(), context.getProperty(INPUT_FORMAT).getValue()));
        memberOrder = context.getProperty(MEMBER_ORDER).getValue().equals(SeriesMemberOrder.ARCHIVE.getValue())
                ? MemberOrder.ARCHIVE : MemberOrder.NATURAL_NAME;
        gridRule = context.getProperty(GRID_RULE).getValue().equals(SeriesGridRule.REFUSE.getValue())
                ? GridRule.REFUSE : GridRule.RESAMPLE_TO_OVERLAP;
        countRule = ComponentCountRule.valueOf(enumName(ComponentCountRule.values(), context.getProperty(COUNT_RULE).getValue()));
        threshold = context.getProperty(THRESHOLD).isSet() || countRule != ComponentCountRule.FIXED
                ? Double.parseDouble(context.getProperty(THRESHOLD).getValue()) : 0.99;
        NegativeValueRule n = NegativeValueRule.valueOf(enumName(NegativeValueRule.values(),
                context.getProperty(NEGATIVE_RULE).getValue()));
        negativeRule = switch (n) {
            case SHIFT -> Nmf.NegativeRule.SHIFT_GLOBAL_MIN;
            case SPLIT -> Nmf.NegativeRule.SPLIT_POS_NEG;
            case CLIP -> Nmf.NegativeRule.CLIP_ZERO;
            case REJECT -> Nmf.NegativeRule.REJECT;
        };
        maxIter = context.getProperty(MAX_ITER).asInteger();
        tolerance = Double.parseDouble(context.getProperty(TOLERANCE).getValue());
        componentFormat = ComponentFormat.valueOf(enumName(ComponentFormat.values(),
                context.getProperty(COMPONENT_FORMAT).getValue()));
        maxNmfPixels = context.getProperty(MAX_NMF_PIXELS).asInteger();
        limits = new ArchiveLimits(context.getProperty(MAX_ENTRIES).asInteger(),
                context.getProperty(MAX_ENTRY_SIZE).asDataSize(DataUnit.B).longValue(),
                context.getProperty(MAX_EXPANDED).asDataSize(DataUnit.B).longValue());
        maxValues = Math.max(1, Parameters.memoryBudget(context, MEMORY_BUDGET) / 32);
    }

    private static String enumName(org.apache.nifi.components.DescribedValue[] values, String value) {
        for (org.apache.nifi.components.DescribedValue v : values) {
            if (v.getValue().equals(value)) {
                return ((Enum<?>) v).name();
            }
        }
        throw new IllegalStateException("unknown value " + value);
    }

    @Override
    public void onTrigger(ProcessContext context, ProcessSession session) {
        FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        long started = System.nanoTime();
        String filename = flowFile.getAttribute(CoreAttributes.FILENAME.key());
        String source = filename == null || filename.isBlank() ? "series" : filename;
        Path spooled = null;
        List<FlowFile> children = new ArrayList<>();
        try {
            Map<String, String> parameters = Parameters.effective(context, flowFile, PROPERTIES);
            DecompositionOptions options = options(context, flowFile);
            double gmin = optionalNumber(context, GRID_MIN, flowFile);
            double gmax = optionalNumber(context, GRID_MAX, flowFile);
            SeriesInputFormat kind = format;
            byte[] head = new byte[512];
            int headLength = readHead(session, flowFile, head);
            if (headLength == 0) {
                throw new InputException("the FlowFile is empty", source);
            }
            boolean hdf5 = SpectraReader.isHdf5(java.util.Arrays.copyOf(head, headLength));
            String dataPath = text(context, DATASET_PATH, flowFile);
            if (kind == SeriesInputFormat.AUTO) {
                if (ArchiveReader.detect(head, headLength) != null) {
                    kind = SeriesInputFormat.ARCHIVE;
                } else if (hdf5) {
                    kind = dataPath != null && is2d(session, flowFile, dataPath) ? SeriesInputFormat.HDF5_SERIES
                            : SeriesInputFormat.STACK;
                } else {
                    kind = SeriesInputFormat.TEXT_COLUMNS;
                }
            }
            List<ProcessStep> history = new ArrayList<>();
            ProcessStep step = ProcessingHistory.step(PROCESSOR, parameters, filename,
                    flowFile.getAttribute(CoreAttributes.UUID.key()));
            String stem = stem(source);
            List<Output> outputs;
            Map<String, String> common = new LinkedHashMap<>();
            if (kind == SeriesInputFormat.STACK) {
                spooled = TempFiles.spool(session, flowFile, ".h5");
                StackDecomposition.Result r;
                try (StackReader reader = StackReader.open(spooled, stackOptions(context, flowFile, dataPath))) {
                    history.addAll(reader.history());
                    history.add(step);
                    r = StackDecomposition.run(reader, Double.isNaN(gmin) ? Double.NEGATIVE_INFINITY : gmin,
                            Double.isNaN(gmax) ? Double.POSITIVE_INFINITY : gmax, options, maxNmfPixels, SLAB_VALUES);
                }
                common.putAll(summary(r.pca().explainedVarianceRatio(), r.k(), r.varianceExplained(), r.reconstructionError(),
                        r.nmf(), r.finitePixels(), r.energies().length, false));
                outputs = stackOutputs(r, stem, history);
            } else {
                List<Curve> curves = readCurves(session, flowFile, kind, source, dataPath, context);
                history.add(step);
                Map<String, List<ProcessStep>> sampleHistory = new LinkedHashMap<>();
                for (Curve c : curves) {
                    if (!c.history().isEmpty()) {
                        sampleHistory.put(c.name(), ProcessingHistory.fromText(c.history()));
                    }
                }
                Series series = CommonGrid.align(curves, gridRule, gmin, gmax, maxValues);
                DecompositionJob.Result r = DecompositionJob.run(series, options);
                boolean gr = componentFormat == ComponentFormat.GR || (componentFormat == ComponentFormat.AUTO
                        && curves.stream().allMatch(c -> c.name().toLowerCase(Locale.ROOT).endsWith(".gr")));
                common.putAll(summary(r.pca().explainedVarianceRatio(), r.k(), r.varianceExplained(),
                        r.nmf().reconstructionError(), r.nmf(), series.samples(), series.points(), series.resampled()));
                outputs = seriesOutputs(r, stem, gr, history, sampleHistory, source);
            }
            common.put(SpectroAttributes.VERSION, BuildInfo.version());
            common.put(SpectroAttributes.PRODUCER, PROCESSOR);
            for (Output out : outputs) {
                FlowFile child = session.create(flowFile);
                children.add(child);
                child = session.write(child, out.content()::write);
                Map<String, String> a = new HashMap<>(common);
                a.putAll(out.attributes());
                child = session.putAllAttributes(child, a);
                children.set(children.size() - 1, child);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            session.getProvenanceReporter().fork(flowFile, children, Parameters.provenanceDetails(parameters, millis), millis);
            session.transfer(children, REL_SUCCESS);
            session.transfer(session.putAllAttributes(flowFile, common), REL_ORIGINAL);
        } catch (InputException e) {
            removeAll(session, children);
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
        } catch (SeriesException e) {
            removeAll(session, children);
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, new InputException(e.getMessage(),
                    e.where().isEmpty() ? source : (e.where().startsWith(source) ? e.where() : source + ", " + e.where()),
                    e.overLimit() ? "limit" : "input", e));
        } catch (StackFormatException e) {
            removeAll(session, children);
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR,
                    NormalizeSpectra.withFlowFileName(InputException.fromStack(e), spooled, flowFile));
        } catch (Exception e) {
            removeAll(session, children);
            Failures.routeUnexpected(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
        } finally {
            TempFiles.deleteQuietly(spooled);
        }
    }

    /** One child to emit: its content writer and its own attributes. */
    private record Output(Content content, Map<String, String> attributes) {
    }

    @FunctionalInterface
    private interface Content {
        void write(OutputStream out) throws IOException;
    }

    private DecompositionOptions options(ProcessContext context, FlowFile flowFile) throws InputException {
        ComponentRule rule = switch (countRule) {
            case THRESHOLD -> ComponentRule.VARIANCE_THRESHOLD;
            case THRESHOLD_PLUS_ONE -> ComponentRule.VARIANCE_THRESHOLD_PLUS_ONE;
            case FIXED -> ComponentRule.FIXED;
        };
        int fixed = 0;
        if (rule == ComponentRule.FIXED) {
            String v = context.getProperty(COUNT).evaluateAttributeExpressions(flowFile).getValue();
            try {
                fixed = Integer.parseInt(v.strip());
            } catch (NumberFormatException | NullPointerException e) {
                throw new InputException("Component Count '" + v + "' is not a whole number", "property Component Count");
            }
        }
        try {
            return new DecompositionOptions(rule, threshold, fixed, negativeRule, maxIter, tolerance);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage(), "processor properties");
        }
    }

    private List<Curve> readCurves(ProcessSession session, FlowFile flowFile, SeriesInputFormat kind, String source,
                                   String dataPath, ProcessContext context) throws Exception {
        List<List<Curve>> holder = new ArrayList<>();
        Exception[] problem = new Exception[1];
        switch (kind) {
            case ARCHIVE -> session.read(flowFile, (InputStream in) -> {
                try {
                    holder.add(ArchiveReader.read(in, source, limits, memberOrder));
                } catch (SeriesException e) {
                    problem[0] = e;
                }
            });
            case TEXT_COLUMNS -> session.read(flowFile, (InputStream in) -> {
                try {
                    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
                    holder.add(ColumnTextReader.read(r, source, maxValues));
                } catch (SeriesException e) {
                    problem[0] = e;
                }
            });
            case HDF5_SERIES -> {
                Path file = TempFiles.spool(session, flowFile, ".h5");
                try {
                    holder.add(Hdf5SeriesReader.read(file, source, dataPath, text(context, GRID_PATH, flowFile), false,
                            maxValues));
                } finally {
                    TempFiles.deleteQuietly(file);
                }
            }
            default -> throw new IllegalStateException("not a curve format: " + kind);
        }
        if (problem[0] != null) {
            throw problem[0];
        }
        return holder.get(0);
    }

    private boolean is2d(ProcessSession session, FlowFile flowFile, String dataPath) throws IOException {
        Path file = TempFiles.spool(session, flowFile, ".h5");
        try (io.jhdf.HdfFile hdf = new io.jhdf.HdfFile(file)) {
            return org.nifispectro.io.stack.Hdf5Paths.resolve(hdf, dataPath) instanceof io.jhdf.api.Dataset d
                    && d.getDimensions().length == 2;
        } catch (org.nifispectro.io.stack.Hdf5Paths.UnsafeLinkException e) {
            return true; // the series reader refuses it with the link named
        } catch (RuntimeException e) {
            return false; // the reader that follows reports what is wrong
        } finally {
            TempFiles.deleteQuietly(file);
        }
    }

    private StackOptions stackOptions(ProcessContext context, FlowFile flowFile, String dataPath) throws InputException {
        String grid = text(context, GRID_PATH, flowFile);
        String label = text(context, EDGE_WINDOW, flowFile);
        if (dataPath != null) {
            if (grid == null) {
                throw new InputException("a stack named by HDF5 Dataset Path also needs its energy dataset in HDF5 Grid "
                        + "Path", "properties HDF5 Dataset Path, HDF5 Grid Path");
            }
            return StackOptions.custom(dataPath, grid);
        }
        if (label != null) {
            if (!label.matches("[A-Za-z0-9_]{1,32}")) {
                throw new InputException("Edge Window '" + label + "' must be a window label (letters, digits, _)",
                        "property Edge Window");
            }
            String group = NormalizedStackLayout.norm(label);
            return StackOptions.custom(NormalizedStackLayout.dataPath(group), NormalizedStackLayout.energyPath(group))
                    .withAxisOrder(AxisOrder.ENERGY_Y_X);
        }
        return StackOptions.DEFAULT;
    }

    private static Map<String, String> summary(double[] ratios, int k, double variance, double error, Nmf.Result nmf,
                                               long samples, int points, boolean resampled) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(ATTR_PCA_COMPONENTS, Integer.toString(k));
        a.put(ATTR_VARIANCE, String.format(Locale.ROOT, "%.8f", variance));
        a.put(ATTR_RATIO_1, String.format(Locale.ROOT, "%.8f", ratios[0]));
        a.put(ATTR_ERROR, String.format(Locale.ROOT, "%.8g", error));
        a.put(ATTR_ITERATIONS, Integer.toString(nmf.nIter()));
        a.put(ATTR_CONVERGED, Boolean.toString(nmf.converged()));
        a.put(ATTR_SHIFT, String.format(Locale.ROOT, "%.8g", nmf.shift()));
        a.put(ATTR_SAMPLES, Long.toString(samples));
        a.put(ATTR_POINTS, Integer.toString(points));
        a.put(ATTR_RESAMPLED, Boolean.toString(resampled));
        return a;
    }

    // ---------------------------------------------------------------- outputs of a series

    /**
     * @param sampleHistory the processing history each member file of the series carried (by member name; members
     *                      without one are absent): kept whole in the weights JSON ("sample_history"), pointed to
     *                      from the headers of the other text outputs
     */
    private List<Output> seriesOutputs(DecompositionJob.Result r, String stem, boolean gr, List<ProcessStep> history,
                                       Map<String, List<ProcessStep>> sampleHistory, String source) {
        List<Output> out = new ArrayList<>();
        Map<String, String> png = ProcessingHistory.pngText(history);
        Series s = r.series();
        int k = r.k();
        for (int t = 0; t < k; t++) {
            double[] c = r.component(t);
            int index = t + 1;
            Map<String, Object> header = componentHeader(r.nmf(), index, k, source);
            if (!sampleHistory.isEmpty()) {
                header.put("samplehistory", sampleHistoryNote(stem, sampleHistory.size(), s.names().length));
            }
            if (gr) {
                out.add(new Output(os -> writeGr(os, header, history, s.grid(), c),
                        attrs(stem + "_nmf_" + index + ".gr", "text/plain", "component", index)));
            } else {
                out.add(new Output(os -> writeSpectrum(os, header, history, "x", s.grid(), c),
                        attrs(stem + "_nmf_" + index + ".csv", "text/csv", "component", index)));
            }
        }
        double[][] w = r.nmf().w();
        Nmf.EndMemberFractions em = r.endMemberFractions();
        String csvNote = sampleHistory.isEmpty() ? null : sampleHistoryNote(stem, sampleHistory.size(), s.names().length);
        out.add(new Output(os -> writeWeightsCsv(os, s.names(), w, r.nmf(), em, history, csvNote),
                attrs(stem + "_weights.csv", "text/csv", "weights.csv", 0)));
        out.add(new Output(os -> writeWeightsJson(os, s.names(), w, r, em, history, sampleHistory),
                attrs(stem + "_weights.json", "application/json", "weights.json", 0)));
        out.add(new Output(os -> os.write(screePlot(r.pca().explainedVarianceRatio(), k, threshold, stem).toPng(png)),
                attrs(stem + "_scree.png", "image/png", "plot", 0)));
        out.add(new Output(os -> os.write(weightsPlot(w, stem).toPng(png)),
                attrs(stem + "_weights.png", "image/png", "plot", 0)));
        out.add(new Output(os -> os.write(componentsPlot(s.grid(), r.nmf(), k, gr ? "r" : "x", gr ? "Å" : "", stem)
                .toPng(png)), attrs(stem + "_components.png", "image/png", "plot", 0)));
        return out;
    }

    private static String sampleHistoryNote(String stem, int withHistory, int samples) {
        return "the processing history of " + withHistory + " of the " + samples + " samples is in " + stem
                + "_weights.json (sample_history)";
    }

    private static Map<String, Object> componentHeader(Nmf.Result nmf, int index, int k, String source) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("title", "NMF component " + index + " of " + k + " from " + source);
        h.put("component", index);
        h.put("components", k);
        h.put("negativerule", nmf.rule().name());
        h.put("shift", nmf.shift());
        h.put("reconstructionerror", nmf.reconstructionError());
        h.put("software", "nifi-spectro " + BuildInfo.version() + " " + PROCESSOR);
        return h;
    }

    private static Map<String, String> attrs(String filename, String mime, String kind, int index) {
        Map<String, String> a = new HashMap<>();
        a.put(CoreAttributes.FILENAME.key(), filename);
        a.put(CoreAttributes.MIME_TYPE.key(), mime);
        a.put(SpectroAttributes.OUTPUT_KIND, kind);
        if (index > 0) {
            a.put(ATTR_INDEX, Integer.toString(index));
        }
        return a;
    }

    private static void writeGr(OutputStream os, Map<String, Object> header, List<ProcessStep> history, double[] r,
                                double[] g) throws IOException {
        Map<String, Object> h = new LinkedHashMap<>(header);
        h.putAll(ProcessingHistory.toHeaderFields(history));
        Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
        GrWriter.write(w, h, r, g);
        w.flush();
    }

    private static void writeSpectrum(OutputStream os, Map<String, Object> header, List<ProcessStep> history,
                                      String xName, double[] x, double[] y) throws IOException {
        Writer w = new java.io.BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
        for (Map.Entry<String, Object> e : header.entrySet()) {
            w.write("# " + e.getKey() + ": " + e.getValue() + "\n");
        }
        for (String line : ProcessingHistory.toCommentLines(history, "# ")) {
            w.write(line + "\n");
        }
        w.write(xName + ",intensity\n");
        for (int j = 0; j < x.length; j++) {
            w.write(Double.toString(x[j]) + "," + y[j] + "\n");
        }
        w.flush();
    }

    private static void writeWeightsCsv(OutputStream os, String[] names, double[][] w, Nmf.Result nmf,
                                        Nmf.EndMemberFractions em, List<ProcessStep> history, String sampleHistoryNote)
            throws IOException {
        Writer out = new java.io.BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
        for (String line : ProcessingHistory.toCommentLines(history, "# ")) {
            out.write(line + "\n");
        }
        if (sampleHistoryNote != null) {
            out.write("# " + sampleHistoryNote + "\n");
        }
        int k = w.length == 0 ? 0 : w[0].length;
        if (em != null) {
            StringBuilder ends = new StringBuilder("# end members (most nearly pure sample of each component):");
            for (int t = 0; t < k; t++) {
                ends.append(' ').append(t + 1).append('=').append(names[em.endMembers()[t]]);
            }
            out.write(ends.append('\n').toString());
        }
        StringBuilder head = new StringBuilder("index,sample");
        for (int t = 1; t <= k; t++) {
            head.append(",w").append(t);
        }
        for (int t = 1; t <= k; t++) {
            head.append(",rownorm").append(t);
        }
        if (em != null) {
            for (int t = 1; t <= k; t++) {
                head.append(",fraction").append(t);
            }
            head.append(",closure");
        }
        out.write(head.append('\n').toString());
        for (int i = 0; i < w.length; i++) {
            StringBuilder b = new StringBuilder().append(i + 1).append(',').append(csv(names[i]));
            for (double v : w[i]) {
                b.append(',').append(v);
            }
            for (double v : nmf.rowNormalisedWeights(i)) {
                b.append(',').append(v);
            }
            if (em != null) {
                for (double v : em.fractions()[i]) {
                    b.append(',').append(v);
                }
                b.append(',').append(em.closure()[i]);
            }
            out.write(b.append('\n').toString());
        }
        out.flush();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static void writeWeightsJson(OutputStream os, String[] names, double[][] w, DecompositionJob.Result r,
                                         Nmf.EndMemberFractions em, List<ProcessStep> history,
                                         Map<String, List<ProcessStep>> sampleHistory) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("samples", List.of(names));
        doc.put("components", r.k());
        doc.put("pca_explained_variance_ratio", r.pca().explainedVarianceRatio());
        doc.put("pca_variance_explained", r.varianceExplained());
        doc.put("nmf_reconstruction_err", r.nmf().reconstructionError());
        doc.put("nmf_n_iter", r.nmf().nIter());
        doc.put("nmf_converged", r.nmf().converged());
        doc.put("nmf_negative_rule", r.nmf().rule().name());
        doc.put("nmf_shift_subtracted", r.nmf().shift());
        doc.put("W", w);
        double[][] rn = new double[w.length][];
        for (int i = 0; i < w.length; i++) {
            rn[i] = r.nmf().rowNormalisedWeights(i);
        }
        doc.put("W_rownorm", rn);
        if (em != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            List<String> ends = new ArrayList<>();
            for (int i : em.endMembers()) {
                ends.add(names[i]);
            }
            f.put("end_members", ends);
            f.put("fractions", em.fractions());
            f.put("closure", em.closure());
            f.put("meaning", "non-negative least-squares weights of each sample on the end-member samples, in the data's "
                    + "units (for X-ray PDFs: share of the scattered signal, not atomic or mass fraction)");
            doc.put("end_member_fractions", f);
        }
        doc.put("history", ProcessingHistory.toJsonNode(history));
        if (!sampleHistory.isEmpty()) {
            Map<String, Object> sh = new LinkedHashMap<>();
            sampleHistory.forEach((name, steps) -> sh.put(name, ProcessingHistory.toJsonNode(steps)));
            doc.put("sample_history", sh);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(new NonClosing(os), doc);
    }

    // ---------------------------------------------------------------- outputs of a stack

    private List<Output> stackOutputs(StackDecomposition.Result r, String stem, List<ProcessStep> history) {
        List<Output> out = new ArrayList<>();
        Map<String, String> png = ProcessingHistory.pngText(history);
        int k = r.k();
        for (int t = 0; t < k; t++) {
            int index = t + 1;
            double[] c = r.nmf().signedComponent(t);
            Map<String, Object> header = componentHeader(r.nmf(), index, k, stem);
            header.put("reconstructionerror", r.reconstructionError());
            out.add(new Output(os -> writeSpectrum(os, header, history, "energy_eV", r.energies(), c),
                    attrs(stem + "_nmf_" + index + ".csv", "text/csv", "component", index)));
            float[] map = r.maps()[t];
            out.add(new Output(os -> os.write(Figure.of(1, 1, ContinuousMap.create(stem + ": NMF component " + index
                            + " weight", map, r.ny(), r.nx()).colorbarLabel("weight", "")).toPng(png)),
                    attrs(stem + "_map_" + index + ".png", "image/png", "map", index)));
        }
        out.add(new Output(os -> writeStackWeightsCsv(os, r, history), attrs(stem + "_weights.csv", "text/csv",
                "weights.csv", 0)));
        out.add(new Output(os -> writeStackWeightsJson(os, r, history), attrs(stem + "_weights.json", "application/json",
                "weights.json", 0)));
        out.add(new Output(os -> os.write(screePlot(r.pca().explainedVarianceRatio(), k, threshold, stem).toPng(png)),
                attrs(stem + "_scree.png", "image/png", "plot", 0)));
        out.add(new Output(os -> os.write(componentsPlot(r.energies(), r.nmf(), k, "energy", "eV", stem).toPng(png)),
                attrs(stem + "_components.png", "image/png", "plot", 0)));
        return out;
    }

    private static void writeStackWeightsCsv(OutputStream os, StackDecomposition.Result r, List<ProcessStep> history)
            throws IOException {
        Writer out = new java.io.BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
        for (String line : ProcessingHistory.toCommentLines(history, "# ")) {
            out.write(line + "\n");
        }
        StringBuilder head = new StringBuilder("pixel,y,x");
        for (int t = 1; t <= r.k(); t++) {
            head.append(",w").append(t);
        }
        out.write(head.append('\n').toString());
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < r.ny() * r.nx(); p++) {
            if (Float.isNaN(r.maps()[0][p])) {
                continue;
            }
            b.setLength(0);
            b.append(p).append(',').append(p / r.nx()).append(',').append(p % r.nx());
            for (int t = 0; t < r.k(); t++) {
                b.append(',').append(r.maps()[t][p]);
            }
            out.write(b.append('\n').toString());
        }
        out.flush();
    }

    private static void writeStackWeightsJson(OutputStream os, StackDecomposition.Result r, List<ProcessStep> history)
            throws IOException {
        try (JsonGenerator g = JSON.getFactory().createGenerator(new NonClosing(os), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("components", r.k());
            g.writeNumberField("ny", r.ny());
            g.writeNumberField("nx", r.nx());
            g.writeNumberField("pixels_used", r.finitePixels());
            g.writeNumberField("pixels_skipped", r.skippedPixels());
            g.writeNumberField("nmf_fit_pixels", r.nmfPixels());
            g.writeFieldName("pca_explained_variance_ratio");
            g.writeArray(r.pca().explainedVarianceRatio(), 0, r.pca().explainedVarianceRatio().length);
            g.writeNumberField("pca_variance_explained", r.varianceExplained());
            g.writeNumberField("nmf_reconstruction_err", r.reconstructionError());
            g.writeNumberField("nmf_n_iter", r.nmf().nIter());
            g.writeStringField("nmf_negative_rule", r.nmf().rule().name());
            g.writeNumberField("nmf_shift_subtracted", r.nmf().shift());
            g.writeFieldName("maps");
            g.writeStartArray();
            for (float[] map : r.maps()) {
                g.writeStartArray();
                for (float v : map) {
                    if (Float.isNaN(v)) {
                        g.writeNull();
                    } else {
                        g.writeNumber(v);
                    }
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeFieldName("history");
            g.writeRawValue(ProcessingHistory.toJson(history));
            g.writeEndObject();
        }
    }

    // ---------------------------------------------------------------- plots

    static Figure screePlot(double[] ratios, int k, double threshold, String stem) {
        int n = Math.min(ratios.length, Math.max(10, k + 3));
        n = Math.min(n, ratios.length);
        double[] idx = new double[n];
        double[] r = new double[n];
        double[] cum = new double[n];
        double c = 0;
        for (int i = 0; i < n; i++) {
            idx[i] = i + 1;
            r[i] = ratios[i];
            c += ratios[i];
            cum[i] = c;
        }
        LinePlot p = LinePlot.create(stem + ": PCA explained variance (" + k + " component" + (k == 1 ? "" : "s")
                + " chosen)").xLabel("component", "").yLabel("explained variance ratio", "")
                .yRange(0, 1.05).xRange(0, n + 1)
                .add("ratio", idx, r, LinePlot.Mode.BARS)
                .add("cumulative", idx, cum, LinePlot.Mode.LINE_MARKERS)
                .add(String.format(Locale.ROOT, "threshold %.3g", threshold), new double[] {0, n + 1},
                        new double[] {threshold, threshold}, LinePlot.Mode.DASHED);
        return Figure.of(1, 1, p);
    }

    static Figure weightsPlot(double[][] w, String stem) {
        int n = w.length, k = n == 0 ? 0 : w[0].length;
        double[] idx = new double[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i + 1;
        }
        LinePlot p = LinePlot.create(stem + ": NMF weights by sample").xLabel("sample index", "").yLabel("weight", "");
        for (int t = 0; t < k; t++) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = w[i][t];
            }
            p.add("component " + (t + 1), idx, y, n > 60 ? LinePlot.Mode.LINE : LinePlot.Mode.LINE_MARKERS);
        }
        if (n > 0) {
            p.xRange(n <= 10 ? 0 : 1, n <= 10 ? n + 1 : n);
        }
        return Figure.of(1, 1, p);
    }

    static Figure componentsPlot(double[] x, Nmf.Result nmf, int k, String xName, String xUnit, String stem) {
        LinePlot p = LinePlot.create(stem + ": NMF components").xLabel(xName, xUnit).yLabel("component", "");
        for (int t = 0; t < k; t++) {
            p.add("component " + (t + 1), x, nmf.signedComponent(t), LinePlot.Mode.LINE);
        }
        return Figure.of(1, 1, p);
    }

    // ---------------------------------------------------------------- helpers

    private static int readHead(ProcessSession session, FlowFile flowFile, byte[] head) {
        int[] n = new int[1];
        session.read(flowFile, (InputStream in) -> n[0] = in.readNBytes(head, 0, head.length));
        return n[0];
    }

    private static String text(ProcessContext context, PropertyDescriptor d, FlowFile flowFile) {
        String v = context.getProperty(d).evaluateAttributeExpressions(flowFile).getValue();
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static double optionalNumber(ProcessContext context, PropertyDescriptor d, FlowFile flowFile)
            throws InputException {
        String v = text(context, d, flowFile);
        if (v == null) {
            return Double.NaN;
        }
        try {
            double x = Double.parseDouble(v);
            if (!Double.isFinite(x)) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new InputException(d.getName() + " '" + v + "' is not a finite number", "property " + d.getName());
        }
    }

    private static void removeAll(ProcessSession session, List<FlowFile> children) {
        for (FlowFile c : children) {
            session.remove(c);
        }
        children.clear();
    }

    private static String stem(String filename) {
        String base = filename.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        base = dot > 0 ? base.substring(0, dot) : base;
        base = base.replaceAll("[^A-Za-z0-9._-]", "_");
        return base.isEmpty() ? "series" : base;
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
