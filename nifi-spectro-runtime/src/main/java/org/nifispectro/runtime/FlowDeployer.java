package org.nifispectro.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Imports flow definitions (the JSON NiFi's "download flow definition" writes, as kept under flows/)
 * into a running NiFi, with parameter values of this installation put into their parameter
 * contexts, then optionally starts them.
 *
 * <pre>
 * java -cp 'tools/*' org.nifispectro.runtime.FlowDeployer --url http://127.0.0.1:8080/nifi-api \
 *      --flow flows/nifi-spectro/structure-catalog.json [--flow ...] [--param name=value ...] [--position x,y] [--start]
 * </pre>
 */
public final class FlowDeployer {

    private FlowDeployer() {
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:8080/nifi-api";
        List<Path> flows = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        boolean start = false;
        double[] position = {0, 0};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--flow" -> flows.add(Paths.get(args[++i]));
                case "--param" -> {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--param takes name=value, got " + kv);
                    }
                    params.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "--start" -> start = true;
                case "--position" -> {
                    String[] xy = args[++i].split(",");
                    position = new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])};
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        NiFiRest rest = new NiFiRest(url);
        for (Path flow : flows) {
            String group = deploy(rest, flow, params, start, position[0], position[1]);
            position[0] += 450;
            System.out.println("imported " + flow + " as process group " + group + (start ? " (running)" : ""));
        }
    }

    /** Imports one flow definition with the given parameter values and returns the new group's id. */
    public static String deploy(NiFiRest rest, Path flowFile, Map<String, String> params, boolean start)
            throws IOException, InterruptedException {
        return deploy(rest, flowFile, params, start, 0, 0);
    }

    /** As {@link #deploy(NiFiRest, Path, Map, boolean)}, placing the new group at (x, y) on the root canvas. */
    public static String deploy(NiFiRest rest, Path flowFile, Map<String, String> params, boolean start, double x, double y)
            throws IOException, InterruptedException {
        JsonNode definition = NiFiRest.json().readTree(flowFile.toFile());
        setParameters(definition, params);
        String name = definition.path("flowContents").path("name").asText(flowFile.getFileName().toString());
        String group = rest.importFlow(name, definition, x, y);
        List<String> invalid = invalidProcessors(rest, group);
        if (!invalid.isEmpty()) {
            throw new IllegalStateException("flow " + flowFile + " has invalid processors after import: " + invalid);
        }
        if (start) {
            rest.enableServicesAndStart(group);
        }
        return group;
    }

    /** Waits (up to a minute) for validation to finish, then lists the processors that are not valid, with why. */
    private static List<String> invalidProcessors(NiFiRest rest, String group) throws IOException, InterruptedException {
        List<String> invalid = new ArrayList<>();
        for (int attempt = 0; attempt < 120; attempt++) {
            invalid.clear();
            boolean validating = false;
            for (JsonNode p : rest.processors(group)) {
                JsonNode c = p.path("component");
                String status = c.path("validationStatus").asText();
                if ("VALIDATING".equals(status)) {
                    validating = true;
                } else if (!"VALID".equals(status)) {
                    invalid.add(c.path("name").asText() + " (" + status + "): " + c.path("validationErrors"));
                }
            }
            if (!validating) {
                return invalid;
            }
            Thread.sleep(500);
        }
        invalid.add("validation did not finish within a minute");
        return invalid;
    }

    /** Puts values into every parameter of that name in the definition's parameter contexts. */
    public static void setParameters(JsonNode definition, Map<String, String> params) {
        JsonNode contexts = definition.path("parameterContexts");
        contexts.forEach(context -> context.path("parameters").forEach(p -> {
            String name = p.path("name").asText();
            if (params.containsKey(name)) {
                ((ObjectNode) p).put("value", params.get(name));
            }
        }));
    }

    /** Every flow definition under a flows/ folder (bucket folders holding one JSON per flow). */
    public static List<Path> flowFiles(Path flowsDir) throws IOException {
        try (Stream<Path> s = Files.walk(flowsDir, 2)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }
}
