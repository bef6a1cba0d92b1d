package org.nifispectro.processors.property;

import org.nifispectro.pipeline.NormalizeJob;

/** How NormalizeSpectra normalizes each pixel spectrum. */
public enum NormalizationMethod implements Choice {
    PRE_EDGE("Pre-Edge Line / Post-Edge Polynomial", "Larch pre_edge (Athena's default): mu minus a line fitted"
            + " before the edge, divided by the edge step of a polynomial fitted after it", NormalizeJob.Method.PRE_EDGE),
    MBACK("MBACK", "Weng et al. (2005), Larch mback: mu scaled and given a smooth background so that it matches the"
            + " tabulated f2 (Chantler) of the absorber before and after the edge; needs the Absorber property",
            NormalizeJob.Method.MBACK);

    private final Text text;
    private final NormalizeJob.Method method;

    NormalizationMethod(String value, String description, NormalizeJob.Method method) {
        this.text = new Text(value, description);
        this.method = method;
    }

    public NormalizeJob.Method method() {
        return method;
    }

    @Override
    public Text text() {
        return text;
    }
}
