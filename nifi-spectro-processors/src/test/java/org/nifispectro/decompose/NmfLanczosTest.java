package org.nifispectro.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Lanczos singular triplets of the NMF initialisation ({@link Nmf#lanczosSvd}) against Commons Math's full
 * {@link SingularValueDecomposition} (an independent implementation) and against closed forms (a diagonal matrix
 * with a repeated singular value, an exactly rank-2 matrix).
 */
class NmfLanczosTest {

    /** Series-like matrices (k smooth non-negative end-members mixed row by row, plus noise), as NMF gets them. */
    @ParameterizedTest
    @CsvSource({"60, 40, 5", "40, 60, 5", "200, 120, 4", "500, 300, 4", "7, 5, 5", "3, 50, 3"})
    void matchesCommonsMathSvd(int n, int m, int k) {
        double[][] x = mixtures(n, m, k, 0.01, n * 31L + m);
        Nmf.Svd svd = Nmf.lanczosSvd(x, transpose(x), k, 0);
        assertNotNull(svd, "converged without breakdown");
        assertMatches(x, svd, k, 1e-12, 1e-13);
    }

    /**
     * Pure noise has no gap after the k-th singular value: Lanczos does not converge within its step limit on the
     * larger matrices and the exact route (float precision) takes over; either way the triplets are right.
     */
    @ParameterizedTest
    @CsvSource({"60, 40, 5", "200, 120, 4"})
    void noiseWithoutGapStillMatches(int n, int m, int k) {
        Random rnd = new Random(n * 31L + m);
        double[][] x = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                x[i][j] = (float) rnd.nextDouble();
            }
        }
        assertMatches(x, Nmf.leadingSvd(floats(x), x, transpose(x), k, 0), k, 1e-6, 1e-6);
    }

    private static void assertMatches(double[][] x, Nmf.Svd svd, int k, double sigmaTol, double vectorTol) {
        SingularValueDecomposition ref = new SingularValueDecomposition(new Array2DRowRealMatrix(x, false));
        double[] s = ref.getSingularValues();
        for (int t = 0; t < k; t++) {
            assertEquals(s[t], svd.s()[t], sigmaTol * s[0], "sigma " + t);
            double[] u = ref.getU().getColumn(t), v = ref.getV().getColumn(t);
            // vectors up to a common sign, to ~ tol sigma_1^2 / (sigma_t^2 - sigma_t+-1^2)
            double gap = Math.min(t > 0 ? s[t - 1] * s[t - 1] - s[t] * s[t] : Double.POSITIVE_INFINITY,
                    t + 1 < s.length ? s[t] * s[t] - s[t + 1] * s[t + 1] : Double.POSITIVE_INFINITY);
            double tol = Math.max(1e-10, vectorTol * s[0] * s[0] / gap);
            assertEquals(1.0, Math.abs(dot(u, svd.u()[t])), tol, "u " + t);
            assertEquals(1.0, Math.abs(dot(v, svd.v()[t])), tol, "v " + t);
            assertTrue(dot(u, svd.u()[t]) * dot(v, svd.v()[t]) > 0, "u and v of " + t + " with the same sign flip");
        }
    }

    /** Rows: Dirichlet-like weights of c smooth non-negative curves, plus Gaussian noise of sd {@code noise}, clipped at 0. */
    private static double[][] mixtures(int n, int m, int c, double noise, long seed) {
        Random rnd = new Random(seed);
        double[][] basis = new double[c][m];
        for (int t = 0; t < c; t++) {
            double acc = 0;
            for (int j = 0; j < m; j++) {
                acc += Math.abs(rnd.nextGaussian());
                basis[t][j] = acc;
            }
            for (int j = 0; j < m; j++) {
                basis[t][j] /= acc;
            }
        }
        double[][] x = new double[n][m];
        for (int i = 0; i < n; i++) {
            double[] wt = new double[c];
            double sum = 0;
            for (int t = 0; t < c; t++) {
                wt[t] = -Math.log(1 - rnd.nextDouble());
                sum += wt[t];
            }
            for (int j = 0; j < m; j++) {
                double v = noise * rnd.nextGaussian();
                for (int t = 0; t < c; t++) {
                    v += wt[t] / sum * basis[t][j];
                }
                x[i][j] = Math.max(0, v);
            }
        }
        return x;
    }

    /**
     * diag(3, 2, 2, 1) in an 8 x 6 matrix: singular values 3, 2, 2, 1. Lanczos from one vector sees one copy of the
     * repeated 2 and breaks down; the exact route then gives both.
     */
    @Test
    void repeatedSingularValueIsFoundTwice() {
        double[][] x = new double[8][6];
        x[0][0] = 3;
        x[1][1] = 2;
        x[2][2] = 2;
        x[3][3] = 1;
        assertNull(Nmf.lanczosSvd(x, transpose(x), 4, 0), "breakdown reported");
        Nmf.Svd svd = Nmf.leadingSvd(floats(x), x, transpose(x), 4, 0);
        double[] expected = {3, 2, 2, 1};
        for (int t = 0; t < 4; t++) {
            assertEquals(expected[t], svd.s()[t], 1e-12, "sigma " + t);
        }
        // the two vectors of sigma = 2 span e1, e2 and are orthogonal
        double[] a = svd.v()[1], b = svd.v()[2];
        assertEquals(0, dot(a, b), 1e-12);
        assertEquals(1, a[1] * a[1] + a[2] * a[2], 1e-12);
        assertEquals(1, b[1] * b[1] + b[2] * b[2], 1e-12);
    }

    /** X = 5 e_a f_a^T + 2 e_b f_b^T (orthonormal e, f): sigma = 5, 2, then 0, 0 (Lanczos breaks down). */
    @Test
    void exactlyRankTwoMatrixGivesZeroSingularValues() {
        int n = 30, m = 20;
        double[] e1 = constant(n), e2 = new double[n], f1 = constant(m), f2 = new double[m];
        for (int i = 0; i < n; i++) {
            e2[i] = i % 2 == 0 ? 1 : -1; // orthogonal to the constant e1
        }
        for (int j = 0; j < m; j++) {
            f2[j] = j < m / 2 ? 1 : -1;
        }
        e2 = normalised(e2);
        f2 = normalised(f2);
        double[][] x = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                x[i][j] = 5 * e1[i] * f1[j] + 2 * e2[i] * f2[j];
            }
        }
        assertNull(Nmf.lanczosSvd(x, transpose(x), 4, 0), "breakdown reported");
        Nmf.Svd svd = Nmf.leadingSvd(floats(x), x, transpose(x), 4, 0);
        // the exact route works on the float copy of X: float precision
        assertEquals(5, svd.s()[0], 1e-6);
        assertEquals(2, svd.s()[1], 1e-6);
        assertEquals(0, svd.s()[2], 1e-6);
        assertEquals(0, svd.s()[3], 1e-6);
        assertEquals(1, Math.abs(dot(svd.u()[0], e1)), 1e-6);
        assertEquals(1, Math.abs(dot(svd.v()[1], f2)), 1e-6);
    }

    private static float[][] floats(double[][] x) {
        float[][] f = new float[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                f[i][j] = (float) x[i][j];
            }
        }
        return f;
    }

    private static double[] constant(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1;
        }
        return normalised(v);
    }

    private static double[] normalised(double[] v) {
        double s = Math.sqrt(dot(v, v));
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] /= s;
        }
        return o;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[][] transpose(double[][] x) {
        double[][] t = new double[x[0].length][x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                t[j][i] = x[i][j];
            }
        }
        return t;
    }
}
