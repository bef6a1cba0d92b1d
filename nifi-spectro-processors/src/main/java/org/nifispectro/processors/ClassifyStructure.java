package org.nifispectro.processors;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.SideEffectFree;
import org.apache.nifi.annotation.behavior.SupportsBatching;
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
import org.apache.nifi.processor.DataUnit;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.nifispectro.classify.Candidate;
import org.nifispectro.classify.CatalogEntry;
import org.nifispectro.classify.ClassifierModel;
import org.nifispectro.classify.ElementFilter;
import org.nifispectro.pdf.io.GrText;
import org.nifispectro.classify.ModelCache;
import org.nifispectro.classify.ModelFile;
import org.nifispectro.classify.ModelFormatException;
import org.nifispectro.classify.PdfInputException;
import org.nifispectro.classify.PrototypeClassifier;
import org.nifispectro.classify.StructureClass;
import org.nifispectro.pdf.io.GrData;
import org.nifispectro.pdf.io.GrFormatException;
import org.nifispectro.pdf.io.GrReader;
import org.nifispectro.plot.BarChart;
import org.nifispectro.plot.Figure;
import org.nifispectro.processors.common.BuildInfo;
import org.nifispectro.processors.property.ConfidenceLevel;
import org.nifispectro.processors.property.ElementFilterSource;
import org.nifispectro.processors.common.Failures;
import org.nifispectro.processors.common.InputException;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.processors.common.Parameters;
import org.nifispectro.processors.common.ProcessingHistory;
import org.nifispectro.processors.common.SpectroAttributes;

@SideEffectFree
@SupportsBatching
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Tags({"pdf", "pair distribution function", "x-ray", "crystal structure", "classification", "phase identification",
        "machine learning", "synchrotron"})
@CapabilityDescription("Proposes the crystal structure behind a measured pair distribution function G(r) (.gr: "
        + "PDFgetX3, PDFgui or two-column layout, any r grid) without chemical input, as MLstructureMining does: the "
        + "PDF is resampled to the model's r grid and ranked against a catalog of structure classes (structures whose "
        + "simulated PDFs correlate with Pearson r >= 0.95 share a class). Writes the top-k ranking as JSON (class, "
        + "representative structure and the other structures of the class with formula, space group and source, "
        + "probability) routed to identified or unidentified by a confidence rule, a PNG bar chart of the top-k, and "
        + "attributes for the top candidate. The model is the one shipped with the project or one trained with "
        + "org.nifispectro.classify.TrainModel from any CIF folder. Optionally, as MLstructureMining's chemical "
        + "constraint, only classes containing given elements are ranked (Element Filter).")
@SeeAlso(SimulatePDF.class)
@WritesAttributes({
        @WritesAttribute(attribute = "classify.top.class", description = "Class index of the top candidate in the model"),
        @WritesAttribute(attribute = "classify.top.formula", description = "Unit-cell formula of the top class's representative"),
        @WritesAttribute(attribute = "classify.top.space.group", description = "Space group of the top class's representative"),
        @WritesAttribute(attribute = "classify.top.source", description = "Source id (CIF path in the training folder) of the representative"),
        @WritesAttribute(attribute = "classify.top.probability", description = "SoftMax probability of the top class"),
        @WritesAttribute(attribute = "classify.top.correlation", description = "Pearson correlation of the input with the top class's best prototype"),
        @WritesAttribute(attribute = "classify.top.type", description = "Structure type of the top class: space group, "
                + "atoms per cell, per-element counts (e.g. Fm3m|4|4 for fcc metals)"),
        @WritesAttribute(attribute = "classify.second.probability", description = "Probability of the second class"),
        @WritesAttribute(attribute = "classify.top.type.probability", description = "Summed probability of the ranked "
                + "classes of the top class's structure type"),
        @WritesAttribute(attribute = "classify.next.type.probability", description = "Summed probability of the best "
                + "other structure type"),
        @WritesAttribute(attribute = "classify.probability.ratio", description = "The ratio the confidence rule judged: "
                + "top type / next type, or top class / second class (Confidence Rule Level)"),
        @WritesAttribute(attribute = "classify.none.probability", description = "Probability that the structure is none of the catalog's"),
        @WritesAttribute(attribute = "classify.identified", description = "true when the confidence rule is met"),
        @WritesAttribute(attribute = "classify.model", description = "Model file used (or 'default')"),
        @WritesAttribute(attribute = "classify.element.filter", description = "Elements every ranked class had to "
                + "contain (Element Filter), space separated; empty when no constraint was applied"),
        @WritesAttribute(attribute = "classify.element.filter.classes", description = "Number of classes the element "
                + "filter admitted (all classes without a constraint); 0: no class of the catalog contains them, the "
                + "ranking is empty and the input goes to unidentified"),
        @WritesAttribute(attribute = "spectro.error", description = "On failure: what is wrong"),
        @WritesAttribute(attribute = "spectro.error.where", description = "On failure: the file line or range")
})
public class ClassifyStructure extends AbstractProcessor {

