package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;
import org.nifispectro.pipeline.ClusterJob;

/** How DBSCANCluster chooses the number of PCA scores it clusters. */
public enum PcaComponentRule implements DescribedValue {
    FIXED("Fixed Count", "Cluster the first 'PCA Components' scores", ClusterJob.ComponentRule.FIXED),
    VARIANCE("Explained Variance", "Cluster the fewest scores whose cumulative explained variance ratio reaches"
            + " 'PCA Variance Threshold' (at most " + ClusterJob.MAX_COMPONENTS + ")", ClusterJob.ComponentRule.VARIANCE);

    private final String value;
    private final String description;
    private final ClusterJob.ComponentRule rule;

    PcaComponentRule(String value, String description, ClusterJob.ComponentRule rule) {
        this.value = value;
        this.description = description;
        this.rule = rule;
    }

    public ClusterJob.ComponentRule rule() {
        return rule;
    }

    @Override
    public String getValue() {
        return value;
    }

    @Override
    public String getDisplayName() {
        return value;
    }

    @Override
    public String getDescription() {
        return description;
    }
}
