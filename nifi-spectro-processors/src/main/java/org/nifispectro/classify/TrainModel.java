package org.nifispectro.classify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Command-line trainer: builds a catalog from a CIF folder, trains a model, writes the model file
 * and an accuracy report.
 *
 * <pre>
 * java -cp nifi-spectro-processors.jar:&lt;dependencies&gt; org.nifispectro.classify.TrainModel \
 *     --cifs /path/to/cifs --out model.zip [--report report.json] [--threshold 0.95] [--uiso 0.01] \
 *     [--max-atoms 5000] [--variants 40] [--augmentations 6] [--prototypes 8] [--fine-prototypes 32] \
 *     [--shortlist 15] [--max-scale 0.03] [--scale-steps 6] [--lattice-penalty 0.01] \
 *     [--pair-window 10] [--pair-margin 0.01] [--pair-shrinkage 0.003] [--pair-variants 80] \
 *     [--validation-variants 2] [--test-variants 2] [--seed 0] [--threads 2]
 * </pre>
 * The dependencies are Jackson databind and Commons Math 3 (from the NAR's bundled jars or Maven).
 * The same arguments give the same model (bit for bit, any thread count).
 */
public final class TrainModel {

    private TrainModel() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = parse(args);
        if (!a.containsKey("cifs") || !a.containsKey("out")) {
            System.err.println("usage: TrainModel --cifs DIR --out MODEL.zip [--report REPORT.json] [--threshold 0.95]"
                    + " [--uiso 0.01] [--max-atoms 5000] [--variants 40] [--augmentations 6] [--prototypes 8]"
                    + " [--fine-prototypes 32] [--shortlist 15] [--max-scale 0.03] [--scale-steps 6] [--lattice-penalty 0.01]"
                    + " [--pair-window 10 (0: no pairwise stage)] [--pair-margin 0.01] [--pair-shrinkage 0.003]"
                    + " [--pair-variants 80 (extra variants per class for the discriminants)]"
                    + " [--validation-variants 2] [--test-variants 2] [--seed 0] [--threads 2]");
            System.exit(2);
        }
        Map<String, Object> report = run(a, System.err::println);
        if (a.containsKey("report")) {
            Path rp = Path.of(a.get("report"));
            if (rp.getParent() != null) {
                Files.createDirectories(rp.getParent());
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(rp.toFile(), report);
        }
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(report.get("accuracy")));
    }

    /** Parses "--key value" pairs. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got '" + args[i] + "'");
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    /**
     * Trains and writes the model; returns the report (also stored in the model's training section).
     */
    public static Map<String, Object> run(Map<String, String> a, java.util.function.Consumer<String> log)
            throws IOException {
        Path cifs = Path.of(a.get("cifs"));
        Path out = Path.of(a.get("out"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        Catalog.Options co = new Catalog.Options(Double.parseDouble(a.getOrDefault("threshold", "0.95")),
                Double.parseDouble(a.getOrDefault("uiso", "0.01")),
                Integer.parseInt(a.getOrDefault("max-atoms", "5000")), threads);
        Trainer.Options d = Trainer.Options.defaults();
        Trainer.Options to = new Trainer.Options(Integer.parseInt(a.getOrDefault("variants", "" + d.variants())),
                Integer.parseInt(a.getOrDefault("augmentations", "" + d.augmentations())),
                Integer.parseInt(a.getOrDefault("prototypes", "" + d.prototypes())),
                Integer.parseInt(a.getOrDefault("validation-variants", "" + d.validationVariants())),
                Integer.parseInt(a.getOrDefault("test-variants", "" + d.testVariants())), Augmentation.Ranges.standard(),
                Long.parseLong(a.getOrDefault("seed", "" + d.seed())), threads,
                Integer.parseInt(a.getOrDefault("fine-prototypes", "" + d.finePrototypes())),
                Integer.parseInt(a.getOrDefault("shortlist", "" + d.shortlist())),
                Double.parseDouble(a.getOrDefault("max-scale", "" + d.maxScale())),
                Integer.parseInt(a.getOrDefault("scale-steps", "" + d.scaleSteps())),
                Double.parseDouble(a.getOrDefault("lattice-penalty", "" + d.latticePenalty())),
                Integer.parseInt(a.getOrDefault("pair-window", "" + d.pairWindow())),
                Double.parseDouble(a.getOrDefault("pair-margin", "" + d.pairMargin())),
                Double.parseDouble(a.getOrDefault("pair-shrinkage", "" + d.pairShrinkage())),
                Integer.parseInt(a.getOrDefault("pair-variants", "" + d.pairVariants())));
        long t0 = System.nanoTime();
        Catalog catalog = Catalog.build(cifs, ModelGrid.standard(), co);
        double catalogSeconds = (System.nanoTime() - t0) / 1e9;
        log.accept(String.format(Locale.ROOT, "catalog: %d structures in %d classes, %d skipped, %.1f s",
                catalog.structureCount(), catalog.classes().size(), catalog.skipped().size(), catalogSeconds));
        Trainer.Result r = Trainer.train(catalog, to, log);
        log.accept(String.format(Locale.ROOT, "trained in %.1f s, temperature %.4g", r.seconds(),
                r.classifier().temperature()));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("created", Instant.now().toString());
        report.put("cifFolder", cifs.toString());
        report.put("cifsUsed", catalog.structureCount());
        report.put("classes", catalog.classes().size());
        List<Map<String, String>> skipped = new ArrayList<>();
        for (Catalog.Skipped s : catalog.skipped()) {
            Map<String, String> one = new LinkedHashMap<>();
            one.put("source", s.sourceId());
            one.put("reason", s.reason());
            skipped.add(one);
        }
        report.put("skipped", skipped);
        report.put("pccThreshold", co.threshold());
        report.put("catalogUiso", co.uiso());
        report.put("maxAtoms", co.maxAtoms());
        report.put("variants", to.variants());
        report.put("augmentations", to.augmentations());
        report.put("prototypesPerClass", to.prototypes());
        report.put("finePrototypesPerClass", to.finePrototypes());
        report.put("shortlist", to.shortlist());
        report.put("maxScale", to.maxScale());
        report.put("scaleSteps", to.scaleSteps());
        report.put("latticePenalty", to.latticePenalty());
        report.put("pairWindow", to.pairWindow());
        report.put("pairMargin", to.pairMargin());
        report.put("pairShrinkage", to.pairShrinkage());
        report.put("pairVariants", to.pairVariants());
        report.put("pairs", r.classifier().pairwise() == null ? 0 : r.classifier().pairwise().size());
        report.put("validationVariants", to.validationVariants());
        report.put("testVariants", to.testVariants());
        Augmentation.Ranges rg = to.ranges();
        Map<String, Object> ranges = new LinkedHashMap<>(); // ordered (Map.of's order varies between JVMs)
        ranges.put("qmax", List.of(rg.qmaxMin(), rg.qmaxMax()));
        ranges.put("qdamp", List.of(rg.qdampMin(), rg.qdampMax()));
        ranges.put("qmin", List.of(0.5, 1.0));
        ranges.put("particleFraction", rg.particleFraction());
        ranges.put("spdiameter", List.of(rg.diameterMin(), rg.diameterMax()));
        ranges.put("noise", List.of(0, rg.maxNoise()));
        report.put("augmentationRanges", ranges);
        report.put("variantRecipe", "lattice +-4 % (crystal-system constraints), Uiso 0.005-0.025 A^2, Latin hypercube");
        report.put("seed", to.seed());
        report.put("temperature", r.classifier().temperature());
        report.put("baselineTemperature", r.baseline().temperature());
        report.put("catalogSeconds", catalogSeconds);
        report.put("trainingSeconds", r.seconds());
        report.put("threads", threads);
        if (!r.test().labels().isEmpty()) {
            Map<String, Object> acc = new LinkedHashMap<>();
            Trainer.TestSet ts = r.test();
            acc.put("classifier.heldOutSimulated", Trainer.accuracy(ts.clean(), ts.labels(), r.classifier()::scores));
            acc.put("classifier.perturbedHeldOut", Trainer.accuracy(ts.perturbed(), ts.labels(), r.classifier()::scores));
            acc.put("baseline.heldOutSimulated", Trainer.accuracy(ts.clean(), ts.labels(), r.baseline()::scores));
            acc.put("baseline.perturbedHeldOut", Trainer.accuracy(ts.perturbed(), ts.labels(), r.baseline()::scores));
            report.put("accuracy", acc);
            if (r.classifier().refinement() != null) {
                // the same fine prototypes with other scale ranges (ranking only; temperature as trained)
                Map<String, Object> alt = new LinkedHashMap<>();
                PrototypeClassifier one = r.classifier().firstStage();
                alt.put("firstStageOnly", List.of(Trainer.accuracy(ts.clean(), ts.labels(), one::scores),
                        Trainer.accuracy(ts.perturbed(), ts.labels(), one::scores)));
                for (double ms : new double[] {0, 0.02, 0.03, 0.04, 0.06}) {
                    int steps = (int) Math.round(ms / 0.005);
                    PrototypeClassifier c = r.classifier().withScaleSearch(to.shortlist(), ms, steps);
                    alt.put(String.format(Locale.ROOT, "maxScale %.3f steps %d", ms, steps),
                            List.of(Trainer.accuracy(ts.clean(), ts.labels(), c::scores),
                                    Trainer.accuracy(ts.perturbed(), ts.labels(), c::scores)));
                }
                for (double lam : new double[] {0, 0.005, 0.01, 0.02, 0.04}) {
                    PrototypeClassifier c = r.classifier().withLatticePenalty(lam);
                    alt.put(String.format(Locale.ROOT, "latticePenalty %.3f", lam),
                            List.of(Trainer.accuracy(ts.clean(), ts.labels(), c::scores),
                                    Trainer.accuracy(ts.perturbed(), ts.labels(), c::scores)));
                }
                PrototypeClassifier.Pairwise pw = r.classifier().pairwise();
                if (pw != null) {
                    PrototypeClassifier two = r.classifier().withPairwise(null);
                    alt.put("withoutPairwiseStage", List.of(Trainer.accuracy(ts.clean(), ts.labels(), two::scores),
                            Trainer.accuracy(ts.perturbed(), ts.labels(), two::scores)));
                    for (int w : new int[] {3, 5, 10, 15}) {
                        PrototypeClassifier c = r.classifier().withPairwise(new PrototypeClassifier.Pairwise(pw.first(),
                                pw.second(), pw.weights(), pw.bias(), w));
                        alt.put("pairWindow " + w, List.of(Trainer.accuracy(ts.clean(), ts.labels(), c::scores),
                                Trainer.accuracy(ts.perturbed(), ts.labels(), c::scores)));
                    }
                }
                report.put("accuracyByScaleRange", alt);
            }
        }
        ClassifierModel model = new ClassifierModel(catalog.classes(), r.classifier(),
                new ObjectMapper().convertValue(report, Map.class));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        ModelFile.write(model, out);
        report.put("modelBytes", Files.size(out));
        log.accept("model written to " + out + " (" + Files.size(out) + " bytes)");
        return report;
    }
}
