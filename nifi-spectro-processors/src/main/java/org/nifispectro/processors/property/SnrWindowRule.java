package org.nifispectro.processors.property;

import org.nifispectro.pipeline.RejectJob;

/** How RejectLowSNR combines the per-window decisions of a pixel. */
public enum SnrWindowRule implements Choice {
    ALL("All Windows", "A pixel is kept only if its SNR reaches the minimum in every edge window", RejectJob.WindowRule.ALL),
    ANY("Any Window", "A pixel is kept if its SNR reaches the minimum in at least one edge window", RejectJob.WindowRule.ANY);

    private final Text text;
    private final RejectJob.WindowRule rule;

    SnrWindowRule(String value, String description, RejectJob.WindowRule rule) {
        this.text = new Text(value, description);
        this.rule = rule;
    }

    public RejectJob.WindowRule rule() {
        return rule;
    }

    @Override
    public Text text() {
        return text;
    }
}
