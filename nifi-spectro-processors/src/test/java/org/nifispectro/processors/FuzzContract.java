package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.nifi.processor.Relationship;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.nifispectro.processors.common.SpectroAttributes;

/**
 * The contract every reader must keep, checked at the processor level for one fuzzer input: the FlowFile
 * leaves the processor (nothing stays queued, nothing is thrown), and when it goes to {@code failure} it is
 * unchanged and carries a non-blank {@code spectro.error} of kind {@code input} or {@code limit}. Kind
 * {@code internal} is what {@code Failures.routeUnexpected} writes for an exception the processor did not
 * foresee (a RuntimeException of a reader, an Error): that is a finding, as is any exception escaping
 * {@code onTrigger} (nifi-mock rethrows it as an AssertionError).
 *
 * <p>Also counts the inputs tried per target; {@link #writeCounts()} puts them under
 * {@code target/fuzz-counts/} for {@code bin/fuzz} and docs/fuzz-report.md.
 */
final class FuzzContract {

    static final Set<String> EXPECTED_KINDS = Set.of("input", "limit");

    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    private FuzzContract() {
    }

    static void count(String target) {
        COUNTS.computeIfAbsent(target, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Runs one input through the processor and checks the contract.
     *
     * @param failure the processor's failure relationship
     * @return true when the input was accepted (not routed to failure)
     */
    static boolean check(String target, TestRunner runner, Relationship failure, byte[] input,
                         Map<String, String> attributes) {
        count(target);
        runner.clearTransferState();
        runner.clearProvenanceEvents();
        runner.enqueue(input, attributes);
        runner.run(1, true, true);
        assertEquals(0, runner.getQueueSize().getObjectCount(), "the input FlowFile must leave the processor");
        var failed = runner.getFlowFilesForRelationship(failure);
        for (MockFlowFile f : failed) {
            String kind = f.getAttribute(SpectroAttributes.ERROR_KIND);
            String error = f.getAttribute(SpectroAttributes.ERROR);
            if (!EXPECTED_KINDS.contains(kind)) {
                fail("unforeseen failure (kind " + kind + "): " + error + " [where: "
                        + f.getAttribute(SpectroAttributes.ERROR_WHERE) + "]");
            }
            assertTrue(error != null && !error.isBlank(), "a failure names the problem");
            assertArrayEquals(input, f.toByteArray(), "the failed FlowFile is routed unchanged");
        }
        return failed.isEmpty();
    }

    /** Writes "target count" lines, one file per target, for bin/fuzz. */
    static void writeCounts() {
        Path dir = Path.of("target", "fuzz-counts");
        try {
            Files.createDirectories(dir);
            for (var e : COUNTS.entrySet()) {
                Files.writeString(dir.resolve(e.getKey() + ".txt"), e.getKey() + " " + e.getValue().get() + "\n",
                        StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            System.err.println("fuzz counts not written: " + e);
        }
    }

    static void assertNotBlank(String s, String what) {
        assertFalse(s == null || s.isBlank(), what);
    }
}
