package org.nifispectro.processors.property;

import org.nifispectro.pipeline.ClusterJob;

/** How DBSCANCluster estimates Eps when the Eps property is empty. */
public enum EpsEstimateRule implements Choice {
    NOISE_PERCENT("Expected Noise", "Ester et al. (1996): Eps is the (MinPts-1)-nearest-neighbour distance that the"
            + " 'Expected Noise' share of the kept pixels exceeds", ClusterJob.EpsRule.NOISE_PERCENT),
    KNEE("Knee", "The knee of the sorted (MinPts-1)-nearest-neighbour distance curve (Kneedle)", ClusterJob.EpsRule.KNEE);

    private final Text text;
    private final ClusterJob.EpsRule rule;

    EpsEstimateRule(String value, String description, ClusterJob.EpsRule rule) {
        this.text = new Text(value, description);
        this.rule = rule;
    }

    public ClusterJob.EpsRule rule() {
        return rule;
    }

    @Override
    public Text text() {
        return text;
    }
}
