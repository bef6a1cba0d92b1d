package org.nifispectro.xas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Mback against Larch 0.9.58 mback(z, edge, order=3) on every reference (column norm_mback_full). */
class MbackTest {

    static Stream<String> allIds() {
        return RefData.ids(null).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allIds")
    void matchesLarchMback(String id) {
        Map<String, String> s = RefData.summary().get(id);
        Map<String, double[]> ref = RefData.csv(id + "_norm.csv");
        double[] e = ref.get("energy_eV");
        double[] mu = ref.get("mu");
        double[] larch = ref.get("norm_mback_full");
        double step = Double.parseDouble(s.get("mback_full_step"));
        Mback.Result r = Mback.mback(e, mu, Mback.Params.defaults(s.get("element")));
        double e0 = Double.parseDouble(s.get("e0"));
        double maxDev = 0;
        for (int i = 0; i < e.length; i++) {
            if (e[i] >= e0 + r.norm1() && e[i] <= e0 + r.norm2()) {
                maxDev = Math.max(maxDev, Math.abs(r.norm()[i] - larch[i]));
            }
        }
        System.out.printf("XAS-MBACK %s step %.6f larch %.6f rel %.2e maxdev(post) %.2e%n", id, r.edgeStep(), step,
                r.edgeStep() / step - 1, maxDev);
        assertEquals(e0, r.e0(), 0.5, id + " e0");
        assertEquals(step, r.edgeStep(), 0.01 * step, id + " MBACK edge step");
        assertTrue(maxDev <= 0.01, id + " max |norm - larch| over post-edge = " + maxDev);
    }

    @Test
    void chantlerTableClosedFormPoints() {
        // tabulated values in xraydb's Chantler table (Fe, Z = 26): f2 jumps at the K edge (7112 eV)
        double[] f = ChantlerF2.f2("Fe", new double[] {7000, 7200});
        assertTrue(f[1] > 5 * f[0], "K-edge jump in f2: " + f[0] + " -> " + f[1]);
        assertEquals(26, ChantlerF2.atomicNumber("fe"));
        assertEquals("U", ChantlerF2.symbol(92));
        assertThrows(IllegalArgumentException.class, () -> ChantlerF2.f2("Xx", new double[] {1000}));
        assertThrows(IllegalArgumentException.class, () -> Mback.Params.defaults(""));
    }

    /** StackMback on a stack of scaled/offset copies of each reference spectrum, e0 fixed to Larch's: same as Larch mback. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("allIds")
    void stackMbackMatchesLarch(String id) {
        Map<String, String> s = RefData.summary().get(id);
        Map<String, double[]> ref = RefData.csv(id + "_norm.csv");
        double[] e = ref.get("energy_eV");
        double[] mu = ref.get("mu");
        double[] larch = ref.get("norm_mback_full");
        double step = Double.parseDouble(s.get("mback_full_step"));
        double e0 = Double.parseDouble(s.get("e0"));
        int nE = e.length;
        double[] scale = {1.0, 0.25, 4.0};
        double[] offs = {0.0, 0.5, -3.0};
        float[] stack = new float[3 * nE];
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < nE; i++) {
                stack[p * nE + i] = (float) (scale[p] * mu[i] + offs[p]);
            }
        }
        Mback.Params mp = Mback.Params.defaults(s.get("element"));
        StackMback sm = StackMback.prepare(e, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                new Mback.Params(mp.element(), e0, mp.pre1(), mp.pre2(), mp.norm1(), mp.norm2(), mp.order()));
        float[] norm = new float[3 * nE];
        float[] steps = new float[3];
        sm.normalize(stack, 0, 3, norm, 0, steps, 0);
        for (int p = 0; p < 3; p++) {
            assertEquals(step * scale[p], steps[p], 0.01 * step * scale[p], id + " pixel " + p + " step");
            double maxDev = 0;
            for (int i = 0; i < nE; i++) {
                if (e[i] >= e0 + 100) {
                    maxDev = Math.max(maxDev, Math.abs(norm[p * nE + i] - larch[i]));
                }
            }
            assertTrue(maxDev <= 0.01, id + " pixel " + p + " max |norm - larch| post-edge = " + maxDev);
        }
    }
}
