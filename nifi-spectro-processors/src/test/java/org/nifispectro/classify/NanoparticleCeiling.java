package org.nifispectro.classify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.nifispectro.pdf.CrystalStructure;
import org.nifispectro.pdf.PdfCalculator;
import org.nifispectro.pdf.cif.CifStructureReader;
import org.nifispectro.pdf.io.GrText;

/**
 * How well can any simulated PDF of one structure match a measured nanoparticle PDF on the model
 * grid? Experiment behind docs/classify-report.md (sessions 5-7, CdSe-1): the best Pearson
 * correlation of the measured profile with the structure's PDF simulated by {@link PdfAugmenter} at
 * the measurement's Qmin / Qmax / Qdamp, over Uiso, sphere diameter (0 = bulk), the correlated-motion
 * term delta2 and an isotropic r scaling 0.95-1.05 -- the parameters of a nanoparticle real-space
 * refinement (the seed refines scale, cell, particle size, delta2 and one Uiso), searched on a grid.
 * It is the ceiling of any ranking by PDF agreement over those parameters. Not run by surefire.
 *
 * <p>One structure, a table per Uiso and diameter (delta2 from {@code -Ddelta2=}, default 2):
 * <pre>
 * java -cp target/classes:target/test-classes:&lt;deps&gt; org.nifispectro.classify.NanoparticleCeiling \
 *     STRUCTURE.cif QMIN QMAX QDAMP measured1.gr [measured2.gr ...]
 * </pre>
 * The candidates a ranker could propose: the union of the model's and the correlation baseline's
 * top K classes for one measured PDF, each class's representative searched over delta2 as well
 * ({@code -Ddelta2s=0,2,4,6} by default), sorted by the best correlation (two threads):
 * <pre>
 * java ... NanoparticleCeiling --candidates MODEL.zip CIF_FOLDER measured.gr QMIN QMAX QDAMP K
 * </pre>
 */
final class NanoparticleCeiling {

    private static final double[] UISO = {0.005, 0.01, 0.015, 0.03, 0.05, 0.08};
    private static final double[] DIAMETERS = {0, 8, 10, 12, 15, 20, 25, 30, 40, 60};
    /** delta2 values searched in the candidates mode (-Ddelta2s=0,2,4,6 by default). */
    private static final double[] DELTA2_SEARCH = java.util.Arrays.stream(System.getProperty("delta2s", "0,2,4,6").split(","))
            .mapToDouble(Double::parseDouble).toArray();

    /** Correlated-motion 1/r^2 sharpening in the one-structure mode (-Ddelta2=..., default 2 as the base). */
    private static final double DELTA2 = Double.parseDouble(System.getProperty("delta2", "2"));

