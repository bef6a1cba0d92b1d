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

    private TempFiles() {
    }

    public static Path spool(ProcessSession session, FlowFile flowFile, String suffix) throws IOException {
        Path file = Files.createTempFile("nifi-spectro-", suffix);
        try {
            session.read(flowFile, (InputStream in) -> Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING));
            return file;
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    public static Path create(String suffix) throws IOException {
        return Files.createTempFile("nifi-spectro-", suffix);
    }

    public static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file that cannot be deleted is left to the OS; nothing else to do
        }
    }
}
