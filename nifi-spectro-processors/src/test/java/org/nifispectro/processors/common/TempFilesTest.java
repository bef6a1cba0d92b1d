package org.nifispectro.processors.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temp files of a killed JVM are swept by the next one; those of a live JVM are left alone. */
class TempFilesTest {

    @Test
    void tempFilesLiveInTheLockedFolderOfThisJvm() throws Exception {
        Path f = TempFiles.create(".h5");
        try {
            assertEquals(TempFiles.directory(), f.getParent());
            assertTrue(f.getParent().getFileName().toString().startsWith(TempFiles.DIR_PREFIX), f.toString());
            assertTrue(Files.isRegularFile(f.getParent().resolve(".lock")));
            // a sweep from this JVM never deletes its own folder
            TempFiles.sweepAbandoned(f.getParent().getParent());
            assertTrue(Files.exists(f));
        } finally {
            TempFiles.deleteQuietly(f);
        }
    }

    @Test
    void folderOfALiveProcessStaysAndIsSweptOnceThatProcessIsKilled(@TempDir Path base) throws Exception {
        Path dir = Files.createDirectories(base.resolve(TempFiles.DIR_PREFIX + "other"));
        Path spooled = Files.writeString(dir.resolve("nifi-spectro-1.h5"), "half a stack");
        Files.createFile(dir.resolve(".lock"));
        Path abandoned = Files.createDirectories(base.resolve(TempFiles.DIR_PREFIX + "dead"));
        Files.writeString(abandoned.resolve("nifi-spectro-2.h5"), "left by a killed NiFi");
        Files.createFile(abandoned.resolve(".lock"));
        Path unrelated = Files.createDirectories(base.resolve("nifi-spectro-bench"));

        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                HoldLock.class.getName(), dir.resolve(".lock").toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());

            assertEquals(1, TempFiles.sweepAbandoned(base));
            assertFalse(Files.exists(abandoned), "the folder of a process that is gone is deleted");
            assertTrue(Files.exists(spooled), "the folder of a live process is left alone");
            assertTrue(Files.exists(unrelated));

            holder.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook
            assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, TempFiles.sweepAbandoned(base));
            assertFalse(Files.exists(dir), "swept once its process was killed");
            assertTrue(Files.exists(unrelated));
        } finally {
            holder.destroyForcibly();
        }
    }

    /** Holds an OS lock on a file until killed (a NiFi with temp files in use). */
    public static final class HoldLock {
        public static void main(String[] args) throws Exception {
            try (FileChannel channel = FileChannel.open(Paths.get(args[0]), StandardOpenOption.WRITE)) {
                channel.lock();
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(TimeUnit.MINUTES.toMillis(10));
            }
        }
    }
}
