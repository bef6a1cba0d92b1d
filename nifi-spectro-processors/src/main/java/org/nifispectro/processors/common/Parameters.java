package org.nifispectro.processors.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.expression.ExpressionLanguageScope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.ProcessContext;

/** The effective parameters of one run (Expression Language evaluated), for history and provenance. */
public final class Parameters {

    private Parameters() {
    }

    public static Map<String, String> effective(ProcessContext context, FlowFile flowFile, List<PropertyDescriptor> descriptors) {
        Map<String, String> values = new LinkedHashMap<>();
        for (PropertyDescriptor d : descriptors) {
            if (d.isSensitive()) {
                continue;
            }
            String value;
            if (d.isExpressionLanguageSupported() && d.getExpressionLanguageScope() == ExpressionLanguageScope.FLOWFILE_ATTRIBUTES) {
                value = context.getProperty(d).evaluateAttributeExpressions(flowFile).getValue();
            } else if (d.isExpressionLanguageSupported()) {
                value = context.getProperty(d).evaluateAttributeExpressions().getValue();
            } else {
                value = context.getProperty(d).getValue();
            }
            if (value != null) {
                values.put(d.getName(), value);
            }
        }
        return values;
    }

    /** The end of every Memory Budget description: how the budget is shared and capped. */
    public static final String MEMORY_BUDGET_SCOPE = " The budget is the processor's, shared by its concurrent tasks: each"
            + " task plans one FlowFile with Memory Budget / Concurrent Tasks (the 'budget Y' of a refusal is that"
            + " share). At most half the JVM's maximum heap is used, whatever is set here.";

    /**
     * What one task may plan one FlowFile with: the Memory Budget property in bytes, capped at half the JVM's
     * maximum heap (the 1 GB default must not let one FlowFile take a whole 1 GB NiFi heap, NiFi's default,
     * where the refusal "needs X, budget Y" would come too late), divided by the processor's Concurrent Tasks
     * so that N tasks working at once stay within the budget together.
     */
    public static long memoryBudget(ProcessContext context, PropertyDescriptor budget) {
        long configured = context.getProperty(budget).asDataSize(org.apache.nifi.processor.DataUnit.B).longValue();
        long capped = Math.min(configured, Math.max(1, Runtime.getRuntime().maxMemory() / 2));
        return Math.max(1, capped / Math.max(1, context.getMaxConcurrentTasks()));
    }

    /** Provenance details: the parameters and the duration, short enough for the provenance UI. */
    public static String provenanceDetails(Map<String, String> parameters, long millis) {
        String p = parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
        String details = p + "; duration=" + millis + " ms";
        return details.length() > 4000 ? details.substring(0, 4000) + "..." : details;
    }
}
