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
}
