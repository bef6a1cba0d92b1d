package org.nifispectro.decompose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Explained variance ratios against scikit-learn 1.2.1 {@code PCA(svd_solver='full')}:
 * the PDF series of make_pcanmf_reference.py (fewer samples than points: Gram path) and the
 * normalized Fe-pixel spectra of the ALS STXM stack of make_stack_reference.py (streaming
 * covariance path, scores compared too, with scikit-learn's signs).
 */
class PcaReferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"Si_Ni_SiNi_mixture", "CdSe_size_series"})
    void pdfSeriesExplainedVarianceRatios(String series) throws Exception {
        double[][] x = PdfSeries.matrix(series);
        assertEquals(2901, x[0].length);
        JsonNode ref = PdfSeries.reference(series);
        double[] evr = PdfSeries.doubles(ref.get("pca_explained_variance_ratio"));
        PcaModel m = Pca.fit(x);
        assertEquals(evr.length, m.explainedVarianceRatio().length);
        for (int i = 0; i < evr.length; i++) {
            assertEquals(evr[i], m.explainedVarianceRatio()[i], 1e-6, "ratio " + i);
        }
        assertEquals(ref.get("n_components_for").get("0.99").asInt(), m.componentsForThreshold(0.99));
        assertEquals(ref.get("n_components_for").get("0.95").asInt(), m.componentsForThreshold(0.95));
        assertEquals(ref.get("n_components_for").get("0.999").asInt(), m.componentsForThreshold(0.999));
        // only the axes a 0.99 threshold selects (DecompositionJob's call): same ratios, that many axes
        PcaModel few = Pca.fit(x, ratios -> PcaModel.componentsForThreshold(ratios, 0.99));
        assertEquals(ref.get("n_components_for").get("0.99").asInt(), few.nComponents());
        for (int i = 0; i < evr.length; i++) {
            assertEquals(evr[i], few.explainedVarianceRatio()[i], 1e-6, "ratio " + i + " (axes chosen from the ratios)");
        }
    }

    @Test
    void streamingCovarianceAgreesWithGramPath() throws Exception {
        // the same 5 x 2901 series through the covariance accumulator on a 300-point window,
        // fed as float slabs of 2 rows, against the in-memory Gram path on the same window
        double[][] x = PdfSeries.matrix("CdSe_size_series");
        double[][] w = new double[x.length][300];
        float[] slab = new float[x.length * 2901];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 2901; j++) {
                slab[i * 2901 + j] = (float) x[i][j];
            }
            for (int j = 0; j < 300; j++) {
                w[i][j] = slab[i * 2901 + 1000 + j]; // the same float values
            }
        }
        Pca.Accumulator acc = Pca.accumulator(2901, 1000, 1300, Pca.Precision.DOUBLE);
        acc.addRows(slab, 0, 2, 2901);
        acc.addRows(slab, 2 * 2901, 3, 2901);
        PcaModel streamed = acc.finish();
        PcaModel gram = Pca.fit(w);
        for (int i = 0; i < 4; i++) {
            assertEquals(gram.explainedVarianceRatio()[i], streamed.explainedVarianceRatio()[i], 1e-9, "ratio " + i);
        }
    }

    @Test
    void stxmFeSpectraRatiosAndScores() throws Exception {
        String shared = System.getProperty("spectro.shared.data");
        Path dir = shared == null ? null : Path.of(shared, "stacks", "als_stxm_fe_L23");
        Assumptions.assumeTrue(dir != null && Files.isRegularFile(dir.resolve("stxm_71214078_FeL23_125x125x123.h5")),
                "needs the ALS STXM stack in shared/data (5 MB, not copied into test resources)");
        double[] e;
        float[][][] inten;
        double[] i0;
        try (HdfFile h = new HdfFile(dir.resolve("stxm_71214078_FeL23_125x125x123.h5"))) {
            e = (double[]) h.getDatasetByPath("/energy_eV").getData();
            inten = (float[][][]) h.getDatasetByPath("/intensity").getData();
            i0 = (double[]) h.getDatasetByPath("/i0").getData();
        }
        int ne = e.length, ny = inten[0].length, nx = inten[0][0].length;
        // the normalization recipe of make_stack_reference.py (documented there)
        float[] norm = new float[ny * nx * ne];
        int nFe = 0;
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                double[] od = new double[ne];
                double pre = 0, l3 = Double.NEGATIVE_INFINITY;
                int npre = 0;
                for (int k = 0; k < ne; k++) {
                    od[k] = -Math.log(inten[k][y][x] / i0[k]);
                    if (e[k] >= 700.0 && e[k] <= 705.0) {
                        pre += od[k];
                        npre++;
                    }
                }
                pre /= npre;
                for (int k = 0; k < ne; k++) {
                    if (e[k] >= 707.0 && e[k] <= 711.0) {
                        l3 = Math.max(l3, od[k]);
                    }
                }
                double wl = l3 - pre;
                if (wl >= 0.10) {
                    for (int k = 0; k < ne; k++) {
                        norm[nFe * ne + k] = (float) ((od[k] - pre) / wl);
                    }
                    nFe++;
                }
            }
        }
        double[] refEvr;
        double[][] refScores;
        try (HdfFile h = new HdfFile(Path.of(getClass().getResource("/cluster/stxm_71214078_reference.h5").toURI()))) {
            refEvr = (double[]) h.getDatasetByPath("/pca_explained_variance_ratio").getData();
            refScores = (double[][]) h.getDatasetByPath("/pca_scores").getData();
        }
        assertEquals(refScores.length, nFe);
        Pca.Accumulator acc = Pca.accumulator(ne);
        for (int start = 0; start < nFe; start += 1000) { // slabs of 1000 pixels
            acc.addRows(norm, start * ne, Math.min(1000, nFe - start), ne);
        }
        PcaModel m = acc.finish();
        for (int i = 0; i < refEvr.length; i++) {
            assertEquals(refEvr[i], m.explainedVarianceRatio()[i], 1e-6, "ratio " + i);
        }
        int k = 10;
        double[] scores = new double[nFe * k];
        for (int start = 0; start < nFe; start += 1000) {
            m.project(norm, start * ne, Math.min(1000, nFe - start), ne, k, scores, start * k);
        }
        Pca.svdFlip(m, scores, k);
        // the float-slab path (the 387,086 x 1024 benchmark's) on the same pixels, 3 axes chosen after the ratios
        Pca.Accumulator fast = Pca.accumulator(ne, 0, ne, Pca.Precision.FLOAT_SLAB);
        for (int start = 0; start < nFe; start += 1000) {
            fast.addRows(norm, start * ne, Math.min(1000, nFe - start), ne);
        }
        PcaModel f = fast.finish(ratios -> 3);
        assertEquals(3, f.nComponents());
        for (int i = 0; i < 10; i++) {
            assertEquals(refEvr[i], f.explainedVarianceRatio()[i], 1e-5, "float-slab ratio " + i);
        }
        // float32 intensities (as in the file) vs numpy float64 of the same values: scores of the
        // 3 leading axes agree to 1e-6 relative to their spread
        for (int c = 0; c < 3; c++) {
            double maxAbs = 0, maxDiff = 0;
            for (int i = 0; i < nFe; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(refScores[i][c]));
                maxDiff = Math.max(maxDiff, Math.abs(refScores[i][c] - scores[i * k + c]));
            }
            assertEquals(0, maxDiff / maxAbs, 1e-6, "score column " + c);
        }
    }

    @Test
    void badInputRefused() {
        assertEquals("PCA needs at least 2 rows (samples), got 1",
                assertThrows(IllegalArgumentException.class, () -> Pca.fit(new double[][] {{1, 2}})).getMessage());
        assertEquals("row 1, column 0 is not finite (NaN)",
                assertThrows(IllegalArgumentException.class,
                        () -> Pca.fit(new double[][] {{1, 2}, {Double.NaN, 1}})).getMessage());
        assertEquals("feature window [5, 3) is empty or outside 0..10",
                assertThrows(IllegalArgumentException.class,
                        () -> Pca.accumulator(10, 5, 3, Pca.Precision.DOUBLE)).getMessage());
    }
}
