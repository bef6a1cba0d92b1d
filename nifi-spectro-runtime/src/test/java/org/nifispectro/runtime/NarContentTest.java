package org.nifispectro.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The NAR a facility deploys: pure Java (no native library anywhere, also not inside a bundled jar),
 * within its size budget, and its extension manifest lists every processor of the project.
 */
class NarContentTest {

    /** Issue 2: NAR <= 30 MB. */
    private static final long SIZE_BUDGET_BYTES = 30L * 1024 * 1024;
    private static final Pattern NATIVE_ENTRY = Pattern.compile("(?i).*\\.(so|so\\.\\d+|dll|dylib|jnilib|a)$");
    private static final Pattern NATIVE_JAR = Pattern.compile("(?i).*/(javacpp|openblas|arpack|mkl|duckdb|sqlite-jdbc|lz4-java|snappy|zstd-jni|netty-tcnative)[^/]*\\.jar$");

    private static Path nar;

    @BeforeAll
    static void locate() {
        nar = Paths.get(System.getProperty("spectro.nar", "../nifi-spectro-nar/target/nifi-spectro-nar.nar"));
        assertTrue(Files.isRegularFile(nar), "the NAR should have been built before this module: " + nar);
    }

    @Test
    void narIsWithinItsSizeBudget() throws IOException {
        long size = Files.size(nar);
        assertTrue(size <= SIZE_BUDGET_BYTES, "NAR is " + size / 1048576 + " MB, budget " + SIZE_BUDGET_BYTES / 1048576 + " MB");
    }

    @Test
    void narHoldsNoNativeLibraries() throws IOException {
        List<String> natives = new ArrayList<>();
        try (ZipFile zip = new ZipFile(nar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String name = e.getName();
                if (NATIVE_ENTRY.matcher(name).matches() || NATIVE_JAR.matcher(name).matches()) {
                    natives.add(name);
                } else if (name.endsWith(".jar")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        natives.addAll(nativeEntriesOf(name, in.readAllBytes()));
                    }
                }
            }
        }
        assertEquals(List.of(), natives, "native libraries in the NAR");
    }

    /**
     * SMILE is GPL-3.0: a NAR holding it must be passed on under the GPL. The main code calls none of it
     * (README, "Licences"); should that change, the README's licence section has to change with it.
     */
    @Test
    void narHoldsNoGplSmile() throws IOException {
        List<String> smile = new ArrayList<>();
        try (ZipFile zip = new ZipFile(nar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (e.getName().matches("META-INF/bundled-dependencies/smile-.*\\.jar")) {
                    smile.add(e.getName());
                }
            }
        }
        assertEquals(List.of(), smile, "SMILE (GPL-3.0) in the NAR: update the README's licence section first");
    }

    @Test
    void extensionManifestListsEveryProcessor() throws IOException {
        Set<String> declared = new TreeSet<>();
        try (ZipFile zip = new ZipFile(nar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (e.getName().matches("META-INF/bundled-dependencies/nifi-spectro-processors-.*\\.jar")) {
                    declared.addAll(servicesOf(zip.getInputStream(e).readAllBytes()));
                }
            }
        }
        Path services = processorsServicesFile();
        for (String line : Files.readAllLines(services)) {
            String type = line.strip();
            if (!type.isEmpty() && !type.startsWith("#")) {
                assertTrue(declared.contains(type), type + " is in the source services file but not in the NAR's jar");
            }
        }
        assertFalse(declared.isEmpty(), "the NAR declares no processor");
        Set<String> inManifest = ExtensionManifest.read(nar).types();
        for (String type : declared) {
            assertTrue(inManifest.contains(type), type + " is missing from extension-manifest.xml: " + inManifest);
        }
    }

    private static List<String> nativeEntriesOf(String jarName, byte[] jar) throws IOException {
        List<String> found = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (NATIVE_ENTRY.matcher(e.getName()).matches()) {
                    found.add(jarName + "!/" + e.getName());
                }
            }
        }
        return found;
    }

    private static Set<String> servicesOf(byte[] jar) throws IOException {
        Set<String> types = new TreeSet<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals("META-INF/services/org.apache.nifi.processor.Processor")) {
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        String t = line.strip();
                        if (!t.isEmpty() && !t.startsWith("#")) {
                            types.add(t);
                        }
                    }
                }
            }
        }
        return types;
    }

    private static Path processorsServicesFile() {
        return Paths.get(System.getProperty("spectro.repo", ".."))
                .resolve("nifi-spectro-processors/src/main/resources/META-INF/services/org.apache.nifi.processor.Processor");
    }
}
