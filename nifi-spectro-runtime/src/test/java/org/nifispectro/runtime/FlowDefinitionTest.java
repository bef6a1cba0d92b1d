package org.nifispectro.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Static check of every flow under flows/: each processor type exists in the bundle it names (the
 * project's NAR, or NiFi's standard NARs, whose processors the runnable NiFi packages from the same
 * 2.3.0 jars); every property name is a real property of that processor (NiFi would silently turn an
 * unknown name into a dynamic property); required properties are set; fixed values are allowed
 * values; every relationship is connected or auto-terminated; every #{parameter} resolves.
 */
class FlowDefinitionTest {

    private static final Pattern PARAMETER = Pattern.compile("#\\{([^}]+)}");
    private static final Map<String, ExtensionManifest> BUNDLES = new HashMap<>();

    @BeforeAll
    static void readManifests() throws IOException {
        ExtensionManifest spectro = ExtensionManifest.read(Paths.get(System.getProperty("spectro.nar")));
        ExtensionManifest standard = ExtensionManifest.read(Paths.get(System.getProperty("spectro.standard.nar")));
        BUNDLES.put("org.nifispectro:nifi-spectro-nar", spectro);
        BUNDLES.put("org.apache.nifi:nifi-standard-nar", standard);
        BUNDLES.put("org.apache.nifi:nifi-update-attribute-nar", standard);
    }

    static Stream<Path> flows() throws IOException {
        List<Path> flows = FlowDeployer.flowFiles(NiFiInstance.repo().resolve("flows"));
        assertFalse(flows.isEmpty(), "no flow definitions under flows/");
        return flows.stream();
    }

    @ParameterizedTest
    @MethodSource("flows")
    void flowIsConsistentWithTheProcessorsItUses(Path flowFile) throws IOException {
        JsonNode root = NiFiRest.json().readTree(flowFile.toFile());
        JsonNode group = root.path("flowContents");
        List<String> problems = new ArrayList<>();

        Set<String> parameters = new HashSet<>();
        String contextName = group.path("parameterContextName").asText(null);
        if (contextName != null) {
            root.path("parameterContexts").path(contextName).path("parameters")
                    .forEach(p -> parameters.add(p.path("name").asText()));
            if (parameters.isEmpty()) {
                problems.add("parameter context '" + contextName + "' is not defined in the file");
            }
        }

        Map<String, Set<String>> connected = new HashMap<>();
        for (JsonNode c : group.path("connections")) {
            Set<String> rels = connected.computeIfAbsent(c.path("source").path("id").asText(), k -> new HashSet<>());
            c.path("selectedRelationships").forEach(r -> rels.add(r.asText()));
        }

        for (JsonNode p : group.path("processors")) {
            String name = p.path("name").asText();
            String type = p.path("type").asText();
            JsonNode bundle = p.path("bundle");
            String coordinates = bundle.path("group").asText() + ":" + bundle.path("artifact").asText();
            ExtensionManifest manifest = BUNDLES.get(coordinates);
            if (manifest == null) {
                problems.add(name + ": unknown bundle " + coordinates);
                continue;
            }
            ExtensionManifest.Processor spec = manifest.processor(type);
            if (spec == null) {
                problems.add(name + ": " + type + " is not a processor of " + coordinates);
                continue;
            }
            Map<String, String> props = new HashMap<>();
            p.path("properties").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            for (Map.Entry<String, String> e : props.entrySet()) {
                ExtensionManifest.Property prop = spec.properties().get(e.getKey());
                if (prop == null && !spec.dynamicProperties()) {
                    problems.add(name + ": '" + e.getKey() + "' is not a property of " + type);
                }
                String value = e.getValue();
                if (prop != null && value != null && !prop.allowableValues().isEmpty() && !value.contains("#{")
                        && !value.contains("${") && !prop.allowableValues().contains(value)) {
                    problems.add(name + ": '" + value + "' is not an allowed value of '" + e.getKey() + "' " + prop.allowableValues());
                }
                if (value != null) {
                    Matcher m = PARAMETER.matcher(value);
                    while (m.find()) {
                        if (!parameters.contains(m.group(1))) {
                            problems.add(name + ": parameter #{" + m.group(1) + "} is not in context " + contextName);
                        }
                    }
                }
            }
            for (ExtensionManifest.Property prop : spec.properties().values()) {
                if (prop.required() && prop.defaultValue() == null && props.get(prop.name()) == null
                        && applies(prop, props, spec)) {
                    problems.add(name + ": required property '" + prop.name() + "' is not set");
                }
            }
            Set<String> handled = new HashSet<>(connected.getOrDefault(p.path("identifier").asText(), Set.of()));
            p.path("autoTerminatedRelationships").forEach(r -> handled.add(r.asText()));
            for (String rel : spec.relationships()) {
                if (!handled.contains(rel)) {
                    problems.add(name + ": relationship '" + rel + "' is neither connected nor auto-terminated");
                }
            }
            for (String rel : handled) {
                if (!spec.relationships().contains(rel) && !spec.dynamicRelationships()) {
                    problems.add(name + ": '" + rel + "' is not a relationship of " + type);
                }
            }
        }
        assertEquals(List.of(), problems, flowFile.getFileName() + " has problems");
    }

