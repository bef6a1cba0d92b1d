package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;
import org.nifispectro.pipeline.RejectJob;

/** How RejectLowSNR combines the per-window decisions of a pixel. */
public enum SnrWindowRule implements DescribedValue {
    ALL("All Windows", "A pixel is kept only if its SNR reaches the minimum in every edge window", RejectJob.WindowRule.ALL),
    ANY("Any Window", "A pixel is kept if its SNR reaches the minimum in at least one edge window", RejectJob.WindowRule.ANY);

    private final String value;
    private final String description;
    private final RejectJob.WindowRule rule;

    SnrWindowRule(String value, String description, RejectJob.WindowRule rule) {
        this.value = value;
        this.description = description;
        this.rule = rule;
    }

    public RejectJob.WindowRule rule() {
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
