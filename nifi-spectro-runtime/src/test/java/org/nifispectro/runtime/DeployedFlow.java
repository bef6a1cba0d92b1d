package org.nifispectro.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One of the project's flows imported into a NiFi of its own (crash and soak runs, not the shared
 * end-to-end NiFi), with its own incoming/storage/quarantine/archive folders, plus what those runs watch:
 * queue depths and active threads over REST, and the files that reached storage.
 */
final class DeployedFlow {

    final NiFiInstance nifi;
    final String key;
    final Path incoming;
    final Path storage;
    final Path quarantine;
    final Path archive;
    final String groupId;

    private DeployedFlow(NiFiInstance nifi, String key, Path data, String groupId) throws IOException {
        this.nifi = nifi;
        this.key = key;
        this.incoming = data.resolve("incoming");
        this.storage = data.resolve("storage");
        this.quarantine = data.resolve("quarantine");
        this.archive = data.resolve("archive");
        this.groupId = groupId;
    }

    /**
     * Imports flows/nifi-spectro/KEY.json with folders under the instance's data/KEY/ (plus extra parameters),
     * placed at (x, y) on the root canvas, and starts it.
     */
    static DeployedFlow deploy(NiFiInstance nifi, String key, Map<String, String> extra, double x, double y)
            throws IOException, InterruptedException {
        Path data = nifi.instance().resolve("data").resolve(key);
        Map<String, String> params = new LinkedHashMap<>();
        for (String dir : List.of("incoming", "storage", "quarantine", "archive")) {
            params.put(dir + ".dir", Files.createDirectories(data.resolve(dir)).toString());
        }
        params.put("minimum.file.age", "1 sec");
        params.putAll(extra);
        Path flow = NiFiInstance.repo().resolve("flows/nifi-spectro").resolve(key + ".json");
        String group = FlowDeployer.deploy(nifi.rest(), flow, params, true, x, y);
        return new DeployedFlow(nifi, key, data, group);
    }

    /** Copies a file into incoming through a hidden temp name and a rename, as a careful detector writer does. */
    void feed(Path source, String name) throws IOException {
        Path tmp = incoming.resolve("." + name + ".part");
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, incoming.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** As {@link #feed(Path, String)} with the given bytes. */
    void feed(byte[] content, String name) throws IOException {
        Path tmp = incoming.resolve("." + name + ".part");
        Files.write(tmp, content);
        Files.move(tmp, incoming.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The group's aggregate status snapshot (flowFilesQueued, activeThreadCount, connectionStatusSnapshots...). */
    JsonNode status() throws IOException, InterruptedException {
        return nifi.rest().groupStatus(groupId).path("aggregateSnapshot");
    }

    /** FlowFiles queued in the group's connections plus its active threads: 0 when nothing is in flight. */
    long inFlight() throws IOException, InterruptedException {
        JsonNode s = status();
        return s.path("flowFilesQueued").asLong() + s.path("activeThreadCount").asLong();
    }

    /** One line: queued FlowFiles, active threads, non-empty connections with their depth. */
    String describe() throws IOException, InterruptedException {
        JsonNode s = status();
        StringBuilder b = new StringBuilder(key).append(": queued ").append(s.path("flowFilesQueued").asLong())
                .append(", active threads ").append(s.path("activeThreadCount").asLong());
        for (JsonNode c : s.path("connectionStatusSnapshots")) {
            JsonNode cs = c.path("connectionStatusSnapshot");
            if (cs.path("flowFilesQueued").asLong() > 0) {
                b.append(", [").append(cs.path("sourceName").asText()).append(" -> ").append(cs.path("destinationName").asText())
                        .append(": ").append(cs.path("flowFilesQueued").asLong()).append(']');
            }
        }
        return b.toString();
    }

    /**
     * Regular files under a folder (recursively), sorted; empty when the folder does not exist. Safe while NiFi
     * writes there: a file that vanishes during the walk (PutFile renaming its dot-temp file, FetchFile moving an
     * input) is skipped, where Files.walk would throw NoSuchFileException.
     */
    static List<Path> files(Path dir, Predicate<Path> filter) throws IOException {
        List<Path> out = new ArrayList<>();
        collect(dir, filter, out);
        out.sort(null);
        return out;
    }

    private static void collect(Path dir, Predicate<Path> filter, List<Path> out) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    collect(p, filter, out);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && filter.test(p)) {
                    out.add(p);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException gone) {
            // the folder does not exist (yet) or vanished meanwhile
        }
    }

    static List<Path> files(Path dir) throws IOException {
        return files(dir, p -> true);
    }

    /** SHA-256 of every file under a folder, by path. Files that vanish while being read are left out. */
    static Map<Path, String> hashes(Path dir) throws IOException {
        Map<Path, String> out = new TreeMap<>();
        for (Path f : files(dir)) {
            try {
                out.put(f, sha256(f));
            } catch (IOException vanished) {
                // replaced or renamed while we read: not part of the snapshot
            }
        }
        return out;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Waits until none of the flows has anything queued or running and their storage and quarantine stop
     * changing, for {@code quietFor} in a row (longer than ListFile's 5 s schedule, so files still to be listed
     * are seen). Returns false when {@code timeout} passes first.
     */
    static boolean awaitQuiet(List<DeployedFlow> flows, Duration quietFor, Duration timeout)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        long quietSince = -1;
        long lastFiles = -1;
        while (System.nanoTime() < end) {
            long inFlight = 0;
            long stored = 0;
            for (DeployedFlow f : flows) {
                inFlight += f.inFlight();
                stored += files(f.storage).size() + files(f.quarantine).size() + files(f.incoming).size();
            }
            long now = System.nanoTime();
            if (inFlight == 0 && stored == lastFiles) {
                if (quietSince < 0) {
                    quietSince = now;
                } else if (now - quietSince >= quietFor.toNanos()) {
                    return true;
                }
            } else {
                quietSince = -1;
            }
            lastFiles = stored;
            Thread.sleep(1000);
        }
        return false;
    }
}
