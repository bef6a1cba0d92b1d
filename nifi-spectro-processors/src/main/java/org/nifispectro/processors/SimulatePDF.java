package org.nifispectro.processors;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.SideEffectFree;
import org.apache.nifi.annotation.behavior.SupportsBatching;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.util.StandardValidators;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.pdf.CrystalStructure;
import org.nifispectro.pdf.PdfCalculator;
import org.nifispectro.pdf.PdfLimits;
import org.nifispectro.pdf.PdfParameters;
import org.nifispectro.pdf.PdfResult;
import org.nifispectro.pdf.cif.CifBlock;
import org.nifispectro.pdf.cif.CifException;
import org.nifispectro.pdf.cif.CifParser;
import org.nifispectro.pdf.cif.CifStructureReader;
import org.nifispectro.pdf.cif.SymmetrySource;
import org.nifispectro.pdf.StructureVariants;
import org.nifispectro.pdf.io.GrWriter;
import org.nifispectro.processors.common.BuildInfo;
import org.nifispectro.processors.common.Failures;
import org.nifispectro.processors.common.InputException;
import org.nifispectro.processors.common.Parameters;
import org.nifispectro.processors.common.ProcessingHistory;
import org.nifispectro.processors.common.SpectroAttributes;

@SideEffectFree
@SupportsBatching
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Tags({"pdf", "pair distribution function", "x-ray", "cif", "crystal structure", "diffpy", "simulation", "synchrotron"})
@CapabilityDescription("Computes X-ray pair distribution functions G(r) from crystal structures in a CIF file, as "
        + "DiffPy-CMI's PDFCalculator does, with DiffPy's parameter names. Every data block of the CIF gives one .gr "
        + "file (PDFgetX3 layout) as a child FlowFile; optionally N variants per structure with lattice parameters "
        + "(+-4 % within the crystal system's constraints) and Uiso (0.005-0.025 A^2) sampled by Latin hypercube, the "
        + "training-set recipe of MLstructureMining.")
@WritesAttributes({
        @WritesAttribute(attribute = "pdf.source", description = "The CIF file name without extension"),
        @WritesAttribute(attribute = "pdf.block", description = "The CIF data block the structure came from"),
        @WritesAttribute(attribute = "pdf.formula", description = "Formula of the unit cell, e.g. Na4 Cl4"),
        @WritesAttribute(attribute = "pdf.space.group", description = "Space group symbol as given in the CIF"),
        @WritesAttribute(attribute = "pdf.symmetry.source", description = "Symmetry Source used: Listed Operators or DiffPy Compatible"),
        @WritesAttribute(attribute = "pdf.atoms.in.cell", description = "Atoms in the unit cell after symmetry expansion"),
        @WritesAttribute(attribute = "pdf.number.density", description = "Atoms per cubic angstrom"),
        @WritesAttribute(attribute = "pdf.variant", description = "0 for the structure as given, 1..N for sampled variants"),
        @WritesAttribute(attribute = "spectro.error", description = "On failure: what is wrong"),
        @WritesAttribute(attribute = "spectro.error.where", description = "On failure: the CIF line or tag")
})
public class SimulatePDF extends AbstractProcessor {

    public static final Relationship REL_SUCCESS = new Relationship.Builder().name("success")
            .description("One .gr file per structure (and per variant)").build();
    public static final Relationship REL_ORIGINAL = new Relationship.Builder().name("original")
            .description("The input CIF, once all its PDFs were computed").build();
    public static final Relationship REL_FAILURE = new Relationship.Builder().name("failure")
            .description("CIFs that could not be read or computed, with spectro.error and spectro.error.where").build();

