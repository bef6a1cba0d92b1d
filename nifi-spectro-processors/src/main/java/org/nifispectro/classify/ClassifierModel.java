package org.nifispectro.classify;

import java.util.List;
import java.util.Map;

/**
 * A loaded model: the class table, the classifier, and the training metadata.
 *
 * @param classes class table (index = classifier output)
 * @param classifier the classifier
 * @param training training settings and figures as written by the trainer (seed, ranges, counts,
 *        sources, accuracy)
 */
public record ClassifierModel(List<StructureClass> classes, PrototypeClassifier classifier,
                              Map<String, Object> training) {

    public ClassifierModel {
        if (classes.size() != classifier.classCount()) {
            throw new IllegalArgumentException("class table has " + classes.size() + " classes, classifier "
                    + classifier.classCount());
        }
        classes = List.copyOf(classes);
        // insertion order kept (Map.copyOf's order changes from one JVM to the next, and model.json is
        // written from this map: same arguments must give the same model bytes)
        training = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(training));
    }

    /** Ranks a measured G(r) (any r grid covering the model's): the top k classes. */
    public PrototypeClassifier.Ranking classify(double[] r, double[] g, int k) throws PdfInputException {
        return classifier.classify(PdfProfile.of(r, g, classifier.grid()), k);
    }

    /**
     * Ranks a measured G(r) among the classes a chemical constraint admits (probabilities over the whole
     * catalog; {@link PrototypeClassifier#classify(float[], int, boolean[])}).
     *
     * @param admitted per class, from {@link ElementFilter#admitted}; null: every class
     */
    public PrototypeClassifier.Ranking classify(double[] r, double[] g, int k, boolean[] admitted)
            throws PdfInputException {
        return classifier.classify(PdfProfile.of(r, g, classifier.grid()), k, admitted);
    }
}
