package org.nifispectro.series;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.nifispectro.decompose.Nmf;
import org.nifispectro.decompose.Pca;
import org.nifispectro.decompose.PcaModel;
import org.nifispectro.io.stack.Slab;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.io.stack.StackInfo;
import org.nifispectro.io.stack.StackReader;

/**
 * PCA then NMF of a spectral stack with pixels as samples (seed 002: unmixing spectroscopic images),
 * streamed in slabs of image rows so the stack never sits in the heap.
 *
 * <ol>
 *   <li>Pass 1 over the stack: the energies inside the window {@code [emin, emax]} of every pixel whose
 *       values there are all finite go into the streaming PCA covariance ({@link Pca.Accumulator});
 *       pixels with NaN/infinity (masked or rejected pixels of NormalizeSpectra/RejectLowSNR) are left
 *       out and shown grey in the maps. Every s-th pixel ({@code s = ceil(pixels / maxNmfPixels)}, a
 *       regular subsample) is kept for the NMF fit; the global minimum is tracked for the negative rule.</li>
 *   <li>k from the explained variance ratios; NMF (scikit-learn cd, nndsvda) on the subsample gives the
 *       component spectra H.</li>
 *   <li>Pass 2: the weights of every pixel with H fixed, by non-negative least squares
 *       ({@code min ||x - w H||, w >= 0}, coordinate descent on the k x k normal equations, as the W
 *       update of the cd solver, i.e. scikit-learn's {@code NMF.transform}), giving k maps; the
 *       reconstruction error {@code ||X - W H||_F} over all finite pixels.</li>
 * </ol>
 * Memory: the subsample ({@code maxNmfPixels x window}, float; twice for the split rule), the k maps
 * (float per pixel) and one slab.
 */
public final class StackDecomposition {

    private static final int NNLS_SWEEPS = 200;

    private StackDecomposition() {
    }

    /**
     * @param energies    window energies (eV)
     * @param pca         PCA of all finite pixels in the window
     * @param k           components
     * @param nmf         NMF of the subsample (its weights are those of the subsample pixels)
     * @param maps        maps[t][y * nx + x]: weight of component t; NaN for pixels left out
     * @param ny          image rows
     * @param nx          image columns
     * @param reconstructionError {@code ||X' - W H||_F} over all finite pixels (X' after the negative rule)
     * @param finitePixels pixels used
     * @param skippedPixels pixels with a non-finite value in the window
     * @param nmfPixels   pixels in the NMF subsample
     */
    public record Result(double[] energies, PcaModel pca, int k, Nmf.Result nmf, float[][] maps, int ny, int nx,
                         double reconstructionError, long finitePixels, long skippedPixels, int nmfPixels) {
        public double varianceExplained() {
            return pca.cumulativeRatio(k);
        }
    }

