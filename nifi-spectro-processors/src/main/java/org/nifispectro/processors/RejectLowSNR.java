package org.nifispectro.processors;

import java.nio.file.Path;
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
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.util.StandardValidators;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.pipeline.PipelineException;
import org.nifispectro.pipeline.RejectJob;
import org.nifispectro.processors.common.BuildInfo;
import org.nifispectro.processors.common.Failures;
import org.nifispectro.processors.common.InputException;
import org.nifispectro.processors.common.Parameters;
import org.nifispectro.processors.common.ProcessingHistory;
import org.nifispectro.processors.common.SpectroAttributes;
import org.nifispectro.processors.common.TempFiles;
import org.nifispectro.processors.property.SnrSignal;
import org.nifispectro.processors.property.SnrWindowRule;

@SideEffectFree
@InputRequirement(Requirement.INPUT_REQUIRED)
@Tags({"xas", "xanes", "spectro-microscopy", "snr", "signal-to-noise", "mask", "hdf5", "nexus", "stack", "synchrotron"})
@CapabilityDescription("Rejects the pixels of a NormalizeSpectra output whose spectra carry too little signal: per pixel and"
        + " edge window, SNR = edge step (or white line) / pre-edge noise is compared with Minimum SNR, in all windows or in any. Emits a"
        + " new NeXus HDF5 FlowFile: the input's stacks (copied slab by slab), maps and history plus an SNR map per window"
        + " and a mask (1 kept, 0 rejected). A stack in which every pixel is rejected goes to failure with the highest SNR"
        + " found, never on as an empty result.")
@SeeAlso(NormalizeSpectra.class)
@WritesAttributes({
    @WritesAttribute(attribute = "filename", description = "<input base name>_snr.h5"),
    @WritesAttribute(attribute = "mime.type", description = "application/x-hdf5"),
    @WritesAttribute(attribute = RejectLowSNR.ATTR_KEPT, description = "Pixels kept"),
    @WritesAttribute(attribute = RejectLowSNR.ATTR_REJECTED, description = "Pixels rejected (including NaN pixels)"),
    @WritesAttribute(attribute = RejectLowSNR.ATTR_REJECTED_FRACTION, description = "Rejected pixels / all pixels, 0 to 1"),
    @WritesAttribute(attribute = RejectLowSNR.ATTR_THRESHOLD, description = "The Minimum SNR used"),
    @WritesAttribute(attribute = "snr.<label>.median", description = "Median SNR of the window over pixels with a finite SNR"),
    @WritesAttribute(attribute = SpectroAttributes.VERSION, description = "nifi-spectro version"),
    @WritesAttribute(attribute = SpectroAttributes.PRODUCER, description = "RejectLowSNR"),
    @WritesAttribute(attribute = SpectroAttributes.OUTPUT_KIND, description = "masked-stack"),
    @WritesAttribute(attribute = SpectroAttributes.ERROR, description = "On failure: what is wrong"),
    @WritesAttribute(attribute = SpectroAttributes.ERROR_WHERE, description = "On failure: file and dataset"),
    @WritesAttribute(attribute = SpectroAttributes.ERROR_KIND, description = "On failure: input, limit or internal")
})
@SystemResourceConsideration(resource = SystemResource.MEMORY, description = "Holds the per-pixel maps (a few float images"
        + " per window) and one slab of one normalized stack; the slab height fits the Memory Budget, and an input whose"
        + " maps and single image row do not fit goes to failure before the maps are read.")
@SystemResourceConsideration(resource = SystemResource.DISK, description = "The input is spooled to a temporary file and the"
        + " output written to another one (about the size of the input) before it is imported; both are always deleted.")
public class RejectLowSNR extends AbstractProcessor {

    static final String ATTR_KEPT = "snr.pixels.kept";
    static final String ATTR_REJECTED = "snr.pixels.rejected";
    static final String ATTR_REJECTED_FRACTION = "snr.rejected.fraction";
    static final String ATTR_THRESHOLD = "snr.threshold";
    static final String OUTPUT_KIND = "masked-stack";

    public static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description("The new NeXus HDF5 FlowFile with the SNR maps and the mask")
            .build();
    public static final Relationship REL_ORIGINAL = new Relationship.Builder()
            .name("original")
            .description("The input, unchanged, once its child has been created")
            .build();
    public static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure")
            .description("Inputs that are not a readable NormalizeSpectra output, are over the memory budget, or in which"
                    + " every pixel is rejected; unchanged, with spectro.error and spectro.error.where, penalized")
            .build();

