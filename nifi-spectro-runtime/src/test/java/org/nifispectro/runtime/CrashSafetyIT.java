package org.nifispectro.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;

import io.jhdf.HdfFile;

import org.junit.jupiter.api.Test;
import org.nifispectro.io.stack.ProcessStep;
import org.nifispectro.pdf.io.GrData;
import org.nifispectro.pdf.io.GrReader;

/**
 * Crash safety in a real NiFi (issue 9): a NiFi of its own runs the XANES imaging, PDF identification and
 * structure catalog flows on their real samples (several copies of the ALS STXM stack, many measured PDFs,
 * many CIFs, plus a broken input of each kind); it is killed with SIGKILL while stacks and PDFs are in flight
 * (queues non-empty and processors busy, seen over REST), restarted, fed a second batch, killed again while that
 * is in flight, restarted, fed one more stack, and left until quiet. Then:
 * <ul>
 * <li>every input ends in storage (its results) or in quarantine (byte for byte, with its error report);</li>
 * <li>storage and quarantine hold no partial files: no PutFile dot-temp file is left, every HDF5 result opens
 * with jHDF and carries its processing history, every PNG decodes, every .gr parses, every JSON parses;</li>
 * <li>nothing is left in any queue;</li>
 * <li>the temp files the processors had in use at each kill (spooled stacks, outputs being written; a
 * finally block does not run on SIGKILL) are gone: {@code TempFiles} sweeps the folders of dead JVMs.</li>
 * </ul>
 * What happens to duplicates (results written again after the restart, identical or not; inputs listed
 * twice) is measured from provenance and from the hashes and modification times of storage just before each
 * kill, and printed as lines starting with {@code CRASH} (failsafe's output), not asserted: a result written
 * twice is acceptable when the copies are identical, and the printout says whether they were.
 *
 * <p>Measured (six runs of 2 kills each, 261-391 inputs, 2026-11-21, loaded 2-core machine): every input in
 * storage or quarantine (the broken ones, byte for byte), all stored files and error reports readable, no
 * dot-temp file, queues empty, no input listed twice, no raw input left in incoming. No file present in storage
 * at a kill was ever written again or changed (hash and modification time). In one run provenance showed two
 * SEND events for one stored file (a stack's _snr.h5 finished around the first kill); the event ids, FlowFile
 * and content claim of such events are printed now, to tell the same FlowFile written twice (its PutFile session
 * redone after the kill: identical bytes, "replace") from one event found twice. NiFi redoes an uncommitted
 * session from its input, and an output reaches PutFile only after its producing session committed, so a
 * re-processed output never overwrites an earlier stored one. Found and fixed: the spooled stacks and outputs of
 * the tasks running at a kill stayed in the temp folder for good (now swept at the next start, see TempFiles).
 * Found, not ours to fix: after the recovery, NiFi 2.3.0's provenance search misses most events from before the
 * kill (1 of 391 CREATE events, 192-304 of 642 SEND events, unchanged for 4 min); after one clean restart all
 * are found again (391 and 642).
 */
class CrashSafetyIT {

    private static final int STACKS = 6;
    private static final int PDFS = 150;
    private static final int CIF_COPIES = 20;
    private static final int KILLS = 2;

