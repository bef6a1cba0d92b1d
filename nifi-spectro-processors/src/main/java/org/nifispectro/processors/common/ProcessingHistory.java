package org.nifispectro.processors.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The processing history written inside every output file (HDF5 attribute, header lines of text
 * outputs, a field of JSON outputs), so "what happened to this dataset, with which parameters"
 * can be answered after NiFi's provenance has been aged off. Each step says who (processor type and
 * id, host), what version, which parameters, when, how long, and from which input.
 * The history of an input that already carries one is continued, not replaced.
 */
public final class ProcessingHistory {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** One processing step. */
    public record Step(String processor, String processorId, String host, String version, String time,
                       long durationMillis, String input, String inputUuid, Map<String, String> parameters) {
    }

    private final List<Step> steps;

    private ProcessingHistory(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    public static ProcessingHistory empty() {
        return new ProcessingHistory(List.of());
    }

    /** Reads a history written by {@link #toJson()}; an empty or absent text gives an empty history. */
    public static ProcessingHistory fromJson(String json) {
        if (json == null || json.isBlank()) {
            return empty();
        }
        try {
            Map<String, List<Map<String, Object>>> root = JSON.readValue(json, new TypeReference<>() { });
            List<Step> steps = new ArrayList<>();
            for (Map<String, Object> s : root.getOrDefault("steps", List.of())) {
                steps.add(JSON.convertValue(s, Step.class));
            }
            return new ProcessingHistory(steps);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the processing history in the input is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** A copy with one more step. */
    public ProcessingHistory append(String processor, String processorId, Instant time, long durationMillis,
                                    String input, String inputUuid, Map<String, String> parameters) {
        List<Step> next = new ArrayList<>(steps);
        next.add(new Step(processor, processorId, host(), BuildInfo.version(), time.toString(), durationMillis, input, inputUuid,
                new LinkedHashMap<>(parameters)));
        return new ProcessingHistory(next);
    }

    public List<Step> steps() {
        return steps;
    }

    public String toJson() {
        try {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("format", "nifi-spectro processing history 1");
            root.put("steps", steps);
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The history as comment lines (each prefixed with {@code prefix}, e.g. "# "), for text outputs. */
    public List<String> toCommentLines(String prefix) {
        List<String> lines = new ArrayList<>();
        int i = 1;
        for (Step s : steps) {
            lines.add(prefix + "history." + i + ": " + s.processor() + " " + s.version() + " at " + s.time()
                    + " on " + s.host() + " from " + s.input() + " (" + s.durationMillis() + " ms)");
            StringBuilder p = new StringBuilder();
            s.parameters().forEach((k, v) -> p.append(p.isEmpty() ? "" : "; ").append(k).append('=').append(v));
            lines.add(prefix + "history." + i + ".parameters: " + p);
            i++;
        }
        return lines;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
