package org.nifispectro.classify;

/**
 * One entry of a ranking.
 *
 * @param classId class index in the model's catalog
 * @param probability SoftMax probability
 * @param correlation best Pearson correlation of the input with the class's prototypes (or
 *        structures, for the baseline)
 */
public record Candidate(int classId, double probability, double correlation) {
}
