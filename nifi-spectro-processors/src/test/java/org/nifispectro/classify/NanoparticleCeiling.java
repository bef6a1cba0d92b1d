package org.nifispectro.classify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.nifispectro.pdf.CrystalStructure;
import org.nifispectro.pdf.PdfCalculator;
import org.nifispectro.pdf.cif.CifStructureReader;
import org.nifispectro.pdf.io.GrText;

/**
 * How well can any simulated PDF of one structure match a measured nanoparticle PDF on the model
 * grid? Experiment behind docs/classify-report.md (session 5, CdSe-1): for Uiso in a list, a
 * sphere diameter in a list and an isotropic r scaling 0.95-1.05 (0.5 % steps), the best Pearson
 * correlation of the measured profile with the structure's PDF simulated by {@link PdfAugmenter}
 * at the measurement's Qmin / Qmax / Qdamp. Not run by surefire.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:&lt;deps&gt; org.nifispectro.classify.NanoparticleCeiling \
 *     STRUCTURE.cif QMIN QMAX QDAMP measured1.gr [measured2.gr ...]
 * </pre>
 */
final class NanoparticleCeiling {

    private static final double[] UISO = {0.005, 0.01, 0.015, 0.03, 0.05, 0.08};
    private static final double[] DIAMETERS = {0, 8, 10, 12, 15, 20, 25, 30, 40, 60};

    /** Correlated-motion 1/r^2 sharpening of the simulations (-Ddelta2=..., default 2 as the base). */
    private static final double DELTA2 = Double.parseDouble(System.getProperty("delta2", "2"));

    private NanoparticleCeiling() {
    }

    public static void main(String[] a) throws Exception {
        ModelGrid grid = ModelGrid.standard();
        PdfAugmenter aug = PdfAugmenter.of(grid);
        CrystalStructure s = CifStructureReader.defaults().readFirst(Path.of(a[0]));
        double qmin = Double.parseDouble(a[1]);
        double qmax = Double.parseDouble(a[2]);
        double qdamp = Double.parseDouble(a[3]);
        double[][] bases = new double[UISO.length][];
        for (int u = 0; u < UISO.length; u++) {
            bases[u] = PdfCalculator.of(aug.baseParameters().withUiso(UISO[u]).withDelta(0, DELTA2),
                    PdfAugmenter.limits(5000)).calculate(s).g();
        }
        for (int fi = 4; fi < a.length; fi++) {
            GrText.Columns c = GrText.parse(Files.readAllBytes(Path.of(a[fi])));
            float[][] scaled = new float[21][];
            for (int k = 0; k < scaled.length; k++) {
                double sc = 0.95 + 0.005 * k;
                double[] rr = c.r().clone();
                for (int i = 0; i < rr.length; i++) {
                    rr[i] *= sc;
                }
                scaled[k] = PdfProfile.of(rr, c.g(), grid);
            }
            System.out.println(Path.of(a[fi]).getFileName() + " vs " + s.cellFormula() + " " + s.spaceGroup()
                    + ": best r (scale) per Uiso and sphere diameter");
            double overall = -1;
            for (int u = 0; u < UISO.length; u++) {
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  Uiso %.3f:", UISO[u]));
                for (double d : DIAMETERS) {
                    float[] p = PdfProfile.normalize(aug.apply(bases[u], new Augmentation(qmin, qmax, qdamp, d, 0), null));
                    double best = -1;
                    double bs = 1;
                    for (int k = 0; k < scaled.length; k++) {
                        double v = PdfProfile.dot(scaled[k], p);
                        if (v > best) {
                            best = v;
                            bs = 0.95 + 0.005 * k;
                        }
                    }
                    overall = Math.max(overall, best);
                    sb.append(String.format(Locale.ROOT, " %s %.3f (%.3f)", d == 0 ? "bulk" : "d" + (int) d, best, bs));
                }
                System.out.println(sb);
            }
            System.out.printf(Locale.ROOT, "  best over all: %.3f%n", overall);
        }
    }
}
