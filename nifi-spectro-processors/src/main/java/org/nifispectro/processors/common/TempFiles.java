package org.nifispectro.processors.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.ProcessSession;

/**
 * Random-access formats (HDF5) cannot be read from a stream: the content is spooled to a temp file
 * that the caller deletes in a finally block ({@link #deleteQuietly(Path)}).
 */
public final class TempFiles {

    /** Files made here and not yet deleted, so tests can check that every processor cleans up. */
    private static final java.util.concurrent.atomic.AtomicLong LIVE = new java.util.concurrent.atomic.AtomicLong();

    private TempFiles() {
    }

    /** @return temp files made by this class in this JVM and not deleted yet */
    public static long live() {
        return LIVE.get();
    }

    public static Path spool(ProcessSession session, FlowFile flowFile, String suffix) throws IOException {
        Path file = Files.createTempFile("nifi-spectro-", suffix);
        LIVE.incrementAndGet();
        try {
            session.read(flowFile, (InputStream in) -> Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING));
            return file;
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    public static Path create(String suffix) throws IOException {
        Path file = Files.createTempFile("nifi-spectro-", suffix);
        LIVE.incrementAndGet();
        return file;
    }

    /**
     * An empty file with exactly this name (directory parts and unusual characters replaced) in a new private
     * temp directory: for outputs whose writer records the file's own name (the NeXus {@code @file_name} of
     * StackWriter), which must be the output's name, not a random temp name that differs from run to run.
     * {@link #deleteQuietly} removes the directory too.
     */
    public static Path createNamed(String fileName) throws IOException {
        String name = fileName == null ? "" : fileName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            name = "output";
        }
        Path dir = Files.createTempDirectory("nifi-spectro-");
        Path file = Files.createFile(dir.resolve(name));
        LIVE.incrementAndGet();
        return file;
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
            if (dir != null && dir.getFileName() != null && dir.getFileName().toString().startsWith("nifi-spectro-")
                    && dir.getParent() != null
                    && dir.getParent().equals(Path.of(System.getProperty("java.io.tmpdir")))) {
                Files.deleteIfExists(dir); // the directory of createNamed (fails, harmlessly, when not empty)
            }
        } catch (IOException ignored) {
            // a temp file that cannot be deleted is left to the OS; nothing else to do
        }
    }
}
