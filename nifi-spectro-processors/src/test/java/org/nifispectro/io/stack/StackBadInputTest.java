package org.nifispectro.io.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.io.stack.StackFormatException.Problem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nifispectro.io.stack.StackFixtures.linspace;

/** Issue 3 "Bad input" and issue 9 corpus for the stack reader: every case a precise exception. */
class StackBadInputTest {

    @TempDir
    Path dir;

    private StackFormatException fails(Path f, StackOptions o) {
        return assertThrows(StackFormatException.class, () -> {
            try (StackReader r = StackReader.open(f, o)) {
                r.readSlab(0, r.info().ny());
            }
        });
    }

    private StackFormatException fails(Path f) {
        return fails(f, StackOptions.DEFAULT);
    }

    private Path good(String name) {
        return StackFixtures.dataExchange(dir.resolve(name), StackFixtures.eyx(16, 20, 12), linspace(700, 715, 16), "eV");
    }

    @Test
    void emptyFile() throws Exception {
        Path f = Files.write(dir.resolve("empty.h5"), new byte[0]);
        StackFormatException e = fails(f);
        assertEquals(Problem.NOT_HDF5, e.problem());
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertTrue(e.getMessage().contains("file empty.h5"), e.getMessage());
    }

    @Test
    void randomBytes() throws Exception {
        byte[] b = new byte[5000];
        new Random(1).nextBytes(b);
        StackFormatException e = fails(Files.write(dir.resolve("random.h5"), b));
        assertEquals(Problem.NOT_HDF5, e.problem());
        assertTrue(e.getMessage().contains("no HDF5 signature"), e.getMessage());
    }

    @Test
    void missingFile() {
        assertEquals(Problem.IO, fails(dir.resolve("nope.h5")).problem());
    }

    @Test
    void truncatedFileIsCaughtAtOpen() throws Exception {
        Path f = good("t.h5");
        byte[] all = Files.readAllBytes(f);
        // keep the metadata (written after the data by jHDF? no: before) but cut into the data block
        Path t = Files.write(dir.resolve("trunc.h5"), Arrays.copyOf(all, all.length - 3000));
        StackFormatException e = fails(t);
        assertEquals(Problem.CORRUPT, e.problem(), e.getMessage());
    }