    @Test
    void killedTwiceWhileStacksAndPdfsAreInFlightEveryInputEndsCompleteInStorageOrQuarantine() throws Exception {
        Path samples = NiFiInstance.repo().resolve("samples");
        try (NiFiInstance nifi = NiFiInstance.start("crash")) {
            DeployedFlow xanes = DeployedFlow.deploy(nifi, "xanes-imaging", Map.of("xanes.edge.windows", "L3:700-716, L2:716-730",
                    "xanes.min.snr", "10", "xanes.snr.signal", "White Line", "exafs.enabled", "false"), 0, 0);
            DeployedFlow pdf = DeployedFlow.deploy(nifi, "pdf-identification", Map.of(), 450, 0);
            DeployedFlow cif = DeployedFlow.deploy(nifi, "structure-catalog", Map.of(), 900, 0);
            List<DeployedFlow> flows = List.of(xanes, pdf, cif);

            // ---- inputs: a first batch now, a second one after the first restart
            Map<String, byte[]> badInputs = new LinkedHashMap<>();
            List<String> stacks = new ArrayList<>();
            List<String> pdfs = new ArrayList<>();
            List<String> cifs = new ArrayList<>();
            feedBatch(1, STACKS, PDFS, CIF_COPIES, xanes, pdf, cif, stacks, pdfs, cifs, badInputs);
            log("batch 1 fed: %d stacks, %d PDFs, %d CIFs, %d broken", stacks.size(), pdfs.size(), cifs.size(), badInputs.size());

            // ---- crash while in flight, restart; twice
            List<Map<Path, String>> beforeKill = new ArrayList<>();
            List<Map<Path, FileTime>> timesBeforeKill = new ArrayList<>();
            List<Path> tempFilesAtKill = new ArrayList<>();
            for (int round = 1; round <= KILLS; round++) {
                awaitInFlight(xanes, pdf, cif, round);
                Map<Path, String> snapshot = new TreeMap<>();
                for (DeployedFlow f : flows) {
                    snapshot.putAll(DeployedFlow.hashes(f.storage));
                }
                beforeKill.add(snapshot);
                Map<Path, FileTime> times = new HashMap<>();
                for (Path p : snapshot.keySet()) {
                    times.put(p, Files.getLastModifiedTime(p));
                }
                timesBeforeKill.add(times);
                for (Path t : openTempFiles(nifi.pid())) {
                    if (!tempFilesAtKill.contains(t)) {
                        tempFilesAtKill.add(t);
                    }
                }
                List<String> atKill = new ArrayList<>();
                for (DeployedFlow f : flows) {
                    atKill.add(f.describe() + ", stored " + DeployedFlow.files(f.storage).size());
                }
                nifi.kill();
                for (String line : atKill) {
                    log("round %d state at kill: %s", round, line);
                }
                List<Path> dotFiles = new ArrayList<>();
                for (DeployedFlow f : flows) {
                    dotFiles.addAll(DeployedFlow.files(f.storage, CrashSafetyIT::hidden));
                    dotFiles.addAll(DeployedFlow.files(f.quarantine, CrashSafetyIT::hidden));
                }
                log("round %d killed (SIGKILL); PutFile temp files left at that instant: %s; spectro temp files open: %s",
                        round, dotFiles, tempFilesAtKill);
                long t0 = System.nanoTime();
                nifi.restart();
                log("round %d restarted in %d s", round, (System.nanoTime() - t0) / 1_000_000_000L);
                if (round < KILLS) {
                    feedBatch(round + 1, STACKS / 2, PDFS / 2, CIF_COPIES / 2, xanes, pdf, cif, stacks, pdfs, cifs, badInputs);
                    log("batch %d fed after the restart; inputs now %d stacks, %d PDFs, %d CIFs, %d broken", round + 1,
                            stacks.size(), pdfs.size(), cifs.size(), badInputs.size());
                }
            }
            // one more stack once it runs again: the flow still works, and its first temp file sweeps what the killed
            // JVMs left in their temp folders
            xanes.feed(samples.resolve("xanes-imaging/als_stxm_71214078_FeL23_od.h5"), "als_stxm_afterwards_FeL23_od.h5");
            stacks.add("als_stxm_afterwards_FeL23_od.h5");
            boolean quiet = DeployedFlow.awaitQuiet(flows, Duration.ofSeconds(20), Duration.ofMinutes(25));
            StringBuilder state = new StringBuilder();
            for (DeployedFlow f : flows) {
                state.append("\n  ").append(f.describe());
            }
            log("after recovery (quiet=%s):%s", quiet, state);
            assertTrue(quiet, "NiFi did not become quiet (nothing queued or running) within 25 min after the restart:" + state);
            for (DeployedFlow f : flows) {
                assertEquals(0, f.status().path("flowFilesQueued").asLong(), "FlowFiles left in a queue: " + f.describe());
            }

            // ---- no partial files anywhere in storage or quarantine
            List<Path> leftovers = new ArrayList<>();
            for (DeployedFlow f : flows) {
                leftovers.addAll(DeployedFlow.files(f.storage, CrashSafetyIT::hidden));
                leftovers.addAll(DeployedFlow.files(f.quarantine, CrashSafetyIT::hidden));
            }
            assertEquals(List.of(), leftovers, "partial (dot-temp) files left in storage or quarantine");
            int checked = 0;
            for (DeployedFlow f : flows) {
                for (Path p : DeployedFlow.files(f.storage)) {
                    assertComplete(p);
                    checked++;
                }
                for (Path p : DeployedFlow.files(f.quarantine, p -> p.toString().endsWith(".error.json"))) {
                    assertComplete(p);
                    checked++;
                }
            }
            log("%d stored files and error reports open and parse", checked);

            // ---- every input in storage or quarantine
            Map<String, String> fate = new TreeMap<>();
            for (String s : stacks) {
                String scan = s.substring(0, s.length() - 3);
                List<Path> results = DeployedFlow.files(xanes.storage.resolve("als").resolve(scan));
                boolean stored = results.stream().anyMatch(p -> p.toString().endsWith("_dbscan.png"))
                        && results.stream().anyMatch(p -> p.toString().endsWith("_dbscan.h5"))
                        && results.stream().anyMatch(p -> p.toString().endsWith("_snr.h5"));
                fate.put("xanes/" + s, where(stored, quarantined(xanes, s)));
            }
            for (String p : pdfs) {
                String stem = p.substring(0, p.length() - 3);
                boolean stored = false;
                for (String dir : List.of("identified", "unidentified")) {
                    stored |= Files.isRegularFile(pdf.storage.resolve(dir).resolve(stem + ".classify.json"));
                }
                fate.put("pdf/" + p, where(stored, quarantined(pdf, p)));
            }
            for (String c : cifs) {
                String stem = c.substring(0, c.length() - 4);
                boolean stored = !DeployedFlow.files(cif.storage.resolve(stem), p -> p.toString().endsWith(".gr")).isEmpty();
                fate.put("cif/" + c, where(stored, quarantined(cif, c)));
            }
            Map<String, DeployedFlow> byPrefix = Map.of("xanes", xanes, "pdf", pdf, "cif", cif);
            for (Map.Entry<String, byte[]> bad : badInputs.entrySet()) {
                String[] parts = bad.getKey().split("/", 2);
                List<Path> copies = quarantinedCopies(byPrefix.get(parts[0]), parts[1]);
                fate.put(bad.getKey(), where(false, !copies.isEmpty()));
                for (Path copy : copies) {
                    assertArrayEquals(bad.getValue(), Files.readAllBytes(copy), "quarantined copy differs from the input: " + copy);
                }
            }
            Map<String, Integer> tally = new TreeMap<>();
            fate.values().forEach(v -> tally.merge(v, 1, Integer::sum));
            log("fate of the %d inputs: %s", fate.size(), tally);
            fate.forEach((name, where) -> {
                if (!"storage".equals(where) && !badInputs.containsKey(name)) {
                    log("  %s -> %s", name, where);
                }
            });
            List<String> lost = fate.entrySet().stream().filter(e -> e.getValue().equals("nowhere")).map(Map.Entry::getKey).toList();
            assertEquals(List.of(), lost, "inputs neither in storage nor in quarantine");
            for (String name : badInputs.keySet()) {
                assertTrue(fate.get(name).contains("quarantine"), name + " should be quarantined, is " + fate.get(name));
            }

            // ---- what happened to duplicates (reported, not asserted)
            reportDuplicates(nifi, flows, beforeKill, timesBeforeKill, fate.size());
            List<Path> leftInIncoming = new ArrayList<>();
            for (DeployedFlow f : flows) {
                leftInIncoming.addAll(DeployedFlow.files(f.incoming));
            }
            log("raw inputs left in incoming (processed but not moved to archive): %d %s", leftInIncoming.size(), leftInIncoming);
            List<Path> tempLeft = tempFilesAtKill.stream().filter(Files::exists).toList();
            log("temp files and folders of the processors open at a kill: %s; still on disk after recovery: %s", tempFilesAtKill,
                    tempLeft);
            assertEquals(List.of(), tempLeft, "temp files of a killed NiFi left behind (TempFiles sweeps them at the next start)");
        }
    }