    public static Result run(StackReader reader, double emin, double emax, DecompositionOptions o, int maxNmfPixels,
                             int slabValues) throws SeriesException, StackFormatException {
        StackInfo info = reader.info();
        String where = info.fileName() + ", dataset " + info.dataPath();
        double[] e = info.energiesEv();
        int from = 0;
        while (from < e.length && e[from] < emin) {
            from++;
        }
        int to = from;
        while (to < e.length && e[to] <= emax) {
            to++;
        }
        int d = to - from;
        if (d < 2) {
            throw new SeriesException(String.format(Locale.ROOT, "fewer than 2 energies inside the window %.6g-%.6g eV "
                    + "(the stack covers %.6g-%.6g eV)", emin, emax, e[0], e[e.length - 1]), where);
        }
        int nE = info.nE(), nx = info.nx(), ny = info.ny();
        long pixels = info.pixels();
        int rows = (int) Math.max(1, Math.min(ny, slabValues / Math.max(1L, (long) nx * nE)));
        int stride = (int) Math.max(1, (pixels + maxNmfPixels - 1) / maxNmfPixels);
        Pca.Accumulator acc = Pca.accumulator(d, 0, d, Pca.Precision.DOUBLE);
        List<float[]> sample = new ArrayList<>();
        float[] buf = new float[rows * nx * d];
        float[] reuse = null;
        double min = Double.POSITIVE_INFINITY;
        double[] sum = new double[d];
        String minWhere = "";
        long finite = 0;
        for (int y0 = 0; y0 < ny; y0 += rows) {
            int r = Math.min(rows, ny - y0);
            Slab slab = reader.readSlab(y0, r, reuse);
            reuse = slab.data();
            float[] data = slab.data();
            int cnt = 0;
            for (int p = 0; p < r * nx; p++) {
                int base = p * nE + from;
                boolean ok = true;
                for (int j = 0; j < d && ok; j++) {
                    ok = Float.isFinite(data[base + j]);
                }
                if (!ok) {
                    continue;
                }
                System.arraycopy(data, base, buf, cnt * d, d);
                for (int j = 0; j < d; j++) {
                    sum[j] += data[base + j];
                    if (data[base + j] < min) {
                        min = data[base + j];
                        minWhere = "pixel (y " + (y0 + p / nx) + ", x " + (p % nx) + "), energy " + e[from + j] + " eV";
                    }
                }
                long global = (long) y0 * nx + p;
                if (global % stride == 0) {
                    sample.add(Arrays.copyOfRange(data, base, base + d));
                }
                cnt++;
            }
            acc.addRows(buf, 0, cnt, d);
            finite += cnt;
        }
        if (finite < 2) {
            throw new SeriesException("fewer than 2 pixels have finite values in the window (" + finite + " of " + pixels
                    + ")", where);
        }
        PcaModel pca = acc.finish();
        int k = o.components(pca);
        if (k > sample.size()) {
            throw new SeriesException("fewer samples (" + sample.size() + " pixels in the NMF subsample) than components ("
                    + k + ")", where);
        }
        Nmf.NegativeRule rule = o.negativeRule();
        if (rule == Nmf.NegativeRule.REJECT && min < 0) {
            throw new SeriesException("negative value " + min + ": choose a negative-value rule (shift, clip or split) for "
                    + "NMF", where + ", " + minWhere);
        }
        double shift = rule == Nmf.NegativeRule.SHIFT_GLOBAL_MIN ? Math.min(0, min) : 0;
        int m = rule == Nmf.NegativeRule.SPLIT_POS_NEG ? 2 * d : d;
        float[][] xs = new float[sample.size()][];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = transform(sample.get(i), 0, d, rule, shift, new float[m]);
        }
        sample.clear();
        Nmf.Result fit;
        try {
            fit = Nmf.fitNonNegative(xs, o.nmfOptions(k));
        } catch (IllegalArgumentException ex) {
            throw new SeriesException("NMF: " + ex.getMessage(), where);
        }
        Nmf.Result nmf = new Nmf.Result(fit.w(), fit.h(), fit.reconstructionError(), fit.nIter(), fit.converged(), shift,
                rule, d);
        int nmfPixels = xs.length;
        xs = null;
        // pass 2: NNLS weights of every pixel with H fixed
        double[][] h = nmf.h();
        double[][] g = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += h[a][j] * h[b][j];
                }
                g[a][b] = s;
            }
        }
        float[][] maps = new float[k][(int) pixels];
        for (float[] map : maps) {
            Arrays.fill(map, Float.NaN);
        }
        float[] xt = new float[m];
        double[] bvec = new double[k];
        double[] w = new double[k];
        double err2 = 0;
        for (int y0 = 0; y0 < ny; y0 += rows) {
            int r = Math.min(rows, ny - y0);
            Slab slab = reader.readSlab(y0, r, reuse);
            reuse = slab.data();
            float[] data = slab.data();
            for (int p = 0; p < r * nx; p++) {
                int base = p * nE + from;
                boolean ok = true;
                for (int j = 0; j < d && ok; j++) {
                    ok = Float.isFinite(data[base + j]);
                }
                if (!ok) {
                    continue;
                }
                transform(data, base, d, rule, shift, xt);
                double xx = 0;
                for (int j = 0; j < m; j++) {
                    xx += (double) xt[j] * xt[j];
                }
                for (int t = 0; t < k; t++) {
                    double s = 0;
                    double[] ht = h[t];
                    for (int j = 0; j < m; j++) {
                        s += ht[j] * xt[j];
                    }
                    bvec[t] = s;
                }
                Nmf.nonNegativeLeastSquares(g, bvec, w, NNLS_SWEEPS);
                double q = 0, lin = 0;
                for (int a = 0; a < k; a++) {
                    lin += w[a] * bvec[a];
                    for (int b = 0; b < k; b++) {
                        q += w[a] * g[a][b] * w[b];
                    }
                }
                err2 += Math.max(0, xx - 2 * lin + q);
                int pix = y0 * nx + p;
                for (int t = 0; t < k; t++) {
                    maps[t][pix] = (float) w[t];
                }
            }
        }
        double[] window = Arrays.copyOfRange(e, from, to);
        return new Result(window, pca, k, nmf, maps, ny, nx, Math.sqrt(err2), finite, pixels - finite, nmfPixels);
    }

    private static float[] transform(float[] src, int off, int d, Nmf.NegativeRule rule, double shift, float[] out) {
        for (int j = 0; j < d; j++) {
            float v = src[off + j];
            switch (rule) {
                case SHIFT_GLOBAL_MIN -> out[j] = (float) (v - shift);
                case CLIP_ZERO -> out[j] = Math.max(0f, v);
                case SPLIT_POS_NEG -> {
                    out[j] = Math.max(0f, v);
                    out[d + j] = Math.max(0f, -v);
                }
                default -> out[j] = v;
            }
        }
        return out;
    }
}