    static final PropertyDescriptor RMIN = number("rmin", "0.0", "Lower end of the r grid (angstrom)");
    static final PropertyDescriptor RMAX = number("rmax", "30.1",
            "Upper end of the r grid (angstrom), excluded as in DiffPy: 30.1 with rstep 0.1 gives r = 0 ... 30.0");
    static final PropertyDescriptor RSTEP = number("rstep", "0.1", "Spacing of the r grid (angstrom)");
    static final PropertyDescriptor QMIN = number("qmin", "0.7", "Lower Q limit of the simulated measurement (1/angstrom); 0 for none");
    static final PropertyDescriptor QMAX = number("qmax", "20.0", "Upper Q limit, termination ripples (1/angstrom); 0 for none");
    static final PropertyDescriptor QDAMP = number("qdamp", "0.04", "Gaussian damping of the PDF envelope from the instrument Q resolution (1/angstrom)");
    static final PropertyDescriptor QBROAD = number("qbroad", "0.0", "Peak broadening from the Q resolution (1/angstrom)");
    static final PropertyDescriptor DELTA1 = number("delta1", "0.0", "Correlated-motion peak sharpening, 1/r term (angstrom)");
    static final PropertyDescriptor DELTA2 = number("delta2", "2.0", "Correlated-motion peak sharpening, 1/r^2 term (angstrom^2)");
    static final PropertyDescriptor SCALE = number("scale", "1.0", "Overall scale factor");
    static final PropertyDescriptor UISO = new PropertyDescriptor.Builder().name("uiso")
            .description("Isotropic displacement U given to every atom (angstrom^2, e.g. 0.005). Empty keeps the CIF's "
                    + "Uiso/Biso/Uij (atoms without any get 0).")
            .required(false).addValidator(StandardValidators.NUMBER_VALIDATOR)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    static final PropertyDescriptor SPDIAMETER = new PropertyDescriptor.Builder().name("spdiameter")
            .description("Diameter of a spherical nanoparticle (angstrom) for the shape envelope; empty for a bulk crystal")
            .required(false).addValidator(StandardValidators.NUMBER_VALIDATOR)
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    static final PropertyDescriptor SCALE_TO_MAXIMUM = new PropertyDescriptor.Builder().name("Scale To Maximum")
            .description("Divide each G(r) by its maximum, as the MLstructureMining training data are")
            .required(true).allowableValues("true", "false").defaultValue("false").build();
    static final PropertyDescriptor VARIANTS = new PropertyDescriptor.Builder().name("Variants Per Structure")
            .description("0: the structure as given. N > 0: N variants per structure instead, lattice lengths within "
                    + "+-4 % (respecting the crystal system) and Uiso in 0.005-0.025 A^2 sampled by Latin hypercube "
                    + "(the MLstructureMining training recipe); uiso is then ignored")
            .required(true).defaultValue("0").addValidator(StandardValidators.createLongValidator(0, 10_000, true))
            .expressionLanguageSupported(ExpressionLanguageScope.FLOWFILE_ATTRIBUTES).build();
    static final PropertyDescriptor SEED = new PropertyDescriptor.Builder().name("Random Seed")
            .description("Seed of the variant sampling: the same seed gives the same variants")
            .required(true).defaultValue("0").addValidator(StandardValidators.LONG_VALIDATOR).build();
    static final PropertyDescriptor MAX_ATOMS = new PropertyDescriptor.Builder().name("Maximum Atoms In Cell")
            .description("Structures with more atoms in the unit cell (after symmetry expansion) are refused to failure "
                    + "with the count, instead of occupying a thread for minutes")
            .required(true).defaultValue("5000").addValidator(StandardValidators.POSITIVE_INTEGER_VALIDATOR).build();
    static final PropertyDescriptor MAX_CIF_SIZE = new PropertyDescriptor.Builder().name("Maximum CIF Size")
            .description("Larger inputs are refused to failure before being read into memory")
            .required(true).defaultValue("50 MB").addValidator(StandardValidators.DATA_SIZE_VALIDATOR).build();

