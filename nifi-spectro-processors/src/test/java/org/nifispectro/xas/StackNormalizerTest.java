package org.nifispectro.xas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * StackNormalizer: a stack built from a Larch reference spectrum (scaled, offset, tilted copies, whose
 * normalized spectra are identical in closed form) must reproduce Larch's pre_edge e0, step x scale
 * and norm for every pixel.
 */
class StackNormalizerTest {

    @Test
    void stackOfScaledCopiesMatchesLarch() {
        for (String id : new String[] {"cu_rt01", "fexanes_a", "emg003_dispersive", "u_L3"}) {
            Map<String, String> s = RefData.summary().get(id);
            Map<String, double[]> ref = RefData.csv(id + "_norm.csv");
            double[] e = ref.get("energy_eV");
            double[] mu = ref.get("mu");
            double e0 = Double.parseDouble(s.get("e0"));
            double step = Double.parseDouble(s.get("edge_step"));
            int nE = e.length;
            int np = 5;
            double[] scale = {1.0, 0.5, 3.0, 0.02, 1.7};
            double[] offs = {0.0, 1.0, -2.0, 0.3, 10.0};
            double[] tilt = {0.0, 1e-4, -2e-4, 0.0, 5e-5};
            float[] stack = new float[np * nE];
            for (int p = 0; p < np; p++) {
                for (int i = 0; i < nE; i++) {
                    stack[p * nE + i] = (float) (scale[p] * mu[i] + offs[p] + tilt[p] * (e[i] - e0));
                }
            }
            StackNormalizer sn = StackNormalizer.prepareFromMean(e, mu, Double.NEGATIVE_INFINITY,
                    Double.POSITIVE_INFINITY, PreEdgeNormalization.Params.defaults(), Double.NaN);
            assertEquals(Double.parseDouble(s.get("pre1")), sn.pre1(), 1e-3);
            assertEquals(Double.parseDouble(s.get("norm2")), sn.norm2(), 1e-3);
            assertEquals(nE, sn.windowLength());
            float[] norm = new float[np * nE];
            float[] e0s = new float[np];
            float[] steps = new float[np];
            float[] noise = new float[np];
            sn.normalize(stack, np, norm, e0s, steps, noise);
            double[] larchNorm = ref.get("norm");
            for (int p = 0; p < np; p++) {
                assertEquals(e0, e0s[p], 0.5, id + " pixel " + p + " e0");
                assertEquals(step * scale[p], steps[p], 0.01 * step * scale[p], id + " pixel " + p + " step");
                assertTrue(noise[p] >= 0, id + " noise");
                double maxDev = 0;
                for (int i = 0; i < nE; i++) {
                    maxDev = Math.max(maxDev, Math.abs(norm[p * nE + i] - larchNorm[i]));
                }
                assertTrue(maxDev <= 0.01, id + " pixel " + p + " max |norm - larch| = " + maxDev);
            }
        }
    }

    @Test
    void noiseIsRmsOfPreEdgeResidual() {
        // linear pre-edge + alternating +-sigma (nearly orthogonal to a line) -> RMS residual ~ sigma
        int nE = 400;
        double[] e = new double[nE];
        float[] s = new float[2 * nE];
        double sigma = 0.01;
        for (int i = 0; i < nE; i++) {
            e[i] = 7000 + i;
            double clean = 0.2 + 1e-4 * i + 1.0 / (1 + Math.exp(-(e[i] - 7200) / 0.8));
            s[i] = (float) clean;
            s[nE + i] = (float) (clean + (i % 2 == 0 ? sigma : -sigma));
        }
        StackNormalizer sn = StackNormalizer.prepare(e, 7000, 7399,
                PreEdgeNormalization.Params.defaults().withE0(7200).withPre(-190, -50).withNorm(50, 190), 30);
        float[] step = new float[2];
        float[] noise = new float[2];
        float[] e0 = new float[2];
        sn.normalize(s, 2, null, e0, step, noise);
        assertEquals(0.0, noise[0], 1e-5);
        assertEquals(sigma, noise[1], 0.05 * sigma);
        assertEquals(1.0, step[0], 1e-3);
        assertEquals(7200, e0[0], 0.5);
        assertEquals(7200, e0[1], 0.5);
    }

    @Test
    void badPixelsGiveNaNNotExceptions() {
        int nE = 100;
        double[] e = new double[nE];
        float[] s = new float[2 * nE];
        for (int i = 0; i < nE; i++) {
            e[i] = 7000 + 2 * i;
            s[i] = Float.NaN;
            s[nE + i] = 1.0f; // flat: no edge
        }
        StackNormalizer sn = StackNormalizer.prepare(e, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                PreEdgeNormalization.Params.defaults().withE0(7100), Double.NaN);
        float[] norm = new float[2 * nE];
        float[] step = new float[2];
        float[] noise = new float[2];
        sn.normalize(s, 2, norm, null, step, noise);
        assertTrue(Float.isNaN(step[0]));
        assertTrue(Float.isNaN(norm[0]));
        assertTrue(Float.isNaN(step[1]), "flat spectrum has no edge step");
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> sn.normalize(s, 3, norm,
                null, step, noise));
        assertTrue(ex.getMessage().contains("spectra array"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StackNormalizer.prepare(e, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, PreEdgeNormalization.Params.defaults(), Double.NaN));
    }
}
