package org.nifispectro.pipeline;

import java.nio.file.Path;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import org.nifispectro.xas.RefData;

/**
 * Small stacks made from real end-member spectra with known e0 and edge step: the measured spectra and
 * Larch 0.9.58 pre_edge results in src/test/resources/xas/reference (made by make_reference.py there
 * from xraylarch's example data, MIT; see shared/data/MANIFEST.md, xas/reference).
 *
 * <p>The two-edge scan puts the Ce L3 spectrum of CeO2 ({@code ceo2_ce_L3}, 5453-6152 eV) and the Fe K
 * XANES {@code fexanes_a} (7032-7356 eV) on one energy axis, like the Nd L3 and L2 edges of one
 * scan in Duan et al. (2016): window "L3" = the first, "L2" = the second. Pixel p holds
 * {@code scale[p] * mu(E) + offset[p] + tilt[p] * (E - 6500)}: Larch's pre_edge on each window gives
 * e0 = the reference e0 and edge step = scale[p] x the reference step (the line absorbs offset and
 * tilt), which are the expected values, taken from Larch's summary.csv.
 */
public final class ChainFixtures {

    public static final String L3_ID = "ceo2_ce_L3";
    public static final String L2_ID = "fexanes_a";
    public static final String WINDOWS = "L3:5450-6160, L2:7030-7360";

    private ChainFixtures() {
    }

    /** Energy and mu of the two-edge scan. */
    public static double[][] twoEdgeScan() {
        Map<String, double[]> a = RefData.csv(L3_ID + "_norm.csv");
        Map<String, double[]> b = RefData.csv(L2_ID + "_norm.csv");
        double[] ea = a.get("energy_eV");
        double[] eb = b.get("energy_eV");
        double[] e = new double[ea.length + eb.length];
        double[] mu = new double[e.length];
        System.arraycopy(ea, 0, e, 0, ea.length);
        System.arraycopy(eb, 0, e, ea.length, eb.length);
        System.arraycopy(a.get("mu"), 0, mu, 0, ea.length);
        System.arraycopy(b.get("mu"), 0, mu, ea.length, eb.length);
        return new double[][] {e, mu};
    }

    /** Larch's e0 and edge step of a reference spectrum: {e0, step}. */
    public static double[] larch(String id) {
        Map<String, String> s = RefData.summary().get(id);
        return new double[] {Double.parseDouble(s.get("e0")), Double.parseDouble(s.get("edge_step"))};
    }

    /** Scale of pixel (y, x): 0.5 .. 2.0 across the image, so every pixel differs. */
    public static double scale(int y, int x, int ny, int nx) {
        return 0.5 + 1.5 * (y * nx + x) / Math.max(1.0, ny * nx - 1.0);
    }

    /** Pixel-major stack of scaled, offset and tilted copies of {@code mu}. */
    public static float[] stack(double[] e, double[] mu, int ny, int nx) {
        int nE = e.length;
        float[] s = new float[ny * nx * nE];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int p = y * nx + x;
                double sc = scale(y, x, ny, nx);
                double off = 0.1 * (p % 5) - 0.2;
                double tilt = 1e-5 * ((p % 3) - 1);
                for (int i = 0; i < nE; i++) {
                    s[p * nE + i] = (float) (sc * mu[i] + off + tilt * (e[i] - 6500));
                }
            }
        }
        return s;
    }

    /** APS Data Exchange file: /exchange/data [nE][ny][nx] float32, /exchange/energy in eV. */
    public static Path dataExchange(Path file, double[] e, float[] pixelMajor, int ny, int nx) {
        int nE = e.length;
        float[][][] d = new float[nE][ny][nx];
        for (int p = 0; p < ny * nx; p++) {
            for (int i = 0; i < nE; i++) {
                d[i][p / nx][p % nx] = pixelMajor[p * nE + i];
            }
        }
        try (WritableHdfFile w = HdfFile.write(file)) {
            WritableGroup ex = w.putGroup("exchange");
            ex.putDataset("data", d).putAttribute("axes", "energy:y:x");
            ex.putDataset("energy", e).putAttribute("units", "eV");
        }
        return file;
    }

    /** Custom layout: /measurement/spectra [ny][nx][nE] float32 and /measurement/photon_energy in keV (no units). */
    public static Path customYxeKev(Path file, double[] e, float[] pixelMajor, int ny, int nx) {
        int nE = e.length;
        float[][][] d = new float[ny][nx][nE];
        double[] kev = new double[nE];
        for (int i = 0; i < nE; i++) {
            kev[i] = e[i] / 1000.0;
        }
        for (int p = 0; p < ny * nx; p++) {
            System.arraycopy(pixelMajor, p * nE, d[p / nx][p % nx], 0, nE);
        }
        try (WritableHdfFile w = HdfFile.write(file)) {
            WritableGroup m = w.putGroup("measurement");
            m.putDataset("spectra", d);
            m.putDataset("photon_energy", kev);
            m.putDataset("decoy", new float[2][2][2]);
        }
        return file;
    }
}