    private static final Pattern DATA_SIZE = Pattern.compile("\\d+(\\.\\d+)? (B|KB|MB|GB|TB)");

    /**
     * Every connection says how much it may hold (object count and data size, chosen per queue: stacks are
     * GBs, PDFs KBs) and connects components that exist in the flow.
     */
    @ParameterizedTest
    @MethodSource("flows")
    void everyConnectionHasExplicitBackPressure(Path flowFile) throws IOException {
        JsonNode group = NiFiRest.json().readTree(flowFile.toFile()).path("flowContents");
        Set<String> components = new HashSet<>();
        group.path("processors").forEach(p -> components.add(p.path("identifier").asText()));
        group.path("funnels").forEach(f -> components.add(f.path("identifier").asText()));
        List<String> problems = new ArrayList<>();
        for (JsonNode c : group.path("connections")) {
            String name = c.path("source").path("name").asText() + " -" + c.path("selectedRelationships") + "-> "
                    + c.path("destination").path("name").asText();
            if (!c.path("backPressureObjectThreshold").canConvertToLong() || c.path("backPressureObjectThreshold").asLong() <= 0) {
                problems.add(name + ": no object-count back-pressure threshold");
            }
            if (!DATA_SIZE.matcher(c.path("backPressureDataSizeThreshold").asText()).matches()) {
                problems.add(name + ": data-size back-pressure threshold '" + c.path("backPressureDataSizeThreshold").asText()
                        + "' is not like '2 GB'");
            }
            for (String end : List.of("source", "destination")) {
                if (!components.contains(c.path(end).path("id").asText())) {
                    problems.add(name + ": " + end + " is not a processor or funnel of the flow");
                }
            }
        }
        assertEquals(List.of(), problems, flowFile.getFileName() + " has problems");
    }

    /**
     * The canvas is readable: no two components (processors 352 x 128 px as NiFi draws them, funnels,
     * labels) overlap or stand closer than 120 px, which leaves room for the connection labels (about 60 px tall)
     * between them (the first flows, 200 px rows, had 72 px).
     */
    @ParameterizedTest
    @MethodSource("flows")
    void componentsDoNotOverlapOnTheCanvas(Path flowFile) throws IOException {
        JsonNode group = NiFiRest.json().readTree(flowFile.toFile()).path("flowContents");
        List<Object[]> boxes = new ArrayList<>();
        group.path("processors").forEach(p -> boxes.add(box(p.path("name").asText(), p.path("position"), 352, 128)));
        group.path("funnels").forEach(f -> boxes.add(box("funnel", f.path("position"), 48, 48)));
        group.path("labels").forEach(l -> boxes.add(box("label '" + l.path("label").asText().lines().findFirst().orElse("")
                + "'", l.path("position"), l.path("width").asDouble(), l.path("height").asDouble())));
        double gap = 120;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                double[] a = (double[]) boxes.get(i)[1];
                double[] b = (double[]) boxes.get(j)[1];
                boolean apart = a[0] + a[2] + gap <= b[0] || b[0] + b[2] + gap <= a[0]
                        || a[1] + a[3] + gap <= b[1] || b[1] + b[3] + gap <= a[1];
                if (!apart) {
                    problems.add(boxes.get(i)[0] + " and " + boxes.get(j)[0] + " overlap or are closer than " + gap + " px");
                }
            }
        }
        assertEquals(List.of(), problems, flowFile.getFileName() + " layout");
    }

    private static Object[] box(String name, JsonNode position, double width, double height) {
        return new Object[] {name, new double[] {position.path("x").asDouble(), position.path("y").asDouble(), width, height}};
    }

    /** Whether a property applies, given the values (or defaults) of the properties it depends on. */
    private static boolean applies(ExtensionManifest.Property prop, Map<String, String> props, ExtensionManifest.Processor spec) {
        for (Map.Entry<String, Set<String>> d : prop.dependsOn().entrySet()) {
            ExtensionManifest.Property on = spec.properties().get(d.getKey());
            String value = props.containsKey(d.getKey()) ? props.get(d.getKey()) : on == null ? null : on.defaultValue();
            if (value == null || (!d.getValue().isEmpty() && !d.getValue().contains(value))) {
                return false;
            }
        }
        return true;
    }
}