    static final PropertyDescriptor SYMMETRY_SOURCE = new PropertyDescriptor.Builder().name("Symmetry Source")
            .description("Where the operators that expand the asymmetric unit come from. 'Listed Operators' (default, the "
                    + "crystallographically correct reading): the operators the CIF lists (_space_group_symop_operation_xyz "
                    + "or _symmetry_equiv_pos_as_xyz), as written; the space-group symbol only when none are listed. "
                    + "'DiffPy Compatible': what DiffPy-CMI's CIF reader does, to reproduce PDFs made with DiffPy-CMI "
                    + "(e.g. MLstructureMining training data): the listed operators are used only if they are exactly a "
                    + "setting of DiffPy's space-group table; otherwise the group named by _space_group_IT_number / "
                    + "_symmetry_Int_Tables_number (or the Hermann-Mauguin symbol) is expanded in DiffPy's setting "
                    + "(origin choice 1, hexagonal axes), even where that contradicts the listed operators (about 6 % "
                    + "of COD/AMCSD files, typically origin-choice-2 files: diamond Si then has 16 atoms per cell)")
            .required(true).allowableValues(SymmetrySource.LISTED_OPERATORS.displayName(),
                    SymmetrySource.DIFFPY_COMPATIBLE.displayName())
            .defaultValue(SymmetrySource.LISTED_OPERATORS.displayName()).build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(RMIN, RMAX, RSTEP, QMIN, QMAX, QDAMP, QBROAD,
            DELTA1, DELTA2, UISO, SCALE, SPDIAMETER, SCALE_TO_MAXIMUM, VARIANTS, SEED, MAX_ATOMS, MAX_CIF_SIZE,
            SYMMETRY_SOURCE);
    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_ORIGINAL, REL_FAILURE);
    private static final String PROCESSOR = "SimulatePDF";

    private volatile PdfLimits limits;
    private volatile boolean scaleToMaximum;
    private volatile long seed;
    private volatile long maxCifBytes;
    private volatile SymmetrySource symmetrySource = SymmetrySource.LISTED_OPERATORS;

    private static PropertyDescriptor number(String name, String defaultValue, String description) {
        return new PropertyDescriptor.Builder().name(name).description(description).required(true)
                .defaultValue(defaultValue).addValidator(StandardValidators.NUMBER_VALIDATOR)
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
    protected java.util.Collection<ValidationResult> customValidate(ValidationContext context) {
        List<ValidationResult> results = new ArrayList<>();
        if (!context.isExpressionLanguagePresent(context.getProperty(RMAX).getValue())
                && !context.isExpressionLanguagePresent(context.getProperty(RMIN).getValue())) {
            double rmin = context.getProperty(RMIN).asDouble();
            double rmax = context.getProperty(RMAX).asDouble();
            if (!(rmax > rmin)) {
                results.add(new ValidationResult.Builder().subject("rmax").valid(false)
                        .explanation("rmax (" + rmax + ") must be above rmin (" + rmin + ")").build());
            }
        }
        return results;
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) {
        limits = new PdfLimits(context.getProperty(MAX_ATOMS).asInteger(), PdfLimits.defaults().maxPairs());
        scaleToMaximum = context.getProperty(SCALE_TO_MAXIMUM).asBoolean();
        seed = context.getProperty(SEED).asLong();
        maxCifBytes = context.getProperty(MAX_CIF_SIZE).asDataSize(org.apache.nifi.processor.DataUnit.B).longValue();
        symmetrySource = SymmetrySource.parse(context.getProperty(SYMMETRY_SOURCE).getValue());
    }

    @Override
    public void onTrigger(ProcessContext context, ProcessSession session) {
        FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        long start = System.nanoTime();
        String filename = flowFile.getAttribute(CoreAttributes.FILENAME.key());
        List<Output> outputs;
        Map<String, String> parameters;
        try {
            parameters = Parameters.effective(context, flowFile, PROPERTIES);
            PdfParameters pdfParameters = pdfParameters(context, flowFile);
            int variants = context.getProperty(VARIANTS).evaluateAttributeExpressions(flowFile).asInteger();
            outputs = simulate(readCif(session, flowFile, filename), filename, pdfParameters, variants);
        } catch (InputException e) {
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
            return;
        } catch (Exception e) {
            Failures.routeUnexpected(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
            return;
        }

        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String source = stem(filename);
        List<ProcessStep> history = List.of(ProcessingHistory.step(PROCESSOR, parameters, filename, flowFile.getAttribute(CoreAttributes.UUID.key())));
        List<FlowFile> children = new ArrayList<>();
        for (Output out : outputs) {
            FlowFile child = session.create(flowFile);
            child = session.write(child, (OutputStream os) -> writeGr(os, out, parameters, history));
            Map<String, String> attributes = new HashMap<>();
            attributes.put(CoreAttributes.FILENAME.key(), out.filename(source));
            attributes.put(CoreAttributes.MIME_TYPE.key(), "text/plain");
            attributes.put("pdf.source", source);
            attributes.put("pdf.block", out.structure().name());
            attributes.put("pdf.formula", out.structure().cellFormula());
            attributes.put("pdf.space.group", out.structure().spaceGroup());
            attributes.put("pdf.symmetry.source", symmetrySource.displayName());
            attributes.put("pdf.atoms.in.cell", Integer.toString(out.result().atoms()));
            attributes.put("pdf.number.density", String.format(Locale.ROOT, "%.6f", out.result().numberDensity()));
            attributes.put("pdf.variant", Integer.toString(out.variant()));
            attributes.put(SpectroAttributes.VERSION, BuildInfo.version());
            attributes.put(SpectroAttributes.PRODUCER, PROCESSOR);
            attributes.put(SpectroAttributes.OUTPUT_KIND, "gr");
            children.add(session.putAllAttributes(child, attributes));
        }
        session.getProvenanceReporter().fork(flowFile, children, Parameters.provenanceDetails(parameters, millis), millis);
        session.transfer(children, REL_SUCCESS);
        session.transfer(flowFile, REL_ORIGINAL);
    }

    /** One .gr to emit. */
    private record Output(CrystalStructure structure, int variant, boolean singleBlock, PdfResult result, double[] g,
                          PdfParameters parameters) {
        String filename(String source) {
            StringBuilder name = new StringBuilder(source);
            if (!singleBlock) {
                name.append('_').append(structure.name().replaceAll("[^A-Za-z0-9._-]", "_"));
            }
            if (variant > 0) {
                name.append(String.format(Locale.ROOT, "_v%04d", variant));
            }
            return name.append(".gr").toString();
        }
    }

    private List<Output> simulate(List<CrystalStructure> structures, String filename, PdfParameters p, int variants)
            throws InputException {
        PdfCalculator calculator = PdfCalculator.of(p, limits);
        List<Output> outputs = new ArrayList<>();
        boolean single = structures.size() == 1;
        for (CrystalStructure s : structures) {
            List<StructureVariants.Variant> list = variants == 0 ? List.of()
                    : StructureVariants.mlstructureMining(s, variants, seed);
            try {
                if (list.isEmpty()) {
                    outputs.add(output(calculator, s, 0, single, p));
                } else {
                    PdfParameters own = p.withUiso(Double.NaN);
                    PdfCalculator variantCalculator = PdfCalculator.of(own, limits);
                    for (StructureVariants.Variant v : list) {
                        outputs.add(output(variantCalculator, v.structure(), v.index() + 1, single, own));
                    }
                }
            } catch (IllegalArgumentException e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                String where = filename + ", data block " + s.name();
                throw message.contains("too large") ? InputException.overLimit(message, where) : new InputException(message, where);
            }
        }
        return outputs;
    }

    private Output output(PdfCalculator calculator, CrystalStructure s, int variant, boolean single, PdfParameters p) {
        PdfResult result = calculator.calculate(s);
        double[] g = scaleToMaximum ? result.gScaledToMax() : result.g();
        return new Output(s, variant, single, result, g, p);
    }

    private List<CrystalStructure> readCif(ProcessSession session, FlowFile flowFile, String filename) throws InputException {
        if (flowFile.getSize() > maxCifBytes) {
            throw InputException.overLimit("CIF of " + flowFile.getSize() + " bytes exceeds Maximum CIF Size of "
                    + maxCifBytes + " bytes", filename);
        }
        if (flowFile.getSize() == 0) {
            throw new InputException("the CIF is empty", filename);
        }
        byte[][] content = new byte[1][];
        session.read(flowFile, (InputStream in) -> content[0] = in.readAllBytes());
        try {
            List<CifBlock> blocks = CifParser.parse(CifParser.decode(content[0]), filename);
            List<CrystalStructure> structures = CifStructureReader.defaults().withSymmetrySource(symmetrySource).readAll(blocks);
            if (structures.isEmpty()) {
                throw new InputException("no crystal structure (cell and atom sites) in any data block", filename);
            }
            return structures;
        } catch (CifException e) {
            StringBuilder where = new StringBuilder(filename == null ? "CIF" : filename);
            if (e.line() > 0) {
                where.append(", line ").append(e.line());
            }
            if (e.tag() != null && !e.tag().isEmpty()) {
                where.append(", tag ").append(e.tag());
            }
            throw new InputException(e.getMessage(), where.toString());
        }
    }

    private static PdfParameters pdfParameters(ProcessContext context, FlowFile flowFile) throws InputException {
        try {
            double uiso = optional(context, UISO, flowFile);
            double spdiameter = optional(context, SPDIAMETER, flowFile);
            PdfParameters base = PdfParameters.diffpyDefaults();
            return new PdfParameters(value(context, RMIN, flowFile), value(context, RMAX, flowFile),
                    value(context, RSTEP, flowFile), value(context, QMIN, flowFile), value(context, QMAX, flowFile),
                    value(context, QDAMP, flowFile), value(context, QBROAD, flowFile), value(context, DELTA1, flowFile),
                    value(context, DELTA2, flowFile), uiso, value(context, SCALE, flowFile),
                    Double.isNaN(spdiameter) ? 0 : spdiameter, base.peakPrecision(), base.maxExtension());
        } catch (IllegalArgumentException e) {
            throw new InputException("invalid PDF parameters: " + e.getMessage(), "processor properties");
        }
    }

    private static double value(ProcessContext context, PropertyDescriptor d, FlowFile flowFile) {
        String text = context.getProperty(d).evaluateAttributeExpressions(flowFile).getValue();
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(d.getName() + " = '" + text + "' is not a number");
        }
    }

    private static double optional(ProcessContext context, PropertyDescriptor d, FlowFile flowFile) {
        String text = context.getProperty(d).evaluateAttributeExpressions(flowFile).getValue();
        return text == null || text.isBlank() ? Double.NaN : value(context, d, flowFile);
    }

    private static void writeGr(OutputStream os, Output out, Map<String, String> parameters, List<ProcessStep> history)
            throws IOException {
        Map<String, Object> header = GrWriter.header(out.parameters(), out.structure());
        if (Double.isNaN(out.parameters().uiso()) && out.variant() > 0) {
            header.put("uiso", out.structure().size() == 0 ? "variant" : out.structure().uiso()[0]);
        }
        header.put("scaledtomaximum", out.g() != out.result().g());
        header.put("variant", out.variant());
        header.put("version", BuildInfo.version());
        header.putAll(ProcessingHistory.toHeaderFields(history));
        java.io.Writer w = new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8);
        GrWriter.write(w, header, out.result().r(), out.g());
        w.flush();
    }

    private static String stem(String filename) {
        if (filename == null || filename.isBlank()) {
            return "structure";
        }
        // the output's filename must not carry the input's directory part ("../../x.gr"): PutFile joins it to
        // its directory (found by PathSecurityTest)
        String name = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        name = dot > 0 ? name.substring(0, dot) : name;
        return name.isBlank() || name.equals(".") || name.equals("..") ? "structure" : name;
    }
}
