package org.nifispectro.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The pairwise third stage on hand-made prototypes whose correlations are known in closed form:
 * x = p0 gives scores 1, 1/2, 0 for classes 0, 1, 2 (unit vectors (1,-1,0..)/sqrt2,
 * (1,0,-1,0..)/sqrt2, (0,0,1,-1,0..)/sqrt2).
 */
class PairwiseStageTest {

    private static final double H = 1 / Math.sqrt(2);
    private static final ModelGrid GRID = new ModelGrid(1.0, 0.1, 10);

    private static float[] v(double... a) {
        float[] out = new float[GRID.n()];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }

    private static PrototypeClassifier classifier(PrototypeClassifier.Pairwise pw) {
        float[][] p = {v(H, -H), v(H, 0, -H), v(0, 0, H, -H)};
        int[] start = {0, 1, 2, 3};
        // second stage at s = 1 only, no lattice prior: the same prototypes give the same scores
        PrototypeClassifier.Refinement ref = new PrototypeClassifier.Refinement(start, p, 3, 0, 0);
        return new PrototypeClassifier(GRID, start, p, ref, pw, 0.01, Double.NaN);
    }

    @Test
    void withoutPairsTheScoresAreTheCorrelations() {
        assertArrayEquals(new double[] {1, 0.5, 0}, classifier(null).scores(v(H, -H)), 1e-6);
    }

    @Test
    void aDiscriminantAgainstTheTopClassHandsItsScoreToTheWinner() {
        // pair (0, 1): margin w . x + b = -H < 0 favours class 1; pairs (0, 2), (1, 2) follow the scores.
        // wins minus losses: class 1 +2, class 0 0, class 2 -2 -> order 1, 0, 2 with the scores 1, 0.5, 0
        PrototypeClassifier.Pairwise pw = new PrototypeClassifier.Pairwise(new int[] {0}, new int[] {1},
                new float[][] {v(-1)}, new float[] {0f}, 3);
        assertArrayEquals(new double[] {0.5, 1, 0}, classifier(pw).scores(v(H, -H)), 1e-6);
        // bias +1: margin 1 - H > 0 keeps class 0 first
        PrototypeClassifier.Pairwise keep = new PrototypeClassifier.Pairwise(new int[] {0}, new int[] {1},
                new float[][] {v(-1)}, new float[] {1f}, 3);
        assertArrayEquals(new double[] {1, 0.5, 0}, classifier(keep).scores(v(H, -H)), 1e-6);
    }

    @Test
    void theWindowLimitsWhoPlays() {
        // pair (0, 2) says class 2, but with window 2 class 2 (third) does not play
        PrototypeClassifier.Pairwise pw = new PrototypeClassifier.Pairwise(new int[] {0}, new int[] {2},
                new float[][] {v(-1)}, new float[] {0f}, 2);
        assertArrayEquals(new double[] {1, 0.5, 0}, classifier(pw).scores(v(H, -H)), 1e-6);
        // window 3: class 2 beats 0 but loses to 1 (scores); 0 beats 1 (scores): a three-way tie keeps the score order
        PrototypeClassifier.Pairwise all = new PrototypeClassifier.Pairwise(new int[] {0}, new int[] {2},
                new float[][] {v(-1)}, new float[] {0f}, 3);
        assertArrayEquals(new double[] {1, 0.5, 0}, classifier(all).scores(v(H, -H)), 1e-6);
    }

    @Test
    void isotypicOneElementPairsAreLeftToTheSecondStage() throws Exception {
        Catalog c = ClassifyFixtures.catalog();
        int ni = ClassifyFixtures.classOf(c, "diffpy.cmi__Ni.cif");
        int cu = ClassifyFixtures.classOf(c, "Dans_Diffraction__Copper.cif");
        int pt = ClassifyFixtures.classOf(c, "diffpy.cmi__Pt.cif");
        int si = ClassifyFixtures.classOf(c, "diffpy.cmi__Si_Fd-3m.cif");
        int nacl = ClassifyFixtures.classOf(c, "pyobjcryst__NaCl.cif");
        int cdseW = ClassifyFixtures.classOf(c, "diffpy.cmi__CdSe-Wurtzite.cif");
        int cds = ClassifyFixtures.classOf(c, "diffpy.cmi__CdS.cif");
        // fcc metals (Fm-3m, 4 atoms, one element): only their lattice constants differ
        assertTrue(Trainer.latticeOnly(c, ni, cu) && Trainer.latticeOnly(c, cu, pt));
        // one element but another type (diamond Si), or two elements: a discriminant may be learned
        assertTrue(!Trainer.latticeOnly(c, ni, si) && !Trainer.latticeOnly(c, ni, nacl));
        // isotypic wurtzites CdSe / CdS: two elements, the intensities differ too
        assertTrue(!Trainer.latticeOnly(c, cdseW, cds));
    }

