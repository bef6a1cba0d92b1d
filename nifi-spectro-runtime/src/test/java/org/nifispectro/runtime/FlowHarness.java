package org.nifispectro.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import io.jhdf.HdfFile;

import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.processors.common.ProcessingHistory;

/** Imports one of the project's flows into the shared NiFi with its own data folders, and helps watch them. */
final class FlowHarness {

    final NiFiInstance nifi;
    final String key;
    /** Name of this deployment: its data folder, and its parameter context's suffix when it is not the flow key. */
    final String instance;
    final Path incoming;
    final Path storage;
    final Path quarantine;
    final Path archive;
    String groupId;

    FlowHarness(NiFiInstance nifi, String key) throws IOException {
        this(nifi, key, key);
    }

    /**
     * A second deployment of the same flow (other folders, other parameter values) in the same NiFi: its data
     * lives under data/INSTANCE and its parameter context is renamed "<context> (INSTANCE)", since NiFi reuses a
     * parameter context of the same name on import.
     */
    FlowHarness(NiFiInstance nifi, String key, String instance) throws IOException {
        this.nifi = nifi;
        this.key = key;
        this.instance = instance;
        Path data = nifi.instance().resolve("data").resolve(instance);
        incoming = Files.createDirectories(data.resolve("incoming"));
        storage = Files.createDirectories(data.resolve("storage"));
        quarantine = Files.createDirectories(data.resolve("quarantine"));
        archive = Files.createDirectories(data.resolve("archive"));
    }

