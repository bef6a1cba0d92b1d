package org.nifispectro.processors.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.plot.Png;

/**
 * The processing history written inside every output, so "what happened to this dataset, with which
 * parameters" can be answered after NiFi's provenance has been aged off: each step says what
 * (processor and nifi-spectro version), which parameters, when, and from which input (file name and
 * FlowFile UUID). HDF5 outputs hold it as NeXus NXprocess groups ({@link org.nifispectro.io.stack.StackWriter});
 * text outputs as header lines ({@link #toCommentLines}, {@link #toHeaderFields} for {@code key = value}
 * headers such as .gr); JSON outputs as a {@code "history"} array ({@link #toJsonNode}); PNG images as an
 * iTXt chunk with keyword {@value #PNG_KEYWORD} holding the same JSON array ({@link #pngText}).
 * {@link #fromText}, {@link #fromJson} and {@link #fromPng} read each form back.
 * The history an input already carries is continued, never replaced.
 */
public final class ProcessingHistory {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** Keyword of the PNG iTXt chunk that holds the history as a JSON array. */
    public static final String PNG_KEYWORD = "nifi-spectro:history";

    /** A text header line: optional comment marks, history.N or History.N, then .parameters or _parameters. */
    private static final Pattern TEXT_LINE = Pattern.compile(
            "^[#;!\\s]*history\\.(\\d+)([._]parameters)?\\s*[:=]\\s?(.*)$", Pattern.CASE_INSENSITIVE);
    /** The summary written by {@link #summary}: program version at date from input (FlowFile uuid). */
    private static final Pattern SUMMARY = Pattern.compile("^(.+) (\\S*) at (\\S*) from (.*?)(?: \\(FlowFile (\\S*)\\))?$");

    private ProcessingHistory() {
    }

    /**
     * One line of text for a step: "program version at date from input (FlowFile uuid)"; a step read from a
     * foreign header (no version, date or input) gives its program text alone, as it was.
     */
    public static String summary(ProcessStep s) {
        if (s.version().isEmpty() && s.date().isEmpty() && s.inputFile().isEmpty() && s.inputUuid().isEmpty()) {
            return s.program();
        }
        return s.program() + " " + s.version() + " at " + s.date() + " from " + s.inputFile()
                + (s.inputUuid().isEmpty() ? "" : " (FlowFile " + s.inputUuid() + ")");
    }

    /**
     * The steps as ordered {@code key -> value} header entries ({@code history.N} the summary,
     * {@code history.N.parameters} the parameters JSON), for {@code key = value} headers such as .gr.
     */
    public static Map<String, String> toHeaderFields(List<ProcessStep> steps) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 1;
        for (ProcessStep s : steps) {
            out.put("history." + i, summary(s));
            out.put("history." + i + ".parameters", s.parametersJson());
            i++;
        }
        return out;
    }

    /** The steps as a JSON array node (for JSON outputs: a {@code "history"} field). */
    public static JsonNode toJsonNode(List<ProcessStep> steps) {
        return JSON.valueToTree(steps);
    }

    /** PNG text chunks carrying the history ({@link #PNG_KEYWORD} -> JSON array), for {@code Figure.toPng(Map)}. */
    public static Map<String, String> pngText(List<ProcessStep> steps) {
        return Map.of(PNG_KEYWORD, toJson(steps));
    }

    /** The history of a PNG written with {@link #pngText}; a PNG without one gives an empty list. */
    public static List<ProcessStep> fromPng(byte[] png) throws IOException {
        return fromJson(Png.readText(png).get(PNG_KEYWORD));
    }

    /** The history of a JSON array node (or a text node holding one, as older outputs wrote); null gives empty. */
    public static List<ProcessStep> fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return List.of();
        }
        if (node.isTextual()) {
            return fromJson(node.asText());
        }
        try {
            return JSON.readerFor(new TypeReference<List<ProcessStep>>() { }).readValue(node);
        } catch (IOException e) {
            throw new IllegalArgumentException("the processing history is not a list of steps: " + e.getMessage(), e);
        }
    }

    /**
     * The history of a text output's header: lines written by {@link #toCommentLines} ("# history.N: ..."),
     * by {@link #toHeaderFields} in a .gr header ("history.N = ...") or XDI fields ("# History.N: ...",
     * "# History.N_parameters: ..."). Steps in header order of N; a summary that is not in the
     * {@link #summary} form is kept whole as the program name.
     */
    public static List<ProcessStep> fromText(List<String> lines) {
        Map<Integer, String[]> byIndex = new TreeMap<>();
        for (String line : lines) {
            Matcher m = TEXT_LINE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            String[] e = byIndex.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new String[2]);
            e[m.group(2) == null ? 0 : 1] = m.group(3).strip();
        }
        List<ProcessStep> out = new ArrayList<>();
        for (Map.Entry<Integer, String[]> e : byIndex.entrySet()) {
            String text = e.getValue()[0];
            if (text == null || text.isEmpty()) {
                continue;
            }
            Matcher m = SUMMARY.matcher(text);
            out.add(m.matches()
                    ? new ProcessStep(e.getKey(), m.group(1), m.group(2), m.group(3), e.getValue()[1], m.group(4), m.group(5))
                    : new ProcessStep(e.getKey(), text, "", "", e.getValue()[1], "", ""));
        }
        return out;
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
            lines.add(prefix + "history." + i + ": " + summary(s));
            lines.add(prefix + "history." + i + ".parameters: " + s.parametersJson());
            i++;
        }
        return lines;
    }
}
