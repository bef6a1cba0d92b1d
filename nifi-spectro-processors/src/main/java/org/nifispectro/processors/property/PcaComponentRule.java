package org.nifispectro.processors.property;

import org.nifispectro.pipeline.ClusterJob;

/** How DBSCANCluster chooses the number of PCA scores it clusters. */
public enum PcaComponentRule implements Choice {
    FIXED("Fixed Count", "Cluster the first 'PCA Components' scores", ClusterJob.ComponentRule.FIXED),
    VARIANCE("Explained Variance", "Cluster the fewest scores whose cumulative explained variance ratio reaches"
            + " 'PCA Variance Threshold' (at most " + ClusterJob.MAX_COMPONENTS + ")", ClusterJob.ComponentRule.VARIANCE);

    private final Text text;
    private final ClusterJob.ComponentRule rule;

    PcaComponentRule(String value, String description, ClusterJob.ComponentRule rule) {
        this.text = new Text(value, description);
        this.rule = rule;
    }

    public ClusterJob.ComponentRule rule() {
        return rule;
    }

    @Override
    public Text text() {
        return text;
    }
}
