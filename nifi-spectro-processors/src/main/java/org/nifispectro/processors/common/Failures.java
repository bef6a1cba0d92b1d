package org.nifispectro.processors.common;

import java.util.HashMap;
import java.util.Map;

import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;

/**
 * Routes a FlowFile that cannot be processed to {@code failure}: the original content untouched,
 * attributes that say what is wrong and where, penalized, logged once. Nothing is dropped.
 */
public final class Failures {

    private static final int MAX_MESSAGE = 2000;

    private Failures() {
    }

    /** Bad input or an exceeded limit: the reason goes to the attributes. */
    public static void route(ProcessSession session, FlowFile flowFile, Relationship failure, ComponentLog log,
                             String processor, InputException problem) {
        transfer(session, flowFile, failure, log, processor, problem.getMessage(), problem.where(), problem.kind(), null);
    }

    /**
     * Anything else a processor did not foresee (a bug, an I/O fault of the content repository): still the
     * FlowFile is kept and routed with the exception's class and message, never lost, never rethrown.
     */
    public static void routeUnexpected(ProcessSession session, FlowFile flowFile, Relationship failure, ComponentLog log,
                                       String processor, Exception unexpected) {
        String message = unexpected.getClass().getSimpleName()
                + (unexpected.getMessage() == null ? "" : ": " + unexpected.getMessage());
        transfer(session, flowFile, failure, log, processor, message, "", "internal", unexpected);
    }

    private static void transfer(ProcessSession session, FlowFile flowFile, Relationship failure, ComponentLog log,
                                 String processor, String message, String where, String kind, Exception cause) {
        String text = message == null || message.isBlank() ? "unknown error" : message;
        if (text.length() > MAX_MESSAGE) {
            text = text.substring(0, MAX_MESSAGE) + "...";
        }
        Map<String, String> attributes = new HashMap<>();
        attributes.put(SpectroAttributes.ERROR, text);
        attributes.put(SpectroAttributes.ERROR_WHERE, where == null ? "" : where);
        attributes.put(SpectroAttributes.ERROR_KIND, kind);
        attributes.put(SpectroAttributes.ERROR_PROCESSOR, processor);
        FlowFile routed = session.putAllAttributes(flowFile, attributes);
        routed = session.penalize(routed);
        if (cause == null) {
            log.warn("Routing to failure: {} [{}] {}", text, where, routed);
        } else {
            log.error("Routing to failure after an unexpected error: {} {}", text, routed, cause);
        }
        session.getProvenanceReporter().route(routed, failure, text);
        session.transfer(routed, failure);
    }
}
