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
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.util.StandardValidators;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.pipeline.ClusterJob;
import org.nifispectro.pipeline.PipelineException;
import org.nifispectro.plot.CategoricalMap;
import org.nifispectro.plot.Figure;
import org.nifispectro.plot.LinePlot;
import org.nifispectro.plot.Panel;
import org.nifispectro.processors.common.BuildInfo;
import org.nifispectro.processors.common.Failures;
import org.nifispectro.processors.common.InputException;
import org.nifispectro.processors.common.Parameters;
import org.nifispectro.processors.common.ProcessingHistory;
import org.nifispectro.processors.common.SpectroAttributes;
import org.nifispectro.processors.common.TempFiles;
import org.nifispectro.processors.property.EpsEstimateRule;
import org.nifispectro.processors.property.PcaComponentRule;

@SideEffectFree
@InputRequirement(Requirement.INPUT_REQUIRED)
@Tags({"xas", "xanes", "spectro-microscopy", "dbscan", "pca", "clustering", "phase map", "hdf5", "nexus", "synchrotron"})
@CapabilityDescription("Groups the pixels of a RejectLowSNR (or NormalizeSpectra) output into phases without being told how"
        + " many there are: per edge window, PCA over an energy range of the normalized spectra of the kept pixels, then"
        + " DBSCAN on the PCA scores (Eps given or estimated from the k-distance curve). Outliers (DBSCAN noise) form their"
        + " own group, the minority phase, kept apart from rejected low-SNR pixels. Emits a NeXus HDF5 FlowFile with the"
        + " label maps, per-cluster mean spectra with pixel counts, PCA explained variance, the L3/L2 agreement when two"
        + " windows are clustered, and the processing history; and a PNG of the phase maps and mean spectra.")
@SeeAlso({NormalizeSpectra.class, RejectLowSNR.class, ExtractEXAFS.class})
@WritesAttributes({
    @WritesAttribute(attribute = "filename", description = "<input base name>_dbscan.h5 or <input base name>_dbscan.png"),
    @WritesAttribute(attribute = "mime.type", description = "application/x-hdf5 or image/png"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_CLUSTERS, description = "Clusters found in the first window (outlier"
            + " group not counted)"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_OUTLIERS, description = "Pixels in the outlier group (minority phase),"
            + " first window"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_PER_CLUSTER, description = "Pixels per cluster, first window, e.g."
            + " 0:123456,1:98765,outliers:1937"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_REJECTED_FRACTION, description = "Pixels not clustered (mask or"
            + " non-finite) / all pixels, first window"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_EPS, description = "Eps used in the first window (score units)"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_EPS_METHOD, description = "'given' or the automatic rule used"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_MINPTS, description = "MinPts used"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_MIN_CLUSTER_PIXELS, description = "Minimum Cluster Size in pixels,"
            + " first window (0 = off)"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_SMALL_CLUSTERS, description = "DBSCAN clusters below the Minimum"
            + " Cluster Size merged into the outlier group, first window (their pixels: dbscan.<label>.small.cluster.pixels)"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_COMPONENTS, description = "PCA scores clustered, first window"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_VARIANCE, description = "Cumulative explained variance ratio of those"
            + " scores, first window"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_WINDOWS, description = "Edge windows clustered, comma separated"),
    @WritesAttribute(attribute = "dbscan.<label>.cluster.count", description = "Per window: clusters found (likewise"
            + " dbscan.<label>.outlier.count, .pixels.per.cluster, .eps, pca.<label>.components, .variance.explained)"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_ARI, description = "Adjusted Rand index of the first two windows'"
            + " labels over the pixels clustered in both (only with two or more windows)"),
    @WritesAttribute(attribute = DBSCANCluster.ATTR_CONTINGENCY, description = "Their contingency table as text,"
            + " rows = first window's labels, e.g. '0:[100,2] 1:[3,90] -1:[0,5]; cols 0,1'"),
    @WritesAttribute(attribute = SpectroAttributes.VERSION, description = "nifi-spectro version"),
    @WritesAttribute(attribute = SpectroAttributes.PRODUCER, description = "DBSCANCluster"),
    @WritesAttribute(attribute = SpectroAttributes.OUTPUT_KIND, description = "phase-map (HDF5) or plot (PNG)"),
    @WritesAttribute(attribute = SpectroAttributes.ERROR, description = "On failure: what is wrong"),
    @WritesAttribute(attribute = SpectroAttributes.ERROR_WHERE, description = "On failure: file and dataset, or property"),
    @WritesAttribute(attribute = SpectroAttributes.ERROR_KIND, description = "On failure: input, limit or internal")
})
@SystemResourceConsideration(resource = SystemResource.MEMORY, description = "Holds per pixel a few integers, per kept pixel"
        + " its PCA scores and KD-tree entry (about 100 bytes for 3 scores), the covariance of the PCA energy range and"
        + " two slabs of the normalized stack; the stack itself is streamed three times per window. An input over the"
        + " Memory Budget goes to failure before any slab is read.")
