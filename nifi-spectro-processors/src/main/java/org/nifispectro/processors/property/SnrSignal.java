package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;
import org.nifispectro.pipeline.RejectJob;

/** What RejectLowSNR divides by the pre-edge noise. */
public enum SnrSignal implements DescribedValue {
    EDGE_STEP("Edge Step", "The edge step of the normalization: SNR 10 means the normalized spectrum's noise is a tenth"
            + " of the edge step", RejectJob.Signal.EDGE_STEP),
    WHITE_LINE("White Line", "The largest absorption above the pre-edge line in the window: for L edges (and others)"
            + " whose white line is much higher than the edge step", RejectJob.Signal.WHITE_LINE);

    private final String value;
    private final String description;
    private final RejectJob.Signal signal;

    SnrSignal(String value, String description, RejectJob.Signal signal) {
        this.value = value;
        this.description = description;
        this.signal = signal;
    }

    public RejectJob.Signal signal() {
        return signal;
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