    private static double margin(PrototypeClassifier.Pairwise pw, int k, double[] x) {
        double m = pw.bias()[k];
        for (int i = 0; i < x.length; i++) {
            m += pw.weights()[k][i] * x[i];
        }
        return m;
    }

    private static double[] mean(java.util.List<float[]> xs) {
        double[] m = new double[xs.get(0).length];
        for (float[] x : xs) {
            for (int i = 0; i < m.length; i++) {
                m[i] += x[i] / (double) xs.size();
            }
        }
        return m;
    }

    @Test
    void pairVariantsEnterOnlyTheDiscriminants() throws Exception {
        Catalog c = ClassifyFixtures.catalog().subset(java.util.List.of(0, 1, 2, 3));
        // pair margin 1: every shortlisted pair gets a discriminant
        Trainer.Options without = new Trainer.Options(4, 3, 4, 1, 0, Augmentation.Ranges.standard(), 5L, 1, 6, 3, 0.06,
                12, 0.01, 3, 1.0, 0.03, 0);
        Trainer.Options with = new Trainer.Options(4, 3, 4, 1, 0, Augmentation.Ranges.standard(), 5L, 2, 6, 3, 0.06, 12,
                0.01, 3, 1.0, 0.03, 5);
        PrototypeClassifier a = Trainer.train(c, without, null).classifier();
        PrototypeClassifier b = Trainer.train(c, with, null).classifier();
        // the pair scan runs on the two stages, which the extra variants do not touch: same pairs
        assertTrue(a.pairwise().size() > 0);
        assertArrayEquals(a.pairwise().first(), b.pairwise().first());
        assertArrayEquals(a.pairwise().second(), b.pairwise().second());
        assertArrayEquals(a.prototypes()[0], b.prototypes()[0]);
        PdfAugmenter aug = PdfAugmenter.of(c.grid());
        org.nifispectro.pdf.PdfCalculator calc = org.nifispectro.pdf.PdfCalculator.of(aug.baseParameters(),
                PdfAugmenter.limits(c.options().maxAtoms()));
        for (int k = 0; k < b.pairwise().size(); k++) {
            int p = b.pairwise().first()[k];
            int q = b.pairwise().second()[k];
            java.util.List<float[]> tp = Trainer.trainingProfiles(c, p, with, aug, calc);
            java.util.List<float[]> tq = Trainer.trainingProfiles(c, q, with, aug, calc);
            java.util.List<float[]> ep = Trainer.pairProfiles(c, p, with, aug, calc);
            java.util.List<float[]> eq = Trainer.pairProfiles(c, q, with, aug, calc);
            assertTrue(ep.size() == 5 * 3 && eq.size() == 5 * 3, "5 variants x 3 conditions: " + ep.size());
            // own random stream: no extra profile repeats a training profile
            for (float[] e : ep) {
                for (float[] t : tp) {
                    assertTrue(!java.util.Arrays.equals(e, t));
                }
            }
            java.util.List<float[]> allP = new java.util.ArrayList<>(tp);
            allP.addAll(ep);
            java.util.List<float[]> allQ = new java.util.ArrayList<>(tq);
            allQ.addAll(eq);
            // a Fisher discriminant is scaled to +1 at its first class's mean and -1 at the second's:
            // with pair variants those are the means over training + extra profiles
            assertEquals(1, margin(b.pairwise(), k, mean(allP)), 1e-3);
            assertEquals(-1, margin(b.pairwise(), k, mean(allQ)), 1e-3);
            assertEquals(1, margin(a.pairwise(), k, mean(tp)), 1e-3);
            assertEquals(-1, margin(a.pairwise(), k, mean(tq)), 1e-3);
        }
    }

    @Test
    void invalidPairsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PrototypeClassifier.Pairwise(new int[] {1}, new int[] {0}, new float[][] {v(1)},
                        new float[] {0f}, 3));
        assertTrue(e.getMessage().contains("increasing order"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> classifier(new PrototypeClassifier.Pairwise(
                new int[] {0}, new int[] {5}, new float[][] {v(1)}, new float[] {0f}, 3)));
        assertTrue(e.getMessage().contains("class 5 of 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> classifier(new PrototypeClassifier.Pairwise(
                new int[] {0, 0}, new int[] {1, 1}, new float[][] {v(1), v(1)}, new float[] {0f, 0f}, 3)));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PrototypeClassifier(GRID, new int[] {0, 1, 2},
                new float[][] {v(H, -H), v(0, H, -H)}, null, new PrototypeClassifier.Pairwise(new int[0], new int[0],
                        new float[0][], new float[0], 2), 0.01, Double.NaN));
        assertTrue(e.getMessage().contains("needs the second stage"), e.getMessage());
    }
}