@SystemResourceConsideration(resource = SystemResource.DISK, description = "The input is spooled to a temporary file and the"
        + " (small) result written to another one before it is imported; both are always deleted.")
public class DBSCANCluster extends AbstractProcessor {

    static final String ATTR_CLUSTERS = "dbscan.cluster.count";
    static final String ATTR_OUTLIERS = "dbscan.outlier.count";
    static final String ATTR_PER_CLUSTER = "dbscan.pixels.per.cluster";
    static final String ATTR_REJECTED_FRACTION = "dbscan.rejected.fraction";
    static final String ATTR_EPS = "dbscan.eps";
    static final String ATTR_EPS_METHOD = "dbscan.eps.method";
    static final String ATTR_MINPTS = "dbscan.minpts";
    static final String ATTR_SMALL_CLUSTERS = "dbscan.small.clusters";
    static final String ATTR_MIN_CLUSTER_PIXELS = "dbscan.min.cluster.pixels";
    static final String ATTR_COMPONENTS = "pca.components";
    static final String ATTR_VARIANCE = "pca.variance.explained";
    static final String ATTR_WINDOWS = "dbscan.windows";
    static final String ATTR_ARI = "dbscan.windows.agreement.ari";
    static final String ATTR_CONTINGENCY = "dbscan.windows.agreement.contingency";
    static final String OUTPUT_KIND = "phase-map";
    static final String PLOT_KIND = "plot";

    public static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description("The NeXus HDF5 result (label maps, mean spectra, agreement, history) and the PNG phase map;"
                    + " spectro.output tells them apart (phase-map, plot)")
            .build();
    public static final Relationship REL_ORIGINAL = new Relationship.Builder()
            .name("original")
            .description("The input, unchanged, once its children have been created")
            .build();
    public static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure")
            .description("Inputs that are not a readable NormalizeSpectra/RejectLowSNR output, have too few usable pixels,"
                    + " or are over the memory budget; unchanged, with spectro.error and spectro.error.where, penalized")
            .build();

