package org.nifispectro.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, memory safety, shown with a stack bigger than the heap: a child JVM with a 160 MB heap writes a
 * 200 x 256 x 1024 float32 stack (about 210 MB) and normalizes it, rejects low-SNR pixels and clusters it in
 * slabs within a 40 MB budget; asked to cluster within 1 MB it refuses with "needs X, budget Y" instead of
 * running out of heap. These jobs are what NormalizeSpectra, RejectLowSNR and DBSCANCluster run on the
 * spooled FlowFile content.
 */
class StackBiggerThanHeapTest {

    @TempDir
    Path dir;

    @Test
    void chainStreamsAStackLargerThanTheHeapAndRefusesOverBudget() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xmx160m", "-cp", System.getProperty("java.class.path"),
                HeapBoundChain.class.getName(), dir.toString(), "200", "256", "1024")
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String log = java.nio.file.Files.readString(dir.resolve("child.log"), StandardCharsets.UTF_8);
        assertTrue(done, "child still running after 10 min:\n" + log);
        assertEquals(0, p.exitValue(), "child failed:\n" + log);
        Matcher m = Pattern.compile("HEAP (\\d+) STACK (\\d+)").matcher(log);
        assertTrue(m.find(), log);
        long heap = Long.parseLong(m.group(1));
        long stack = Long.parseLong(m.group(2));
        assertTrue(stack > heap, "the stack (" + stack + " bytes) must be bigger than the heap (" + heap + ")");
        for (String step : List.of("NORMALIZED ", "REJECTED ", "CLUSTERED ")) {
            assertTrue(log.contains(step), step + "missing:\n" + log);
        }
        Matcher refused = Pattern.compile("REFUSED .*needs ([0-9.]+ [kMG]?B).*budget ([0-9.]+ [kMG]?B)").matcher(log);
        assertTrue(refused.find(), "expected a 'needs X, budget Y' refusal:\n" + log);
        assertTrue(log.contains("OutOfMemoryError") == false, log);
        assertTrue(new File(dir.toFile(), "tiny.h5").length() == 0, "nothing written for the refused run");
    }
}