    /**
     * Every truncation point and a set of random byte flips: the reader either works or throws
     * StackFormatException, never anything else.
     */
    @Test
    void truncationsAndBitFlipsNeverEscapeAsOtherExceptions() throws Exception {
        Path f = good("fuzz.h5");
        byte[] all = Files.readAllBytes(f);
        int tried = 0;
        int failed = 0;
        Random rnd = new Random(42);
        for (int i = 0; i < 300; i++) {
            byte[] b;
            if (i < 100) {
                b = Arrays.copyOf(all, (int) ((long) all.length * i / 100));
            } else {
                b = all.clone();
                int flips = 1 + rnd.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    // mostly in the metadata at the start
                    int pos = rnd.nextInt(i % 2 == 0 ? Math.min(all.length, 2048) : all.length);
                    b[pos] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            Path p = Files.write(dir.resolve("fz" + i + ".h5"), b);
            tried++;
            try (StackReader r = StackReader.open(p)) {
                for (int y = 0; y < r.info().ny(); y += 7) {
                    r.readSlab(y, Math.min(7, r.info().ny() - y));
                }
            } catch (StackFormatException e) {
                failed++;
                assertTrue(e.getMessage().length() > 10);
            } catch (IllegalArgumentException e) {
                // a flipped dimension can make a declared-valid shape; still a clean, described error
                failed++;
            }
        }
        assertEquals(300, tried);
        assertTrue(failed >= 100, "all truncations must fail, failed " + failed);
    }

    /** Same for the h5py chunked + gzip fixture read through jHDF (damaged compressed chunks). */
    @Test
    void chunkedCompressedFuzz() throws Exception {
        byte[] all = Files.readAllBytes(StackReaderTest.resource(dir, "nxstxm_h5py.h5"));
        Random rnd = new Random(7);
        int failed = 0;
        for (int i = 0; i < 200; i++) {
            byte[] b = i < 50 ? Arrays.copyOf(all, all.length * i / 50) : all.clone();
            if (i >= 50) {
                for (int k = 0, n = 1 + rnd.nextInt(6); k < n; k++) {
                    int pos = rnd.nextInt(all.length);
                    b[pos] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            Path p = Files.write(dir.resolve("cz" + i + ".h5"), b);
            try (StackReader r = StackReader.open(p)) {
                for (int y = 0; y < r.info().ny(); y += 2) {
                    r.readSlab(y, Math.min(2, r.info().ny() - y));
                }
            } catch (StackFormatException | IllegalArgumentException e) {
                failed++;
            }
        }
        assertTrue(failed >= 50, "every truncation must fail, failed " + failed);
    }

    @Test
    void missingEnergyDataset() throws Exception {
        Path f = dir.resolve("noenergy.h5");
        try (var w = io.jhdf.HdfFile.write(f)) {
            w.putGroup("exchange").putDataset("data", StackFixtures.eyx(3, 2, 2));
        }
        StackFormatException e = fails(f);
        assertEquals(Problem.MISSING_DATASET, e.problem());
        assertEquals("/exchange/energy", e.datasetPath());
        assertTrue(e.getMessage().contains("no dataset or group '/exchange/energy'"), e.getMessage());
    }

    @Test
    void customPathMissing() throws Exception {
        StackFormatException e = fails(good("c.h5"), StackOptions.custom("/entry/data", "/entry/energy"));
        assertEquals(Problem.MISSING_DATASET, e.problem());
        assertTrue(e.getMessage().contains("'/entry'"), e.getMessage());
    }

    @Test
    void unknownLayout() throws Exception {
        Path f = dir.resolve("unknown.h5");
        try (var w = io.jhdf.HdfFile.write(f)) {
            w.putDataset("something", new double[] {1, 2, 3});
        }
        StackFormatException e = fails(f);
        assertEquals(Problem.UNKNOWN_LAYOUT, e.problem());
        assertTrue(e.getMessage().contains("[something]"), e.getMessage());
    }

    @Test
    void ambiguousGenericLayout() throws Exception {
        Path f = dir.resolve("amb.h5");
        try (var w = io.jhdf.HdfFile.write(f)) {
            w.putDataset("a", StackFixtures.eyx(3, 2, 2));
            w.putDataset("b", StackFixtures.eyx(3, 2, 2));
            w.putDataset("energy", linspace(700, 702, 3));
        }
        assertEquals(Problem.AMBIGUOUS_LAYOUT, fails(f).problem());
    }

    @Test
    void nonMonotonicEnergyNamesFirstBadIndex() throws Exception {
        double[] e = linspace(700, 715, 16);
        e[9] = e[7];
        Path f = StackFixtures.dataExchange(dir.resolve("nm.h5"), StackFixtures.eyx(16, 2, 2), e, "eV");
        StackFormatException x = fails(f);
        assertEquals(Problem.ENERGY_NOT_MONOTONIC, x.problem());
        assertEquals(9, x.index());
        assertEquals("/exchange/energy", x.datasetPath());
        assertTrue(x.getMessage().contains("energy[9] = 707.0 after energy[8] = 708.0"), x.getMessage());
    }

    @Test
    void repeatedEnergyIsNotStrictlyIncreasing() throws Exception {
        double[] e = {700, 701, 701, 702};
        Path f = StackFixtures.dataExchange(dir.resolve("rep.h5"), StackFixtures.eyx(4, 2, 2), e, "eV");
        StackFormatException x = fails(f);
        assertEquals(Problem.ENERGY_NOT_MONOTONIC, x.problem());
        assertEquals(2, x.index());
    }

    @Test
    void wrongLengthEnergy() throws Exception {
        Path f = StackFixtures.dataExchange(dir.resolve("wl.h5"), StackFixtures.eyx(16, 3, 4), linspace(700, 714, 15), "eV");
        StackFormatException x = fails(f);
        assertEquals(Problem.ENERGY_LENGTH_MISMATCH, x.problem());
        assertTrue(x.getMessage().contains("energy axis has 15 values"), x.getMessage());
        assertTrue(x.getMessage().contains("[16, 3, 4]"), x.getMessage());
    }

    @Test
    void nanEnergy() throws Exception {
        double[] e = linspace(700, 705, 6);
        e[4] = Double.NaN;
        Path f = StackFixtures.dataExchange(dir.resolve("ne.h5"), StackFixtures.eyx(6, 2, 2), e, "eV");
        StackFormatException x = fails(f);
        assertEquals(Problem.ENERGY_NOT_FINITE, x.problem());
        assertEquals(4, x.index());
    }

    @Test
    void singleEnergy() throws Exception {
        Path f = StackFixtures.dataExchange(dir.resolve("one.h5"), StackFixtures.eyx(1, 3, 3), new double[] {700}, "eV");
        StackFormatException x = fails(f);
        assertEquals(Problem.TOO_FEW_ENERGIES, x.problem());
        assertTrue(x.getMessage().contains("stack has 1 energy, at least 2 needed"), x.getMessage());
        Path g = StackFixtures.dataExchange(dir.resolve("few.h5"), StackFixtures.eyx(4, 3, 3), linspace(700, 703, 4), "eV");
        assertEquals(Problem.TOO_FEW_ENERGIES, fails(g, StackOptions.DEFAULT.withMinEnergies(5)).problem());
    }

    @Test
    void zeroSizeDimension() throws Exception {
        StackFormatException x = fails(StackReaderTest.resource(dir, "zero_size.h5"));
        assertEquals(Problem.ZERO_SIZE, x.problem());
        assertTrue(x.getMessage().contains("dimension 1 of shape [5, 0, 4]"), x.getMessage());
    }

    @Test
    void externalLinkRefused() throws Exception {
        StackFormatException x = fails(StackReaderTest.resource(dir, "external_link.h5"));
        assertEquals(Problem.EXTERNAL_LINK, x.problem());
        assertEquals("/exchange/data", x.datasetPath());
    }

    @Test
    void stringDataNotNumeric() throws Exception {
        StackFormatException x = fails(StackReaderTest.resource(dir, "string_data.h5"));
        assertEquals(Problem.NOT_NUMERIC, x.problem());
    }

    @Test
    void twoDimensionalData() throws Exception {
        Path f = dir.resolve("2d.h5");
        try (var w = io.jhdf.HdfFile.write(f)) {
            var g = w.putGroup("exchange");
            g.putDataset("data", new float[][] {{1, 2}, {3, 4}});
            g.putDataset("energy", new double[] {700, 701});
        }
        StackFormatException x = fails(f);
        assertEquals(Problem.BAD_RANK, x.problem());
    }

    @Test
    void badUnitsAttribute() throws Exception {
        Path f = StackFixtures.dataExchange(dir.resolve("u.h5"), StackFixtures.eyx(3, 2, 2), linspace(1, 3, 3), "nm");
        StackFormatException x = fails(f);
        assertEquals(Problem.BAD_UNITS, x.problem());
        assertTrue(x.getMessage().contains("'nm'"));
    }

    @Test
    void energyOnMiddleAxisRefused() throws Exception {
        Path f = StackFixtures.nexus(dir.resolve("mid.h5"), new float[3][4][5], linspace(700, 703, 4),
                new String[] {"sample_y", "energy", "sample_x"});
        StackFormatException x = fails(f);
        assertEquals(Problem.BAD_AXES, x.problem());
    }

    @Test
    void optionsValidatedUpFront() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StackOptions.custom("/a", null));
        assertTrue(e.getMessage().contains("both the data path and the energy path"));
        assertThrows(IllegalArgumentException.class, () -> StackOptions.DEFAULT.withMinEnergies(1));
    }
}