    public static final PropertyDescriptor WINDOWS = new PropertyDescriptor.Builder()
            .name("Edge Windows")
            .description("Labels of the edge windows to cluster, comma separated, as NormalizeSpectra named them (e.g."
                    + " 'L3, L2'). Empty: every window in the file. With two or more, the first two are compared.")
            .required(false)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();
    public static final PropertyDescriptor PCA_RANGE = new PropertyDescriptor.Builder()
            .name("PCA Energy Range")
            .description("Energy range in eV 'emin-emax' (e.g. '6200-6260', the near-edge region) of the spectra the PCA"
                    + " uses, applied inside every window. Empty: the whole window. Mean spectra always cover the whole"
                    + " window.")
            .required(false)
            .addValidator(DBSCANCluster::validateRange)
            .build();
    public static final PropertyDescriptor COMPONENT_RULE = new PropertyDescriptor.Builder()
            .name("PCA Component Rule")
            .description("How many PCA scores DBSCAN clusters")
            .required(true)
            .allowableValues(PcaComponentRule.class)
            .defaultValue(PcaComponentRule.FIXED)
            .build();
    public static final PropertyDescriptor COMPONENTS = new PropertyDescriptor.Builder()
            .name("PCA Components")
            .description("Number of PCA scores clustered")
            .required(true)
            .defaultValue("3")
            .addValidator(StandardValidators.createLongValidator(1, ClusterJob.MAX_COMPONENTS, true))
            .dependsOn(COMPONENT_RULE, PcaComponentRule.FIXED)
            .build();
    public static final PropertyDescriptor VARIANCE = new PropertyDescriptor.Builder()
            .name("PCA Variance Threshold")
            .description("Cumulative explained variance ratio (0 to 1) the clustered scores must reach")
            .required(true)
            .defaultValue("0.9")
            .addValidator(StandardValidators.NUMBER_VALIDATOR)
            .addValidator(DBSCANCluster::validateFraction)
            .dependsOn(COMPONENT_RULE, PcaComponentRule.VARIANCE)
            .build();
    public static final PropertyDescriptor EPS = new PropertyDescriptor.Builder()
            .name("Eps")
            .description("DBSCAN neighbourhood radius in PCA score units (normalized absorption). Empty or 'auto':"
                    + " estimated per window by the Automatic Eps Rule; the value used is written to dbscan.eps.")
            .required(false)
            .addValidator(DBSCANCluster::validateEps)
            .build();
    public static final PropertyDescriptor EPS_RULE = new PropertyDescriptor.Builder()
            .name("Automatic Eps Rule")
            .description("How Eps is estimated when Eps is empty")
            .required(true)
            .allowableValues(EpsEstimateRule.class)
            .defaultValue(EpsEstimateRule.NOISE_PERCENT)
            .build();
    public static final PropertyDescriptor NOISE_PERCENT = new PropertyDescriptor.Builder()
            .name("Expected Noise")
            .description("Percentage of the kept pixels expected to lie in sparse regions (outliers or the fringes of"
                    + " clusters), 0 to 99.9; sets the automatic Eps")
            .required(true)
            .defaultValue("1")
            .addValidator(StandardValidators.NUMBER_VALIDATOR)
            .addValidator(DBSCANCluster::validatePercent)
            .dependsOn(EPS_RULE, EpsEstimateRule.NOISE_PERCENT)
            .build();
    public static final PropertyDescriptor MIN_PTS = new PropertyDescriptor.Builder()
            .name("MinPts")
            .description("DBSCAN: pixels (the pixel itself included, as scikit-learn's min_samples) within Eps that make a"
                    + " pixel a core point")
            .required(true)
            .defaultValue("10")
            .addValidator(StandardValidators.createLongValidator(1, 100000, true))
            .build();
    public static final PropertyDescriptor MIN_CLUSTER_SIZE = new PropertyDescriptor.Builder()
            .name("Minimum Cluster Size")
            .description("Smallest cluster reported as a phase, as pixels (e.g. 250) or percent of the window's clustered"
                    + " pixels (e.g. 1 %). DBSCAN clusters below it (chance clumps in the fringe of a noisy phase, a"
                    + " minority phase) join the outlier group; the others are renumbered in DBSCAN's order. DBSCAN's own"
                    + " labels stay in the file (dbscan_labels_<window>). 0 or empty: off, the labels are DBSCAN's"
                    + " (identical to scikit-learn's).")
            .required(false)
            .defaultValue("1 %")
            .addValidator(DBSCANCluster::validateMinClusterSize)
            .build();
    public static final PropertyDescriptor FIT_PIXELS = new PropertyDescriptor.Builder()
            .name("PCA Fit Pixels")
            .description("At most this many kept pixels (an even stride over the image) fit the PCA axes; all kept pixels"
                    + " are then projected and clustered. 0: fit on all kept pixels (then the axes equal scikit-learn's"
                    + " PCA on the same pixels). A 50,000-pixel fit of a 387k-pixel stack gave the same phase map (ARI"
                    + " 0.991 either way) in half the time.")
            .required(true)
            .defaultValue("50000")
            .addValidator(StandardValidators.createLongValidator(0, Integer.MAX_VALUE, true))
            .build();
    public static final PropertyDescriptor MEMORY_BUDGET = new PropertyDescriptor.Builder()
            .name("Memory Budget")
            .description("Heap this processor may use for the FlowFiles in work; an input that needs more goes to"
                    + " failure with 'needs X, budget Y'." + Parameters.MEMORY_BUDGET_SCOPE)
            .required(true)
            .defaultValue("1 GB")
            .addValidator(StandardValidators.DATA_SIZE_VALIDATOR)
            .build();
    public static final PropertyDescriptor WORKER_THREADS = new PropertyDescriptor.Builder()
            .name("Worker Threads")
            .description("Threads sharing the per-pixel work of one FlowFile (in addition to NiFi's concurrent tasks)")
            .required(true)
            .defaultValue("2")
            .addValidator(StandardValidators.createLongValidator(1, 64, true))
            .build();

