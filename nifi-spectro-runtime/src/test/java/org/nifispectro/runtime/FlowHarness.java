package org.nifispectro.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/** Imports one of the project's flows into the shared NiFi with its own data folders, and helps watch them. */
final class FlowHarness {

    final NiFiInstance nifi;
    final String key;
    final Path incoming;
    final Path storage;
    final Path quarantine;
    final Path archive;
    String groupId;

    FlowHarness(NiFiInstance nifi, String key) throws IOException {
        this.nifi = nifi;
        this.key = key;
        Path data = nifi.instance().resolve("data").resolve(key);
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
        groupId = FlowDeployer.deploy(nifi.rest(), flow, params, true);
        return this;
    }

    /** Copies a file into incoming through a hidden temp name and a rename, as a careful detector writer does. */
    void feed(Path source, String name) throws IOException {
        Path tmp = incoming.resolve("." + name + ".part");
        Files.copy(source, tmp);
        Files.move(tmp, incoming.resolve(name));
    }

    static List<Path> files(Path dir, Predicate<Path> filter) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(filter).sorted().toList();
        }
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
}
