package org.nifispectro.processors.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.nifispectro.io.stack.ProcessStep;

/**
 * The processing history written inside every output, so "what happened to this dataset, with which
 * parameters" can be answered after NiFi's provenance has been aged off: each step says what
 * (processor and nifi-spectro version), which parameters, when, and from which input (file name and
 * FlowFile UUID). HDF5 outputs hold it as NeXus NXprocess groups ({@link org.nifispectro.io.stack.StackWriter});
 * text outputs as header lines ({@link #toCommentLines}); JSON outputs as a field ({@link #toJson}).
 * The history an input already carries is continued, never replaced.
 */
public final class ProcessingHistory {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ProcessingHistory() {
    }

    /** A step of this nifi-spectro version, dated now. */
    public static ProcessStep step(String processor, Map<String, String> parameters, String inputFile, String inputUuid) {
        return ProcessStep.now("nifi-spectro " + processor, BuildInfo.version(), parametersJson(parameters), inputFile,
                inputUuid);
    }

    public static String parametersJson(Map<String, String> parameters) {
        try {
            return JSON.writeValueAsString(parameters);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The steps as a JSON array (for JSON outputs). */
    public static String toJson(List<ProcessStep> steps) {
        try {
            return JSON.writeValueAsString(steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a JSON array written by {@link #toJson}; blank text gives an empty history. */
    public static List<ProcessStep> fromJson(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<List<ProcessStep>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException("the processing history is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The steps as header lines of a text output, each starting with {@code prefix} (e.g. "# "). */
    public static List<String> toCommentLines(List<ProcessStep> steps, String prefix) {
        List<String> lines = new ArrayList<>();
        int i = 1;
        for (ProcessStep s : steps) {
            lines.add(prefix + "history." + i + ": " + s.program() + " " + s.version() + " at " + s.date()
                    + " from " + s.inputFile() + (s.inputUuid().isEmpty() ? "" : " (FlowFile " + s.inputUuid() + ")"));
            lines.add(prefix + "history." + i + ".parameters: " + s.parametersJson());
            i++;
        }
        return lines;
    }
}