    /** Best correlation and where it is reached. */
    record Best(double r, double delta2, double uiso, double diameter, double scale) {
        Best max(Best o) {
            return o.r > r ? o : this;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f (delta2 %.0f, Uiso %.3f, %s, r x %.3f)", r, delta2, uiso,
                    diameter == 0 ? "bulk" : "d " + (int) diameter + " A", scale);
        }
    }

    private NanoparticleCeiling() {
    }

    public static void main(String[] a) throws Exception {
        if (a.length > 0 && a[0].equals("--candidates")) {
            candidates(a);
            return;
        }
        ModelGrid grid = ModelGrid.standard();
        PdfAugmenter aug = PdfAugmenter.of(grid);
        CrystalStructure s = CifStructureReader.defaults().readFirst(Path.of(a[0]));
        Augmentation at = new Augmentation(Double.parseDouble(a[1]), Double.parseDouble(a[2]), Double.parseDouble(a[3]), 0, 0);
        for (int fi = 4; fi < a.length; fi++) {
            GrText.Columns c = GrText.parse(Files.readAllBytes(Path.of(a[fi])));
            float[][] scaled = scaledProfiles(c, grid, 21);
            System.out.println(Path.of(a[fi]).getFileName() + " vs " + s.cellFormula() + " " + s.spaceGroup()
                    + ": best r (scale) per Uiso and sphere diameter");
            Best overall = new Best(-1, DELTA2, 0, 0, 1);
            for (double u : UISO) {
                double[] base = base(aug, s, u, DELTA2);
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  Uiso %.3f:", u));
                for (double d : DIAMETERS) {
                    Best b = best(aug, base, at, d, scaled, DELTA2, u);
                    overall = overall.max(b);
                    sb.append(String.format(Locale.ROOT, " %s %.3f (%.3f)", d == 0 ? "bulk" : "d" + (int) d, b.r(), b.scale()));
                }
                System.out.println(sb);
            }
            System.out.printf(Locale.ROOT, "  best over all: %.3f%n", overall.r());
        }
    }

    private static void candidates(String[] a) throws Exception {
        ClassifierModel m = ModelFile.read(Path.of(a[1]));
        ModelGrid grid = m.classifier().grid();
        Catalog cat = Catalog.build(Path.of(a[2]), grid, Catalog.Options.defaults());
        if (cat.classes().size() != m.classes().size()) {
            throw new IllegalStateException(a[2] + " gives " + cat.classes().size() + " classes, the model has " + m.classes().size());
        }
        GrText.Columns c = GrText.parse(Files.readAllBytes(Path.of(a[3])));
        Augmentation at = new Augmentation(Double.parseDouble(a[4]), Double.parseDouble(a[5]), Double.parseDouble(a[6]), 0, 0);
        int k = Integer.parseInt(a[7]);
        List<Candidate> clf = m.classify(c.r(), c.g(), k).candidates();
        List<Candidate> base = CorrelationBaseline.of(cat, 0.01).rank(PdfProfile.of(c.r(), c.g(), grid), k);
        Map<Integer, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < clf.size(); i++) {
            tags.merge(clf.get(i).classId(), "classifier " + (i + 1), (p, q) -> p + ", " + q);
        }
        for (int i = 0; i < base.size(); i++) {
            tags.merge(base.get(i).classId(), "baseline " + (i + 1), (p, q) -> p + ", " + q);
        }
        float[][] scaled = scaledProfiles(c, grid, 11);
        PdfAugmenter aug = PdfAugmenter.of(grid);
        ExecutorService ex = Executors.newFixedThreadPool(2);
        List<Future<Map.Entry<Best, String>>> jobs = new ArrayList<>();
        for (Map.Entry<Integer, String> e : tags.entrySet()) {
            jobs.add(ex.submit(() -> {
                StructureClass sc = cat.classes().get(e.getKey());
                CrystalStructure s = cat.structures(e.getKey()).get(0).structure();
                Best b = new Best(-1, 0, 0, 0, 1);
                for (double d2 : DELTA2_SEARCH) {
                    for (double u : UISO) {
                        double[] g = base(aug, s, u, d2);
                        for (double d : DIAMETERS) {
                            b = b.max(best(aug, g, at, d, scaled, d2, u));
                        }
                    }
                }
                return Map.entry(b, String.format(Locale.ROOT, "%s %s [%s], %s", sc.representative().formula(),
                        sc.representative().spaceGroup(), sc.representative().sourceId(), e.getValue()));
            }));
        }
        List<Map.Entry<Best, String>> rows = new ArrayList<>();
        for (Future<Map.Entry<Best, String>> f : jobs) {
            rows.add(f.get());
        }
        ex.shutdown();
        rows.sort(Comparator.comparingDouble((Map.Entry<Best, String> e) -> -e.getKey().r()));
        System.out.println(Path.of(a[3]).getFileName() + ": " + rows.size() + " candidate classes (top " + k
                + " of the classifier and of the baseline), by best correlation");
        for (int i = 0; i < rows.size(); i++) {
            System.out.printf(Locale.ROOT, "%2d  %s  %s%n", i + 1, rows.get(i).getKey(), rows.get(i).getValue());
        }
    }

    private static double[] base(PdfAugmenter aug, CrystalStructure s, double uiso, double delta2) {
        return PdfCalculator.of(aug.baseParameters().withUiso(uiso).withDelta(0, delta2), PdfAugmenter.limits(5000))
                .calculate(s).g();
    }

    /** The measured profile on the model grid with r scaled by 0.95 + 0.1 i / (n - 1). */
    private static float[][] scaledProfiles(GrText.Columns c, ModelGrid grid, int n) throws PdfInputException {
        float[][] scaled = new float[n][];
        for (int k = 0; k < n; k++) {
            double sc = scale(k, n);
            double[] rr = c.r().clone();
            for (int i = 0; i < rr.length; i++) {
                rr[i] *= sc;
            }
            scaled[k] = PdfProfile.of(rr, c.g(), grid);
        }
        return scaled;
    }

    private static double scale(int k, int n) {
        return 0.95 + 0.1 * k / (n - 1);
    }

    private static Best best(PdfAugmenter aug, double[] base, Augmentation at, double diameter, float[][] scaled,
            double delta2, double uiso) {
        float[] p = PdfProfile.normalize(aug.apply(base, new Augmentation(at.qmin(), at.qmax(), at.qdamp(), diameter, 0), null));
        Best b = new Best(-1, delta2, uiso, diameter, 1);
        for (int k = 0; k < scaled.length; k++) {
            b = b.max(new Best(PdfProfile.dot(scaled[k], p), delta2, uiso, diameter, scale(k, scaled.length)));
        }
        return b;
    }
}
