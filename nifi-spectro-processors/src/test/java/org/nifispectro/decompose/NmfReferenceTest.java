package org.nifispectro.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * NMF against scikit-learn 1.2.1 at the settings of make_pcanmf_reference.py: global-minimum
 * shift, init=None (nndsvda), solver 'cd', Frobenius loss, max_iter 2000, tol 1e-4.
 */
class NmfReferenceTest {

    static Nmf.Options options(int k) {
        return new Nmf.Options(k, Nmf.Init.NNDSVDA, 2000, 1e-4, 0, Nmf.NegativeRule.SHIFT_GLOBAL_MIN);
    }

    @ParameterizedTest
    @CsvSource({"Si_Ni_SiNi_mixture,false", "Si_Ni_SiNi_mixture,true", "CdSe_size_series,false",
        "CdSe_size_series,true"})
    void reconstructionErrorWithinOnePercentOfSklearn(String series, boolean plusOne) throws Exception {
        double[][] x = PdfSeries.matrix(series);
        JsonNode ref = PdfSeries.reference(series);
        JsonNode r = plusOne ? ref.get("nmf_plus1") : ref;
        int k = plusOne ? r.get("n_components").asInt() : ref.get("n_pca_used").asInt();
        double refErr = plusOne ? r.get("reconstruction_err").asDouble() : ref.get("nmf_reconstruction_err").asDouble();
        Nmf.Result res = Nmf.fit(x, options(k));
        assertEquals(ref.get("nmf_shift_subtracted").asDouble(), res.shift(), 1e-9);
        assertTrue(res.reconstructionError() <= 1.01 * refErr,
                series + " k=" + k + ": error " + res.reconstructionError() + " vs scikit-learn " + refErr);
        // same optimum: the row-normalised weights agree with scikit-learn's
        JsonNode wn = r.get("W_rownorm");
        for (int i = 0; i < x.length; i++) {
            double[] mine = res.rowNormalisedWeights(i);
            for (int t = 0; t < k; t++) {
                assertEquals(wn.get(i).get(t).asDouble(), mine[t], 0.02, series + " sample " + i + " component " + t);
            }
        }
    }

    @Test
    void negativeInputRefusedByDefault() {
        double[][] x = {{1, -0.5}, {2, 3}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nmf.fit(x, Nmf.Options.defaults(1)));
        assertEquals("negative value -0.5 at row 0, column 1: choose a negative-value rule (shift, clip or split) for NMF",
                e.getMessage());
    }

    @Test
    void exactLowRankMatrixIsRecovered() {
        // X = W H with known non-negative factors: the error must go to ~0 (closed form: 0)
        double[][] w = {{1, 0}, {0, 1}, {0.5, 0.5}, {0.2, 0.8}, {0.9, 0.1}};
        double[][] h = {{1, 2, 0, 1, 3, 0}, {0, 1, 2, 2, 0, 1}};
        double[][] x = new double[5][6];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 6; j++) {
                x[i][j] = w[i][0] * h[0][j] + w[i][1] * h[1][j];
            }
        }
        Nmf.Result r = Nmf.fit(x, Nmf.Options.defaults(2).withMaxIter(5000));
        assertTrue(r.reconstructionError() < 1e-3, "error " + r.reconstructionError());
    }

    @Test
    void exactLowRankMatrixIsRecoveredOnTheTwoThreadPath() {
        // 640 x 500 (above the size from which the small-input pass splits rows and channels over two threads):
        // X = W H with known non-negative factors, Gaussian-shaped components; closed-form error 0
        int n = 640, m = 500, k = 3;
        double[][] h = new double[k][m];
        for (int t = 0; t < k; t++) {
            for (int j = 0; j < m; j++) {
                double z = (j - 100.0 - 150.0 * t) / 40.0;
                h[t][j] = Math.exp(-0.5 * z * z) + 0.05;
            }
        }
        double[][] x = new double[n][m];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            double[] w = {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
            for (int j = 0; j < m; j++) {
                x[i][j] = w[0] * h[0][j] + w[1] * h[1][j] + w[2] * h[2][j];
            }
        }
        double norm = 0;
        for (double[] row : x) {
            for (double v : row) {
                norm += v * v;
            }
        }
        // tol 0: run all 2000 iterations (the overlapping components converge slowly; tol 1e-4 stops near 5e-4)
        Nmf.Result r = Nmf.fit(x, new Nmf.Options(k, Nmf.Init.NNDSVDA, 2000, 0, 0, Nmf.NegativeRule.REJECT));
        assertTrue(r.reconstructionError() < 1e-4 * Math.sqrt(norm), "error " + r.reconstructionError() + " of "
                + Math.sqrt(norm));
    }

    @Test
    void splitRuleKeepsSignedComponents() throws Exception {
        double[][] x = PdfSeries.matrix("Si_Ni_SiNi_mixture");
        Nmf.Result r = Nmf.fit(x, options(2).withNegativeRule(Nmf.NegativeRule.SPLIT_POS_NEG));
        assertEquals(2 * 2901, r.h()[0].length);
        double[] c = r.signedComponent(0);
        assertEquals(2901, c.length);
        boolean neg = false;
        for (double v : c) {
            neg |= v < 0;
        }
        assertTrue(neg, "a signed PDF component keeps negative parts");
    }
}
