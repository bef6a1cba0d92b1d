package org.nifispectro.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Nearest-prototype classifier of PDF profiles with calibrated SoftMax probabilities.
 *
 * <h2>Model</h2> Each class c has K_c prototypes p_ck: unit-norm, zero-mean profiles on the
 * model grid ({@link PdfProfile}), learned by spherical k-means (cosine similarity, Dhillon &amp;
 * Modha 2001) from the class's augmented training PDFs, so they span the lattice, Uiso, Qmax,
 * Qdamp, particle-size and noise variation seen in training. The score of class c for an input
 * profile x is s_c = max_k x . p_ck, i.e. the best Pearson correlation with a prototype, and the
 * probability is P(c) = exp(s_c / T) / sum_c' exp(s_c' / T) with the temperature T fitted by
 * minimising the log-loss on validation PDFs (structure variants not used for the prototypes).
 * An input unlike every class has uniformly mediocre scores, hence a flat profile of
 * probabilities: MLstructureMining's "no good candidate" signal.
 *
 * <h2>Cost</h2> Inference is one dot product per prototype: sum K_c * n multiply-adds (float,
 * unrolled by four), no allocation besides the score array.
 *
 * <p>References: I. S. Dhillon, D. S. Modha, Machine Learning 42 (2001) 143 (spherical
 * k-means); C. Guo et al., ICML 2017 (temperature scaling); E. T. S. Kjaer et al., Digital
 * Discovery 3 (2024) 908 (MLstructureMining, seed 004).
 */
public final class PrototypeClassifier {

    private final ModelGrid grid;
    private final int[] start;
    private final float[][] prototypes;
    private final double temperature;

    /**
     * @param grid model grid
     * @param start class c owns prototypes start[c] .. start[c+1]-1 (length classes + 1)
     * @param prototypes unit-norm profiles of grid.n() points
     * @param temperature SoftMax temperature (> 0)
     */
    public PrototypeClassifier(ModelGrid grid, int[] start, float[][] prototypes, double temperature) {
        if (start.length < 2 || start[0] != 0 || start[start.length - 1] != prototypes.length) {
            throw new IllegalArgumentException("class table does not match " + prototypes.length + " prototypes");
        }
        for (int c = 0; c + 1 < start.length; c++) {
            if (start[c + 1] <= start[c]) {
                throw new IllegalArgumentException("class " + c + " has no prototype");
            }
        }
        for (float[] p : prototypes) {
            if (p.length != grid.n()) {
                throw new IllegalArgumentException("prototype length " + p.length + " != grid " + grid.n());
            }
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        this.grid = grid;
        this.start = start.clone();
        this.prototypes = prototypes;
        this.temperature = temperature;
    }

    public ModelGrid grid() {
        return grid;
    }

    public int classCount() {
        return start.length - 1;
    }

    public int prototypeCount() {
        return prototypes.length;
    }

    public double temperature() {
        return temperature;
    }

    int[] start() {
        return start;
    }

    float[][] prototypes() {
        return prototypes;
    }

    /** @return s_c, the best correlation per class */
    public double[] scores(float[] x) {
        if (x.length != grid.n()) {
            throw new IllegalArgumentException("profile has " + x.length + " points, model grid " + grid.n());
        }
        int nc = classCount();
        double[] s = new double[nc];
        for (int c = 0; c < nc; c++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int k = start[c]; k < start[c + 1]; k++) {
                best = Math.max(best, PdfProfile.dot(x, prototypes[k]));
            }
            s[c] = best;
        }
        return s;
    }

    /** @return the k most probable classes, best first */
    public List<Candidate> rank(float[] x, int k) {
        return rank(scores(x), temperature, k);
    }

    /** SoftMax of scores / t and the top k. */
    public static List<Candidate> rank(double[] scores, double t, int k) {
        double[] p = softmax(scores, t);
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        int m = Math.min(k, scores.length);
        // partial selection: fine for thousands of classes
        List<Candidate> out = new ArrayList<>(m);
        boolean[] used = new boolean[scores.length];
        for (int j = 0; j < m; j++) {
            int best = -1;
            for (int i = 0; i < scores.length; i++) {
                if (!used[i] && (best < 0 || scores[i] > scores[best])) {
                    best = i;
                }
            }
            used[best] = true;
            out.add(new Candidate(best, p[best], scores[best]));
        }
        return out;
    }

    /** @return exp(s/t) normalised */
    public static double[] softmax(double[] s, double t) {
        double max = Arrays.stream(s).max().orElse(0);
        double[] p = new double[s.length];
        double sum = 0;
        for (int i = 0; i < s.length; i++) {
            p[i] = Math.exp((s[i] - max) / t);
            sum += p[i];
        }
        for (int i = 0; i < s.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** @return 0-based rank of the true class among the scores (0 = top) */
    public static int rankOf(double[] scores, int trueClass) {
        double s = scores[trueClass];
        int r = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > s || (scores[i] == s && i < trueClass)) {
                r++;
            }
        }
        return r;
    }
}
