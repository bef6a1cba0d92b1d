package org.nifispectro.cluster;

/**
 * Public access to {@link SyntheticStack} (real Fe L2,3 end members, known phase map with two
 * major phases, a 0.5 % minority phase, Poisson noise and a low-signal region) for tests and
 * benchmarks of other packages: the stack as optical density, pixel-major.
 */
public final class SeedLikeStacks {

    /**
     * @param energy    energies (eV), increasing
     * @param od        optical density -ln(I / I0), pixel-major: pixel p = y * nx + x at [p * nE, (p + 1) * nE)
     * @param phase     true phase per pixel: 0 = A (Fe(III)), 1 = B (Fe(II)), 2 = minority C
     * @param lowSignal per pixel: inside the low-signal rectangle
     */
    public record Scene(double[] energy, float[] od, int[] phase, boolean[] lowSignal, int ny, int nx) {
    }

    private SeedLikeStacks() {
    }

    /** {@link SyntheticStack#generate} converted to optical density. */
    public static Scene opticalDensity(int ny, int nx, long seed) throws Exception {
        SyntheticStack st = SyntheticStack.generate(ny, nx, seed);
        int ne = st.energy.length;
        float[] od = new float[ny * nx * ne];
        int[] phase = new int[ny * nx];
        boolean[] low = new boolean[ny * nx];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int p = y * nx + x;
                phase[p] = st.phase[y][x];
                low[p] = st.lowSignal[y][x];
                for (int k = 0; k < ne; k++) {
                    od[p * ne + k] = (float) -Math.log(Math.max(st.intensity[k][y][x], 0.5) / st.i0[k]);
                }
            }
        }
        return new Scene(st.energy.clone(), od, phase, low, ny, nx);
    }

    /**
     * The recipe of {@link #writeSeedScale} (same end members, map, thickness, substrate and noise, same random
     * sequence) in memory, on {@code nE} energies from 700 to 730 eV: for tests that need the seed's fine energy
     * grid (tens of energies in each pre-edge range) at a small image size.
     */
    public static Scene opticalDensity(int ny, int nx, int nE, long seed) throws Exception {
        java.nio.file.Path tmp = java.nio.file.Files.createTempFile("seedlike", ".h5");
        try {
            int[] truth = writeSeedScale(tmp, ny, nx, nE, seed);
            float[] od = new float[ny * nx * nE];
            double[] e;
            try (org.nifispectro.io.stack.StackReader r = org.nifispectro.io.stack.StackReader.open(tmp,
                    org.nifispectro.io.stack.StackOptions.DEFAULT)) {
                e = r.info().energiesEv();
                org.nifispectro.io.stack.Slab slab = r.readSlab(0, ny);
                for (int p = 0; p < ny * nx; p++) {
                    for (int k = 0; k < nE; k++) {
                        od[p * nE + k] = slab.value(p, k);
                    }
                }
            }
            int[] phase = new int[ny * nx];
            boolean[] low = new boolean[ny * nx];
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            // the phase of a low-signal pixel is A or B by the boundary rule; recompute it as writeSeedScale does
            double phaseShift = rnd.nextDouble() * 2 * Math.PI;
            for (int p = 0; p < ny * nx; p++) {
                int y = p / nx, x = p % nx;
                double boundary = nx * 0.55 + nx * 0.06 * Math.sin(2 * Math.PI * y / (ny / 1.7) + phaseShift);
                low[p] = truth[p] < 0;
                phase[p] = truth[p] >= 0 ? truth[p] : (x < boundary ? 0 : 1);
            }
            return new Scene(e, od, phase, low, ny, nx);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    /**
     * Seed-scale version written slab by slab (never in heap): the recipe of {@link SyntheticStack}
     * (same end members, wavy A/B boundary, 0.5 % minority discs, low-signal rectangle with 1 % thickness,
     * smooth thickness 0.75-1.25, substrate, I0 = 2000 counts with Poisson noise in its normal
     * approximation above 30 counts) on {@code nE} energies from 700 to 730 eV (end members linearly
     * interpolated), written as optical density float32 energy-y-x in a NeXus file (/entry/data).
     *
     * @return the true phase map (0 = A, 1 = B, 2 = minority), -1 where the pixel is low-signal
     */
    public static int[] writeSeedScale(java.nio.file.Path file, int ny, int nx, int nE, long seed) throws Exception {
        double[][] ox = SyntheticStack.readSpectrum("/cluster/71214078_oxidized.t");
        double[][] red = SyntheticStack.readSpectrum("/cluster/71214078_reduced.t");
        double[] e = new double[nE];
        double[][] spec = new double[3][nE];
        for (int i = 0; i < nE; i++) {
            e[i] = 700.0 + 30.0 * i / (nE - 1);
            double a = interp(ox[0], ox[1], e[i]);
            double b = interp(red[0], red[1], e[i]);
            spec[0][i] = a;
            spec[1][i] = b;
            spec[2][i] = 0.5 * (a + b);
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        int[] phase = new int[ny * nx];
        boolean[] low = new boolean[ny * nx];
        double phaseShift = rnd.nextDouble() * 2 * Math.PI;
        for (int y = 0; y < ny; y++) {
            double boundary = nx * 0.55 + nx * 0.06 * Math.sin(2 * Math.PI * y / (ny / 1.7) + phaseShift);
            for (int x = 0; x < nx; x++) {
                phase[y * nx + x] = x < boundary ? 0 : 1;
            }
        }
        int ly = (int) Math.round(ny * Math.sqrt(0.1)), lx = (int) Math.round(nx * Math.sqrt(0.1));
        for (int y = 0; y < ly; y++) {
            for (int x = 0; x < lx; x++) {
                low[y * nx + x] = true;
            }
        }
        int target = (int) Math.round(0.005 * ny * nx);
        int count = 0;
        while (count < target) {
            int cy = 10 + rnd.nextInt(ny - 20), cx = 10 + rnd.nextInt(nx - 20);
            double rad = 3 + rnd.nextDouble() * 2;
            for (int y = (int) (cy - rad); y <= cy + rad && count < target; y++) {
                for (int x = (int) (cx - rad); x <= cx + rad && count < target; x++) {
                    int p = y * nx + x;
                    if (y >= 0 && y < ny && x >= 0 && x < nx && phase[p] != 2 && !low[p]
                            && (y - cy) * (y - cy) + (x - cx) * (x - cx) <= rad * rad) {
                        phase[p] = 2;
                        count++;
                    }
                }
            }
        }
        double fy = rnd.nextDouble() * 6, fx = rnd.nextDouble() * 6;
        org.nifispectro.io.stack.StackWriter w = org.nifispectro.io.stack.StackWriter.builder("entry")
                .stack("data", e, ny, nx).write(file);
        int rows = 8;
        float[] slab = new float[rows * nx * nE];
        for (int y0 = 0; y0 < ny; y0 += rows) {
            int r = Math.min(rows, ny - y0);
            for (int q = 0; q < r * nx; q++) {
                int y = y0 + q / nx, x = q % nx;
                double t = 1.0 + 0.25 * Math.sin(2 * Math.PI * y / ny * 1.3 + fy) * Math.cos(2 * Math.PI * x / nx * 0.9 + fx);
                int p = y * nx + x;
                if (low[p]) {
                    t *= 0.01;
                }
                double[] sp = spec[phase[p]];
                for (int k = 0; k < nE; k++) {
                    double od = t * sp[k] + 0.15 + 0.002 * (e[k] - 700);
                    double lambda = SyntheticStack.I0 * Math.exp(-od);
                    double u1 = rnd.nextDouble(), u2 = rnd.nextDouble();
                    double g = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
                    double counts = Math.max(1, Math.round(lambda + Math.sqrt(lambda) * g));
                    slab[q * nE + k] = (float) -Math.log(counts / SyntheticStack.I0);
                }
            }
            w.writeStackRows("data", y0, r, r == rows ? slab : java.util.Arrays.copyOf(slab, r * nx * nE));
        }
        w.close();
        int[] truth = phase.clone();
        for (int p = 0; p < truth.length; p++) {
            if (low[p]) {
                truth[p] = -1;
            }
        }
        return truth;
    }

    private static double interp(double[] x, double[] y, double v) {
        if (v <= x[0]) {
            return y[0];
        }
        for (int i = 1; i < x.length; i++) {
            if (v <= x[i]) {
                double f = (v - x[i - 1]) / (x[i] - x[i - 1]);
                return y[i - 1] + f * (y[i] - y[i - 1]);
            }
        }
        return y[y.length - 1];
    }
}