    public static final Relationship REL_IDENTIFIED = new Relationship.Builder().name("identified")
            .description("The top-k ranking (JSON) when the confidence rule is met").build();
    public static final Relationship REL_UNIDENTIFIED = new Relationship.Builder().name("unidentified")
            .description("The top-k ranking (JSON) when the confidence rule is not met: no convincing candidate in "
                    + "the catalog (flat probabilities)").build();
    public static final Relationship REL_CHART = new Relationship.Builder().name("chart")
            .description("A PNG bar chart of the top-k probabilities (unless Write Chart is false)").build();
    public static final Relationship REL_ORIGINAL = new Relationship.Builder().name("original")
            .description("The input .gr, once classified").build();
    public static final Relationship REL_FAILURE = new Relationship.Builder().name("failure")
            .description("Inputs that are not a usable PDF, with spectro.error and spectro.error.where").build();

    static final PropertyDescriptor MODEL_FILE = new PropertyDescriptor.Builder().name("Model File")
            .description("Model zip written by org.nifispectro.classify.TrainModel (a path, or a parameter-context "
                    + "asset reference). Empty: the model shipped with nifi-spectro. Loaded and validated once when "
                    + "the processor is scheduled.")
            // checked in customValidate (an empty value, also an empty parameter, means the shipped model), so no
            // resource validator here: NiFi's would refuse the empty value
            .required(false).addValidator(Validator.VALID)
            .expressionLanguageSupported(ExpressionLanguageScope.ENVIRONMENT).build();
    static final PropertyDescriptor TOP_K = new PropertyDescriptor.Builder().name("Top K")
            .description("Number of candidates in the ranking and the chart")
            .required(true).defaultValue("5").addValidator(StandardValidators.createLongValidator(1, 100, true)).build();
    static final PropertyDescriptor MIN_PROBABILITY = new PropertyDescriptor.Builder().name("Minimum Top Probability")
            .description("Identified only if the probability the confidence rule judges (the top class's structure type, "
                    + "or the top class: Confidence Rule Level) is at least this (0-1)")
            .required(true).defaultValue("0.3").addValidator(probability()).build();
    static final PropertyDescriptor MIN_RATIO = new PropertyDescriptor.Builder().name("Minimum Probability Ratio")
            .description("Identified only if the judged probability is at least this multiple of the next type's (or "
                    + "the second class's) (>= 1)")
            .required(true).defaultValue("1.5").addValidator(StandardValidators.NUMBER_VALIDATOR).build();
    static final PropertyDescriptor CONFIDENCE_LEVEL = new PropertyDescriptor.Builder().name("Confidence Rule Level")
            .description("What Minimum Top Probability and Minimum Probability Ratio judge: the top class's structure "
                    + "type (summed probability of its classes against the best other type) or the top class alone")
            .required(true).allowableValues(ConfidenceLevel.class).defaultValue(ConfidenceLevel.STRUCTURE_TYPE).build();
    static final PropertyDescriptor MAX_SIZE = new PropertyDescriptor.Builder().name("Maximum Input Size")
            .description("Larger inputs are refused to failure before being read into memory")
            .required(true).defaultValue("20 MB").addValidator(StandardValidators.DATA_SIZE_VALIDATOR).build();