    public static final PropertyDescriptor MIN_SNR = new PropertyDescriptor.Builder()
            .name("Minimum SNR")
            .description("A pixel's edge step / pre-edge noise must be at least this in a window for the window to accept it."
                    + " 10 means the normalized spectrum's noise is at most a tenth of the edge step.")
            .required(true)
            .defaultValue("10")
            .addValidator(StandardValidators.createNonNegativeFloatingPointValidator(1e9))
            .build();
    public static final PropertyDescriptor SIGNAL = new PropertyDescriptor.Builder()
            .name("Signal")
            .description("What is divided by the pre-edge noise to give the SNR")
            .required(true)
            .allowableValues(SnrSignal.class)
            .defaultValue(SnrSignal.EDGE_STEP)
            .build();
    public static final PropertyDescriptor WINDOW_RULE = new PropertyDescriptor.Builder()
            .name("Window Rule")
            .description("How the edge windows' decisions combine")
            .required(true)
            .allowableValues(SnrWindowRule.class)
            .defaultValue(SnrWindowRule.ALL)
            .build();
    public static final PropertyDescriptor MEMORY_BUDGET = new PropertyDescriptor.Builder()
            .name("Memory Budget")
            .description("Heap this processor may use for the FlowFiles in work: sets the slab height used to copy the"
                    + " stacks; an input whose maps and smallest slab do not fit goes to failure with 'needs X, budget Y'."
                    + Parameters.MEMORY_BUDGET_SCOPE)
            .required(true)
            .defaultValue("1 GB")
            .addValidator(StandardValidators.DATA_SIZE_VALIDATOR)
            .build();

    private static final List<PropertyDescriptor> PROPERTY_DESCRIPTORS = List.of(MIN_SNR, SIGNAL, WINDOW_RULE, MEMORY_BUDGET);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_ORIGINAL, REL_FAILURE);

    private static final String PROCESSOR = "RejectLowSNR";

    private volatile RejectJob.Config config;

    @Override
    public Set<Relationship> getRelationships() {
        return RELATIONSHIPS;
    }

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTY_DESCRIPTORS;
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) {
        config = new RejectJob.Config(
                context.getProperty(MIN_SNR).asDouble(),
                context.getProperty(WINDOW_RULE).asAllowableValue(SnrWindowRule.class).rule(),
                Parameters.memoryBudget(context, MEMORY_BUDGET),
                context.getProperty(SIGNAL).asAllowableValue(SnrSignal.class).signal());
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
            String fileName = flowFile.getAttribute(CoreAttributes.FILENAME.key());
            ProcessStep step = ProcessingHistory.step(PROCESSOR, parameters, fileName, flowFile.getAttribute(CoreAttributes.UUID.key()));
            input = TempFiles.spool(session, flowFile, ".h5");
            output = TempFiles.createNamed(NormalizeSpectra.baseName(fileName) + "_snr.h5");
            RejectJob.Result result = RejectJob.run(input, output, config, step);

            child = session.create(flowFile);
            child = session.importFrom(output, false, child);
            child = session.putAllAttributes(child, attributes(result, fileName));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            session.getProvenanceReporter().fork(flowFile, List.of(child), Parameters.provenanceDetails(parameters, millis), millis);
            session.transfer(child, REL_SUCCESS);
            session.transfer(flowFile, REL_ORIGINAL);
        } catch (StackFormatException e) {
            child = removeQuietly(session, child);
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR,
                    NormalizeSpectra.withFlowFileName(InputException.fromStack(e), input, flowFile));
        } catch (PipelineException e) {
            child = removeQuietly(session, child);
            InputException problem = new InputException(e.getMessage(), e.where(), e.overLimit() ? "limit" : "input", e);
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR,
                    NormalizeSpectra.withFlowFileName(problem, input, flowFile));
        } catch (Exception e) {
            child = removeQuietly(session, child);
            Failures.routeUnexpected(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
        } finally {
            TempFiles.deleteQuietly(input);
            TempFiles.deleteQuietly(output);
        }
    }

    private static FlowFile removeQuietly(ProcessSession session, FlowFile child) {
        if (child != null) {
            session.remove(child);
        }
        return null;
    }

    private static Map<String, String> attributes(RejectJob.Result r, String inputName) {
        Map<String, String> a = new HashMap<>();
        a.put(CoreAttributes.FILENAME.key(), NormalizeSpectra.baseName(inputName) + "_snr.h5");
        a.put(CoreAttributes.MIME_TYPE.key(), NormalizeSpectra.MIME_TYPE);
        a.put(ATTR_KEPT, Long.toString(r.kept()));
        a.put(ATTR_REJECTED, Long.toString(r.rejected()));
        a.put(ATTR_REJECTED_FRACTION, String.format(Locale.ROOT, "%.6f", r.rejectedFraction()));
        a.put(ATTR_THRESHOLD, java.math.BigDecimal.valueOf(r.threshold()).stripTrailingZeros().toPlainString());
        for (RejectJob.WindowSnr w : r.windows()) {
            a.put("snr." + w.label() + ".median", NormalizeSpectra.num(w.snrMedian()));
        }
        a.put(SpectroAttributes.VERSION, BuildInfo.version());
        a.put(SpectroAttributes.PRODUCER, PROCESSOR);
        a.put(SpectroAttributes.OUTPUT_KIND, OUTPUT_KIND);
        return a;
    }
}