    /** Imports flows/nifi-spectro/KEY.json with this harness's folders (plus extra parameters) and starts it. */
    FlowHarness deploy(Map<String, String> extra) throws IOException, InterruptedException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("incoming.dir", incoming.toString());
        params.put("storage.dir", storage.toString());
        params.put("quarantine.dir", quarantine.toString());
        params.put("archive.dir", archive.toString());
        params.put("minimum.file.age", "1 sec");
        params.putAll(extra);
        Path flow = NiFiInstance.repo().resolve("flows/nifi-spectro").resolve(key + ".json");
        if (!instance.equals(key)) {
            com.fasterxml.jackson.databind.node.ObjectNode definition =
                    (com.fasterxml.jackson.databind.node.ObjectNode) NiFiRest.json().readTree(flow.toFile());
            com.fasterxml.jackson.databind.node.ObjectNode group =
                    (com.fasterxml.jackson.databind.node.ObjectNode) definition.path("flowContents");
            String context = group.path("parameterContextName").asText();
            String renamed = context + " (" + instance + ")";
            com.fasterxml.jackson.databind.node.ObjectNode contexts =
                    (com.fasterxml.jackson.databind.node.ObjectNode) definition.path("parameterContexts");
            com.fasterxml.jackson.databind.node.ObjectNode ctx = (com.fasterxml.jackson.databind.node.ObjectNode) contexts.remove(context);
            ctx.put("name", renamed);
            contexts.set(renamed, ctx);
            group.put("parameterContextName", renamed);
            group.put("name", group.path("name").asText() + " (" + instance + ")");
            flow = Files.createTempFile(instance, ".json");
            NiFiRest.json().writeValue(flow.toFile(), definition);
        }
        groupId = FlowDeployer.deploy(nifi.rest(), flow, params, true);
        return this;
    }

    /** Copies a file into incoming through a hidden temp name and a rename, as a careful detector writer does. */
    void feed(Path source, String name) throws IOException {
        Path tmp = incoming.resolve("." + name + ".part");
        Files.copy(source, tmp);
        Files.move(tmp, incoming.resolve(name));
    }

    /** Matching regular files under dir, sorted; safe while PutFile renames its dot-temp files meanwhile. */
    static List<Path> files(Path dir, Predicate<Path> filter) throws IOException {
        return DeployedFlow.files(dir, filter);
    }

    /** Waits until the folder holds at least {@code count} matching files; returns them. */
    static List<Path> await(Path dir, Predicate<Path> filter, int count, Duration timeout)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<Path> found = files(dir, filter);
        while (found.size() < count && System.nanoTime() < end) {
            Thread.sleep(500);
            found = files(dir, filter);
        }
        return found;
    }

    /**
     * Every provenance event of the dataset that was first seen with this file name and of everything derived
     * from it (children of FORK, CLONE and other events, followed recursively), oldest first: the path a
     * dataset took through the flow, each event with its component name, type and details.
     */
    List<JsonNode> datasetEvents(String filename) throws IOException, InterruptedException {
        List<JsonNode> first = nifi.rest().provenanceByFilename(filename);
        if (first.isEmpty()) {
            return List.of();
        }
        java.util.Deque<String> pending = new java.util.ArrayDeque<>(List.of(first.get(0).path("flowFileUuid").asText()));
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.Map<Long, JsonNode> events = new java.util.TreeMap<>();
        while (!pending.isEmpty()) {
            String uuid = pending.pop();
            if (!seen.add(uuid)) {
                continue;
            }
            for (JsonNode e : nifi.rest().provenance("FlowFileUUID", uuid)) {
                events.put(e.path("eventId").asLong(), e);
                e.path("childUuids").forEach(c -> pending.add(c.asText()));
            }
        }
        return new ArrayList<>(events.values());
    }

    /**
     * The events from the dataset's first event (the detector file listed and fetched) to {@code last}, oldest
     * first: {@code last}'s FlowFile's own events up to it, then, going up, the event that created that
     * FlowFile (FORK or CLONE of its parent, JOIN of a merge) and the parent's events before it, and so on to
     * the root. {@code events} is what {@link #datasetEvents} returned.
     */
    static List<JsonNode> lineageTo(JsonNode last, List<JsonNode> events) {
        Map<String, List<JsonNode>> byUuid = new HashMap<>();
        Map<String, JsonNode> creator = new HashMap<>();
        for (JsonNode e : events) {
            String uuid = e.path("flowFileUuid").asText();
            byUuid.computeIfAbsent(uuid, k -> new ArrayList<>()).add(e);
            for (JsonNode c : e.path("childUuids")) {
                if (!c.asText().equals(uuid) || "JOIN".equals(e.path("eventType").asText())) {
                    creator.putIfAbsent(c.asText(), e);
                }
            }
        }
        Deque<JsonNode> path = new ArrayDeque<>();
        Set<Long> added = new HashSet<>();
        String uuid = last.path("flowFileUuid").asText();
        long upTo = last.path("eventId").asLong();
        for (int depth = 0; uuid != null && depth < 100; depth++) {
            List<JsonNode> own = byUuid.getOrDefault(uuid, List.of());
            for (int i = own.size() - 1; i >= 0; i--) {
                JsonNode e = own.get(i);
                if (e.path("eventId").asLong() <= upTo && added.add(e.path("eventId").asLong())) {
                    path.addFirst(e);
                }
            }
            JsonNode made = creator.get(uuid);
            if (made == null) {
                break;
            }
            if (added.add(made.path("eventId").asLong())) {
                path.addFirst(made);
            }
            upTo = made.path("eventId").asLong();
            String parent = made.path("flowFileUuid").asText();
            if (parent.equals(uuid)) { // a JOIN is recorded on the merged FlowFile: go up to the dataset's own parent
                parent = null;
                for (JsonNode p : made.path("parentUuids")) {
                    if (byUuid.containsKey(p.asText())) {
                        parent = p.asText();
                    }
                }
            }
            uuid = parent;
        }
        List<JsonNode> ordered = new ArrayList<>(path);
        ordered.sort(java.util.Comparator.comparingLong(e -> e.path("eventId").asLong()));
        return ordered;
    }

    private final Map<Long, String> filenames = new HashMap<>();

    /**
     * The filename attribute of the FlowFile an event is about: from the event's attributes when the search
     * results carry them, else from the full event (GET /provenance-events/{id}); for a SEND without either,
     * the last segment of its transit URI (PutFile: file:/storage/.../name).
     */
    String filenameOf(JsonNode event) throws IOException, InterruptedException {
        long id = event.path("eventId").asLong();
        String known = filenames.get(id);
        if (known != null) {
            return known;
        }
        String name = attribute(event, "filename");
        if (name == null) {
            name = attribute(nifi.rest().get("/provenance-events/" + id).path("provenanceEvent"), "filename");
        }
        if (name == null) {
            String uri = event.path("transitUri").asText("");
            name = uri.substring(uri.lastIndexOf('/') + 1);
        }
        filenames.put(id, name);
        return name;
    }

    private static String attribute(JsonNode event, String key) {
        if (event.hasNonNull("filename") && "filename".equals(key)) {
            return event.path("filename").asText();
        }
        for (JsonNode a : event.path("attributes")) {
            if (key.equals(a.path("name").asText()) && a.hasNonNull("value")) {
                return a.path("value").asText();
            }
        }
        return null;
    }

    /** "component:EVENT_TYPE" of each event. */
    static List<String> steps(List<JsonNode> events) {
        return events.stream().map(e -> e.path("componentName").asText() + ":" + e.path("eventType").asText()).toList();
    }

    /** Whether {@code expected} occurs in {@code actual} in order (other steps may come between). */
    static boolean inOrder(List<String> actual, List<String> expected) {
        int at = 0;
        for (String step : actual) {
            if (at < expected.size() && step.equals(expected.get(at))) {
                at++;
            }
        }
        return at == expected.size();
    }

    /**
     * Walks the provenance of the dataset that arrived as {@code detectorFile} to EVERY stored file: each must be
     * reached by a SEND event of that file name (the FlowFile's filename attribute) descending from the detector
     * file, whose lineage starts at the detector file's listing and passes {@code expected.apply(name)}
     * (component:EVENT_TYPE steps) in order. Provenance is indexed with a delay: retries until {@code timeout},
     * then fails naming every file whose lineage is missing or wrong. Returns each stored name's lineage steps.
     */
    Map<String, List<String>> assertLineageToEachStoredFile(String detectorFile, Collection<Path> stored,
                                                            Function<String, List<String>> expected, Duration timeout)
            throws IOException, InterruptedException {
        if (stored.isEmpty()) {
            throw new AssertionError("no stored files of " + detectorFile + " to walk the lineage to");
        }
        long end = System.nanoTime() + timeout.toNanos();
        List<String> problems;
        Map<String, List<String>> lineages;
        do {
            problems = new ArrayList<>();
            lineages = new TreeMap<>();
            List<JsonNode> events = datasetEvents(detectorFile);
            for (Path file : stored) {
                String name = file.getFileName().toString();
                List<JsonNode> sends = new ArrayList<>();
                for (JsonNode e : events) {
                    if ("SEND".equals(e.path("eventType").asText()) && name.equals(filenameOf(e))) {
                        sends.add(e);
                    }
                }
                if (sends.isEmpty()) {
                    problems.add(name + ": no SEND event of this file among the dataset's events " + steps(events));
                    continue;
                }
                List<String> want = expected.apply(name);
                List<String> first = null;
                for (JsonNode send : sends) {
                    List<JsonNode> lineage = lineageTo(send, events);
                    List<String> path = steps(lineage);
                    first = first == null ? path : first;
                    if (detectorFile.equals(filenameOf(lineage.get(0))) && inOrder(path, want)) {
                        lineages.put(name, path);
                        break;
                    }
                }
                if (!lineages.containsKey(name)) {
                    problems.add(name + ": lineage " + first + " does not start at " + detectorFile + " and pass "
                            + want + " in order");
                }
            }
            if (problems.isEmpty()) {
                lineages.forEach((name, path) -> System.out.println("lineage " + detectorFile + " -> " + name + ": " + path));
                return lineages;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < end);
        throw new AssertionError("lineage from " + detectorFile + " to the stored files:\n  " + String.join("\n  ", problems));
    }

    /**
     * The processing history inside a stored file, read as a facility user would: HDF5 NXprocess groups, the PNG
     * iTXt chunk "nifi-spectro:history", a JSON "history" array, or history.N header lines of text files.
     */
    static List<ProcessStep> historyOf(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".h5")) {
            try (HdfFile hdf = new HdfFile(file)) {
                return ProcessStep.readAll(hdf);
            }
        }
        if (name.endsWith(".png")) {
            return ProcessingHistory.fromPng(Files.readAllBytes(file));
        }
        if (name.endsWith(".json")) {
            return ProcessingHistory.fromJson(NiFiRest.json().readTree(file.toFile()).get("history"));
        }
        return ProcessingHistory.fromText(Files.readAllLines(file, StandardCharsets.ISO_8859_1));
    }

    /**
     * Asserts every file carries its processing history: the programs in order ({@code programs.apply(name)}, each
     * "nifi-spectro X"), each step with a version, an ISO date, parameters and the input it was made from.
     */
    static void assertEveryFileCarriesHistory(Collection<Path> files, Function<String, List<String>> programs)
            throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            List<ProcessStep> history = historyOf(file);
            List<String> actual = history.stream().map(ProcessStep::program).toList();
            if (!actual.equals(programs.apply(name))) {
                problems.add(name + ": history " + actual + ", expected " + programs.apply(name));
                continue;
            }
            for (ProcessStep s : history) {
                if (s.version().isBlank() || !s.date().matches("\\d{4}-\\d\\d-\\d\\dT.*Z") || s.parametersJson().length() < 3
                        || s.inputFile().isBlank()) {
                    problems.add(name + ": incomplete step " + s);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("processing history inside the stored files:\n  " + String.join("\n  ", problems));
        }
    }
}