    /** Feeds one batch: copies of the STXM stack, measured PDFs, CIFs, and a broken input of each kind. */
    private static void feedBatch(int batch, int nStacks, int nPdfs, int cifCopies, DeployedFlow xanes, DeployedFlow pdf,
                                  DeployedFlow cif, List<String> stacks, List<String> pdfs, List<String> cifs,
                                  Map<String, byte[]> badInputs) throws IOException {
        Path samples = NiFiInstance.repo().resolve("samples");
        Path stack = samples.resolve("xanes-imaging/als_stxm_71214078_FeL23_od.h5");
        for (int i = 0; i < nStacks; i++) {
            String name = String.format("als_stxm_crash%d%02d_FeL23_od.h5", batch, i);
            xanes.feed(stack, name);
            stacks.add(name);
        }
        byte[] stackBytes = Files.readAllBytes(stack);
        byte[] truncated = Arrays.copyOf(stackBytes, stackBytes.length / 3);
        xanes.feed(truncated, "broken_crash" + batch + ".h5");
        badInputs.put("xanes/broken_crash" + batch + ".h5", truncated);

        for (int i = 0; i < nPdfs; i++) {
            String source = i % 2 == 0 ? "Ni.gr" : "CdSe-bulk.gr";
            String name = String.format("pdf%d%03d_%s", batch, i, source);
            pdf.feed(samples.resolve("pdf-identification").resolve(source), name);
            pdfs.add(name);
        }
        byte[] notes = ("beamtime notes " + batch + "\nsample changed at 3 am\n").getBytes();
        pdf.feed(notes, "notes" + batch + ".gr");
        badInputs.put("pdf/notes" + batch + ".gr", notes);

        List<Path> cifSamples;
        try (Stream<Path> s = Files.list(samples.resolve("structure-catalog"))) {
            cifSamples = s.filter(p -> p.toString().endsWith(".cif")).sorted().toList();
        }
        for (int i = 0; i < cifCopies; i++) {
            for (Path c : cifSamples) {
                String name = String.format("c%d%02d_%s", batch, i, c.getFileName());
                cif.feed(c, name);
                cifs.add(name);
            }
        }
        byte[] notCif = "data_nothing\n_cell_length_a oops\n".getBytes();
        cif.feed(notCif, "broken_crash" + batch + ".cif");
        badInputs.put("cif/broken_crash" + batch + ".cif", notCif);
    }

