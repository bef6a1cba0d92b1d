package org.nifispectro.cluster;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic (seeded) synthetic spectro-microscopy stack with a known phase map, at the
 * scale of seed 000 (Duan et al. 2016) but small enough for a unit test.
 *
 * <h2>End members (real data)</h2>
 * The Fe L2,3 reference spectra {@code oxidized.t} (Fe(III)) and {@code reduced.t} (Fe(II))
 * that ship with the ALS 11.0.2.2 STXM stack 71214078 (github stetef/nano-XANES-microscopy-of-Fe,
 * Data/ALS_Toner/71214078_FigS4/Aligned, MIT; copied in test resources/cluster): pre-edge
 * subtracted optical density per unit thickness on the stack's 123 energies, 700-730 eV.
 * Phase A = oxidized, phase B = reduced, the minority phase C = a 1:1 mixed-valence
 * combination of the two (a Fe(II)/Fe(III) phase such as magnetite is commonly modelled so).
 *
 * <h2>Map and physics</h2>
 * <ul>
 *   <li>A and B split the field along a wavy vertical boundary; C is 0.5 % of the pixels in
 *       small discs placed by the seed; a low-signal rectangle (10 % of the field, top left)
 *       has 1 % of the normal thickness.</li>
 *   <li>Thickness t(y, x) varies smoothly 0.75-1.25; OD(E) = t * spectrum(E) + substrate, with
 *       substrate = 0.15 + 0.002 (E - 700 eV).</li>
 *   <li>Transmitted counts I = Poisson(I0 exp(-OD)) with I0 = 2000 counts per pixel and energy
 *       (Poisson sampled exactly below 30 counts, normal approximation above): the OD noise of
 *       ~0.02-0.04 matches the noise of the real stack (median 0.018).</li>
 * </ul>
 * Output: intensity [energy][y][x] (as Data Exchange / NXstxm files store it), the i0
 * spectrum, the true phase map (0 = A, 1 = B, 2 = C) and the low-signal mask.
 */
final class SyntheticStack {

    static final double I0 = 2000;

    final double[] energy;
    final float[][][] intensity;
    final double[] i0;
    final int[][] phase;
    final boolean[][] lowSignal;
    final int ny;
    final int nx;

    private SyntheticStack(double[] energy, float[][][] intensity, double[] i0, int[][] phase, boolean[][] lowSignal) {
        this.energy = energy;
        this.intensity = intensity;
        this.i0 = i0;
        this.phase = phase;
        this.lowSignal = lowSignal;
        this.ny = phase.length;
        this.nx = phase[0].length;
    }

    static double[][] readSpectrum(String resource) throws Exception {
        List<double[]> rows = new ArrayList<>();
        try (InputStream in = SyntheticStack.class.getResourceAsStream(resource);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] p = line.trim().split("\\s+");
                if (p.length >= 2) {
                    rows.add(new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1])});
                }
            }
        }
        double[][] out = new double[2][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            out[0][i] = rows.get(i)[0];
            out[1][i] = rows.get(i)[1];
        }
        return out;
    }

    static SyntheticStack generate(int ny, int nx, long seed) throws Exception {
        double[][] ox = readSpectrum("/cluster/71214078_oxidized.t");
        double[][] red = readSpectrum("/cluster/71214078_reduced.t");
        double[] e = ox[0];
        int ne = e.length;
        double[][] spec = new double[3][ne];
        for (int k = 0; k < ne; k++) {
            spec[0][k] = ox[1][k];
            spec[1][k] = red[1][k];
            spec[2][k] = 0.5 * (ox[1][k] + red[1][k]);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] phase = new int[ny][nx];
        boolean[][] low = new boolean[ny][nx];
        double phaseShift = rnd.nextDouble() * 2 * Math.PI;
        for (int y = 0; y < ny; y++) {
            double boundary = nx * 0.55 + nx * 0.06 * Math.sin(2 * Math.PI * y / (ny / 1.7) + phaseShift);
            for (int x = 0; x < nx; x++) {
                phase[y][x] = x < boundary ? 0 : 1;
            }
        }
        int ly = (int) Math.round(ny * Math.sqrt(0.1)), lx = (int) Math.round(nx * Math.sqrt(0.1));
        for (int y = 0; y < ly; y++) {
            for (int x = 0; x < lx; x++) {
                low[y][x] = true;
            }
        }
        // minority discs (outside the low-signal region) until 0.5 % of the pixels
        int target = (int) Math.round(0.005 * ny * nx);
        int count = 0;
        while (count < target) {
            int cy = 10 + rnd.nextInt(ny - 20), cx = 10 + rnd.nextInt(nx - 20);
            double rad = 3 + rnd.nextDouble() * 2;
            for (int y = (int) (cy - rad); y <= cy + rad && count < target; y++) {
                for (int x = (int) (cx - rad); x <= cx + rad && count < target; x++) {
                    if (y >= 0 && y < ny && x >= 0 && x < nx && phase[y][x] != 2 && !low[y][x]
                            && (y - cy) * (y - cy) + (x - cx) * (x - cx) <= rad * rad) {
                        phase[y][x] = 2;
                        count++;
                    }
                }
            }
        }
        double[] i0 = new double[ne];
        java.util.Arrays.fill(i0, I0);
        float[][][] inten = new float[ne][ny][nx];
        double fy = rnd.nextDouble() * 6, fx = rnd.nextDouble() * 6;
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                double t = 1.0 + 0.25 * Math.sin(2 * Math.PI * y / ny * 1.3 + fy) * Math.cos(2 * Math.PI * x / nx * 0.9 + fx);
                if (low[y][x]) {
                    t *= 0.01;
                }
                double[] s = spec[phase[y][x]];
                for (int k = 0; k < ne; k++) {
                    double od = t * s[k] + 0.15 + 0.002 * (e[k] - 700);
                    inten[k][y][x] = (float) poisson(rnd, I0 * Math.exp(-od));
                }
            }
        }
        return new SyntheticStack(e, inten, i0, phase, low);
    }

    private static double poisson(SplittableRandom r, double lambda) {
        if (lambda < 30) {
            double l = Math.exp(-lambda), p = 1;
            int k = 0;
            do {
                k++;
                p *= r.nextDouble();
            } while (p > l);
            return k - 1;
        }
        double u1 = r.nextDouble(), u2 = r.nextDouble();
        double g = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        return Math.max(1, Math.round(lambda + Math.sqrt(lambda) * g));
    }
}
