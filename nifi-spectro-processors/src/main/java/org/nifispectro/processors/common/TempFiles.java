package org.nifispectro.processors.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.ProcessSession;

/**
 * Random-access formats (HDF5) cannot be read from a stream: the content is spooled to a temp file
 * that the caller deletes in a finally block ({@link #deleteQuietly(Path)}).
 *
 * <p>A finally block does not run when NiFi is killed (SIGKILL, OOM killer, power loss): CrashSafetyIT
 * found the spooled stacks and half-written outputs of the tasks running at the kill left in the temp
 * folder for good (a copy of every stack in flight, gigabytes for real stacks). So the temp files of one
 * JVM live in a folder of their own, {@code <java.io.tmpdir>/nifi-spectro-tmp-<random>/}, whose
 * {@code .lock} file the JVM holds locked (an OS file lock, released by the kernel when the process dies,
 * however it dies). The first use in a JVM deletes every such folder whose lock it can take: those of
 * processes that no longer run. Folders of live NiFis (other instances on the same host) stay locked and
 * are left alone. If the folder cannot be made, the temp folder itself is used, as before.
 */
public final class TempFiles {

    /** Files made here and not yet deleted, so tests can check that every processor cleans up. */
    private static final java.util.concurrent.atomic.AtomicLong LIVE = new java.util.concurrent.atomic.AtomicLong();
    /** Prefix of the per-JVM temp folders in java.io.tmpdir. */
    public static final String DIR_PREFIX = "nifi-spectro-tmp-";
    private static final String LOCK = ".lock";
    private static final String NAMED_PREFIX = "named-";

    private TempFiles() {
    }

    /** @return temp files made by this class in this JVM and not deleted yet */
    public static long live() {
        return LIVE.get();
    }

    public static Path spool(ProcessSession session, FlowFile flowFile, String suffix) throws IOException {
        Path file = create(suffix);
        try {
            session.read(flowFile, (InputStream in) -> Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING));
            return file;
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    public static Path create(String suffix) throws IOException {
        Path file = Files.createTempFile(Owned.DIR, "nifi-spectro-", suffix);
        LIVE.incrementAndGet();
        return file;
    }

    /**
     * An empty file with exactly this name (directory parts and unusual characters replaced) in a new private
     * directory inside this JVM's temp folder: for outputs whose writer records the file's own name (the NeXus
     * {@code @file_name} of StackWriter), which must be the output's name, not a random temp name that differs
     * from run to run. {@link #deleteQuietly} removes the directory too.
     */
    public static Path createNamed(String fileName) throws IOException {
        String name = fileName == null ? "" : fileName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            name = "output";
        }
        Path dir = Files.createTempDirectory(Owned.DIR, NAMED_PREFIX);
        Path file = Files.createFile(dir.resolve(name));
        LIVE.incrementAndGet();
        return file;
    }

    /** The folder this JVM's temp files are created in. */
    public static Path directory() {
        return Owned.DIR;
    }

    public static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            if (Files.deleteIfExists(file)) {
                LIVE.decrementAndGet();
            }
            Path dir = file.getParent();
            if (dir != null && dir.getFileName() != null && dir.getFileName().toString().startsWith(NAMED_PREFIX)
                    && dir.getParent() != null && dir.getParent().equals(Owned.DIR)) {
                Files.deleteIfExists(dir); // the directory of createNamed (fails, harmlessly, when not empty)
            }
        } catch (IOException ignored) {
            // a temp file that cannot be deleted is left to the OS; nothing else to do
        }
    }

    /**
     * Deletes the temp folders (with their files) under {@code base} left by processes that no longer run:
     * those whose {@code .lock} this process can lock. Returns how many folders were deleted. Never throws:
     * a folder that cannot be inspected or deleted is left for a later sweep.
     */
    public static int sweepAbandoned(Path base) {
        int deleted = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, DIR_PREFIX + "*")) {
            for (Path dir : dirs) {
                Path lockFile = dir.resolve(LOCK);
                if (dir.equals(Owned.dirOrNull()) || !Files.isDirectory(dir) || !Files.isRegularFile(lockFile)) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                    FileLock lock = channel.tryLock();
                    if (lock == null) {
                        continue; // its JVM is alive
                    }
                    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                        // deepest first: the files, then the directories of createNamed
                        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            if (!f.equals(dir) && !f.equals(lockFile)) {
                                Files.deleteIfExists(f);
                            }
                        }
                    } finally {
                        lock.release();
                    }
                    Files.deleteIfExists(lockFile);
                    Files.deleteIfExists(dir);
                    deleted++;
                } catch (OverlappingFileLockException | IOException e) {
                    // held by this JVM, or not ours to delete: leave it
                }
            }
        } catch (IOException e) {
            // temp folder not listable: nothing to sweep
        }
        return deleted;
    }

    /** On a normal JVM exit: this JVM's folder goes if nothing but its lock is left in it. */
    private static void removeIfEmpty(Path dir, FileChannel channel) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (!f.getFileName().toString().equals(LOCK)) {
                    return;
                }
            }
        } catch (IOException e) {
            return;
        }
        try {
            channel.close();
            Files.deleteIfExists(dir.resolve(LOCK));
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // left for the next sweep
        }
    }

    /** This JVM's temp folder, made (and the abandoned ones swept) on first use. */
    private static final class Owned {
        private static volatile Path made;
        static final Path DIR = make();

        static Path dirOrNull() {
            return made;
        }

        @SuppressWarnings("resource") // the lock channel stays open for the life of the JVM on purpose
        private static Path make() {
            Path base = Paths.get(System.getProperty("java.io.tmpdir"));
            sweepAbandoned(base);
            try {
                // made under another name and locked first, then renamed: a sweep never sees it unlocked
                Path fresh = Files.createTempDirectory(base, "nifi-spectro-new-");
                FileChannel channel = FileChannel.open(fresh.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                channel.lock();
                Path dir = base.resolve(DIR_PREFIX + fresh.getFileName().toString().substring("nifi-spectro-new-".length()));
                Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
                made = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> removeIfEmpty(dir, channel), "nifi-spectro-temp-cleanup"));
                return dir;
            } catch (IOException | RuntimeException e) {
                return base;
            }
        }
    }
}
