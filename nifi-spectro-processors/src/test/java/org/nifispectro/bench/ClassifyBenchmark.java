package org.nifispectro.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.nifispectro.classify.Augmentation;
import org.nifispectro.classify.Candidate;
import org.nifispectro.classify.Catalog;
import org.nifispectro.classify.CatalogEntry;
import org.nifispectro.classify.ClassifierModel;
import org.nifispectro.classify.CorrelationBaseline;
import org.nifispectro.classify.ElementFilter;
import org.nifispectro.pdf.io.GrText;
import org.nifispectro.classify.ModelFile;
import org.nifispectro.classify.ModelGrid;
import org.nifispectro.classify.PdfAugmenter;
import org.nifispectro.classify.PdfInputException;
import org.nifispectro.classify.PdfProfile;
import org.nifispectro.classify.ProfileCacheIo;
import org.nifispectro.classify.PrototypeClassifier;
import org.nifispectro.classify.StructureClass;
import org.nifispectro.classify.Trainer;
import org.nifispectro.pdf.PdfCalculator;
import org.nifispectro.pdf.io.GrData;
import org.nifispectro.pdf.io.GrReader;

/**
 * ClassifyStructure benchmark (issue 6), not run by surefire. In one run: builds the catalog
 * from a CIF folder, trains the prototype classifier, measures held-out simulated and perturbed
 * accuracy of the classifier and of the structureMining-style correlation baseline, real
 * measured PDFs of ../shared/data/pdf (structure in the catalog: right structure type in the top 3;
 * absent: flat profile), inference per PDF, a 1,000-PDF series (parse + resample + classify),
 * model load time and size; then trains XGBoost (Debian python3-xgboost, settings of
 * make_mini_mlsm.py) on the very same training profiles and measures the same.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:&lt;deps&gt; org.nifispectro.bench.ClassifyBenchmark \
 *   [--cifs DIR (default: the shared data's cif/inorganic) --shared DIR (default: -Dspectro.shared.data, else ../../shared/data)] --out target/bench/classify.json \
 *   [--variants 40 --augmentations 6 --prototypes 8 --fine-prototypes 32 --test-variants 4 --seed 0 --threads 2
 *    --pair-window 10 --pair-variants 80 --xgb-rounds 60]   (defaults: the shipped learner, Trainer.Options.defaults();
 *    --pair-window 0: without the pairwise third stage)
 * </pre>
 * Two more modes (session 3): {@code --model FILE --shared DIR [--max-scale D --scale-steps M]
 * [--quick 1]} measures a saved model (load, measured PDFs, classification time, the 1,000-PDF
 * series through GrText and through GrReader; system property {@code lattice.penalty} overrides
 * the model's, {@code pairwise.off=true} drops a format-3 model's third stage, {@code shortlist=N} sets the
 * second stage's shortlist); {@code --experiment CACHE --cifs DIR --variants 40 --steps a,b,...} simulates the
 * profiles of one run once into CACHE and compares learners on them ({@link Experiment}).
 */
public final class ClassifyBenchmark {

    /** A real PDF and what it should be: element set and allowed space groups; absent when elements is empty. */
    record RealCase(String file, String elements, Set<String> spaceGroups, String note) {
    }

    static final List<RealCase> REAL = List.of(
            new RealCase("pdf/cmi_exchange/ni-q27r60-xray.gr", "Ni", Set.of("Fm3m"), "Ni x-ray"),
            new RealCase("pdf/diffpy_cmi/Ni.gr", "Ni", Set.of("Fm3m"), "Ni x-ray"),
            new RealCase("pdf/diffpy_cmi/ch05_ni.gr", "Ni", Set.of("Fm3m"), "Ni x-ray"),
            new RealCase("pdf/srfit/ni-q27r60nodg-xray.gr", "Ni", Set.of("Fm3m"), "Ni x-ray"),
            new RealCase("pdf/cmi_exchange/ni-q27r100-neutron.gr", "Ni", Set.of("Fm3m"), "Ni neutron (model is x-ray)"),
            new RealCase("pdf/cmi_exchange/NaCl.gr", "Cl Na", Set.of("Fm3m"), "NaCl x-ray"),
            new RealCase("pdf/diffpy_cmi/ch05_si.gr", "Si", Set.of("Fd3m"), "Si x-ray"),
            new RealCase("pdf/srfit/si-q27r60-xray.gr", "Si", Set.of("Fd3m"), "Si x-ray"),
            new RealCase("pdf/diffpy_cmi/CdSe-bulk.gr", "Cd Se", Set.of("P63mc", "F43m"), "CdSe bulk"),
            new RealCase("pdf/diffpy_cmi/CdSe-1.gr", "Cd Se", Set.of("P63mc", "F43m"), "CdSe nanoparticles"),
            new RealCase("pdf/diffpy_cmi/CdSe-2.gr", "Cd Se", Set.of("P63mc", "F43m"), "CdSe nanoparticles"),
            new RealCase("pdf/diffpy_cmi/CdSe-3.gr", "Cd Se", Set.of("P63mc", "F43m"), "CdSe nanoparticles"),
            new RealCase("pdf/diffpy_cmi/CdSe-4.gr", "Cd Se", Set.of("P63mc", "F43m"), "CdSe nanoparticles"),
            new RealCase("pdf/diffpy_cmi/Pt-nanoparticles.gr", "Pt", Set.of("Fm3m"), "Pt nanoparticles"),
            new RealCase("pdf/deepstruc/JQ_S1.gr", "Pt", Set.of("Fm3m"), "Pt nanoparticles"),
            new RealCase("pdf/deepstruc/JQ_S2.gr", "Pt", Set.of("Fm3m"), "Pt nanoparticles"),
            new RealCase("pdf/deepstruc/JQ_S3.gr", "Pt", Set.of("Fm3m"), "Pt nanoparticles"),
            new RealCase("pdf/srfit/pb_100_qmin1.gr", "Pb", Set.of("Fm3m"), "Pb"),
            new RealCase("pdf/diffpy_cmi/BaZn2As2_K-Mn-doped_300K.gr", "As Ba Zn", null, "BaZn2As2 (K, Mn doped)"),
            new RealCase("pdf/cmi_exchange/MnO_npdf_07334.gr", "Mn O", Set.of("Fm3m", "R3m"), "MnO neutron (model is x-ray)"),
            new RealCase("pdf/mlmotex/DanMAX_AlphaKeggin.gr", "", null, "absent: alpha-Keggin W12O40 clusters"),
            new RealCase("pdf/deepstruc/Au144PET_100K-00000.gr", "", null, "absent: Au144 clusters"),
            new RealCase("pdf/pdffit2/Ni-xray.gr", "Ni", Set.of("Fm3m"), "Ni to 20 A only: must be reported"));

