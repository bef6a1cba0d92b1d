package org.nifispectro.io.stack;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Link;
import io.jhdf.api.Node;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One step of the processing history stored in result files, in the spirit of the NeXus
 * NXprocess base class ({@code program}, {@code version}, {@code date}, {@code sequence_index})
 * plus the parameters (a JSON object as text) and the input file name and FlowFile UUID.
 *
 * @param sequenceIndex  1-based position in the history
 * @param program        processor or program name
 * @param version        its version
 * @param date           ISO-8601 UTC time, e.g. 2026-11-21T11:30:00Z
 * @param parametersJson parameters as a JSON object text
 * @param inputFile      input file name ("" if unknown)
 * @param inputUuid      input FlowFile UUID ("" if unknown)
 */
public record ProcessStep(int sequenceIndex, String program, String version, String date, String parametersJson,
                          String inputFile, String inputUuid) {

    public ProcessStep {
        if (program == null || program.isBlank()) {
            throw new IllegalArgumentException("process step needs a program name");
        }
        version = version == null ? "" : version;
        date = date == null ? "" : date;
        parametersJson = parametersJson == null || parametersJson.isBlank() ? "{}" : parametersJson;
        inputFile = inputFile == null ? "" : inputFile;
        inputUuid = inputUuid == null ? "" : inputUuid;
    }

    /** A step dated now (UTC, second precision); the sequence index is set when written. */
    public static ProcessStep now(String program, String version, String parametersJson, String inputFile,
                                  String inputUuid) {
        return new ProcessStep(0, program, version, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                parametersJson, inputFile, inputUuid);
    }

    ProcessStep withIndex(int i) {
        return new ProcessStep(i, program, version, date, parametersJson, inputFile, inputUuid);
    }

    /**
     * Reads the history written by {@link StackWriter}: every NXprocess group in
     * {@code /<entry>/process} of every NXentry, ordered by {@code sequence_index}. Files without
     * history give an empty list; unreadable steps are skipped.
     */
    public static List<ProcessStep> readAll(HdfFile hdf) {
        List<ProcessStep> out = new ArrayList<>();
        for (Node entry : hdf.getChildren().values()) {
            if (!(entry instanceof Group eg) || entry instanceof Link
                    || !"NXentry".equals(StackReader.attrString(entry, "NX_class"))) {
                continue;
            }
            Node proc = eg.getChildren().get("process");
            if (!(proc instanceof Group pg) || proc instanceof Link) {
                continue;
            }
            for (Node step : pg.getChildren().values()) {
                if (!(step instanceof Group sg) || step instanceof Link
                        || !"NXprocess".equals(StackReader.attrString(step, "NX_class"))) {
                    continue;
                }
                try {
                    Map<String, Node> c = sg.getChildren();
                    int idx = Integer.parseInt(text(c.get("sequence_index")));
                    out.add(new ProcessStep(idx, text(c.get("program")), text(c.get("version")), text(c.get("date")),
                            text(c.get("parameters")), text(c.get("input_file")), text(c.get("input_uuid"))));
                } catch (RuntimeException e) {
                    // a damaged step is left out rather than failing the whole file
                }
            }
        }
        out.sort(Comparator.comparingInt(ProcessStep::sequenceIndex));
        return out;
    }

    private static String text(Node n) {
        if (!(n instanceof Dataset d)) {
            return "";
        }
        Object v = d.getData();
        if (v instanceof String[] a) {
            return a.length == 0 ? "" : a[0];
        }
        if (v != null && v.getClass().isArray() && java.lang.reflect.Array.getLength(v) > 0) {
            return String.valueOf(java.lang.reflect.Array.get(v, 0));
        }
        return String.valueOf(v);
    }
}
