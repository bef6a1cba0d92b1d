package org.nifispectro.classify;

import java.util.List;

/**
 * The structureMining-style baseline (Yang et al., Acta Cryst. A77 (2021) 2; as compared in
 * MLstructureMining): the input's Pearson correlation with the simulated PDF of every catalog
 * structure (MLstructureMining settings, Uiso 0.01), a class scoring its best member. Ranks
 * and probabilities come from the same SoftMax as {@link PrototypeClassifier}, with its own
 * fitted temperature.
 */
public final class CorrelationBaseline {

    private final int[] start;
    private final float[][] profiles;
    private final double temperature;

    private CorrelationBaseline(int[] start, float[][] profiles, double temperature) {
        this.start = start;
        this.profiles = profiles;
        this.temperature = temperature;
    }

    /** @return the baseline over every structure of the catalog */
    public static CorrelationBaseline of(Catalog catalog, double temperature) {
        int nc = catalog.classes().size();
        int[] start = new int[nc + 1];
        java.util.ArrayList<float[]> list = new java.util.ArrayList<>();
        for (int c = 0; c < nc; c++) {
            start[c] = list.size();
            for (Catalog.Structure s : catalog.structures(c)) {
                list.add(s.profile());
            }
        }
        start[nc] = list.size();
        return new CorrelationBaseline(start, list.toArray(new float[0][]), temperature);
    }

    /** @return the same baseline with another temperature */
    public CorrelationBaseline withTemperature(double t) {
        return new CorrelationBaseline(start, profiles, t);
    }

    public double temperature() {
        return temperature;
    }

    /** @return best correlation per class */
    public double[] scores(float[] x) {
        int nc = start.length - 1;
        double[] s = new double[nc];
        for (int c = 0; c < nc; c++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int k = start[c]; k < start[c + 1]; k++) {
                best = Math.max(best, PdfProfile.dot(x, profiles[k]));
            }
            s[c] = best;
        }
        return s;
    }

    /** @return top k candidates */
    public List<Candidate> rank(float[] x, int k) {
        return PrototypeClassifier.rank(scores(x), temperature, Double.NaN, k);
    }
}
