package org.nifispectro.io.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Truncated HDF5 files are refused from the superblock's end-of-file address before jHDF decodes anything.
 * Expected values from the files themselves: a complete file's length equals its declared end of file
 * (h5py and jHDF write it so), and any shorter copy of it is incomplete by definition.
 */
class Hdf5SuperblockTest {

    @TempDir
    Path dir;

    private Path resource(String path) throws Exception {
        Path p = dir.resolve(Path.of(path).getFileName().toString());
        try (InputStream in = Hdf5SuperblockTest.class.getResourceAsStream(path)) {
            Files.copy(in, p);
        }
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/io/stack/nxstxm_h5py.h5", "/io/stack/contiguous_types.h5", "/io/stack/nxdata_yxe_decreasing_kev.h5"})
    void completeFilesPassAndDeclareTheirLength(String name) throws Exception {
        Path f = resource(name);
        Hdf5Superblock.Info info = Hdf5Superblock.read(f);
        assertNotNull(info);
        assertEquals(0, info.offset());
        assertTrue(info.endOfFile() > 0 && info.endOfFile() <= Files.size(f), info + " vs " + Files.size(f) + " bytes");
        assertNull(Hdf5Superblock.problem(f, Files.size(f)));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.9, 0.5, 0.1})
    void truncatedCopiesAreRefusedByTheReaderAsCorrupt(double keep) throws Exception {
        Path f = resource("/io/stack/nxstxm_h5py.h5");
        byte[] all = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.h5");
        Files.write(cut, Arrays.copyOf(all, (int) (all.length * keep)));
        StackFormatException e = assertThrows(StackFormatException.class, () -> StackReader.open(cut));
        assertEquals(StackFormatException.Problem.CORRUPT, e.problem());
        assertTrue(e.getMessage().contains("truncated HDF5 file: its superblock says the file has " + all.length + " bytes"),
                e.getMessage());
    }

    @Test
    void endingInsideTheSuperblockIsTruncated() throws Exception {
        Path f = resource("/io/stack/nxstxm_h5py.h5");
        Path cut = dir.resolve("head.h5");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(f), 20));
        assertTrue(Hdf5Superblock.problem(cut, 20).startsWith("truncated HDF5 file: it ends inside its superblock"));
    }

    /** The two 317-byte files fuzzing found (jHDF took 17-25 s and ~3 GB of heap on them) now fail at once. */
    @ParameterizedTest
    @ValueSource(strings = {"truncated-superblock-eof-1.h5", "truncated-superblock-eof-2.h5"})
    void fuzzFindingsAreRefusedBeforeJhdf(String name) throws Exception {
        Path f = resource("/org/nifispectro/processors/ReaderFuzzTestInputs/hdf5Stack/" + name);
        assertEquals("truncated HDF5 file: its superblock says the file has 6232 bytes, it has 317 (an incomplete copy, or "
                + "a detector still writing it)", Hdf5Superblock.problem(f, Files.size(f)));
    }

    @Test
    void noSignatureIsNotHdf5() throws Exception {
        Path f = dir.resolve("x.h5");
        Files.write(f, new byte[600]);
        assertNull(Hdf5Superblock.read(f));
        assertTrue(Hdf5Superblock.problem(f, 600).startsWith("not an HDF5 file"));
    }
}
