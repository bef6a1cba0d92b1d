package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.apache.nifi.processor.Relationship;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;

/**
 * Runs the same FlowFiles through a processor once with one task and once with several concurrent tasks
 * ({@code TestRunner.setThreadCount}) and asserts the same outputs: per relationship, the same FlowFiles
 * (matched by filename and {@code spectro.output}), byte-identical content and identical attributes. What
 * legitimately differs between two runs is masked first, in content and attribute values alike: FlowFile
 * UUIDs (the history names its input FlowFile), the history's date (ISO instant, to the second) and a
 * provenance-style {@code duration=N ms}. UUIDs and dates are masked byte for byte with a fixed character, so
 * an HDF5 file keeps its layout and is still compared byte by byte.
 */
final class ConcurrencyCheck {

    /** One FlowFile to enqueue. */
    record Input(byte[] content, Map<String, String> attributes) {
    }

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern INSTANT = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})");
    private static final Pattern DURATION = Pattern.compile("duration=\\d+ ?ms");
    /** Attributes that name the FlowFile itself, not its content. */
    private static final List<String> IDENTITY = List.of("uuid");

    private ConcurrencyCheck() {
    }

    /**
     * @param factory  a configured runner (a new one per call)
     * @param inputs   the FlowFiles, with distinct file names
     * @param threads  concurrent tasks of the second run
     * @param success  a relationship that must receive output in the single-task run (the check is not vacuous)
     */
    static void assertSameWithConcurrentTasks(Supplier<TestRunner> factory, List<Input> inputs, int threads,
                                              Relationship success) {
        Map<String, List<MockFlowFile>> single = run(factory.get(), inputs, 1);
        Map<String, List<MockFlowFile>> concurrent = run(factory.get(), inputs, threads);
        assertTrue(single.containsKey(success.getName()) && !single.get(success.getName()).isEmpty(),
                "the single-task run sends output to " + success.getName() + ": " + summary(single));
        assertEquals(single.keySet(), concurrent.keySet(), "relationships used");
        for (String rel : single.keySet()) {
            Map<String, MockFlowFile> a = keyed(single.get(rel));
            Map<String, MockFlowFile> b = keyed(concurrent.get(rel));
            assertEquals(a.keySet(), b.keySet(), "FlowFiles in " + rel);
            for (String key : a.keySet()) {
                MockFlowFile x = a.get(key);
                MockFlowFile y = b.get(key);
                byte[] cx = mask(x.toByteArray());
                byte[] cy = mask(y.toByteArray());
                if (!Arrays.equals(cx, cy)) {
                    dump(key, x.toByteArray(), y.toByteArray());
                    fail(rel + " " + key + ": content differs with " + threads + " concurrent tasks ("
                            + cx.length + " vs " + cy.length + " bytes, first difference at byte "
                            + Arrays.mismatch(cx, cy) + ")");
                }
                assertEquals(attributes(x), attributes(y), rel + " " + key + ": attributes");
            }
        }
    }

    /** Keeps both versions of a differing output under target/concurrency-diff/ for a look with h5dump or diff. */
    private static void dump(String key, byte[] single, byte[] concurrent) {
        try {
            java.nio.file.Path d = java.nio.file.Path.of("target", "concurrency-diff");
            java.nio.file.Files.createDirectories(d);
            String base = key.replaceAll("[^A-Za-z0-9._-]", "_");
            java.nio.file.Files.write(d.resolve(base + ".single"), single);
            java.nio.file.Files.write(d.resolve(base + ".concurrent"), concurrent);
        } catch (java.io.IOException e) {
            System.err.println("could not keep the differing outputs: " + e);
        }
    }

    private static Map<String, List<MockFlowFile>> run(TestRunner runner, List<Input> inputs, int threads) {
        runner.setThreadCount(threads);
        for (Input in : inputs) {
            runner.enqueue(in.content(), in.attributes());
        }
        runner.run(inputs.size(), true, true);
        assertEquals(0, runner.getQueueSize().getObjectCount(), "every input processed with " + threads + " tasks");
        Map<String, List<MockFlowFile>> out = new TreeMap<>();
        for (Relationship r : runner.getProcessor().getRelationships()) {
            List<MockFlowFile> files = runner.getFlowFilesForRelationship(r);
            if (!files.isEmpty()) {
                out.put(r.getName(), files);
            }
        }
        return out;
    }

    /** Key: filename + output kind + occurrence (occurrences ordered by masked content). */
    private static Map<String, MockFlowFile> keyed(List<MockFlowFile> files) {
        Map<String, List<MockFlowFile>> groups = new TreeMap<>();
        for (MockFlowFile f : files) {
            groups.computeIfAbsent(f.getAttribute("filename") + " [" + f.getAttribute("spectro.output") + "]",
                    k -> new ArrayList<>()).add(f);
        }
        Map<String, MockFlowFile> out = new TreeMap<>();
        for (var g : groups.entrySet()) {
            List<MockFlowFile> list = new ArrayList<>(g.getValue());
            list.sort(Comparator.comparing(f -> Arrays.hashCode(mask(f.toByteArray()))));
            for (int i = 0; i < list.size(); i++) {
                out.put(g.getKey() + " #" + i, list.get(i));
            }
        }
        return out;
    }

    private static Map<String, String> attributes(MockFlowFile f) {
        Map<String, String> a = new TreeMap<>();
        f.getAttributes().forEach((k, v) -> {
            if (!IDENTITY.contains(k)) {
                a.put(k, maskText(v));
            }
        });
        return a;
    }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /**
     * Masks run-dependent text one byte for one byte (ISO-8859-1 maps bytes to chars 1:1). In a PNG the
     * history sits in an uncompressed iTXt chunk whose CRC covers the masked date and duration, so every
     * chunk CRC is zeroed after masking (the chunk data themselves are still compared byte by byte).
     */
    static byte[] mask(byte[] content) {
        if (content.length > 8 && Arrays.equals(Arrays.copyOf(content, 8), PNG_SIGNATURE)) {
            byte[] masked = maskBytes(content);
            int pos = 8;
            while (pos + 12 <= masked.length) {
                int len = java.nio.ByteBuffer.wrap(content, pos, 4).getInt();
                if (len < 0 || pos + 12L + len > masked.length) {
                    break;
                }
                Arrays.fill(masked, pos + 8 + len, pos + 12 + len, (byte) 0);
                pos += 12 + len;
            }
            return masked;
        }
        return maskBytes(content);
    }

    private static byte[] maskBytes(byte[] content) {
        return maskText(new String(content, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String maskText(String s) {
        if (s == null) {
            return null;
        }
        s = fill(UUID, s);
        s = fill(INSTANT, s);
        return DURATION.matcher(s).replaceAll("duration=# ms");
    }

    private static String fill(Pattern p, String s) {
        return p.matcher(s).replaceAll(m -> "#".repeat(m.group().length()));
    }

    private static String summary(Map<String, List<MockFlowFile>> out) {
        StringBuilder b = new StringBuilder();
        out.forEach((rel, files) -> {
            b.append(rel).append('=').append(files.size()).append(' ');
            for (MockFlowFile f : files) {
                String error = f.getAttribute("spectro.error");
                if (error != null) {
                    b.append("[").append(error).append("] ");
                }
            }
        });
        return b.toString();
    }
}
