package org.nifispectro.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.junit.jupiter.api.Test;
import org.nifispectro.pdf.CrystalStructure;
import org.nifispectro.pdf.PdfCalculator;
import org.nifispectro.pdf.PdfParameters;
import org.nifispectro.pdf.cif.CifStructureReader;

/**
 * The cheap augmentation (one base simulation, then band-pass and envelopes) against direct
 * simulations by the DiffPy-equivalent PdfCalculator at the same settings.
 */
class PdfAugmenterTest {

    private static final ModelGrid GRID = ModelGrid.standard();

    private static double[] direct(CrystalStructure s, double qmin, double qmax, double qdamp, double d) {
        PdfParameters p = PdfParameters.mlstructureMining().withUiso(0.01).withQ(qmin, qmax).withQdamp(qdamp)
                .withSpdiameter(d);
        double[] g = PdfCalculator.of(p).calculate(s).g();
        double[] out = new double[GRID.n()];
        for (int k = 0; k < GRID.n(); k++) {
            out[k] = g[k + 10];
        }
        return out;
    }

    private static void check(CrystalStructure s, Augmentation a) {
        PdfAugmenter aug = PdfAugmenter.of(GRID);
        double[] base = PdfCalculator.of(aug.baseParameters().withUiso(0.01)).calculate(s).g();
        double[] cheap = aug.apply(base, a, new SplittableRandom(0));
        double[] ref = direct(s, a.qmin(), a.qmax(), a.qdamp(), a.spdiameter());
        double r = new PearsonsCorrelation().correlation(cheap, ref);
        assertTrue(r > 0.995, "Pearson r vs direct simulation " + r + " for " + a);
        double num = 0;
        double den = 0;
        for (int k = 0; k < ref.length; k++) {
            num += (cheap[k] - ref[k]) * (cheap[k] - ref[k]);
            den += ref[k] * ref[k];
        }
        assertTrue(Math.sqrt(num / den) < 0.1, "Rw " + Math.sqrt(num / den) + " for " + a);
    }

    @Test
    void matchesDirectSimulationOfNickel() throws Exception {
        CrystalStructure ni = CifStructureReader.defaults().readFirst(ClassifyFixtures.resource("cifs/diffpy.cmi__Ni.cif"));
        check(ni, Augmentation.mlstructureMining());
        check(ni, new Augmentation(0.5, 16, 0.06, 0, 0));
        check(ni, new Augmentation(1.0, 24, 0.02, 40, 0));
    }

    @Test
    void matchesDirectSimulationOfCdSeWurtzite() throws Exception {
        CrystalStructure s = CifStructureReader.defaults().readFirst(
                ClassifyFixtures.resource("cifs/diffpy.cmi__CdSe-Wurtzite.cif"));
        check(s, new Augmentation(0.7, 18, 0.04, 25, 0));
    }

    @Test
    void noiseHasTheRequestedLevelBeforeTheBandPass() throws Exception {
        CrystalStructure ni = CifStructureReader.defaults().readFirst(ClassifyFixtures.resource("cifs/diffpy.cmi__Ni.cif"));
        PdfAugmenter aug = PdfAugmenter.of(GRID);
        double[] base = PdfCalculator.of(aug.baseParameters().withUiso(0.01)).calculate(ni).g();
        double[] clean = aug.apply(base, new Augmentation(0, 25, 0, 0, 0), null);
        double[] noisy = aug.apply(base, new Augmentation(0, 25, 0, 0, 0.05), new SplittableRandom(3));
        double gmax = 0;
        for (int k = 0; k < GRID.n(); k++) {
            gmax = Math.max(gmax, Math.abs(base[k + 10]));
        }
        double ss = 0;
        for (int k = 0; k < GRID.n(); k++) {
            ss += (noisy[k] - clean[k]) * (noisy[k] - clean[k]);
        }
        double rms = Math.sqrt(ss / GRID.n()) / gmax;
        // white noise of sigma 0.05 band-limited to Q < 25 of the Nyquist pi/0.1 = 31.4 keeps sqrt(25/31.4) of its rms
        assertEquals(0.05 * Math.sqrt(25 / (Math.PI / 0.1)), rms, 0.006);
    }
}
