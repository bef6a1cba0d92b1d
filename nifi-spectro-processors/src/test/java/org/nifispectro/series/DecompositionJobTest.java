package org.nifispectro.series;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nifispectro.decompose.Nmf;

/**
 * The job's concurrent path (fixed k: PCA on the common pool while the NMF runs) against its sequential path (k from
 * a variance threshold that selects the same k), and its error reporting. The numbers themselves are checked against
 * scikit-learn in DecomposePCANMFTest and the decompose package tests; here only that both paths agree exactly and
 * that errors name the curve.
 */
class DecompositionJobTest {

    @Test
    void fixedKRunsConcurrentlyWithTheSameResultAsTheSequentialPath() throws Exception {
        Series s = series(120, 80, false);
        DecompositionOptions fixed = new DecompositionOptions(ComponentRule.FIXED, 0.99, 3, Nmf.NegativeRule.REJECT, 200,
                1e-4);
        DecompositionJob.Result a = DecompositionJob.run(s, fixed);
        // a threshold just below the cumulative ratio of 3 axes selects k = 3 after the PCA: the sequential path
        double t = a.pca().cumulativeRatio(3) - 1e-9;
        assertTrue(t > a.pca().cumulativeRatio(2), "three end-members: the third axis adds variance");
        DecompositionOptions threshold = new DecompositionOptions(ComponentRule.VARIANCE_THRESHOLD, t, 0,
                Nmf.NegativeRule.REJECT, 200, 1e-4);
        DecompositionJob.Result b = DecompositionJob.run(s, threshold);
        assertEquals(3, a.k());
        assertEquals(3, b.k());
        assertArrayEquals(a.pca().explainedVarianceRatio(), b.pca().explainedVarianceRatio());
        assertEquals(b.nmf().reconstructionError(), a.nmf().reconstructionError());
        assertEquals(b.nmf().nIter(), a.nmf().nIter());
        for (int i = 0; i < s.samples(); i++) {
            assertArrayEquals(b.nmf().w()[i], a.nmf().w()[i]);
        }
    }

    @Test
    void negativeValueRefusedOnTheConcurrentPathNamesTheCurve() {
        Series s = series(40, 50, true);
        DecompositionOptions fixed = new DecompositionOptions(ComponentRule.FIXED, 0.99, 3, Nmf.NegativeRule.REJECT, 200,
                1e-4);
        SeriesException e = assertThrows(SeriesException.class, () -> DecompositionJob.run(s, fixed));
        assertTrue(e.getMessage().startsWith("NMF: negative value"), e.getMessage());
        assertTrue(e.where().startsWith("c7, point 11"), e.where());
    }

    @Test
    void fixedKAboveTheSampleCountIsRefused() {
        Series s = series(3, 50, false);
        DecompositionOptions fixed = new DecompositionOptions(ComponentRule.FIXED, 0.99, 4, Nmf.NegativeRule.REJECT, 200,
                1e-4);
        SeriesException e = assertThrows(SeriesException.class, () -> DecompositionJob.run(s, fixed));
        assertTrue(e.getMessage().startsWith("fewer samples (3) than components (4)"), e.getMessage());
    }

    /** n curves on m points mixing three smooth non-negative end-members, plus small noise; optionally c7[10] < 0. */
    private static Series series(int n, int m, boolean negative) {
        Random rnd = new Random(5);
        double[][] basis = new double[3][m];
        for (int j = 0; j < m; j++) {
            double x = j / (double) m;
            basis[0][j] = Math.exp(-Math.pow((x - 0.3) / 0.1, 2)) + 0.1;
            basis[1][j] = Math.exp(-Math.pow((x - 0.6) / 0.15, 2)) + 0.1;
            basis[2][j] = x + 0.1;
        }
        double[][] v = new double[n][m];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = "c" + i;
            double a = rnd.nextDouble(), b = rnd.nextDouble() * (1 - a), c = 1 - a - b;
            for (int j = 0; j < m; j++) {
                v[i][j] = a * basis[0][j] + b * basis[1][j] + c * basis[2][j] + 0.002 * rnd.nextDouble();
            }
        }
        if (negative) {
            v[7][10] = -0.5;
        }
        double[] grid = new double[m];
        for (int j = 0; j < m; j++) {
            grid[j] = 1 + 0.01 * j;
        }
        return new Series(names, grid, v, false);
    }
}
