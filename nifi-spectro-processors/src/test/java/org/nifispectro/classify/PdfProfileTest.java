package org.nifispectro.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.junit.jupiter.api.Test;

class PdfProfileTest {

    private static final ModelGrid GRID = ModelGrid.standard();

    private static double[][] curve(double r0, double r1, double step, java.util.function.DoubleUnaryOperator f) {
        int n = (int) Math.round((r1 - r0) / step) + 1;
        double[] r = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = r0 + i * step;
            g[i] = f.applyAsDouble(r[i]);
        }
        return new double[][] {r, g};
    }

    @Test
    void linearInterpolationIsExactForAPiecewiseLinearCurve() throws PdfInputException {
        double[][] c = curve(0, 40, 0.013, r -> 2.5 * r - 7);
        double[] y = PdfProfile.resample(c[0], c[1], GRID);
        for (int k = 0; k < GRID.n(); k++) {
            assertEquals(2.5 * GRID.r(k) - 7, y[k], 1e-9);
        }
    }

    @Test
    void dotOfProfilesIsThePearsonCorrelation() throws PdfInputException {
        double[][] a = curve(0, 35, 0.01, r -> Math.sin(3 * r) * Math.exp(-r / 20) - 0.1 * r);
        double[][] b = curve(0.5, 31, 0.05, r -> Math.sin(3.1 * r) * Math.exp(-r / 15) - 0.05 * r + 3);
        double[] ya = PdfProfile.resample(a[0], a[1], GRID);
        double[] yb = PdfProfile.resample(b[0], b[1], GRID);
        double expected = new PearsonsCorrelation().correlation(ya, yb);
        assertEquals(expected, PdfProfile.dot(PdfProfile.of(a[0], a[1], GRID), PdfProfile.of(b[0], b[1], GRID)), 1e-6);
        assertEquals(1.0, PdfProfile.dot(PdfProfile.of(a[0], a[1], GRID), PdfProfile.of(a[0], a[1], GRID)), 1e-6);
    }

    @Test
    void nonFiniteValueIsReportedWithItsRow() {
        double[][] c = curve(0, 35, 0.1, Math::sin);
        c[1][42] = Double.NaN;
        PdfInputException e = assertThrows(PdfInputException.class, () -> PdfProfile.of(c[0], c[1], GRID));
        assertEquals(42, e.row());
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    }

    @Test
    void rNotIncreasingIsReported() {
        double[][] c = curve(0, 35, 0.1, Math::sin);
        c[0][100] = c[0][99];
        PdfInputException e = assertThrows(PdfInputException.class, () -> PdfProfile.of(c[0], c[1], GRID));
        assertEquals(100, e.row());
        assertTrue(e.getMessage().contains("not increasing"), e.getMessage());
    }

    @Test
    void allZerosIsReported() {
        double[][] c = curve(0, 35, 0.1, r -> 0);
        PdfInputException e = assertThrows(PdfInputException.class, () -> PdfProfile.of(c[0], c[1], GRID));
        assertTrue(e.getMessage().contains("constant"), e.getMessage());
    }

    @Test
    void shortRangeIsReportedNotExtrapolated() {
        double[][] c = curve(0, 20, 0.01, Math::sin);
        PdfInputException e = assertThrows(PdfInputException.class, () -> PdfProfile.of(c[0], c[1], GRID));
        assertTrue(e.getMessage().contains("does not cover"), e.getMessage());
        double[][] late = curve(2, 35, 0.01, Math::sin);
        assertThrows(PdfInputException.class, () -> PdfProfile.of(late[0], late[1], GRID));
    }

    @Test
    void coarseGridIsReported() {
        double[][] c = curve(0, 35, 0.5, Math::sin);
        PdfInputException e = assertThrows(PdfInputException.class, () -> PdfProfile.of(c[0], c[1], GRID));
        assertTrue(e.getMessage().contains("coarser"), e.getMessage());
    }
}
