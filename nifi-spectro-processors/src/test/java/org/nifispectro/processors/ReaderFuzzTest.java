package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.util.MockProcessContext;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing (Jazzer) of every reader, driven through the processor that uses it, so the
 * processor's error mapping is fuzzed too. Each target checks {@link FuzzContract}: a valid result, or
 * the FlowFile in {@code failure}, unchanged, with a message of kind {@code input}/{@code limit}; never
 * an unforeseen exception. The model file (a property, not FlowFile content) is checked through
 * ClassifyStructure's validation: a valid model or a {@code ModelFormatException} message, nothing else.
 *
 * <p>Modes (Jazzer's): in the normal test run ({@code bin/test}) every target runs on its seed corpus
 * under {@code src/test/resources/org/nifispectro/processors/ReaderFuzzTestInputs/<target>/} (files
 * from the test resources, plus the crashing inputs of past findings as regression seeds) and on the
 * empty input. {@code bin/fuzz [seconds]} fuzzes each target in turn ({@code JAZZER_FUZZ=1}; Jazzer
 * fuzzes only one {@code @FuzzTest} per JVM) and writes the number of inputs tried per target.
 *
 * <p>Limits are set low (memory budget, atoms, NMF iterations) so that the fuzzer spends its time in
 * the parsers, not in the science on the inputs it makes valid; the limits' own refusals are part of
 * the contract (kind {@code limit}).
 */
class ReaderFuzzTest {

    private static TestRunner stack;
    private static TestRunner spectrum;
    private static TestRunner gr;
    private static TestRunner cif;
    private static TestRunner series;
    private static TestRunner model;
    private static Path modelDir;
    private static final AtomicLong MODEL_FILES = new AtomicLong();

    @AfterAll
    static void counts() {
        FuzzContract.writeCounts();
    }

    /** HDF5 stacks (io.stack: StackReader, layout detection, NeXus/Data Exchange/FXI) via NormalizeSpectra. */
    @FuzzTest(maxDuration = "30s")
    void hdf5Stack(byte[] input) {
        if (stack == null) {
            stack = TestRunners.newTestRunner(NormalizeSpectra.class);
            stack.setProperty(NormalizeSpectra.MEMORY_BUDGET, "32 MB");
            stack.setProperty(NormalizeSpectra.WORKER_THREADS, "1");
        }
        FuzzContract.check("hdf5Stack", stack, NormalizeSpectra.REL_FAILURE, input, Map.of("filename", "fuzz.h5"));
    }

    /** XDI 1.0 and column spectra (xas.io: XdiReader, ColumnFileReader, MuSpec) via ExtractEXAFS. */
    @FuzzTest(maxDuration = "30s")
    void spectrumText(byte[] input) {
        if (spectrum == null) {
            spectrum = TestRunners.newTestRunner(ExtractEXAFS.class);
            spectrum.setProperty(ExtractEXAFS.MAX_INPUT_SIZE, "1 MB");
        }
        FuzzContract.check("spectrumText", spectrum, ExtractEXAFS.REL_FAILURE, input, Map.of("filename", "fuzz.xdi"));
    }

    /** .gr files (pdf.io.GrReader, classify.PdfProfile) via ClassifyStructure with the default model. */
    @FuzzTest(maxDuration = "30s")
    void grFile(byte[] input) {
        if (gr == null) {
            gr = TestRunners.newTestRunner(ClassifyStructure.class);
        }
        FuzzContract.check("grFile", gr, ClassifyStructure.REL_FAILURE, input, Map.of("filename", "fuzz.gr"));
    }

    /** CIF (pdf.cif: CifParser, CifStructureReader, SymmetryOperation, SpaceGroups) via SimulatePDF. */
    @FuzzTest(maxDuration = "30s")
    void cifFile(byte[] input) {
        if (cif == null) {
            cif = TestRunners.newTestRunner(SimulatePDF.class);
            cif.setProperty(SimulatePDF.MAX_ATOMS, "64");
            cif.setProperty(SimulatePDF.RMAX, "10.1");
            cif.setProperty(SimulatePDF.MAX_CIF_SIZE, "1 MB");
        }
        FuzzContract.check("cifFile", cif, SimulatePDF.REL_FAILURE, input, Map.of("filename", "fuzz.cif"));
    }

    /** Series archives (series: ArchiveReader TAR/ZIP, ColumnTextReader, CommonGrid) via DecomposePCANMF. */
    @FuzzTest(maxDuration = "30s")
    void seriesArchive(byte[] input) {
        if (series == null) {
            series = TestRunners.newTestRunner(DecomposePCANMF.class);
            series.setProperty(DecomposePCANMF.MAX_ITER, "50");
            series.setProperty(DecomposePCANMF.MAX_ENTRIES, "64");
            series.setProperty(DecomposePCANMF.MAX_ENTRY_SIZE, "1 MB");
            series.setProperty(DecomposePCANMF.MAX_EXPANDED, "4 MB");
            series.setProperty(DecomposePCANMF.MEMORY_BUDGET, "32 MB");
        }
        FuzzContract.check("seriesArchive", series, DecomposePCANMF.REL_FAILURE, input,
                Map.of("filename", "fuzz.tar"));
    }

    /**
     * Model files (classify.ModelFile via ModelCache) as ClassifyStructure loads them when it is configured:
     * either the model is valid or validation names the problem; no other exception.
     */
    @FuzzTest(maxDuration = "30s")
    void modelFile(byte[] input) throws IOException {
        FuzzContract.count("modelFile");
        if (model == null) {
            model = TestRunners.newTestRunner(ClassifyStructure.class);
            modelDir = Files.createTempDirectory("fuzz-model");
            modelDir.toFile().deleteOnExit();
        }
        // a new name per input: ModelCache keys on path, size and mtime
        Path file = modelDir.resolve("m" + MODEL_FILES.incrementAndGet() + ".zip");
        Files.write(file, input);
        try {
            model.setProperty(ClassifyStructure.MODEL_FILE, file.toString());
            Collection<ValidationResult> results = ((MockProcessContext) model.getProcessContext()).validate();
            for (ValidationResult r : results) {
                if (!r.isValid()) {
                    assertTrue(r.getExplanation() != null && !r.getExplanation().isBlank(),
                            "an invalid model is explained");
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
