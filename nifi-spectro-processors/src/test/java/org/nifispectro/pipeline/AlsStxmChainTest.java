package org.nifispectro.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.io.stack.StackOptions;

/**
 * The chain on a real stack: the ALS 11.0.2.2 STXM Fe L2,3 stack stxm_71214078 (125 x 125 pixels, 123
 * energies, shared/data/stacks/als_stxm_fe_L23, MIT) converted to optical density -ln(I/I0) as the
 * reference script does. Its numpy reference (make_stack_reference.py) marks pixels whose white line
 * over pre-edge noise is at least 10. RejectLowSNR with the White Line signal on the L3 window must
 * agree: keep at least 90 % of those pixels, and at least 90 % of what it keeps must be Fe pixels of
 * the reference. The definitions differ in detail (reference: max OD over 707-711 eV minus the mean
 * over 700-705 eV, noise = std (ddof 1) of a line fit over 700-705 eV; here: max of OD minus the
 * pre-edge line over the window, noise with m - 2 degrees of freedom over Larch's pre-edge range), so
 * agreement, not identity, is asserted. Skipped without shared/data.
 */
class AlsStxmChainTest {

    @TempDir
    Path dir;

    @Test
    void whiteLineSnrAgreesWithTheNumpyReference() throws Exception {
        String shared = System.getProperty("spectro.shared.data");
        Path base = shared == null ? null : Path.of(shared, "stacks", "als_stxm_fe_L23");
        Assumptions.assumeTrue(base != null && Files.isRegularFile(base.resolve("stxm_71214078_reference.h5")),
                "needs shared/data/stacks/als_stxm_fe_L23 (spectro.shared.data)");
        double[] e;
        float[][][] intensity;
        double[] i0;
        int[][] fe;
        double[][] snrRef;
        try (HdfFile h = new HdfFile(base.resolve("stxm_71214078_FeL23_125x125x123.h5"))) {
            e = (double[]) h.getDatasetByPath("/energy_eV").getData();
            intensity = (float[][][]) h.getDatasetByPath("/intensity").getData();
            i0 = (double[]) h.getDatasetByPath("/i0").getData();
        }
        try (HdfFile h = new HdfFile(base.resolve("stxm_71214078_reference.h5"))) {
            fe = (int[][]) h.getDatasetByPath("/fe_mask").getData();
            snrRef = (double[][]) h.getDatasetByPath("/snr").getData();
        }
        int nE = e.length;
        int ny = intensity[0].length;
        int nx = intensity[0][0].length;
        float[][][] od = new float[nE][ny][nx];
        for (int k = 0; k < nE; k++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    od[k][y][x] = (float) -Math.log(intensity[k][y][x] / i0[k]);
                }
            }
        }
        Path in = dir.resolve("od.h5");
        try (WritableHdfFile w = HdfFile.write(in)) {
            WritableGroup g = w.putGroup("exchange");
            g.putDataset("data", od);
            g.putDataset("energy", e).putAttribute("units", "eV");
        }
        Path norm = dir.resolve("norm.h5");
        NormalizeJob.run(in, StackOptions.DEFAULT, norm,
                NormalizeJob.Config.defaults().withWindows(EdgeWindow.parseList("L3:700-716")), null);
        Path out = dir.resolve("snr.h5");
        RejectJob.run(norm, out, new RejectJob.Config(10, RejectJob.WindowRule.ALL, 500_000_000L, RejectJob.Signal.WHITE_LINE),
                null);
        int[][] mask;
        try (HdfFile h = new HdfFile(out)) {
            mask = (int[][]) h.getDatasetByPath(NormalizedStackLayout.dataPath(NormalizedStackLayout.MASK)).getData();
        }
        int kept = 0;
        int keptFe = 0;
        int refKept = 0;
        int both = 0;
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                boolean k = mask[y][x] == NormalizedStackLayout.KEPT;
                kept += k ? 1 : 0;
                keptFe += k && fe[y][x] != 0 ? 1 : 0;
                if (snrRef[y][x] >= 10) {
                    refKept++;
                    both += k ? 1 : 0;
                }
            }
        }
        String figures = "kept " + kept + " (" + keptFe + " Fe pixels of the reference); reference SNR >= 10: " + refKept
                + ", of which kept " + both;
        assertTrue(both >= 0.9 * refKept, figures);
        assertTrue(keptFe >= 0.9 * kept, figures);
    }
}
