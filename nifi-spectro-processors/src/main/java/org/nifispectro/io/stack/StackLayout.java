package org.nifispectro.io.stack;

/** Which convention located the data and energy datasets of a stack. */
public enum StackLayout {
    /** Caller named the data and energy dataset paths. */
    CUSTOM,
    /** NeXus (NXstxm, NXdata): root {@code @default} -> NXentry {@code @default} -> NXdata {@code @signal}, {@code @axes}. */
    NEXUS,
    /** APS Data Exchange: {@code /exchange/data} with {@code /exchange/energy}. */
    DATA_EXCHANGE,
    /** NSLS-II FXI (18-ID): {@code /img_xanes} with {@code /X_eng} (keV). */
    FXI,
    /**
     * None of the above, but the file holds exactly one 1-D dataset whose name contains
     * "energy" and exactly one 3-D numeric dataset with a dimension of that length.
     */
    GENERIC
}