    private static final List<PropertyDescriptor> PROPERTY_DESCRIPTORS = List.of(WINDOWS, PCA_RANGE, COMPONENT_RULE,
            COMPONENTS, VARIANCE, EPS, EPS_RULE, NOISE_PERCENT, MIN_PTS, MIN_CLUSTER_SIZE, FIT_PIXELS, MEMORY_BUDGET,
            WORKER_THREADS);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_ORIGINAL, REL_FAILURE);

    private static final String PROCESSOR = "DBSCANCluster";

    private volatile ClusterJob.Config config;

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
        List<ValidationResult> out = new ArrayList<>();
        String eps = context.getProperty(EPS).getValue();
        if (!isAutoEps(eps)) {
            try {
                if (!(Double.parseDouble(eps.trim()) > 0)) {
                    out.add(new ValidationResult.Builder().subject(EPS.getName()).input(eps).valid(false)
                            .explanation("Eps must be greater than 0 (or empty for the automatic estimate)").build());
                }
            } catch (NumberFormatException ignored) {
                // reported by the property's validator
            }
        }
        return out;
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) {
        String windows = context.getProperty(WINDOWS).getValue();
        List<String> labels = new ArrayList<>();
        if (windows != null) {
            for (String s : windows.split("[,;]")) {
                if (!s.isBlank()) {
                    labels.add(s.trim());
                }
            }
        }
        double[] range = parseRange(context.getProperty(PCA_RANGE).getValue());
        PcaComponentRule rule = context.getProperty(COMPONENT_RULE).asAllowableValue(PcaComponentRule.class);
        String eps = context.getProperty(EPS).getValue();
        EpsEstimateRule epsRule = context.getProperty(EPS_RULE).asAllowableValue(EpsEstimateRule.class);
        config = new ClusterJob.Config(labels, range[0], range[1], rule.rule(),
                rule == PcaComponentRule.FIXED ? context.getProperty(COMPONENTS).asInteger() : 3,
                rule == PcaComponentRule.VARIANCE ? context.getProperty(VARIANCE).asDouble() : 0.9,
                isAutoEps(eps) ? Double.NaN : Double.parseDouble(eps.trim()),
                context.getProperty(MIN_PTS).asInteger(),
                context.getProperty(FIT_PIXELS).asInteger(),
                Parameters.memoryBudget(context, MEMORY_BUDGET),
                context.getProperty(WORKER_THREADS).asInteger(),
                epsRule.rule(),
                epsRule == EpsEstimateRule.NOISE_PERCENT ? context.getProperty(NOISE_PERCENT).asDouble() : 1.0,
                ClusterJob.MinClusterSize.parse(context.getProperty(MIN_CLUSTER_SIZE).getValue()));
    }

    private static ValidationResult validateMinClusterSize(String subject, String input, ValidationContext context) {
        try {
            ClusterJob.MinClusterSize.parse(input);
            return new ValidationResult.Builder().subject(subject).input(input).valid(true).build();
        } catch (IllegalArgumentException e) {
            return new ValidationResult.Builder().subject(subject).input(input).valid(false).explanation(e.getMessage())
                    .build();
        }
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
        List<FlowFile> children = new ArrayList<>();
        try {
            Map<String, String> parameters = Parameters.effective(context, flowFile, PROPERTY_DESCRIPTORS);
            String fileName = flowFile.getAttribute(CoreAttributes.FILENAME.key());
            ProcessStep step = ProcessingHistory.step(PROCESSOR, parameters, fileName, flowFile.getAttribute(CoreAttributes.UUID.key()));
            input = TempFiles.spool(session, flowFile, ".h5");
            output = TempFiles.createNamed(NormalizeSpectra.baseName(fileName) + "_dbscan.h5");
            ClusterJob.Result result = ClusterJob.run(input, output, config, step);
            List<ProcessStep> history;
            try (io.jhdf.HdfFile written = new io.jhdf.HdfFile(output)) {
                history = ProcessStep.readAll(written); // the input's steps and this one, as in the HDF5 result
            }
            byte[] png = figure(result, fileName).toPng(ProcessingHistory.pngText(history));

            Map<String, String> attributes = attributes(result);
            FlowFile h5 = session.create(flowFile);
            children.add(h5);
            h5 = session.importFrom(output, false, h5);
            children.set(0, h5);
            Map<String, String> a = new HashMap<>(attributes);
            a.put(CoreAttributes.FILENAME.key(), NormalizeSpectra.baseName(fileName) + "_dbscan.h5");
            a.put(CoreAttributes.MIME_TYPE.key(), NormalizeSpectra.MIME_TYPE);
            a.put(SpectroAttributes.OUTPUT_KIND, OUTPUT_KIND);
            h5 = session.putAllAttributes(h5, a);
            children.set(0, h5);

            FlowFile image = session.create(flowFile);
            children.add(image);
            image = session.write(image, out -> out.write(png));
            Map<String, String> b = new HashMap<>(attributes);
            b.put(CoreAttributes.FILENAME.key(), NormalizeSpectra.baseName(fileName) + "_dbscan.png");
            b.put(CoreAttributes.MIME_TYPE.key(), "image/png");
            b.put(SpectroAttributes.OUTPUT_KIND, PLOT_KIND);
            image = session.putAllAttributes(image, b);
            children.set(1, image);

            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            session.getProvenanceReporter().fork(flowFile, List.of(h5, image),
                    Parameters.provenanceDetails(parameters, millis), millis);
            session.transfer(h5, REL_SUCCESS);
            session.transfer(image, REL_SUCCESS);
            session.transfer(flowFile, REL_ORIGINAL);
        } catch (StackFormatException e) {
            removeQuietly(session, children);
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR,
                    NormalizeSpectra.withFlowFileName(InputException.fromStack(e), input, flowFile));
        } catch (PipelineException e) {
            removeQuietly(session, children);
            InputException problem = new InputException(e.getMessage(), e.where(), e.overLimit() ? "limit" : "input", e);
            Failures.route(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR,
                    NormalizeSpectra.withFlowFileName(problem, input, flowFile));
        } catch (Exception e) {
            removeQuietly(session, children);
            Failures.routeUnexpected(session, flowFile, REL_FAILURE, getLogger(), PROCESSOR, e);
        } finally {
            TempFiles.deleteQuietly(input);
            TempFiles.deleteQuietly(output);
        }
    }

    private static void removeQuietly(ProcessSession session, List<FlowFile> children) {
        for (FlowFile c : children) {
            session.remove(c);
        }
        children.clear();
    }

    static Map<String, String> attributes(ClusterJob.Result r) {
        Map<String, String> a = new HashMap<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < r.windows().size(); i++) {
            ClusterJob.WindowResult w = r.windows().get(i);
            labels.add(w.label());
            String d = "dbscan." + w.label() + ".";
            String p = "pca." + w.label() + ".";
            a.put(d + "cluster.count", Integer.toString(w.nClusters()));
            a.put(d + "outlier.count", Long.toString(w.outliers()));
            a.put(d + "pixels.per.cluster", perCluster(w));
            a.put(d + "eps", NormalizeSpectra.num(w.eps()));
            a.put(d + "small.clusters", Integer.toString(w.smallClusters()));
            a.put(d + "small.cluster.pixels", Long.toString(w.smallClusterPixels()));
            a.put(p + "components", Integer.toString(w.components()));
            a.put(p + "variance.explained", NormalizeSpectra.num(w.varianceExplained()));
            if (i == 0) {
                a.put(ATTR_CLUSTERS, Integer.toString(w.nClusters()));
                a.put(ATTR_OUTLIERS, Long.toString(w.outliers()));
                a.put(ATTR_PER_CLUSTER, perCluster(w));
                a.put(ATTR_EPS, NormalizeSpectra.num(w.eps()));
                a.put(ATTR_EPS_METHOD, w.epsMethod());
                a.put(ATTR_SMALL_CLUSTERS, Integer.toString(w.smallClusters()));
                a.put(ATTR_MIN_CLUSTER_PIXELS, Long.toString(w.minClusterPixels()));
                a.put(ATTR_COMPONENTS, Integer.toString(w.components()));
                a.put(ATTR_VARIANCE, NormalizeSpectra.num(w.varianceExplained()));
            }
        }
        a.put(ATTR_WINDOWS, String.join(",", labels));
        a.put(ATTR_REJECTED_FRACTION, String.format(Locale.ROOT, "%.6f", r.rejectedFraction()));
        a.put(ATTR_MINPTS, Integer.toString(r.minPts()));
        if (r.agreement() != null) {
            a.put(ATTR_ARI, String.format(Locale.ROOT, "%.6f", r.agreement().ari()));
            a.put(ATTR_CONTINGENCY, contingency(r.agreement()));
        }
        a.put(SpectroAttributes.VERSION, BuildInfo.version());
        a.put(SpectroAttributes.PRODUCER, PROCESSOR);
        return a;
    }

    /** "0:123456,1:98765,outliers:1937". */
    static String perCluster(ClusterJob.WindowResult w) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < w.nClusters(); c++) {
            s.append(c == 0 ? "" : ",").append(c).append(':').append(w.clusterSizes()[c]);
        }
        s.append(w.nClusters() == 0 ? "" : ",").append("outliers:").append(w.outliers());
        return s.toString();
    }

    private static String contingency(ClusterJob.Agreement g) {
        StringBuilder s = new StringBuilder();
        long[][] c = g.table().counts();
        for (int i = 0; i < c.length; i++) {
            s.append(i == 0 ? "" : " ").append(g.table().rowLabels()[i]).append(":[");
            for (int j = 0; j < c[i].length; j++) {
                s.append(j == 0 ? "" : ",").append(c[i][j]);
            }
            s.append(']');
        }
        s.append("; cols ");
        int[] cols = g.table().colLabels();
        for (int j = 0; j < cols.length; j++) {
            s.append(j == 0 ? "" : ",").append(cols[j]);
        }
        String text = s.toString();
        return text.length() > 1000 ? text.substring(0, 1000) + "..." : text;
    }

    /** Phase maps (top row) and mean spectra in the same colours (bottom row), one column per window. */
    static Figure figure(ClusterJob.Result r, String fileName) {
        int k = r.windows().size();
        Panel[] panels = new Panel[2 * k];
        for (int i = 0; i < k; i++) {
            ClusterJob.WindowResult w = r.windows().get(i);
            CategoricalMap map = CategoricalMap.create(w.label() + " phase map: " + w.nClusters() + " clusters + outliers",
                    w.labels(), r.ny(), r.nx());
            for (int c = 0; c < w.nClusters(); c++) {
                map.name(c, "cluster " + c);
            }
            map.name(ClusterJob.OUTLIER, "outliers (minority phase)");
            map.name(ClusterJob.REJECTED, "rejected (low SNR)");
            panels[i] = map;
            LinePlot plot = LinePlot.create(w.label() + " mean normalized spectra")
                    .xLabel("energy", "eV").yLabel("normalized absorption", null);
            // the y axis follows the clusters: the outlier group's mean can be dominated by a few pixels with a
            // near-zero edge step (normalized values of +-100), which would flatten every cluster to a line
            double[] clusterRange = range(w, false);
            double[] outlierRange = range(w, true);
            boolean clip = clusterRange != null && outlierRange != null
                    && (outlierRange[0] < clusterRange[0] - 2 * (clusterRange[1] - clusterRange[0])
                    || outlierRange[1] > clusterRange[1] + 2 * (clusterRange[1] - clusterRange[0]));
            if (clip) {
                double pad = 0.5 * (clusterRange[1] - clusterRange[0]);
                plot.yRange(clusterRange[0] - pad, clusterRange[1] + pad);
            }
            for (int s = 0; s < w.spectrumIds().length; s++) {
                int id = w.spectrumIds()[s];
                double[] y = new double[w.energies().length];
                for (int e = 0; e < y.length; e++) {
                    y[e] = w.meanSpectra()[s][e];
                }
                String name = (id == ClusterJob.OUTLIER ? "outliers" : "cluster " + id) + " (" + w.pixelCounts()[s] + " px"
                        + (id == ClusterJob.OUTLIER && clip ? ", off scale" : "") + ")";
                plot.add(name, w.energies(), y, LinePlot.Mode.LINE, map.colorOf(id));
            }
            panels[k + i] = plot;
        }
        String title = (fileName == null ? "" : fileName + ": ") + "DBSCAN phases"
                + (r.agreement() == null ? "" : String.format(Locale.ROOT, ", %s vs %s adjusted Rand index %.3f",
                r.agreement().first(), r.agreement().second(), r.agreement().ari()));
        return Figure.of(2, k, panels).title(title);
    }

    /** [min, max] of the finite mean-spectrum values of the outlier group or of the clusters; null if none. */
    private static double[] range(ClusterJob.WindowResult w, boolean outliers) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < w.spectrumIds().length; s++) {
            if ((w.spectrumIds()[s] == ClusterJob.OUTLIER) != outliers) {
                continue;
            }
            for (double v : w.meanSpectra()[s]) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return hi > lo ? new double[] {lo, hi} : null;
    }

    private static double[] parseRange(String text) {
        if (text == null || text.isBlank()) {
            return new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        }
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\\s*([+]?\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?)\\s*-\\s*([+]?\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?)\\s*")
                .matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("PCA Energy Range '" + text.trim() + "' is not emin-emax in eV, e.g. 6200-6260");
        }
        double lo = Double.parseDouble(m.group(1));
        double hi = Double.parseDouble(m.group(2));
        if (!(lo < hi)) {
            throw new IllegalArgumentException("PCA Energy Range '" + text.trim() + "': emin must be below emax");
        }
        return new double[] {lo, hi};
    }

    /** Blank (also an empty parameter) or "auto" asks for the automatic estimate. */
    private static boolean isAutoEps(String eps) {
        return eps == null || eps.isBlank() || "auto".equalsIgnoreCase(eps.trim());
    }

    private static ValidationResult validateEps(String subject, String input, ValidationContext context) {
        boolean ok = isAutoEps(input);
        if (!ok) {
            try {
                double v = Double.parseDouble(input.trim());
                ok = v >= 0 && Double.isFinite(v);
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        return new ValidationResult.Builder().subject(subject).input(input).valid(ok)
                .explanation(ok ? null : "Eps is a radius > 0, or empty / 'auto' for the automatic estimate").build();
    }

    private static ValidationResult validateRange(String subject, String input, ValidationContext context) {
        try {
            parseRange(input);
            return new ValidationResult.Builder().subject(subject).input(input).valid(true).build();
        } catch (IllegalArgumentException e) {
            return new ValidationResult.Builder().subject(subject).input(input).valid(false).explanation(e.getMessage()).build();
        }
    }

    private static ValidationResult validatePercent(String subject, String input, ValidationContext context) {
        boolean ok;
        try {
            double v = Double.parseDouble(input.trim());
            ok = v >= 0 && v < 100;
        } catch (NumberFormatException e) {
            ok = false;
        }
        return new ValidationResult.Builder().subject(subject).input(input).valid(ok)
                .explanation("must be a percentage from 0 to below 100, e.g. 1").build();
    }

    private static ValidationResult validateFraction(String subject, String input, ValidationContext context) {
        boolean ok;
        try {
            double v = Double.parseDouble(input.trim());
            ok = v > 0 && v <= 1;
        } catch (NumberFormatException e) {
            ok = false;
        }
        return new ValidationResult.Builder().subject(subject).input(input).valid(ok)
                .explanation("must be a number in (0, 1], e.g. 0.9").build();
    }
}
