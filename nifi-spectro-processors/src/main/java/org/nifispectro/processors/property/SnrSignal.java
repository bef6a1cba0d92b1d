package org.nifispectro.processors.property;

import org.nifispectro.pipeline.RejectJob;

/** What RejectLowSNR divides by the pre-edge noise. */
public enum SnrSignal implements Choice {
    EDGE_STEP("Edge Step", "The edge step of the normalization: SNR 10 means the normalized spectrum's noise is a tenth"
            + " of the edge step", RejectJob.Signal.EDGE_STEP),
    WHITE_LINE("White Line", "The largest absorption above the pre-edge line in the window: for L edges (and others)"
            + " whose white line is much higher than the edge step", RejectJob.Signal.WHITE_LINE);

    private final Text text;
    private final RejectJob.Signal signal;

    SnrSignal(String value, String description, RejectJob.Signal signal) {
        this.text = new Text(value, description);
        this.signal = signal;
    }

    public RejectJob.Signal signal() {
        return signal;
    }

    @Override
    public Text text() {
        return text;
    }
}
