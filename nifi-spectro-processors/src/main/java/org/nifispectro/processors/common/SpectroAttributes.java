package org.nifispectro.processors.common;

/**
 * Attribute names shared by all processors. One name per concept, from code to flow to docs.
 */
public final class SpectroAttributes {

    /** What is wrong with a FlowFile routed to {@code failure}: a sentence for an operator. */
    public static final String ERROR = "spectro.error";
    /** Where it is wrong: file, line, dataset path, CIF tag, archive entry. */
    public static final String ERROR_WHERE = "spectro.error.where";
    /** The processor type that routed the FlowFile to failure. */
    public static final String ERROR_PROCESSOR = "spectro.error.processor";
    /** The kind of problem: input (bad data), limit (over a configured budget), internal. */
    public static final String ERROR_KIND = "spectro.error.kind";
    /** Version of nifi-spectro that produced an output. */
    public static final String VERSION = "spectro.version";
    /** The processor type that produced an output. */
    public static final String PRODUCER = "spectro.producer";
    /** What an output FlowFile holds (for routing): e.g. stack, chik, chir, plot, gr, history. */
    public static final String OUTPUT_KIND = "spectro.output";

    private SpectroAttributes() {
    }
}