    static final PropertyDescriptor WRITE_CHART = new PropertyDescriptor.Builder().name("Write Chart")
            .description("Whether each input also gives a PNG bar chart of its top-k on 'chart'. false for long in-situ "
                    + "series where the JSON and the attributes are enough: drawing and encoding the chart is about a "
                    + "third of this processor's time per PDF (docs/classify-report.md)")
            .required(true).allowableValues("true", "false").defaultValue("true").build();

    static final PropertyDescriptor ELEMENT_FILTER = new PropertyDescriptor.Builder().name("Element Filter")
            .description("Optional chemical constraint (MLstructureMining, seed 004: 'eliminate all proposed structures "
                    + "that do not include Ce'): rank only classes holding a structure that contains every given "
                    + "element. The probabilities stay those over the whole catalog, so a low value still says the "
                    + "data are not much like the best admitted class.")
            .required(true).allowableValues(ElementFilterSource.class).defaultValue(ElementFilterSource.NONE).build();
    static final PropertyDescriptor REQUIRED_ELEMENTS = new PropertyDescriptor.Builder().name("Required Elements")
            .description("Element symbols separated by spaces, commas or dashes ('Cd Se', 'Fe-O') or a formula "
                    + "('CdSe'); counts are ignored. May refer to FlowFile attributes (${sample.elements}); a value "
                    + "that is not a list of elements sends the FlowFile to failure.")
            .required(true).dependsOn(ELEMENT_FILTER, ElementFilterSource.LISTED)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(MODEL_FILE, TOP_K, MIN_PROBABILITY, MIN_RATIO,
            CONFIDENCE_LEVEL, MAX_SIZE, WRITE_CHART, ELEMENT_FILTER, REQUIRED_ELEMENTS);
    /**
     * Candidates ranked internally, so the best class of another structure type is found even when the
     * top-k shown are all of the top's type.
     */
    private static final int TYPE_SEARCH = 64;
    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_IDENTIFIED, REL_UNIDENTIFIED, REL_CHART,
            REL_ORIGINAL, REL_FAILURE);
    private static final String PROCESSOR = "ClassifyStructure";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private volatile ClassifierModel model;
    /** Structure-type key of each class of {@link #model}, computed once when it is loaded. */
    private volatile String[] typeKeys;
    private volatile String modelName;
    private volatile int topK;
    private volatile boolean writeChart;
    private volatile ConfidenceLevel confidenceLevel;
    private volatile double minProbability;
    private volatile double minRatio;
    private volatile long maxBytes;
    private volatile ElementFilterSource filterSource;
    /** Admitted-class masks of {@link #model} per element set, filled as element sets are met. */
    private volatile Map<String, Mask> masks = new ConcurrentHashMap<>();

    private static org.apache.nifi.components.Validator probability() {
        return (subject, input, context) -> {
            boolean ok;
            try {
                double v = Double.parseDouble(input.strip());
                ok = v >= 0 && v <= 1;
            } catch (NumberFormatException | NullPointerException e) {
                ok = false;
            }
            return new ValidationResult.Builder().subject(subject).input(input).valid(ok)
                    .explanation(ok ? null : "must be a number between 0 and 1").build();
        };
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
    protected java.util.Collection<ValidationResult> customValidate(ValidationContext context) {
        List<ValidationResult> results = new ArrayList<>();
        String ratio = context.getProperty(MIN_RATIO).getValue();
        if (ratio != null) {
            try {
                if (!(Double.parseDouble(ratio.strip()) >= 1)) {
                    results.add(invalid(MIN_RATIO.getName(), ratio, "must be at least 1"));
                }
            } catch (NumberFormatException e) {
                // reported by the number validator
            }
        }
        if (context.getProperty(ELEMENT_FILTER).asAllowableValue(ElementFilterSource.class) == ElementFilterSource.LISTED) {
            String listed = context.getProperty(REQUIRED_ELEMENTS).getValue();
            if (listed != null && !context.isExpressionLanguagePresent(listed)) {
                try {
                    ElementFilter.parse(listed);
                } catch (IllegalArgumentException e) {
                    results.add(invalid(REQUIRED_ELEMENTS.getName(), listed, e.getMessage()));
                }
            }
        }
        String path = context.getProperty(MODEL_FILE).evaluateAttributeExpressions().getValue();
        try {
            load(path);
        } catch (ModelFormatException e) {
            results.add(invalid(MODEL_FILE.getName(), path, e.getMessage()));
        }
        return results;
    }

    private static ValidationResult invalid(String subject, String input, String why) {
        return new ValidationResult.Builder().subject(subject).input(input).valid(false).explanation(why).build();
    }

    private static ClassifierModel load(String path) throws ModelFormatException {
        return path == null || path.isBlank() ? ModelCache.loadDefault() : ModelCache.load(Path.of(path.strip()));
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) {
        String path = context.getProperty(MODEL_FILE).evaluateAttributeExpressions().getValue();
        try {
            ClassifierModel loaded = load(path);
            String[] keys = new String[loaded.classes().size()];
            for (int c = 0; c < keys.length; c++) {
                keys[c] = loaded.classes().get(c).representative().structureTypeKey();
            }
            typeKeys = keys;
            model = loaded;
        } catch (ModelFormatException e) {
            throw new ProcessException(e.getMessage(), e);
        }
        modelName = path == null || path.isBlank() ? "default" : path.strip();
        topK = context.getProperty(TOP_K).asInteger();
        minProbability = context.getProperty(MIN_PROBABILITY).asDouble();
        minRatio = context.getProperty(MIN_RATIO).asDouble();
        confidenceLevel = context.getProperty(CONFIDENCE_LEVEL).asAllowableValue(ConfidenceLevel.class);
        maxBytes = context.getProperty(MAX_SIZE).asDataSize(DataUnit.B).longValue();
        writeChart = context.getProperty(WRITE_CHART).asBoolean();
        filterSource = context.getProperty(ELEMENT_FILTER).asAllowableValue(ElementFilterSource.class);
        masks = new ConcurrentHashMap<>();
    }

    @Override
    public void onTrigger(ProcessContext context, ProcessSession session) {
        FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        long start = System.nanoTime();
        String filename = flowFile.getAttribute(CoreAttributes.FILENAME.key());
        ClassifierModel m = model;
        String[] types = typeKeys;
        Classified classified;
        List<ProcessStep> history = new ArrayList<>();
        try {
            classified = classify(context, session, flowFile, filename, m, history);
        } catch (InputException e) {
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
            return;
        } catch (Exception e) {
            Failures.routeUnexpected(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
            return;
        }
        PrototypeClassifier.Ranking result0 = classified.ranking();
        List<Candidate> ranked = result0.candidates();
        // empty only when an element filter admits no class of the catalog
        Candidate top = ranked.isEmpty() ? null : ranked.get(0);
        StructureClass topClass = top == null ? null : m.classes().get(top.classId());
        double second = ranked.size() > 1 ? ranked.get(1).probability() : 0;
        double[] typeP = top == null ? new double[] {0, 0} : typeProbabilities(types, ranked);
        boolean byClass = confidenceLevel == ConfidenceLevel.CLASS;
        double judged = top == null ? 0 : byClass ? top.probability() : typeP[0];
        double reference = byClass ? second : typeP[1];
        double ratio = reference > 0 ? judged / reference : Double.POSITIVE_INFINITY;
        boolean identified = top != null && judged >= minProbability && ratio >= minRatio;
        List<Candidate> ranking = ranked.subList(0, Math.min(topK, ranked.size()));
        PrototypeClassifier.Ranking shown = new PrototypeClassifier.Ranking(ranking, result0.noneProbability());

        Map<String, String> attributes = new HashMap<>();
        if (top != null) {
            attributes.put("classify.top.class", Integer.toString(top.classId()));
            attributes.put("classify.top.formula", topClass.representative().formula());
            attributes.put("classify.top.space.group", topClass.representative().spaceGroup());
            attributes.put("classify.top.source", topClass.representative().sourceId());
            attributes.put("classify.top.probability", fmt(top.probability()));
            attributes.put("classify.top.correlation", fmt(top.correlation()));
            attributes.put("classify.top.type", types[top.classId()]);
            attributes.put("classify.second.probability", fmt(second));
            attributes.put("classify.top.type.probability", fmt(typeP[0]));
            attributes.put("classify.next.type.probability", fmt(typeP[1]));
            attributes.put("classify.probability.ratio", Double.isInfinite(ratio) ? "Infinity" : fmt(ratio));
        }
        attributes.put("classify.none.probability", fmt(result0.noneProbability()));
        attributes.put("classify.element.filter", classified.filter().toString());
        attributes.put("classify.element.filter.classes", Integer.toString(classified.admitted()));
        attributes.put("classify.identified", Boolean.toString(identified));
        attributes.put("classify.model", modelName);
        attributes.put(SpectroAttributes.VERSION, BuildInfo.version());
        attributes.put(SpectroAttributes.PRODUCER, PROCESSOR);

        String stem = stem(filename);
        Map<String, String> parameters = Parameters.effective(context, flowFile, PROPERTIES);
        history.add(ProcessingHistory.step(PROCESSOR, parameters, filename, flowFile.getAttribute(CoreAttributes.UUID.key())));
        byte[] json;
        byte[] png;
        try {
            Map<String, Object> report = report(filename, m, shown, identified, classified);
            report.put("history", ProcessingHistory.toJsonNode(history));
            json = MAPPER.writeValueAsBytes(report);
            png = writeChart && !ranking.isEmpty() ? chart(stem, m, ranking, history) : null;
        } catch (IOException | RuntimeException e) {
            Failures.routeUnexpected(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR,
                    e instanceof IOException io ? io : new IOException(e));
            return;
        }
        FlowFile result = output(session, flowFile, json, attributes, stem + ".classify.json", "application/json",
                "classification");
        FlowFile image = png == null ? null
                : output(session, flowFile, png, attributes, stem + ".classify.png", "image/png", "chart");

        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String details = top == null
                ? String.format(Locale.ROOT, "no class contains %s -> unidentified; %s", classified.filter(),
                        Parameters.provenanceDetails(parameters, millis))
                : String.format(Locale.ROOT, "top %s %s p=%.3f ratio=%s -> %s; %s",
                        topClass.representative().formula(), topClass.representative().spaceGroup(), top.probability(),
                        Double.isInfinite(ratio) ? "inf" : String.format(Locale.ROOT, "%.2f", ratio),
                        identified ? "identified" : "unidentified", Parameters.provenanceDetails(parameters, millis));
        session.getProvenanceReporter().fork(flowFile, image == null ? List.of(result) : List.of(result, image),
                details, millis);
        session.transfer(result, identified ? REL_IDENTIFIED : REL_UNIDENTIFIED);
        if (image != null) {
            session.transfer(image, REL_CHART);
        }
        session.transfer(flowFile, REL_ORIGINAL);
    }

    /** A child of {@code parent} holding {@code content}, with the shared attributes and its own name and kind. */
    private static FlowFile output(ProcessSession session, FlowFile parent, byte[] content, Map<String, String> attributes,
                                   String filename, String mimeType, String kind) {
        FlowFile f = session.write(session.create(parent), (OutputStream os) -> os.write(content));
        Map<String, String> a = new HashMap<>(attributes);
        a.put(CoreAttributes.FILENAME.key(), filename);
        a.put(CoreAttributes.MIME_TYPE.key(), mimeType);
        a.put(SpectroAttributes.OUTPUT_KIND, kind);
        return session.putAllAttributes(f, a);
    }

    /**
     * {summed probability of the ranked classes of the top's structure type, that of the best other type}. When
     * no other type is among the ranked candidates and the ranking was cut, the last one's probability stands in
     * for the other type (an upper bound of any single class left out).
     */
    static double[] typeProbabilities(String[] typeKeys, List<Candidate> ranked) {
        String topType = typeKeys[ranked.get(0).classId()];
        Map<String, Double> totals = new LinkedHashMap<>();
        for (Candidate c : ranked) {
            totals.merge(typeKeys[c.classId()], c.probability(), Double::sum);
        }
        double next = -1;
        for (Map.Entry<String, Double> e : totals.entrySet()) {
            if (!e.getKey().equals(topType)) {
                next = Math.max(next, e.getValue());
            }
        }
        if (next < 0) {
            next = ranked.size() < typeKeys.length ? ranked.get(ranked.size() - 1).probability() : 0;
        }
        return new double[] {totals.get(topType), next};
    }

    /**
     * A ranking and the chemical constraint it was made under.
     *
     * @param admitted number of classes the filter admitted (all without one)
     */
    private record Classified(PrototypeClassifier.Ranking ranking, ElementFilter filter, int admitted) {
    }

    /** The Element Filter for one input: from the property, the file's header or none. */
    private ElementFilter elementFilter(ProcessContext context, FlowFile flowFile, String header, String name)
            throws InputException {
        try {
            return switch (filterSource) {
                case NONE -> ElementFilter.none();
                case LISTED -> {
                    String listed = context.getProperty(REQUIRED_ELEMENTS).evaluateAttributeExpressions(flowFile).getValue();
                    ElementFilter f = ElementFilter.parse(listed);
                    if (f.isEmpty()) {
                        throw new IllegalArgumentException("Required Elements is empty for this FlowFile");
                    }
                    yield f;
                }
                case FILE_HEADER -> ElementFilter.parse(ElementFilter.composition(header));
            };
        } catch (IllegalArgumentException e) {
            throw new InputException("element filter: " + e.getMessage(), filterSource == ElementFilterSource.LISTED
                    ? "property " + REQUIRED_ELEMENTS.getName() : name + ", composition line of the header");
        }
    }

    /** The classes one element set admits, and how many they are. */
    private record Mask(boolean[] admitted, int count) {
        static Mask of(ElementFilter filter, ClassifierModel m) {
            boolean[] a = filter.admitted(m.classes());
            int n = 0;
            for (boolean b : a) {
                n += b ? 1 : 0;
            }
            return new Mask(a, n);
        }
    }

    private Classified classify(ClassifierModel m, double[] r, double[] g, ElementFilter filter)
            throws PdfInputException {
        int k = Math.max(topK, TYPE_SEARCH);
        if (filter.isEmpty()) {
            return new Classified(m.classify(r, g, k), filter, m.classes().size());
        }
        Mask mask = masks.computeIfAbsent(filter.toString(), key -> Mask.of(filter, m));
        return new Classified(m.classify(r, g, k, mask.admitted()), filter, mask.count());
    }

    /** Classifies the PDF; adds the processing history the input's header carries to {@code history}. */
    private Classified classify(ProcessContext context, ProcessSession session, FlowFile flowFile, String filename,
                                ClassifierModel m, List<ProcessStep> history) throws InputException {
        String name = filename == null ? "input" : filename;
        if (flowFile.getSize() > maxBytes) {
            throw InputException.overLimit("input of " + flowFile.getSize() + " bytes exceeds Maximum Input Size of "
                    + maxBytes + " bytes", name);
        }
        if (flowFile.getSize() == 0) {
            throw new InputException("the input is empty, not a PDF", name);
        }
        byte[][] content = new byte[1][];
        session.read(flowFile, (InputStream in) -> content[0] = in.readAllBytes());
        for (int i = 0; i < Math.min(content[0].length, 4096); i++) {
            if (content[0][i] == 0) {
                throw new InputException("binary content (NUL byte at offset " + i + "): not a .gr text file", name);
            }
        }
        // fast path for plain decimal columns after a start-data line (GrText: the same numbers as
        // GrReader, ~6x faster on 6,000-row files); anything else goes through GrReader below
        GrText.Columns fast = GrText.parse(content[0]);
        if (fast != null) {
            String header = GrText.header(content[0], fast);
            history.addAll(ProcessingHistory.fromText(header.isEmpty() ? List.of()
                    : Arrays.asList(header.split("\r?\n|\r"))));
            ElementFilter filter = elementFilter(context, flowFile, header, name);
            try {
                return classify(m, fast.r(), fast.g(), filter);
            } catch (PdfInputException e) {
                List<String> lines = Arrays.asList(new String(content[0], StandardCharsets.ISO_8859_1)
                        .split("\r?\n|\r", -1));
                String where = e.row() >= 0 ? name + ", line " + lineOfRow(lines, e.row()) : name;
                throw new InputException(e.getMessage(), where);
            }
        }
        List<String> lines = Arrays.asList(new String(content[0], StandardCharsets.ISO_8859_1).split("\r?\n|\r", -1));
        List<String> headerLines = headerLines(lines);
        history.addAll(ProcessingHistory.fromText(headerLines));
        ElementFilter filter = elementFilter(context, flowFile, String.join("\n", headerLines), name);
        GrData data;
        try {
            data = GrReader.parse(lines, name);
        } catch (GrFormatException e) {
            throw new InputException("not a readable PDF: " + e.getMessage(),
                    e.line() > 0 ? name + ", line " + e.line() : name);
        }
        try {
            return classify(m, data.r(), data.g(), filter);
        } catch (PdfInputException e) {
            String where = e.row() >= 0 ? name + ", line " + lineOfRow(lines, e.row()) : name;
            throw new InputException(e.getMessage(), where);
        }
    }

    /** The lines before the data (the header), where a .gr keeps its processing history. */
    private static List<String> headerLines(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.startsWith("#") && t.replace("#", "").trim().equalsIgnoreCase("start data")) {
                return lines.subList(0, i);
            }
        }
        return lines.size() > 200 ? lines.subList(0, 200) : lines;
    }

    /** 1-based file line of the 0-based data row, counted as GrReader counts rows. */
    static int lineOfRow(List<String> lines, int row) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.startsWith("#") && t.replace("#", "").trim().equalsIgnoreCase("start data")) {
                start = i;
            }
        }
        int k = 0;
        for (int i = start + 1; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] tok = t.split("[\\s,]+");
            boolean numeric = tok.length >= 2;
            try {
                Double.parseDouble(tok[0].replace('D', 'E').replace('d', 'e'));
            } catch (NumberFormatException e) {
                numeric = false;
            }
            if (!numeric) {
                continue;
            }
            if (k == row) {
                return i + 1;
            }
            k++;
        }
        return -1;
    }

    private Map<String, Object> report(String filename, ClassifierModel m, PrototypeClassifier.Ranking result,
                                       boolean identified, Classified classified) {
        List<Candidate> ranking = result.candidates();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("input", filename);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("file", modelName);
        model.put("format", ModelFile.FORMAT);
        model.put("version", ModelFile.VERSION);
        model.put("classes", m.classes().size());
        model.put("grid", m.classifier().grid().toString());
        out.put("model", model);
        out.put("identified", identified);
        out.put("rule", Map.of("minimumTopProbability", minProbability, "minimumProbabilityRatio", minRatio,
                "level", confidenceLevel.getValue()));
        out.put("noneProbability", result.noneProbability());
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("source", filterSource.getValue());
        filter.put("elements", List.copyOf(classified.filter().elements()));
        filter.put("admittedClasses", classified.admitted());
        filter.put("note", classified.filter().isEmpty() ? "no chemical constraint"
                : "only classes holding a structure with all these elements are ranked; probabilities are over the "
                        + "whole catalog");
        out.put("elementFilter", filter);
        List<Object> list = new ArrayList<>();
        int rank = 1;
        for (Candidate c : ranking) {
            StructureClass sc = m.classes().get(c.classId());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("rank", rank++);
            e.put("class", c.classId());
            e.put("probability", c.probability());
            e.put("correlation", c.correlation());
            e.put("representative", entry(sc.representative()));
            List<Object> members = new ArrayList<>();
            for (CatalogEntry ce : sc.members()) {
                members.add(entry(ce));
            }
            e.put("members", members);
            list.add(e);
        }
        out.put("candidates", list);
        return out;
    }

    private static Map<String, Object> entry(CatalogEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("formula", e.formula());
        m.put("spaceGroup", e.spaceGroup());
        m.put("source", e.sourceId());
        return m;
    }

    private static byte[] chart(String stem, ClassifierModel m, List<Candidate> ranking, List<ProcessStep> history) {
        BarChart chart = BarChart.create("Top-" + ranking.size() + " structure classes: " + stem).probabilities()
                .xLabel("Probability", null);
        for (Candidate c : ranking) {
            StructureClass sc = m.classes().get(c.classId());
            chart.bar(sc.label() + " (class " + c.classId() + ")", c.probability());
        }
        return Figure.of(1, 1, chart).toPng(ProcessingHistory.pngText(history));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String stem(String filename) {
        if (filename == null || filename.isBlank()) {
            return "pdf";
        }
        // the output's filename must not carry the input's directory part ("../../x.gr"): PutFile joins it to
        // its directory (found by PathSecurityTest)
        String name = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        name = dot > 0 ? name.substring(0, dot) : name;
        return name.isBlank() || name.equals(".") || name.equals("..") ? "pdf" : name;
    }
}
