package org.nifispectro.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nifispectro.pdf.cif.CifStructureReader;
import org.nifispectro.pdf.io.GrData;
import org.nifispectro.pdf.io.GrReader;

/**
 * Fit of the simulated Ni PDF against measured X-ray PDFs of Ni (DiffPy-CMI example data,
 * Qmax 25): the fitted model must place its peaks where the measured peaks are.
 */
class PdfFitTest {

    static List<Double> maxima(double[] r, double[] g, double from, double to, double minHeight) {
        List<Double> out = new ArrayList<>();
        for (int i = 1; i < r.length - 1; i++) {
            if (r[i] >= from && r[i] <= to && g[i] > g[i - 1] && g[i] >= g[i + 1] && g[i] > minHeight) {
                // parabolic refinement of the maximum position
                double den = g[i - 1] - 2 * g[i] + g[i + 1];
                double off = den == 0 ? 0 : 0.5 * (g[i - 1] - g[i + 1]) / den;
                out.add(r[i] + off * (r[i + 1] - r[i]));
            }
        }
        return out;
    }

    @Test
    void nickelFitReachesMeasuredPeakPositions() throws Exception {
        GrData d = GrReader.read(Path.of(PdfFitTest.class.getResource("/pdf/gr/Ni.gr").toURI()));
        CrystalStructure ni = CifStructureReader.defaults()
                .readFirst(Path.of(PdfFitTest.class.getResource("/pdf/cif/diffpy.srreal__Ni.cif").toURI()));
        // qmax from the file header; qbroad 0.02 as in the DiffPy-CMI example (metadata of the data set)
        PdfParameters base = PdfParameters.diffpyDefaults().withQ(0, Double.parseDouble(d.header().get("qmax")))
                .withQbroad(0.02);
        PdfFit.Result f = PdfFit.fit(ni, d.r(), d.g(), base, 1.5, 20, new double[] {0.5, 0.005, 0.04});
        System.out.printf("Ni fit: scale %.4f a %.5f Uiso %.5f qdamp %.4f Rw %.4f (%d iterations)%n", f.scale(), f.a(),
                f.uiso(), f.qdamp(), f.rw(), f.iterations());
        // room-temperature Ni: a = 3.524 A (fcc), Uiso about 0.005-0.006 A^2
        assertEquals(3.524, f.a(), 0.01);
        assertTrue(f.uiso() > 0.002 && f.uiso() < 0.01, "Uiso " + f.uiso());
        assertTrue(f.rw() < 0.2, "Rw " + f.rw());
        List<Double> obs = maxima(f.r(), f.gobs(), 2, 12, 2.0);
        List<Double> calc = maxima(f.r(), f.gcalc(), 2, 12, 2.0);
        assertTrue(obs.size() >= 8, "measured peaks " + obs);
        for (double p : obs) {
            double nearest = calc.stream().min((x, y) -> Double.compare(Math.abs(x - p), Math.abs(y - p))).orElseThrow();
            assertEquals(p, nearest, 0.02, "peak at " + p + " (model peaks " + calc + ")");
        }
    }
}
