package org.nifispectro.decompose;

import java.util.Arrays;

/**
 * A fitted principal component analysis: the mean spectrum, the principal axes and their
 * variances, over the feature window {@code [windowFrom, windowTo)} of the original rows.
 *
 * <p>{@code components[i]} is the i-th principal axis (unit length, {@code windowTo-windowFrom}
 * values), ordered by decreasing variance. {@code explainedVariance[i]} is the variance of the
 * scores along that axis (divisor n-1, as scikit-learn's {@code explained_variance_}) and
 * {@code explainedVarianceRatio[i]} its share of the total variance (the trace of the covariance
 * matrix), as scikit-learn's {@code explained_variance_ratio_}. Only the first
 * {@code components.length} axes are kept, but the ratios of all axes are available.
 *
 * @param mean per-feature mean of the fitted rows (window values only)
 * @param components principal axes, row i = axis i
 * @param explainedVariance variance per axis (all axes, descending)
 * @param explainedVarianceRatio variance share per axis (all axes)
 * @param totalVariance trace of the covariance matrix
 * @param nSamples number of rows fitted
 * @param nFeatures length of an original row
 * @param windowFrom first feature (inclusive) used
 * @param windowTo last feature (exclusive) used
 */
public record PcaModel(double[] mean, double[][] components, double[] explainedVariance,
                       double[] explainedVarianceRatio, double totalVariance, long nSamples,
                       int nFeatures, int windowFrom, int windowTo) {

    /** Default cumulative explained-variance threshold for choosing the number of components. */
    public static final double DEFAULT_VARIANCE_THRESHOLD = 0.99;

    /** Number of features inside the window. */
    public int windowWidth() {
        return windowTo - windowFrom;
    }

    /** Number of principal axes kept in {@link #components()}. */
    public int nComponents() {
        return components.length;
    }

    /**
     * Smallest number of components whose cumulative explained variance ratio reaches
     * {@code threshold} (scikit-learn recipe {@code searchsorted(cumsum(evr), t) + 1}).
     *
     * @param threshold in (0, 1]
     * @return a count between 1 and the number of available ratios
     */
    public int componentsForThreshold(double threshold) {
        return componentsForThreshold(explainedVarianceRatio, threshold);
    }

    /**
     * Smallest number of components whose cumulative explained variance ratio reaches
     * {@code threshold}, from the ratios alone (before any axis is computed).
     *
     * @param explainedVarianceRatio ratios, descending
     * @param threshold              in (0, 1]
     * @return a count between 1 and the number of ratios
     */
    public static int componentsForThreshold(double[] explainedVarianceRatio, double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("variance threshold must be in (0, 1], got " + threshold);
        }
        double cum = 0;
        for (int i = 0; i < explainedVarianceRatio.length; i++) {
            cum += explainedVarianceRatio[i];
            if (cum >= threshold - 1e-12) {
                return i + 1;
            }
        }
        return explainedVarianceRatio.length;
    }

    /** Cumulative explained variance ratio of the first {@code k} axes. */
    public double cumulativeRatio(int k) {
        double c = 0;
        for (int i = 0; i < Math.min(k, explainedVarianceRatio.length); i++) {
            c += explainedVarianceRatio[i];
        }
        return c;
    }

    /** A copy keeping only the first {@code k} axes (ratios of all axes are kept). */
    public PcaModel truncate(int k) {
        if (k < 1 || k > components.length) {
            throw new IllegalArgumentException("cannot keep " + k + " components: model has " + components.length);
        }
        return new PcaModel(mean, Arrays.copyOf(components, k), explainedVariance, explainedVarianceRatio,
                totalVariance, nSamples, nFeatures, windowFrom, windowTo);
    }

    /**
     * Projects a row-major float slab onto the first {@code k} axes.
     *
     * @param slab      row-major values, each row {@code rowStride} long, window taken from each row
     * @param offset    index of the first value of the first row
     * @param rows      number of rows in the slab
     * @param rowStride distance between rows (at least {@link #nFeatures()})
     * @param k         number of axes
     * @param out       receives {@code rows * k} scores, row-major, starting at {@code outOffset}
     * @param outOffset first index written in {@code out}
     */
    public void project(float[] slab, int offset, int rows, int rowStride, int k, double[] out, int outOffset) {
        checkK(k);
        int w = windowWidth();
        for (int r = 0; r < rows; r++) {
            int base = offset + r * rowStride + windowFrom;
            for (int c = 0; c < k; c++) {
                double[] v = components[c];
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int j = 0;
                for (; j + 4 <= w; j += 4) {
                    s0 += (slab[base + j] - mean[j]) * v[j];
                    s1 += (slab[base + j + 1] - mean[j + 1]) * v[j + 1];
                    s2 += (slab[base + j + 2] - mean[j + 2]) * v[j + 2];
                    s3 += (slab[base + j + 3] - mean[j + 3]) * v[j + 3];
                }
                for (; j < w; j++) {
                    s0 += (slab[base + j] - mean[j]) * v[j];
                }
                out[outOffset + r * k + c] = (s0 + s1) + (s2 + s3);
            }
        }
    }

    /**
     * Projects rows (each {@link #nFeatures()} long; the window is applied) onto the first
     * {@code k} axes.
     *
     * @return scores, one row per input row
     */
    public double[][] transform(double[][] x, int k) {
        checkK(k);
        double[][] out = new double[x.length][k];
        int w = windowWidth();
        for (int r = 0; r < x.length; r++) {
            if (x[r].length != nFeatures) {
                throw new IllegalArgumentException("row " + r + " has " + x[r].length + " values, the model was fitted on "
                        + nFeatures);
            }
            for (int c = 0; c < k; c++) {
                double[] v = components[c];
                double s = 0;
                for (int j = 0; j < w; j++) {
                    s += (x[r][windowFrom + j] - mean[j]) * v[j];
                }
                out[r][c] = s;
            }
        }
        return out;
    }

    private void checkK(int k) {
        if (k < 1 || k > components.length) {
            throw new IllegalArgumentException("asked for " + k + " scores per row but the model keeps "
                    + components.length + " components");
        }
    }
}
