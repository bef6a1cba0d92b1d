package org.nifispectro.classify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads models once: keyed by path, size and modification time (a replaced file is re-read), or
 * the bundled default model. Models are immutable and shared between threads.
 */
public final class ModelCache {

    /** Class-path location of the default model shipped with the project. */
    public static final String DEFAULT_RESOURCE = "/org/nifispectro/classify/default-model.zip";

    private static final ConcurrentHashMap<String, ClassifierModel> CACHE = new ConcurrentHashMap<>();

    private ModelCache() {
    }

    /** @return the model at the path (validated), from the cache when unchanged */
    public static ClassifierModel load(Path file) throws ModelFormatException {
        String key;
        try {
            key = file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new ModelFormatException("model file " + file + " cannot be read: " + e.getMessage(), e);
        }
        ClassifierModel m = CACHE.get(key);
        if (m == null) {
            m = ModelFile.read(file);
            if (CACHE.size() > 16) {
                CACHE.clear();
            }
            CACHE.put(key, m);
        }
        return m;
    }

    /** @return the default model shipped in the jar */
    public static ClassifierModel loadDefault() throws ModelFormatException {
        ClassifierModel m = CACHE.get(DEFAULT_RESOURCE);
        if (m == null) {
            try (InputStream in = ModelCache.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                if (in == null) {
                    throw new ModelFormatException("default model " + DEFAULT_RESOURCE + " is missing from the jar",
                            null);
                }
                m = ModelFile.read(new java.io.BufferedInputStream(in, 1 << 16), "default model " + DEFAULT_RESOURCE);
            } catch (IOException e) {
                throw new ModelFormatException("default model " + DEFAULT_RESOURCE + " cannot be read: "
                        + e.getMessage(), e);
            }
            CACHE.put(DEFAULT_RESOURCE, m);
        }
        return m;
    }
}
