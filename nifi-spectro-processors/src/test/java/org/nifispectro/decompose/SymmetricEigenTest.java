package org.nifispectro.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expected values from closed forms (the second-difference matrix, diagonal and rank-k matrices built from
 * chosen orthonormal vectors) and from the defining property A v = lambda v with orthonormal v.
 */
class SymmetricEigenTest {

    /** tridiag(-1, 2, -1): lambda_j = 2 - 2 cos(j pi / (n + 1)), v_j(i) = sin(i j pi / (n + 1)). */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 50, 257})
    void secondDifferenceMatrixMatchesClosedForm(int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = 2;
            if (i + 1 < n) {
                a[i][i + 1] = -1;
                a[i + 1][i] = -1;
            }
        }
        // rotate it so the solver sees a dense matrix with the same spectrum
        double[][] q = randomOrthogonal(n, 11);
        double[][] dense = mul(mul(q, a), transpose(q));
        int k = Math.min(n, 5);
        SymmetricEigen.Result r = SymmetricEigen.decompose(dense, k);
        for (int j = 1; j <= n; j++) {
            double expected = 2 - 2 * Math.cos((n + 1 - j) * Math.PI / (n + 1)); // descending
            assertEquals(expected, r.values()[j - 1], 1e-12 * n, "eigenvalue " + j);
        }
        for (int j = 0; j < k; j++) {
            int idx = n - j; // largest first
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = Math.sin((i + 1) * idx * Math.PI / (n + 1));
            }
            double[] expected = normalised(mul(q, v));
            double dot = Math.abs(dot(expected, r.vectors()[j]));
            assertEquals(1.0, dot, 1e-9, "eigenvector " + j + " of n=" + n);
        }
    }

    @Test
    void randomDenseMatrixSatisfiesDefinition() {
        int n = 300;
        Random rnd = new Random(3);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                a[i][j] = a[j][i] = rnd.nextGaussian();
            }
        }
        SymmetricEigen.Result r = SymmetricEigen.decompose(a, 20);
        double trace = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            trace += a[i][i];
            sum += r.values()[i];
            if (i > 0) {
                assertTrue(r.values()[i] <= r.values()[i - 1], "descending order");
            }
        }
        assertEquals(trace, sum, 1e-9, "sum of eigenvalues = trace");
        checkPairs(a, r, 1e-9);
    }

    /** A covariance of exactly rank 2 (the case where Commons Math's EigenDecomposition reported "convergence failed"). */
    @Test
    void exactlyRankDeficientCovariance() {
        int n = 200;
        double[][] q = randomOrthogonal(n, 5);
        double[][] a = new double[n][n];
        double[] lam = {5.0, 0.25};
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a[i][j] += lam[t] * q[i][t] * q[j][t];
                }
            }
        }
        SymmetricEigen.Result r = SymmetricEigen.decompose(a, 4);
        assertEquals(5.0, r.values()[0], 1e-12);
        assertEquals(0.25, r.values()[1], 1e-12);
        for (int i = 2; i < n; i++) {
            assertEquals(0, r.values()[i], 1e-12, "zero eigenvalue " + i);
        }
        double[] q0 = new double[n];
        double[] q1 = new double[n];
        for (int i = 0; i < n; i++) {
            q0[i] = q[i][0];
            q1[i] = q[i][1];
        }
        assertEquals(1, Math.abs(dot(q0, r.vectors()[0])), 1e-10);
        assertEquals(1, Math.abs(dot(q1, r.vectors()[1])), 1e-10);
        checkPairs(a, r, 1e-10);
    }

    /** Repeated eigenvalues: the vectors must still be orthonormal and span the eigenspace. */
    @Test
    void repeatedEigenvaluesGiveOrthonormalVectors() {
        int n = 60;
        double[][] q = randomOrthogonal(n, 9);
        double[] diag = new double[n];
        for (int i = 0; i < n; i++) {
            diag[i] = i < 3 ? 7.0 : (i < 6 ? 2.0 : 0.5);
        }
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            d[i][i] = diag[i];
        }
        double[][] a = mul(mul(q, d), transpose(q));
        SymmetricEigen.Result r = SymmetricEigen.decompose(a, 6);
        for (int i = 0; i < 3; i++) {
            assertEquals(7.0, r.values()[i], 1e-12);
            assertEquals(2.0, r.values()[i + 3], 1e-12);
        }
        checkPairs(a, r, 1e-9);
    }

    @Test
    void diagonalAndZeroMatrices() {
        SymmetricEigen.Result r = SymmetricEigen.decompose(new double[][] {{1, 0, 0}, {0, 3, 0}, {0, 0, 2}}, 3);
        assertEquals(3, r.values()[0], 0);
        assertEquals(1, Math.abs(r.vectors()[0][1]), 1e-15);
        assertEquals(1, Math.abs(r.vectors()[1][2]), 1e-15);
        SymmetricEigen.Result z = SymmetricEigen.decompose(new double[4][4], 2);
        assertEquals(0, z.values()[0], 0);
        assertEquals(1, norm(z.vectors()[0]), 1e-12);
        assertEquals(0, dot(z.vectors()[0], z.vectors()[1]), 1e-12);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[0][0], 0));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[][] {{1, 2}}, 0));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[][] {{Double.NaN}}, 1));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[2][2], 3));
    }

    // ------------------------------------------------------------------ helpers

    private static void checkPairs(double[][] a, SymmetricEigen.Result r, double tol) {
        int n = a.length;
        double scale = Math.max(1, Math.abs(r.values()[0]));
        for (int j = 0; j < r.vectors().length; j++) {
            double[] v = r.vectors()[j];
            assertEquals(1, norm(v), 1e-12, "unit vector " + j);
            double[] av = new double[n];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < n; c++) {
                    av[i] += a[i][c] * v[c];
                }
            }
            double res = 0;
            for (int i = 0; i < n; i++) {
                res = Math.max(res, Math.abs(av[i] - r.values()[j] * v[i]));
            }
            assertTrue(res <= tol * scale, "residual |Av - lambda v| of pair " + j + " is " + res);
            for (int c = 0; c < j; c++) {
                assertEquals(0, dot(v, r.vectors()[c]), 1e-10, "orthogonality " + c + "," + j);
            }
        }
    }

    private static double[][] randomOrthogonal(int n, long seed) {
        Random rnd = new Random(seed);
        double[][] q = new double[n][n];
        for (int c = 0; c < n; c++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = rnd.nextGaussian();
            }
            for (int p = 0; p < c; p++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += v[i] * q[i][p];
                }
                for (int i = 0; i < n; i++) {
                    v[i] -= s * q[i][p];
                }
            }
            double nv = norm(v);
            for (int i = 0; i < n; i++) {
                q[i][c] = v[i] / nv;
            }
        }
        return q;
    }

    private static double[][] mul(double[][] a, double[][] b) {
        int n = a.length, m = b[0].length, k = b.length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double v = a[i][p];
                for (int j = 0; j < m; j++) {
                    c[i][j] += v * b[p][j];
                }
            }
        }
        return c;
    }

    private static double[] mul(double[][] a, double[] x) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = dot(a[i], x);
        }
        return y;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double[] normalised(double[] a) {
        double nv = norm(a);
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / nv;
        }
        return r;
    }
}