    /**
     * Waits until the stacks are in flight (queued or being processed in the XANES flow) and the PDFs and CIFs
     * too, and, before the first kill, until some results have been stored, so the kill hits every stage.
     */
    private static void awaitInFlight(DeployedFlow xanes, DeployedFlow pdf, DeployedFlow cif, int round)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < end) {
            JsonNode x = xanes.status();
            boolean stacksBusy = x.path("activeThreadCount").asLong() > 0 && x.path("flowFilesQueued").asLong() > 0;
            boolean pdfsQueued = pdf.inFlight() > 0 || cif.inFlight() > 0;
            boolean someStored = round > 1 || !DeployedFlow.files(xanes.storage).isEmpty()
                    || !DeployedFlow.files(pdf.storage).isEmpty();
            if (stacksBusy && pdfsQueued && someStored) {
                return;
            }
            Thread.sleep(200);
        }
        log("round %d: the in-flight condition was not met within 10 min; killing anyway", round);
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static String where(boolean stored, boolean quarantined) {
        return stored && quarantined ? "storage+quarantine" : stored ? "storage" : quarantined ? "quarantine" : "nowhere";
    }

    private static boolean quarantined(DeployedFlow f, String name) throws IOException {
        return !quarantinedCopies(f, name).isEmpty();
    }

    /** The quarantined copies of an input (quarantine/<processor>/<name>), each with its error report beside it. */
    private static List<Path> quarantinedCopies(DeployedFlow f, String name) throws IOException {
        List<Path> copies = DeployedFlow.files(f.quarantine, p -> p.getFileName().toString().equals(name));
        for (Path c : copies) {
            assertTrue(Files.isRegularFile(c.resolveSibling(name + ".error.json")), "no error report beside " + c);
        }
        return copies;
    }

    /** A stored result is complete: HDF5 opens with its history, PNG decodes, .gr parses, JSON parses. */
    private static void assertComplete(Path p) throws IOException {
        String n = p.getFileName().toString();
        try {
            if (n.endsWith(".h5")) {
                try (HdfFile hdf = new HdfFile(p)) {
                    assertFalse(ProcessStep.readAll(hdf).isEmpty(), "no processing history in " + p);
                }
            } else if (n.endsWith(".png")) {
                assertNotNull(ImageIO.read(p.toFile()), "not a readable PNG: " + p);
            } else if (n.endsWith(".gr")) {
                GrData gr = GrReader.read(p);
                assertTrue(gr.r().length > 100, "too few points in " + p);
            } else if (n.endsWith(".json")) {
                assertTrue(NiFiRest.json().readTree(p.toFile()).isObject(), "not a JSON object: " + p);
            } else {
                fail("unexpected file in storage: " + p);
            }
        } catch (Exception e) {
            throw new AssertionError("incomplete or unreadable result " + p + ": " + e, e);
        }
    }

    /**
     * Reports, from provenance, stored files written more than once (SEND events per path) and inputs listed
     * more than once (CREATE events per file name), and compares storage before each kill with the end: a file
     * present at a kill and later replaced is either identical (the same FlowFile written again because its
     * session was not committed before the kill) or different (the input processed again).
     */
    private static void reportDuplicates(NiFiInstance nifi, List<DeployedFlow> flows, List<Map<Path, String>> beforeKill,
                                         List<Map<Path, FileTime>> timesBeforeKill, int inputs)
            throws IOException, InterruptedException {
        // after a crash recovery NiFi 2.3.0's provenance search misses most events from before the kill (their Lucene
        // index is rebuilt as "defunct" but, measured here, stays unsearchable for minutes); printed, then compared
        // with the search after one clean restart (below)
        List<JsonNode> sendEvents = List.of();
        List<JsonNode> createEvents = List.of();
        long t0 = System.nanoTime();
        for (int attempt = 0; attempt < 3; attempt++) {
            sendEvents = nifi.rest().provenance("EventType", "SEND", 20000);
            createEvents = nifi.rest().provenance("EventType", "CREATE", 20000);
            log("provenance search %d s after quiet: %d CREATE events (inputs fed: %d), %d SEND events",
                    (System.nanoTime() - t0) / 1_000_000_000L, createEvents.size(), inputs, sendEvents.size());
            if (createEvents.size() >= inputs) {
                break;
            }
            Thread.sleep(10_000);
        }
        Map<String, Integer> sends = new HashMap<>();
        for (JsonNode e : distinctEvents(sendEvents)) {
            sends.merge(e.path("transitUri").asText(), 1, Integer::sum);
        }
        Map<String, Integer> creates = new HashMap<>();
        for (JsonNode e : distinctEvents(createEvents)) {
            creates.merge(e.path("componentName").asText() + ":" + attribute(e, "filename"), 1, Integer::sum);
        }
        // the same search after one clean stop and start
        nifi.close();
        nifi.restart();
        int createsAfterRestart = 0;
        int sendsAfterRestart = 0;
        for (int attempt = 0; attempt < 6 && createsAfterRestart < inputs; attempt++) {
            Thread.sleep(10_000);
            createsAfterRestart = nifi.rest().provenance("EventType", "CREATE", 20000).size();
            sendsAfterRestart = nifi.rest().provenance("EventType", "SEND", 20000).size();
        }
        log("provenance search after one clean restart: %d CREATE events (inputs fed: %d), %d SEND events",
                createsAfterRestart, inputs, sendsAfterRestart);
        if (createsAfterRestart > createEvents.size()) {
            sendEvents = nifi.rest().provenance("EventType", "SEND", 20000);
            createEvents = nifi.rest().provenance("EventType", "CREATE", 20000);
            sends.clear();
            creates.clear();
            for (JsonNode e : distinctEvents(sendEvents)) {
                sends.merge(e.path("transitUri").asText(), 1, Integer::sum);
            }
            for (JsonNode e : distinctEvents(createEvents)) {
                creates.merge(e.path("componentName").asText() + ":" + attribute(e, "filename"), 1, Integer::sum);
            }
        }
        log("provenance results: %d SEND (%d distinct event ids), %d CREATE (%d distinct)", sendEvents.size(),
                distinctEvents(sendEvents).size(), createEvents.size(), distinctEvents(createEvents).size());
        long writtenTwice = sends.values().stream().filter(c -> c > 1).count();
        long listedTwice = creates.values().stream().filter(c -> c > 1).count();
        log("provenance: %d SEND events to %d paths, %d paths written more than once; %d CREATE events, %d files listed more than once",
                sends.values().stream().mapToInt(Integer::intValue).sum(), sends.size(), writtenTwice,
                creates.values().stream().mapToInt(Integer::intValue).sum(), listedTwice);
        sends.forEach((uri, c) -> {
            if (c > 1) {
                log("  written %dx: %s", c, uri);
            }
        });
        // the same FlowFile with the same content claim written twice = identical bytes (its session redone after the
        // kill); different FlowFiles = the input processed again
        for (JsonNode e : sendEvents) {
            if (sends.getOrDefault(e.path("transitUri").asText(), 0) > 1) {
                log("    SEND event %s at %s by %s: FlowFile %s, content claim %s/%s/%s offset %s, %s bytes", e.path("eventId").asText(),
                        e.path("eventTime").asText(), e.path("componentName").asText(), e.path("flowFileUuid").asText(),
                        e.path("outputContentClaimContainer").asText(), e.path("outputContentClaimSection").asText(),
                        e.path("outputContentClaimIdentifier").asText(), e.path("outputContentClaimOffset").asText(),
                        e.path("outputContentClaimFileSizeBytes").asText());
            }
        }
        creates.forEach((name, c) -> {
            if (c > 1) {
                log("  listed %dx: %s", c, name);
            }
        });
        Map<Path, String> end = new TreeMap<>();
        for (DeployedFlow f : flows) {
            end.putAll(DeployedFlow.hashes(f.storage));
        }
        for (int i = 0; i < beforeKill.size(); i++) {
            int same = 0;
            List<Path> rewrittenSame = new ArrayList<>();
            List<Path> changed = new ArrayList<>();
            List<Path> gone = new ArrayList<>();
            for (Map.Entry<Path, String> e : beforeKill.get(i).entrySet()) {
                String now = end.get(e.getKey());
                if (now == null) {
                    gone.add(e.getKey());
                } else if (now.equals(e.getValue())) {
                    same++;
                    // PutFile writes a dot file and renames it: a rewrite is a new file with a new modification time
                    if (!Files.getLastModifiedTime(e.getKey()).equals(timesBeforeKill.get(i).get(e.getKey()))) {
                        rewrittenSame.add(e.getKey());
                    }
                } else {
                    changed.add(e.getKey());
                }
            }
            log("storage at kill %d: %d files; at the end %d have the same content (of which %d written again, identical: %s), "
                    + "%d were replaced by different content %s, %d are gone %s", i + 1, beforeKill.get(i).size(), same,
                    rewrittenSame.size(), rewrittenSame, changed.size(), changed, gone.size(), gone);
        }
    }

    /** Events by id, once each (a rebuilt provenance index could return one event twice). */
    private static List<JsonNode> distinctEvents(List<JsonNode> events) {
        Map<Long, JsonNode> byId = new TreeMap<>();
        events.forEach(e -> byId.putIfAbsent(e.path("eventId").asLong(), e));
        return new ArrayList<>(byId.values());
    }

    private static String attribute(JsonNode event, String name) {
        for (JsonNode a : event.path("attributes")) {
            if (name.equals(a.path("name").asText())) {
                return a.path("value").asText();
            }
        }
        return "";
    }

    /** Temp files of the processors (nifi-spectro-*) the NiFi process holds open, from /proc (Linux only). */
    private static List<Path> openTempFiles(long pid) {
        List<Path> out = new ArrayList<>();
        Path fds = Paths.get("/proc", Long.toString(pid), "fd");
        try (Stream<Path> s = Files.list(fds)) {
            for (Path fd : s.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    String parent = target.getParent() == null ? "" : target.getParent().getFileName().toString();
                    if (target.getFileName() != null && parent.startsWith("nifi-spectro-tmp-")) {
                        Path dir = target.getParent();
                        if (!out.contains(dir)) {
                            out.add(dir);
                        }
                    } else if (target.getFileName() != null && target.getFileName().toString().matches("nifi-spectro-\\d+.*")
                            && !out.contains(target)) {
                        out.add(target);
                    }
                } catch (IOException closed) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to report
        }
        return out;
    }

    private static void log(String format, Object... args) {
        System.out.println("CRASH " + String.format(format, args));
    }
}
