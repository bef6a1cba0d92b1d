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
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.nifispectro.classify.Augmentation;
import org.nifispectro.classify.Candidate;
import org.nifispectro.classify.Catalog;
import org.nifispectro.classify.CatalogEntry;
import org.nifispectro.classify.ClassifierModel;
import org.nifispectro.classify.ModelFile;
import org.nifispectro.classify.ModelGrid;
import org.nifispectro.classify.PdfAugmenter;
import org.nifispectro.classify.PdfInputException;
import org.nifispectro.classify.PdfProfile;
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
 *   --cifs ../shared/data/cif/inorganic --shared ../shared/data --out target/bench/classify.json \
 *   [--variants 16 --augmentations 6 --prototypes 12 --test-variants 4 --seed 0 --threads 2 --xgb-rounds 60]
 * </pre>
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
            new RealCase("pdf/diffpy_cmi/CdSe-4.gr", "Cd Se", Set.of("P63mc", "F43m"), "CdSe nanoparticles"),
            new RealCase("pdf/diffpy_cmi/Pt-nanoparticles.gr", "Pt", Set.of("Fm3m"), "Pt nanoparticles"),
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
        Path cifs = Path.of(a.getOrDefault("cifs", "../shared/data/cif/inorganic"));
        Path shared = Path.of(a.getOrDefault("shared", "../shared/data"));
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
        Trainer.Options to = new Trainer.Options(Integer.parseInt(a.getOrDefault("variants", "16")),
                Integer.parseInt(a.getOrDefault("augmentations", "6")),
                Integer.parseInt(a.getOrDefault("prototypes", "12")), 2,
                Integer.parseInt(a.getOrDefault("test-variants", "4")), Augmentation.Ranges.standard(),
                Long.parseLong(a.getOrDefault("seed", "0")), threads);
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

        // 1000-PDF series: text parse + resample + classify, cycling over measured .gr files
        List<List<String>> texts = new ArrayList<>();
        for (String f : List.of("pdf/diffpy_cmi/Ni.gr", "pdf/diffpy_cmi/CdSe-bulk.gr", "pdf/srfit/si-q27r60-xray.gr",
                "pdf/diffpy_cmi/Pt-nanoparticles.gr")) {
            if (Files.exists(shared.resolve(f))) {
                texts.add(Files.readAllLines(shared.resolve(f), StandardCharsets.ISO_8859_1));
            }
        }
        if (!texts.isEmpty()) {
            for (int w = 0; w < 100; w++) {
                GrData d = GrReader.parse(texts.get(w % texts.size()), "warm");
                clf.rank(PdfProfile.of(d.r(), d.g(), clf.grid()), 5);
            }
            long q0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                GrData d = GrReader.parse(texts.get(i % texts.size()), "series");
                clf.rank(PdfProfile.of(d.r(), d.g(), clf.grid()), 5);
            }
            report.put("series1000Seconds", (System.nanoTime() - q0) / 1e9);
            report.put("seriesNote", "parse + resample + classify of measured .gr files (Ni, CdSe, Si, Pt; 5000-6000 rows"
                    + " each, r to 50-60 A), one thread");
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
        List<String> out = new ArrayList<>();
        for (Candidate c : top) {
            StructureClass sc = catalog.classes().get(c.classId());
            out.add(String.format(Locale.ROOT, "%s (%d members) p=%.3f r=%.3f", sc.label(), sc.all().size(),
                    c.probability(), c.correlation()));
        }
        return out;
    }

    /** 1-based rank of the first candidate whose class holds a structure of the expected type; 0 if none. */
    static int rankOfExpected(List<Candidate> top, Catalog catalog, RealCase rc) {
        for (int i = 0; i < top.size(); i++) {
            for (CatalogEntry e : catalog.classes().get(top.get(i).classId()).all()) {
                if (elements(e.formula()).equals(rc.elements())
                        && (rc.spaceGroups() == null || rc.spaceGroups().contains(CatalogEntry.spaceGroupKey(e.spaceGroup())))) {
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
}