    private ClassifyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].substring(2), args[i + 1]);
        }
        if (a.containsKey("experiment")) {
            Experiment.run(a);
            return;
        }
        if (a.containsKey("model")) {
            modelOnly(Path.of(a.get("model")), Path.of(a.getOrDefault("shared", SHARED)),
                    a.containsKey("max-scale") ? Double.parseDouble(a.get("max-scale")) : Double.NaN,
                    Integer.parseInt(a.getOrDefault("scale-steps", "0")), a.containsKey("quick"));
            return;
        }
        Path shared = Path.of(a.getOrDefault("shared", SHARED));
        Path cifs = Path.of(a.getOrDefault("cifs", shared.resolve("cif/inorganic").toString()));
        Path out = Path.of(a.getOrDefault("out", "target/bench/classify.json"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        Path work = out.toAbsolutePath().getParent().resolve("classify-work");
        Files.createDirectories(work);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("cifs", cifs.toString());

        long t0 = System.nanoTime();
        Catalog catalog = Catalog.build(cifs, ModelGrid.standard(),
                new Catalog.Options(0.95, 0.01, Integer.parseInt(a.getOrDefault("max-atoms", "5000")), threads));
        double catS = (System.nanoTime() - t0) / 1e9;
        // the shipped learner (Trainer.Options.defaults: three stages, 40 variants) unless overridden
        Trainer.Options def = Trainer.Options.defaults();
        Trainer.Options to = new Trainer.Options(Integer.parseInt(a.getOrDefault("variants", "" + def.variants())),
                Integer.parseInt(a.getOrDefault("augmentations", "" + def.augmentations())),
                Integer.parseInt(a.getOrDefault("prototypes", "" + def.prototypes())), def.validationVariants(),
                Integer.parseInt(a.getOrDefault("test-variants", "4")), Augmentation.Ranges.standard(),
                Long.parseLong(a.getOrDefault("seed", "0")), threads,
                Integer.parseInt(a.getOrDefault("fine-prototypes", "" + def.finePrototypes())), def.shortlist(),
                def.maxScale(), def.scaleSteps(), def.latticePenalty(),
                Integer.parseInt(a.getOrDefault("pair-window", "" + def.pairWindow())), def.pairMargin(),
                def.pairShrinkage(), Integer.parseInt(a.getOrDefault("pair-variants", "" + def.pairVariants())));
        Trainer.Result r = Trainer.train(catalog, to, System.err::println);
        report.put("structures", catalog.structureCount());
        report.put("classes", catalog.classes().size());
        report.put("skipped", catalog.skipped().size());
        report.put("catalogSeconds", catS);
        report.put("trainingSeconds", r.seconds());
        report.put("options", to.toString());

        Path modelPath = work.resolve("model.zip");
        ClassifierModel model = new ClassifierModel(catalog.classes(), r.classifier(), Map.of("benchmark", true));
        ModelFile.write(model, modelPath);
        report.put("modelBytes", Files.size(modelPath));
        double[] loads = new double[5];
        for (int i = 0; i < loads.length; i++) {
            long l0 = System.nanoTime();
            ModelFile.read(modelPath);
            loads[i] = (System.nanoTime() - l0) / 1e6;
        }
        report.put("loadMsFirst", loads[0]);
        report.put("loadMsMedian", median(loads));
        ClassifierModel loaded = ModelFile.read(modelPath);
        PrototypeClassifier clf = loaded.classifier();

        Trainer.TestSet ts = r.test();
        Map<String, Object> acc = new LinkedHashMap<>();
        acc.put("classifier.heldOutSimulated", Trainer.accuracy(ts.clean(), ts.labels(), clf::scores));
        acc.put("classifier.perturbedHeldOut", Trainer.accuracy(ts.perturbed(), ts.labels(), clf::scores));
        acc.put("baseline.heldOutSimulated", Trainer.accuracy(ts.clean(), ts.labels(), r.baseline()::scores));
        acc.put("baseline.perturbedHeldOut", Trainer.accuracy(ts.perturbed(), ts.labels(), r.baseline()::scores));
        report.put("accuracy", acc);

        // speed: scoring one profile
        for (int w = 0; w < 3; w++) {
            for (float[] x : ts.clean()) {
                clf.rank(x, 5);
            }
        }
        long s0 = System.nanoTime();
        int reps = 0;
        while (System.nanoTime() - s0 < 3e9) {
            for (float[] x : ts.clean()) {
                clf.rank(x, 5);
                reps++;
            }
        }
        report.put("msPerPdfClassify", (System.nanoTime() - s0) / 1e6 / reps);

        // real data
        List<Map<String, Object>> real = new ArrayList<>();
        List<float[]> realProfiles = new ArrayList<>();
        List<Integer> realIndex = new ArrayList<>();
        int inCat = 0;
        int inCatHit = 0;
        int baseHit = 0;
        for (RealCase rc : REAL) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", rc.file());
            row.put("note", rc.note());
            Path f = shared.resolve(rc.file());
            if (!Files.exists(f)) {
                row.put("status", "missing");
                real.add(row);
                continue;
            }
            GrData d = GrReader.read(f);
            float[] x;
            try {
                x = PdfProfile.of(d.r(), d.g(), clf.grid());
            } catch (PdfInputException e) {
                row.put("status", "reported: " + e.getMessage());
                real.add(row);
                continue;
            }
            realIndex.add(real.size());
            realProfiles.add(x);
            List<Candidate> top = clf.rank(x, 5);
            List<Candidate> btop = r.baseline().rank(x, 5);
            row.put("classifier", describe(top, catalog));
            row.put("baseline", describe(btop, catalog));
            if (!rc.elements().isEmpty()) {
                inCat++;
                int rank = rankOfExpected(top, catalog, rc);
                int brank = rankOfExpected(btop, catalog, rc);
                row.put("expectedRankClassifier", rank);
                row.put("expectedRankBaseline", brank);
                inCatHit += rank >= 1 && rank <= 3 ? 1 : 0;
                baseHit += brank >= 1 && brank <= 3 ? 1 : 0;
            }
            row.put("topProbability", top.get(0).probability());
            row.put("ratioTop1Top2", top.get(0).probability() / top.get(1).probability());
            real.add(row);
        }
        report.put("realInCatalogTop3Classifier", inCatHit + "/" + inCat);
        report.put("realInCatalogTop3Baseline", baseHit + "/" + inCat);
        report.put("real", real);

        // 1000-PDF series: ClassifyStructure's path (GrText parse + resample + classify), cycling over measured .gr files
        List<byte[]> texts = seriesTexts(shared);
        if (!texts.isEmpty()) {
            for (int w = 0; w < 100; w++) {
                series(0, texts.get(w % texts.size()), null, clf);
            }
            long q0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                series(0, texts.get(i % texts.size()), null, clf);
            }
            report.put("series1000Seconds", (System.nanoTime() - q0) / 1e9);
            report.put("seriesNote", "GrText parse + resample + classify of measured .gr files (Ni, CdSe, Si, Pt; 5000-6000"
                    + " rows each, r to 50-60 A), one thread");
        }

        // XGBoost on the same data
        if (!"0".equals(a.getOrDefault("xgb-rounds", "60"))) {
            report.put("xgboost", xgboost(catalog, to, ts, realProfiles, realIndex, real, work, threads,
                    Integer.parseInt(a.getOrDefault("xgb-rounds", "60")), a.getOrDefault("python", "/usr/bin/python3"),
                    a.getOrDefault("script", "src/test/resources/classify/xgb_bench.py")));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
        Map<String, Object> summary = new LinkedHashMap<>(report);
        summary.remove("real");
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
        for (Map<String, Object> row : real) {
            System.out.println(row.get("file") + " | " + row.getOrDefault("status", "") + " | clf "
                    + row.get("expectedRankClassifier") + " base " + row.get("expectedRankBaseline") + " | p1 "
                    + row.get("topProbability") + " | " + row.get("classifier"));
        }
        Path shipped = Path.of(a.getOrDefault("shipped-model", SHIPPED_MODEL));
        if (!"none".equals(a.get("shipped-model")) && Files.exists(shipped)) {
            System.out.println();
            System.out.println("== the shipped default model (full catalog), as ClassifyStructure uses it ==");
            modelOnly(shipped, shared, Double.NaN, 0, false);
        }
    }

    /**
     * The reference data: bin/bench passes -Dspectro.shared.data; run by hand from
     * nifi-spectro-processors the repository's sibling is ../../shared/data.
     */
    static final String SHARED = System.getProperty("spectro.shared.data", "../../shared/data");

    /** The default model in the source tree (the benchmark runs from nifi-spectro-processors). */
    static final String SHIPPED_MODEL = "src/main/resources/org/nifispectro/classify/default-model.zip";

    /**
     * A saved model (e.g. the shipped default): load time, measured PDFs (table rows of
     * docs/classify-report.md), classification time per profile, and the 1,000-PDF series from
     * bytes as ClassifyStructure reads them: GrText (fast path) against GrReader.
     */
    static void modelOnly(Path modelPath, Path shared, double maxScale, int steps, boolean quick) throws Exception {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] loads = new double[5];
        ClassifierModel m = null;
        for (int i = 0; i < loads.length; i++) {
            long l0 = System.nanoTime();
            m = ModelFile.read(modelPath);
            loads[i] = (System.nanoTime() - l0) / 1e6;
        }
        System.out.printf(Locale.ROOT, "model %s: %d bytes, %d classes, load %.0f ms first, %.0f ms median%n", modelPath,
                Files.size(modelPath), m.classes().size(), loads[0], median(loads));
        PrototypeClassifier clf = m.classifier();
        if (!Double.isNaN(maxScale)) {
            clf = clf.withScaleSearch(clf.refinement().shortlist(), maxScale, steps);
        }
        if (System.getProperty("lattice.penalty") != null) {
            clf = clf.withLatticePenalty(Double.parseDouble(System.getProperty("lattice.penalty")));
        }
        if (System.getProperty("shortlist") != null) {
            PrototypeClassifier.Refinement rf = clf.refinement();
            clf = clf.withScaleSearch(Integer.getInteger("shortlist"), rf.maxScale(), rf.steps());
            System.out.println("second-stage shortlist " + Integer.getInteger("shortlist") + " (-Dshortlist)");
        }
        if (Boolean.getBoolean("pairwise.off")) {
            clf = clf.withPairwise(null);
            System.out.println("pairwise third stage switched off (-Dpairwise.off=true)");
        }
        // the correlation baseline on the same catalog (the model's CIF folder, -Dcifs; default shared/data/cif)
        Path cifs = Path.of(System.getProperty("cifs", shared.resolve("cif").toString()));
        CorrelationBaseline baseline = null;
        if (Files.isDirectory(cifs)) {
            long c0 = System.nanoTime();
            Catalog catalog = Catalog.build(cifs, clf.grid(), Catalog.Options.defaults());
            if (catalog.classes().size() == m.classes().size()) {
                baseline = CorrelationBaseline.of(catalog, 0.01);
                System.out.printf(Locale.ROOT, "correlation baseline: catalog of %s rebuilt (%d classes, %.1f s)%n", cifs,
                        catalog.classes().size(), (System.nanoTime() - c0) / 1e9);
            } else {
                System.out.println("correlation baseline skipped: " + cifs + " gives " + catalog.classes().size()
                        + " classes, the model has " + m.classes().size());
            }
        }
        System.out.println("columns: file | expected elements | rank of the expected structure (elements and space "
                + "group; 0 = beyond 5) | the same for the correlation baseline | rank of the expected structure type "
                + "(isostructural: space group, atoms, stoichiometry) | rank with the header's composition as element "
                + "filter | top | second | none probability");
        int inCat = 0;
        int hit = 0;
        int baseHit = 0;
        int typeHit = 0;
        int filteredHit = 0;
        for (RealCase rc : REAL) {
            Path f = shared.resolve(rc.file());
            if (!Files.exists(f)) {
                continue;
            }
            GrData d = GrReader.read(f);
            PrototypeClassifier.Ranking rk;
            PrototypeClassifier.Ranking filtered;
            float[] x;
            ElementFilter filter = ElementFilter.parse(ElementFilter.composition(Files.readString(f,
                    java.nio.charset.StandardCharsets.ISO_8859_1).lines().limit(200).collect(Collectors.joining("\n"))));
            try {
                x = PdfProfile.of(d.r(), d.g(), clf.grid());
                rk = clf.classify(x, 5);
                filtered = clf.classify(x, 5, filter.admitted(m.classes()));
            } catch (PdfInputException e) {
                System.out.println("| " + rc.file() + " | " + rc.note() + " | reported: " + e.getMessage() + " |");
                continue;
            }
            List<Candidate> top = rk.candidates();
            boolean expected = !rc.elements().isEmpty();
            int rank = expected ? rankOfExpected(top, m.classes(), rc) : -1;
            int brank = expected && baseline != null ? rankOfExpected(baseline.rank(x, 5), m.classes(), rc) : -1;
            int trank = expected ? rankOfExpectedType(top, m.classes(), rc) : -1;
            int frank = expected && !filter.isEmpty() ? rankOfExpected(filtered.candidates(), m.classes(), rc) : -1;
            if (expected) {
                inCat++;
                hit += rank >= 1 && rank <= 3 ? 1 : 0;
                baseHit += brank >= 1 && brank <= 3 ? 1 : 0;
                typeHit += trank >= 1 && trank <= 3 ? 1 : 0;
                int withFilter = filter.isEmpty() ? rank : frank;
                filteredHit += withFilter >= 1 && withFilter <= 3 ? 1 : 0;
            }
            StructureClass sc = m.classes().get(top.get(0).classId());
            StructureClass sc2 = m.classes().get(top.get(1).classId());
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s %s p=%.3f r=%.3f | %s p=%.3f | %.3f |%n",
                    rc.file(), expected ? rc.elements() : "absent", rank < 0 ? "-" : Integer.toString(rank),
                    brank < 0 ? "-" : Integer.toString(brank), trank < 0 ? "-" : Integer.toString(trank),
                    frank < 0 ? "-" : frank + " (" + filter + ")", sc.representative().formula(),
                    sc.representative().spaceGroup(), top.get(0).probability(), top.get(0).correlation(),
                    sc2.representative().formula(), top.get(1).probability(), rk.noneProbability());
        }
        System.out.println("in-catalog measured PDFs with the expected structure in the top 3: " + hit + "/" + inCat
                + "; correlation baseline " + (baseline == null ? "not run" : baseHit + "/" + inCat)
                + "; expected structure type (isostructural) in the top 3: " + typeHit + "/" + inCat
                + "; with the header's composition as element filter (files without one unfiltered): " + filteredHit + "/"
                + inCat);
        if (quick) {
            return;
        }
        List<byte[]> texts = seriesTexts(shared);
        List<float[]> profiles = new ArrayList<>();
        for (byte[] b : texts) {
            GrText.Columns c = GrText.parse(b);
            profiles.add(PdfProfile.of(c.r(), c.g(), clf.grid()));
        }
        for (int round = 0; round < 2; round++) {
            for (int mode = 0; mode < 4; mode++) {
                for (int w = 0; w < 200; w++) {
                    series(mode, texts.get(w % texts.size()), profiles.get(w % profiles.size()), clf);
                }
                long q0 = System.nanoTime();
                long c0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < 1000; i++) {
                    series(mode, texts.get(i % texts.size()), profiles.get(i % profiles.size()), clf);
                }
                System.out.printf(Locale.ROOT, "1000 x %-46s %.3f s wall %.3f s cpu%n", new String[] {
                        "GrText parse + resample + classify", "GrReader parse + resample + classify",
                        "GrText parse only", "classify only (ready profiles)"}[mode], (System.nanoTime() - q0) / 1e9,
                        (mx.getCurrentThreadCpuTime() - c0) / 1e9);
            }
        }
        for (boolean chart : new boolean[] {true, false}) {
            for (int threads : new int[] {1, 2}) {
                for (int round = 0; round < 2; round++) {
                    double[] sec = processorSeries(modelPath, texts, 1000, threads, chart);
                    System.out.printf(Locale.ROOT, "1000 x ClassifyStructure (nifi-mock, %d concurrent task%s, %s): %.3f s"
                            + " wall %.3f s process cpu (model loaded before)%n", threads, threads == 1 ? "" : "s",
                            chart ? "JSON + PNG chart" : "JSON, Write Chart false", sec[0], sec[1]);
                }
            }
        }
        System.out.println("load average: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** The four measured .gr files the 1,000-PDF series cycles over (those present). */
    static List<byte[]> seriesTexts(Path shared) throws IOException {
        List<byte[]> texts = new ArrayList<>();
        for (String f : List.of("pdf/diffpy_cmi/Ni.gr", "pdf/diffpy_cmi/CdSe-bulk.gr", "pdf/srfit/si-q27r60-xray.gr",
                "pdf/diffpy_cmi/Pt-nanoparticles.gr")) {
            if (Files.exists(shared.resolve(f))) {
                texts.add(Files.readAllBytes(shared.resolve(f)));
            }
        }
        return texts;
    }

    /**
     * Seconds for ClassifyStructure to turn n queued .gr flow files into JSON + PNG (nifi-mock TestRunner,
     * the given number of concurrent tasks), after a warm-up of 200 in the same runner (model loaded,
     * code compiled).
     *
     * @return {wall seconds, CPU seconds of the whole JVM (GC and compiler threads included)}
     */
    static double[] processorSeries(Path modelPath, List<byte[]> texts, int n, int threads, boolean chart) {
        org.apache.nifi.util.TestRunner runner = org.apache.nifi.util.TestRunners.newTestRunner(
                org.nifispectro.processors.ClassifyStructure.class);
        runner.setProperty("Model File", modelPath.toAbsolutePath().toString());
        runner.setProperty("Write Chart", Boolean.toString(chart));
        runner.setThreadCount(threads);
        for (int i = 0; i < 200; i++) {
            runner.enqueue(texts.get(i % texts.size()), Map.of("filename", "warm" + i + ".gr"));
        }
        runner.run(200, false, true);
        runner.clearTransferState();
        runner.clearProvenanceEvents();
        for (int i = 0; i < n; i++) {
            runner.enqueue(texts.get(i % texts.size()), Map.of("filename", "series" + i + ".gr"));
        }
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        runner.run(n, true, false);
        double sec = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - c0) / 1e9;
        if (runner.getFlowFilesForRelationship("original").size() != n) {
            throw new IllegalStateException("the series did not go through: " + runner.getQueueSize() + " left");
        }
        return new double[] {sec, cpu};
    }

    private static void series(int mode, byte[] text, float[] profile, PrototypeClassifier clf) throws Exception {
        // mode 0: ClassifyStructure's path (GrText), 1: the GrReader path, 2: parse only, 3: classify only
        switch (mode) {
            case 0 -> {
                GrText.Columns c = GrText.parse(text);
                clf.classify(PdfProfile.of(c.r(), c.g(), clf.grid()), 5);
            }
            case 1 -> {
                List<String> lines = Arrays.asList(new String(text, StandardCharsets.ISO_8859_1).split("\\r?\\n|\\r", -1));
                GrData d = GrReader.parse(lines, "series");
                clf.classify(PdfProfile.of(d.r(), d.g(), clf.grid()), 5);
            }
            case 2 -> GrText.parse(text);
            default -> clf.classify(profile, 5);
        }
    }

    private static Object xgboost(Catalog catalog, Trainer.Options to, Trainer.TestSet ts, List<float[]> realProfiles,
                                  List<Integer> realIndex, List<Map<String, Object>> real, Path work, int threads,
                                  int rounds, String python, String script) throws IOException, InterruptedException {
        PdfAugmenter aug = PdfAugmenter.of(catalog.grid());
        PdfCalculator calc = PdfCalculator.of(aug.baseParameters(),
                PdfAugmenter.limits(catalog.options().maxAtoms()));
        try (BufferedWriter w = Files.newBufferedWriter(work.resolve("train.csv"))) {
            for (int c = 0; c < catalog.classes().size(); c++) {
                for (float[] x : Trainer.trainingProfiles(catalog, c, to, aug, calc)) {
                    writeRow(w, c, x);
                }
            }
        }
        writeSet(work.resolve("clean.csv"), ts.clean(), ts.labels());
        writeSet(work.resolve("perturbed.csv"), ts.perturbed(), ts.labels());
        List<Integer> minus = new ArrayList<>();
        for (int i = 0; i < realProfiles.size(); i++) {
            minus.add(-1);
        }
        if (realProfiles.isEmpty()) {
            realProfiles = List.of(ts.clean().get(0));
            minus = List.of(-1);
        }
        writeSet(work.resolve("real.csv"), realProfiles, minus);
        Process p = new ProcessBuilder(python, script, work.toString(), Integer.toString(threads),
                Integer.toString(rounds)).inheritIO().start();
        int rc = p.waitFor();
        if (rc != 0) {
            return Map.of("error", "xgb_bench.py exited with " + rc);
        }
        JsonNode j = new ObjectMapper().readTree(work.resolve("xgb.json").toFile());
        int hit = 0;
        int n = 0;
        for (int i = 0; i < realIndex.size(); i++) {
            Map<String, Object> row = real.get(realIndex.get(i));
            RealCase rc2 = REAL.stream().filter(q -> q.file().equals(row.get("file"))).findFirst().orElseThrow();
            List<Candidate> top = new ArrayList<>();
            for (JsonNode e : j.path("real_top5").get(i)) {
                top.add(new Candidate(e.get(0).asInt(), e.get(1).asDouble(), Double.NaN));
            }
            row.put("xgboost", describe(top, catalog));
            if (!rc2.elements().isEmpty()) {
                int rank = rankOfExpected(top, catalog, rc2);
                row.put("expectedRankXgboost", rank);
                n++;
                hit += rank >= 1 && rank <= 3 ? 1 : 0;
            }
        }
        Map<String, Object> m = new ObjectMapper().convertValue(j, Map.class);
        m.remove("real_top5");
        m.put("realInCatalogTop3", hit + "/" + n);
        return m;
    }

    private static void writeSet(Path f, List<float[]> xs, List<Integer> labels) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(f)) {
            for (int i = 0; i < xs.size(); i++) {
                writeRow(w, labels.get(i), xs.get(i));
            }
        }
    }

    private static void writeRow(BufferedWriter w, int label, float[] x) throws IOException {
        StringBuilder sb = new StringBuilder().append(label);
        for (float v : x) {
            sb.append(',').append(v);
        }
        w.write(sb.toString());
        w.newLine();
    }

    static List<String> describe(List<Candidate> top, Catalog catalog) {
        return describe(top, catalog.classes());
    }

    static List<String> describe(List<Candidate> top, List<StructureClass> classes) {
        List<String> out = new ArrayList<>();
        for (Candidate c : top) {
            StructureClass sc = classes.get(c.classId());
            out.add(String.format(Locale.ROOT, "%s (%d members) p=%.3f r=%.3f", sc.label(), sc.all().size(),
                    c.probability(), c.correlation()));
        }
        return out;
    }

    /** 1-based rank of the first candidate whose class holds a structure of the expected type; 0 if none. */
    static int rankOfExpected(List<Candidate> top, Catalog catalog, RealCase rc) {
        return rankOfExpected(top, catalog.classes(), rc);
    }

    static int rankOfExpected(List<Candidate> top, List<StructureClass> classes, RealCase rc) {
        for (int i = 0; i < top.size(); i++) {
            for (CatalogEntry e : classes.get(top.get(i).classId()).all()) {
                if (isExpected(e, rc)) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    /** Whether a catalog entry is the structure a measured PDF should be named as: its elements and space group. */
    static boolean isExpected(CatalogEntry e, RealCase rc) {
        return elements(e.formula()).equals(rc.elements())
                && (rc.spaceGroups() == null || rc.spaceGroups().contains(CatalogEntry.spaceGroupKey(e.spaceGroup())));
    }

    /**
     * 1-based rank of the first candidate whose class holds a structure isostructural with the expected one
     * ({@link CatalogEntry#structureTypeKey}: space group, atoms per cell, stoichiometry; CdS wurtzite for CdSe
     * wurtzite, Cu for Ni), the seed's reading of "structure type"; 0 if none.
     */
    static int rankOfExpectedType(List<Candidate> top, List<StructureClass> classes, RealCase rc) {
        Set<String> keys = new java.util.HashSet<>();
        for (StructureClass sc : classes) {
            for (CatalogEntry e : sc.all()) {
                if (isExpected(e, rc)) {
                    keys.add(e.structureTypeKey());
                }
            }
        }
        for (int i = 0; i < top.size(); i++) {
            for (CatalogEntry e : classes.get(top.get(i).classId()).all()) {
                if (keys.contains(e.structureTypeKey())) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    static String elements(String formula) {
        Set<String> s = new TreeSet<>();
        Matcher m = Pattern.compile("[A-Z][a-z]?").matcher(formula);
        while (m.find()) {
            s.add(m.group());
        }
        return String.join(" ", s);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /**
     * Learner experiments on cached simulated profiles (issue 6, step 1): the profiles of one
     * simulation run are written once to a cache file, then several learners are trained and
     * scored on the same data. Not part of the product.
     * <pre>
     * ClassifyBenchmark --experiment target/classify-cache.bin --cifs ../shared/data/cif/inorganic [--variants 40]
     * </pre>
     */
    static final class Experiment {

        /** Profiles per class: training (variant-major, augmentations per variant), validation, test. */
        record Data(int nc, int d, int aug, List<float[][]> train, List<float[][]> val, List<float[][]> clean,
                    List<float[][]> pert) {
        }

        static Data simulate(Path cifs, int variants, int aug, int testVariants, int threads) throws Exception {
            Catalog catalog = Catalog.build(cifs, ModelGrid.standard(), new Catalog.Options(0.95, 0.01, 5000, threads));
            Trainer.Options o = new Trainer.Options(variants, aug, 16, 2, testVariants, Augmentation.Ranges.standard(),
                    0L, threads);
            PdfAugmenter augm = PdfAugmenter.of(catalog.grid());
            PdfCalculator calc = PdfCalculator.of(augm.baseParameters(), PdfAugmenter.limits(5000));
            int nc = catalog.classes().size();
            float[][][][] res = new float[nc][][][];
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < nc; c++) {
                final int cc = c;
                fs.add(pool.submit(() -> {
                    List<float[]> tr = Trainer.trainingProfiles(catalog, cc, o, augm, calc);
                    List<float[]> val = new ArrayList<>();
                    org.nifispectro.classify.ClassSamples.conditionPairs(catalog, cc, 2,
                            org.nifispectro.classify.ClassSamples.Purpose.VALIDATION, 0L, augm, calc, o.ranges(),
                            (x, y) -> {
                                val.add(x);
                                val.add(y);
                            });
                    List<float[]> cl = new ArrayList<>();
                    List<float[]> pe = new ArrayList<>();
                    org.nifispectro.classify.ClassSamples.conditionPairs(catalog, cc, testVariants,
                            org.nifispectro.classify.ClassSamples.Purpose.TEST, 0L, augm, calc, o.ranges(), (x, y) -> {
                                cl.add(x);
                                pe.add(y);
                            });
                    res[cc] = new float[][][] {tr.toArray(new float[0][]), val.toArray(new float[0][]),
                            cl.toArray(new float[0][]), pe.toArray(new float[0][])};
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : fs) {
                f.get();
            }
            pool.shutdown();
            List<float[][]> a = new ArrayList<>();
            List<float[][]> b = new ArrayList<>();
            List<float[][]> c2 = new ArrayList<>();
            List<float[][]> d = new ArrayList<>();
            for (float[][][] r : res) {
                a.add(r[0]);
                b.add(r[1]);
                c2.add(r[2]);
                d.add(r[3]);
            }
            return new Data(nc, catalog.grid().n(), aug, a, b, c2, d);
        }

        static void write(Data x, Path f) throws IOException {
            try (java.io.DataOutputStream o = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(f), 1 << 20))) {
                o.writeInt(x.nc());
                o.writeInt(x.d());
                o.writeInt(x.aug());
                for (List<float[][]> l : List.of(x.train(), x.val(), x.clean(), x.pert())) {
                    ProfileCacheIo.writeClasses(o, l);
                }
            }
        }

        static Data read(Path f) throws IOException {
            try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                    Files.newInputStream(f), 1 << 20))) {
                int nc = in.readInt();
                int d = in.readInt();
                int aug = in.readInt();
                List<List<float[][]>> all = new ArrayList<>();
                for (int s = 0; s < 4; s++) {
                    all.add(ProfileCacheIo.readClasses(in, nc, d));
                }
                return new Data(nc, d, aug, all.get(0), all.get(1), all.get(2), all.get(3));
            }
        }

        /** A learner: class scores (higher = better) of a profile. */
        interface Scorer {
            double[] scores(float[] x);
        }

        static String acc(Data x, Scorer s) {
            int[] h = new int[6];
            int n = 0;
            for (int c = 0; c < x.nc(); c++) {
                for (int i = 0; i < x.clean().get(c).length; i++) {
                    int r1 = PrototypeClassifier.rankOf(s.scores(x.clean().get(c)[i]), c);
                    int r2 = PrototypeClassifier.rankOf(s.scores(x.pert().get(c)[i]), c);
                    h[0] += r1 < 1 ? 1 : 0;
                    h[1] += r1 < 3 ? 1 : 0;
                    h[2] += r1 < 5 ? 1 : 0;
                    h[3] += r2 < 1 ? 1 : 0;
                    h[4] += r2 < 3 ? 1 : 0;
                    h[5] += r2 < 5 ? 1 : 0;
                    n++;
                }
            }
            return String.format(Locale.ROOT, "clean %.1f/%.1f/%.1f  pert %.1f/%.1f/%.1f (n=%d)", 100.0 * h[0] / n,
                    100.0 * h[1] / n, 100.0 * h[2] / n, 100.0 * h[3] / n, 100.0 * h[4] / n, 100.0 * h[5] / n, n);
        }

        /** Nearest reference by dot product: refs in point-major layout. */
        static Scorer nn(List<float[][]> refsPerClass, int nc) {
            int total = 0;
            for (float[][] m : refsPerClass) {
                total += m.length;
            }
            int d = refsPerClass.get(0)[0].length;
            float[] by = new float[total * d];
            int[] start = new int[nc + 1];
            int k = 0;
            for (int c = 0; c < nc; c++) {
                start[c] = k;
                for (float[] v : refsPerClass.get(c)) {
                    for (int i = 0; i < d; i++) {
                        by[i * total + k] = v[i];
                    }
                    k++;
                }
            }
            start[nc] = k;
            final int np = total;
            return x -> {
                float[] accu = new float[np];
                for (int i = 0; i < d; i++) {
                    float xi = x[i];
                    int off = i * np;
                    for (int q = 0; q < np; q++) {
                        accu[q] += xi * by[off + q];
                    }
                }
                double[] s = new double[nc];
                for (int c = 0; c < nc; c++) {
                    float b = Float.NEGATIVE_INFINITY;
                    for (int q = start[c]; q < start[c + 1]; q++) {
                        b = Math.max(b, accu[q]);
                    }
                    s[c] = b;
                }
                return s;
            };
        }

        /** Per class: log sum exp(s/h) (ag = "h..."), or mean of the k best similarities (ag = "k..."). */
        static Scorer aggregate(List<float[][]> refs, int nc, String ag) {
            int[] start = new int[nc + 1];
            int total = 0;
            for (int c = 0; c < nc; c++) {
                start[c] = total;
                total += refs.get(c).length;
            }
            start[nc] = total;
            float[][] flat = new float[total][];
            for (int c = 0; c < nc; c++) {
                System.arraycopy(refs.get(c), 0, flat, start[c], refs.get(c).length);
            }
            int d = flat[0].length;
            float[] by = new float[total * d];
            for (int k = 0; k < total; k++) {
                for (int i = 0; i < d; i++) {
                    by[i * total + k] = flat[k][i];
                }
            }
            final int np = total;
            boolean kernel = ag.startsWith("h");
            double h = kernel ? Double.parseDouble(ag.substring(1)) : 0;
            int kk = kernel ? 0 : Integer.parseInt(ag.substring(1));
            return x -> {
                float[] accu = new float[np];
                for (int i = 0; i < d; i++) {
                    float xi = x[i];
                    int off = i * np;
                    for (int q = 0; q < np; q++) {
                        accu[q] += xi * by[off + q];
                    }
                }
                double[] s = new double[nc];
                for (int c = 0; c < nc; c++) {
                    if (kernel) {
                        double mx = Double.NEGATIVE_INFINITY;
                        for (int q = start[c]; q < start[c + 1]; q++) {
                            mx = Math.max(mx, accu[q]);
                        }
                        double z = 0;
                        for (int q = start[c]; q < start[c + 1]; q++) {
                            z += Math.exp((accu[q] - mx) / h);
                        }
                        s[c] = mx + h * Math.log(z / (start[c + 1] - start[c]));
                    } else {
                        float[] seg = Arrays.copyOfRange(accu, start[c], start[c + 1]);
                        Arrays.sort(seg);
                        double m = 0;
                        int kq = Math.min(kk, seg.length);
                        for (int q = 0; q < kq; q++) {
                            m += seg[seg.length - 1 - q];
                        }
                        s[c] = m / kq;
                    }
                }
                return s;
            };
        }

        /** Profile y(r) = x(s r) on the same grid (linear interpolation, edge value outside), re-normalised. */
        static float[] scaled(float[] x, double s) {
            ModelGrid g = ModelGrid.standard();
            double[] y = new double[x.length];
            for (int k = 0; k < x.length; k++) {
                double u = (g.r(k) * s - g.rmin()) / g.rstep();
                int i = (int) Math.floor(u);
                if (i < 0) {
                    y[k] = x[0];
                } else if (i >= x.length - 1) {
                    y[k] = x[x.length - 1];
                } else {
                    double f = u - i;
                    y[k] = x[i] * (1 - f) + x[i + 1] * f;
                }
            }
            return PdfProfile.normalize(y);
        }

        static float[][] first(float[][] m, int n) {
            return Arrays.copyOf(m, Math.min(n, m.length));
        }

        /** The first n training profiles of each class. */
        static List<float[][]> firstOfEach(List<float[][]> train, int n) {
            List<float[][]> out = new ArrayList<>(train.size());
            for (float[][] m : train) {
                out.add(first(m, n));
            }
            return out;
        }

        /** The value of option {@code key} in a step "name_key1value1_key2value2...", or the default. */
        static String option(String step, String key, Object dflt) {
            String[] parts = step.split("_");
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].startsWith(key)) {
                    return parts[i].substring(key.length());
                }
            }
            return String.valueOf(dflt);
        }

        /** Linear map y = W x (W m x d, row-major double), then optional unit normalisation. */
        static float[] apply(double[][] w, float[] x, boolean norm) {
            float[] y = new float[w.length];
            double ss = 0;
            for (int j = 0; j < w.length; j++) {
                double s = 0;
                double[] row = w[j];
                for (int i = 0; i < x.length; i++) {
                    s += row[i] * x[i];
                }
                y[j] = (float) s;
                ss += s * s;
            }
            if (norm && ss > 0) {
                float inv = (float) (1 / Math.sqrt(ss));
                for (int j = 0; j < y.length; j++) {
                    y[j] *= inv;
                }
            }
            return y;
        }

        /**
         * LDA-style map: whitening by the shrunk pooled within-class covariance, then (if m &lt; d)
         * projection on the top m between-class directions of the whitened class means.
         */
        static double[][] lda(List<float[][]> train, double shrink, int m) {
            int nc = train.size();
            int d = train.get(0)[0].length;
            double[][] sw = new double[d][d];
            double[][] means = new double[nc][d];
            long n = 0;
            for (int c = 0; c < nc; c++) {
                float[][] xs = train.get(c);
                for (float[] v : xs) {
                    for (int i = 0; i < d; i++) {
                        means[c][i] += v[i];
                    }
                }
                for (int i = 0; i < d; i++) {
                    means[c][i] /= xs.length;
                }
                double[] dv = new double[d];
                for (float[] v : xs) {
                    for (int i = 0; i < d; i++) {
                        dv[i] = v[i] - means[c][i];
                    }
                    for (int i = 0; i < d; i++) {
                        double a = dv[i];
                        double[] row = sw[i];
                        for (int j = 0; j <= i; j++) {
                            row[j] += a * dv[j];
                        }
                    }
                    n++;
                }
            }
            double tr = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    sw[i][j] /= n;
                    sw[j][i] = sw[i][j];
                }
                tr += sw[i][i];
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    sw[i][j] *= (1 - shrink);
                }
                sw[i][i] += shrink * tr / d;
            }
            org.apache.commons.math3.linear.EigenDecomposition ed = new org.apache.commons.math3.linear.EigenDecomposition(
                    new org.apache.commons.math3.linear.Array2DRowRealMatrix(sw, false));
            double[][] v = ed.getV().getData();
            double[] ev = ed.getRealEigenvalues();
            // whitening W = diag(1/sqrt(ev)) V^T
            double[][] w = new double[d][d];
            for (int k = 0; k < d; k++) {
                double s = 1 / Math.sqrt(Math.max(ev[k], 1e-12));
                for (int i = 0; i < d; i++) {
                    w[k][i] = v[i][k] * s;
                }
            }
            if (m >= d) {
                return w;
            }
            // between-class scatter of whitened means
            double[][] wm = new double[nc][];
            double[] gm = new double[d];
            for (int c = 0; c < nc; c++) {
                float[] f = new float[d];
                for (int i = 0; i < d; i++) {
                    f[i] = (float) means[c][i];
                }
                float[] y = apply(w, f, false);
                wm[c] = new double[d];
                for (int i = 0; i < d; i++) {
                    wm[c][i] = y[i];
                    gm[i] += y[i] / nc;
                }
            }
            double[][] sb = new double[d][d];
            for (int c = 0; c < nc; c++) {
                for (int i = 0; i < d; i++) {
                    double a = wm[c][i] - gm[i];
                    for (int j = 0; j < d; j++) {
                        sb[i][j] += a * (wm[c][j] - gm[j]);
                    }
                }
            }
            org.apache.commons.math3.linear.EigenDecomposition eb = new org.apache.commons.math3.linear.EigenDecomposition(
                    new org.apache.commons.math3.linear.Array2DRowRealMatrix(sb, false));
            double[][] u = eb.getV().getData();
            double[] lb = eb.getRealEigenvalues();
            Integer[] idx = new Integer[d];
            for (int i = 0; i < d; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, (p, q) -> Double.compare(lb[q], lb[p]));
            double[][] out = new double[m][d];
            for (int k = 0; k < m; k++) {
                int e = idx[k];
                for (int i = 0; i < d; i++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        s += u[j][e] * w[j][i];
                    }
                    out[k][i] = s;
                }
            }
            return out;
        }

        static List<float[][]> map(List<float[][]> l, double[][] w, boolean norm) {
            List<float[][]> out = new ArrayList<>();
            for (float[][] m : l) {
                float[][] y = new float[m.length][];
                for (int i = 0; i < m.length; i++) {
                    y[i] = apply(w, m[i], norm);
                }
                out.add(y);
            }
            return out;
        }

        static List<float[][]> kmeansAll(List<float[][]> l, int k) throws Exception {
            java.lang.reflect.Method km = Trainer.class.getDeclaredMethod("kmeans", List.class, int.class);
            km.setAccessible(true);
            List<float[][]> out = new ArrayList<>();
            for (float[][] m : l) {
                out.add((float[][]) km.invoke(null, List.of(m), Math.min(k, m.length)));
            }
            return out;
        }

        static void run(Map<String, String> a) throws Exception {
            Path cache = Path.of(a.get("experiment"));
            int variants = Integer.parseInt(a.getOrDefault("variants", "40"));
            int aug = 6;
            Data x;
            if (Files.exists(cache)) {
                x = read(cache);
            } else {
                long t0 = System.nanoTime();
                x = simulate(Path.of(a.getOrDefault("cifs", Path.of(SHARED).resolve("cif/inorganic").toString())), variants, aug,
                        Integer.parseInt(a.getOrDefault("test-variants", "4")), Integer.parseInt(a.getOrDefault("threads", "2")));
                System.out.printf(Locale.ROOT, "simulated %d classes in %.1f s%n", x.nc(), (System.nanoTime() - t0) / 1e9);
                write(x, cache);
            }
            String only = a.getOrDefault("only", "");
            int nc = x.nc();
            for (String step : a.getOrDefault("steps", "proto16,nn20,nnall").split(",")) {
                long t0 = System.nanoTime();
                String res;
                if (step.startsWith("proto")) {
                    // protoK or protoK_vV
                    String[] p = step.substring(5).split("_v");
                    int k = Integer.parseInt(p[0]);
                    int v = p.length > 1 ? Integer.parseInt(p[1]) : 20;
                    List<float[][]> tr = firstOfEach(x.train(), v * aug);
                    res = acc(x, nn(kmeansAll(tr, k), nc));
                } else if (step.startsWith("nn")) {
                    int v = step.equals("nnall") ? 1 << 20 : Integer.parseInt(step.substring(2));
                    List<float[][]> tr = firstOfEach(x.train(), v * aug);
                    res = acc(x, nn(tr, nc));
                } else if (step.startsWith("lda")) {
                    // lda_s<shrink>_m<dims>_v<variants>_k<protos|0 for all>
                    double shrink = Double.parseDouble(option(step, "s", 0.1));
                    int m = Integer.parseInt(option(step, "m", x.d()));
                    int v = Integer.parseInt(option(step, "v", 20));
                    int k = Integer.parseInt(option(step, "k", 0));
                    List<float[][]> tr = firstOfEach(x.train(), v * aug);
                    double[][] w = lda(tr, shrink, m);
                    List<float[][]> tw = map(tr, w, true);
                    if (k > 0) {
                        tw = kmeansAll(tw, k);
                    }
                    Scorer base = nn(tw, nc);
                    res = acc(x, q -> base.scores(apply(w, q, true)));
                } else if (step.startsWith("agg")) {
                    // agg_v<variants>: max, kernel sums and k-NN means over all training profiles of each class
                    int v = Integer.parseInt(step.substring(5));
                    List<float[][]> tr = firstOfEach(x.train(), v * aug);
                    StringBuilder sb = new StringBuilder();
                    for (String ag : List.of("h0.002", "h0.005", "h0.01", "h0.02", "k3", "k6")) {
                        sb.append("\n   ").append(ag).append(' ').append(acc(x, aggregate(tr, nc, ag)));
                    }
                    res = sb.toString();
                } else if (step.startsWith("scale")) {
                    // scale_v<variants>_k<shortlist>_r<max rel>_n<steps each side>_p<protos, 0 = all>
                    int v = Integer.parseInt(option(step, "v", 40));
                    int kk = Integer.parseInt(option(step, "k", 10));
                    double rel = Double.parseDouble(option(step, "r", 0.03));
                    int ns = Integer.parseInt(option(step, "n", 6));
                    int pk = Integer.parseInt(option(step, "p", 0));
                    int fp = Integer.parseInt(option(step, "f", 0));
                    double lam = Double.parseDouble(option(step, "l", 0));
                    List<float[][]> tr = firstOfEach(x.train(), v * aug);
                    List<float[][]> refs = pk > 0 ? kmeansAll(tr, pk) : tr;
                    Scorer first = nn(fp > 0 ? kmeansAll(tr, fp) : pk > 0 ? refs : kmeansAll(tr, 16), nc);
                    final int fk = kk;
                    final double frel = rel;
                    final int fns = ns;
                    final double flam = lam;
                    res = acc(x, q -> {
                        double[] s0 = first.scores(q);
                        Integer[] idx = new Integer[nc];
                        for (int i = 0; i < nc; i++) {
                            idx[i] = i;
                        }
                        Arrays.sort(idx, (p1, p2) -> Double.compare(s0[p2], s0[p1]));
                        float[][] qs = new float[2 * fns + 1][];
                        for (int j = -fns; j <= fns; j++) {
                            qs[j + fns] = scaled(q, 1 + frel * j / fns);
                        }
                        double[] out = s0.clone();
                        for (int t = 0; t < fk; t++) {
                            int c = idx[t];
                            double b = Double.NEGATIVE_INFINITY;
                            for (float[] ref : refs.get(c)) {
                                for (int j = 0; j < qs.length; j++) {
                                    double u = (j - fns) / (double) fns;
                                    b = Math.max(b, PdfProfile.dot(qs[j], ref) - flam * u * u);
                                }
                            }
                            out[c] = b;
                        }
                        // classes not rescored stay below the rescored ones' floor
                        return out;
                    });
                } else if (step.startsWith("prod")) {
                    // prod_v<variants>: the shipped PrototypeClassifier (16 + 48 prototypes, shortlist 10, +-6 %, 12 steps)
                    String[] pp = step.substring(6).split("_k");
                    int v = Integer.parseInt(pp[0]);
                    int shortlist = pp.length > 1 ? Integer.parseInt(pp[1]) : 10;
                    List<float[][]> tr = firstOfEach(x.train(), v * aug);
                    List<float[][]> coarse = kmeansAll(tr, 16);
                    List<float[][]> fine = kmeansAll(tr, 48);
                    int[] st = new int[nc + 1];
                    int[] fst = new int[nc + 1];
                    List<float[]> cp = new ArrayList<>();
                    List<float[]> fp = new ArrayList<>();
                    for (int c = 0; c < nc; c++) {
                        st[c] = cp.size();
                        fst[c] = fp.size();
                        cp.addAll(List.of(coarse.get(c)));
                        fp.addAll(List.of(fine.get(c)));
                    }
                    st[nc] = cp.size();
                    fst[nc] = fp.size();
                    PrototypeClassifier pc = new PrototypeClassifier(ModelGrid.standard(), st, cp.toArray(new float[0][]),
                            new PrototypeClassifier.Refinement(fst, fp.toArray(new float[0][]), shortlist, 0.06, 12), 0.01,
                            Double.NaN);
                    res = acc(x, pc::scores);
                    PrototypeClassifier one = new PrototypeClassifier(ModelGrid.standard(), st, cp.toArray(new float[0][]),
                            0.01, Double.NaN);
                    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                    for (PrototypeClassifier q : List.of(pc, one, pc, one)) {
                        for (int w = 0; w < 2000; w++) {
                            q.scores(x.clean().get(w % nc)[0]);
                        }
                        long p0 = System.nanoTime();
                        long c0 = mx.getCurrentThreadCpuTime();
                        for (int w = 0; w < 2000; w++) {
                            q.scores(x.clean().get(w % nc)[0]);
                        }
                        res += String.format(Locale.ROOT, "%n   %s: %.3f ms wall %.3f ms cpu per profile",
                                q == pc ? "two-stage" : "first stage", (System.nanoTime() - p0) / 1e6 / 2000,
                                (mx.getCurrentThreadCpuTime() - c0) / 1e6 / 2000);
                    }
                } else if (step.equals("errors")) {
                    List<float[][]> tr = new ArrayList<>(x.train());
                    Scorer sc = nn(tr, nc);
                    // class mean profiles, to see how close confused classes are
                    float[][] mean = new float[nc][];
                    for (int c = 0; c < nc; c++) {
                        double[] m = new double[x.d()];
                        for (float[] v : tr.get(c)) {
                            for (int i = 0; i < v.length; i++) {
                                m[i] += v[i];
                            }
                        }
                        mean[c] = PdfProfile.normalize(m);
                    }
                    int[] hist = new int[6];
                    StringBuilder sb = new StringBuilder();
                    for (int c = 0; c < nc; c++) {
                        for (float[] q : x.clean().get(c)) {
                            double[] s = sc.scores(q);
                            int w = 0;
                            for (int j = 1; j < nc; j++) {
                                if (s[j] > s[w]) {
                                    w = j;
                                }
                            }
                            if (w != c) {
                                double gap = s[w] - s[c];
                                hist[gap < 0.002 ? 0 : gap < 0.005 ? 1 : gap < 0.01 ? 2 : gap < 0.02 ? 3 : gap < 0.05 ? 4 : 5]++;
                                if (sb.length() < 3000) {
                                    sb.append(String.format(Locale.ROOT, "%n   true %d (%.4f) won %d (%.4f) meanPCC %.3f", c, s[c], w,
                                            s[w], PdfProfile.dot(mean[c], mean[w])));
                                }
                            }
                        }
                    }
                    res = "gap histogram <0.002,<0.005,<0.01,<0.02,<0.05,more: " + Arrays.toString(hist) + sb;
                } else {
                    res = "unknown step";
                }
                System.out.printf(Locale.ROOT, "%-28s %s  [%.1f s]%n", step, res, (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
