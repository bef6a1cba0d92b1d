package org.nifispectro.io.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nifispectro.io.stack.StackFixtures.linspace;
import static org.nifispectro.io.stack.StackFixtures.v;

class StackWriterTest {

    @TempDir
    Path dir;

    static final int NE = 6;
    static final int NY = 5;
    static final int NX = 4;

    /** Writes a result file: deferred stack in two slabs, maps, labels, spectra and history. */
    static Path writeResult(Path file, List<ProcessStep> previous, ProcessStep step) throws Exception {
        double[] e = linspace(7100, 7150, NE);
        float[] e0 = new float[NY * NX];
        int[] labels = new int[NY * NX];
        for (int p = 0; p < e0.length; p++) {
            e0[p] = 7110 + p * 0.25f;
            labels[p] = p % 4 - 2;
        }
        e0[3] = Float.NaN;
        StackWriter.Builder b = StackWriter.builder("entry")
                .stack("normalized", e, NY, NX)
                .map("e0", e0, NY, NX, "eV")
                .deferredMap("edge_step", NY, NX, "")
                .intMap("labels", labels, NY, NX, Map.of(-2, "rejected", -1, "outlier", 0, "phase 0", 1, "phase 1"))
                .spectra("cluster_spectra", e, new float[][] {{1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1}}, new int[] {0, 1},
                        new long[] {7, 8})
                .entryAttribute("cluster_count", 2)
                .history(previous)
                .step(step);
        try (StackWriter w = b.write(file)) {
            // stack rows in two slabs, pixel-major like StackReader gives them
            for (int[] slab : new int[][] {{0, 3}, {3, 2}}) {
                float[] pm = new float[slab[1] * NX * NE];
                for (int r = 0; r < slab[1]; r++) {
                    for (int x = 0; x < NX; x++) {
                        for (int k = 0; k < NE; k++) {
                            pm[(r * NX + x) * NE + k] = v(k, slab[0] + r, x);
                        }
                    }
                }
                w.writeStackRows("normalized", slab[0], slab[1], pm);
                float[] step2 = new float[slab[1] * NX];
                for (int i = 0; i < step2.length; i++) {
                    step2[i] = 0.5f * (slab[0] * NX + i);
                }
                w.writeMapRows("edge_step", slab[0], slab[1], step2);
            }
        }
        return file;
    }

    @Test
    void roundTripThroughJhdfAndStackReader() throws Exception {
        Path f = writeResult(dir.resolve("result.h5"), List.of(),
                ProcessStep.now("NormalizeSpectra", "0.1.0", "{\"pre1\":-150}", "in.h5", "uuid-1"));
        try (HdfFile h = new HdfFile(f)) {
            float[][] e0 = (float[][]) h.getDatasetByPath("/entry/e0/data").getData();
            assertEquals(7110.25f, e0[0][1], 0f);
            assertTrue(Float.isNaN(e0[0][3]));
            float[][] step = (float[][]) h.getDatasetByPath("/entry/edge_step/data").getData();
            assertEquals(0.5f * 19, step[4][3], 0f);
            int[][] lab = (int[][]) h.getDatasetByPath("/entry/labels/data").getData();
            assertEquals(-2, lab[0][0]);
            assertEquals(1, lab[4][3]);
            long[] pc = (long[]) h.getDatasetByPath("/entry/cluster_spectra/pixel_count").getData();
            assertArrayEquals(new long[] {7, 8}, pc);
        }
        // the NeXus @default chain leads StackReader to the normalized stack
        try (StackReader r = StackReader.open(f)) {
            assertEquals(StackLayout.NEXUS, r.info().layout());
            assertEquals("/entry/normalized/data", r.info().dataPath());
            assertArrayEquals(linspace(7100, 7150, NE), r.info().energiesEv(), 1e-9);
            StackReaderTest.assertAllSlabs(r, 2, false);
            List<ProcessStep> h = r.history();
            assertEquals(1, h.size());
            assertEquals("NormalizeSpectra", h.get(0).program());
            assertEquals("{\"pre1\":-150}", h.get(0).parametersJson());
            assertEquals(1, h.get(0).sequenceIndex());
        }
    }

    @Test
    void historyIsCopiedForwardAndAppended() throws Exception {
        Path a = writeResult(dir.resolve("a.h5"), List.of(),
                new ProcessStep(0, "NormalizeSpectra", "0.1.0", "2026-11-21T10:00:00Z", "{}", "raw.h5", "u1"));
        List<ProcessStep> prev;
        try (StackReader r = StackReader.open(a)) {
            prev = r.history();
        }
        Path b = writeResult(dir.resolve("b.h5"), prev,
                new ProcessStep(0, "RejectLowSNR", "0.1.0", "2026-11-21T10:01:00Z", "{\"snr\":3}", "a.h5", "u2"));
        try (StackReader r = StackReader.open(b)) {
            List<ProcessStep> h = r.history();
            assertEquals(2, h.size());
            assertEquals("NormalizeSpectra", h.get(0).program());
            assertEquals("raw.h5", h.get(0).inputFile());
            assertEquals("RejectLowSNR", h.get(1).program());
            assertEquals(2, h.get(1).sequenceIndex());
            assertEquals("2026-11-21T10:01:00Z", h.get(1).date());
        }
    }

    @Test
    void incompleteDeferredDatasetIsAnError() throws Exception {
        StackWriter w = StackWriter.builder("entry").stack("s", new double[] {1, 2}, 4, 3).write(dir.resolve("inc.h5"));
        w.writeStackRows("s", 0, 2, new float[2 * 3 * 2]);
        IllegalStateException e = assertThrows(IllegalStateException.class, w::close);
        assertTrue(e.getMessage().contains("/entry/s/data (2 of 4 rows, first 2)"), e.getMessage());
    }

    /** Writing over a larger existing file leaves no stale bytes (readable, history of the new file only). */
    @Test
    void overwritesExistingFile() throws Exception {
        Path f = dir.resolve("over.h5");
        java.nio.file.Files.write(f, new byte[3_000_000]);
        try (StackWriter w = StackWriter.builder("entry").map("m", new float[] {1, 2, 3, 4}, 2, 2, "").write(f)) {
            // nothing deferred
        }
        assertTrue(java.nio.file.Files.size(f) < 100_000, "file not truncated: " + java.nio.file.Files.size(f));
        try (HdfFile h = new HdfFile(f)) {
            assertEquals(4f, ((float[][]) h.getDatasetByPath("/entry/m/data").getData())[1][1], 0f);
        }
    }

    @Test
    void argumentsCheckedUpFront() {
        IllegalArgumentException en = assertThrows(IllegalArgumentException.class,
                () -> StackWriter.builder("entry").stack("s", new double[] {1, 3, 2}, 2, 2));
        assertTrue(en.getMessage().contains("energy[2] = 2.0 after 3.0"), en.getMessage());
        StackWriter.Builder b = StackWriter.builder("entry");
        assertThrows(IllegalArgumentException.class, () -> b.map("m", new float[5], 2, 3, "eV"));
        assertThrows(IllegalArgumentException.class, () -> b.map("a/b", new float[6], 2, 3, "eV"));
        b.map("m", new float[6], 2, 3, "eV");
        assertThrows(IllegalArgumentException.class, () -> b.map("m", new float[6], 2, 3, "eV"));
        assertThrows(IllegalArgumentException.class,
                () -> b.spectra("sp", new double[] {1, 2}, new float[][] {{1, 2, 3}}, new int[] {0}, new long[] {1}));
    }

    /** The result file opens in h5py (Debian python3-h5py, libhdf5 1.10) with the NeXus structure intact. */
    @Test
    void h5pyReadsTheResult() throws Exception {
        Path script = StackReaderTest.resource(dir, "check_with_h5py.py");
        String python = pythonWithH5py();
        Assumptions.assumeTrue(python != null, "python3 with h5py not installed");
        Path f = writeResult(dir.resolve("forh5py.h5"), List.of(),
                new ProcessStep(0, "DBSCANCluster", "0.1.0", "2026-11-21T11:00:00Z", "{\"eps\":0.27}", "x.h5", "u9"));
        Process p = new ProcessBuilder(python, script.toString(), f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        JsonNode j = new ObjectMapper().readTree(out);
        assertEquals("entry", j.get("entry").asText());
        assertEquals("NXentry", j.get("entry_class").asText());
        assertEquals("normalized", j.get("default").asText());
        JsonNode st = j.get("groups").get("normalized");
        assertEquals("NXdata", st.get("class").asText());
        assertEquals("[6,5,4]", st.get("shape").toString());
        assertEquals("float32", st.get("dtype").asText());
        assertEquals("[\"energy\",\".\",\".\"]", st.get("axes").toString());
        assertEquals(v(0, 0, 0), st.get("first").floatValue(), 0f);
        assertEquals(v(NE - 1, NY - 1, NX - 1), st.get("last").floatValue(), 0f);
        assertEquals("eV", st.get("energy_units").asText());
        assertEquals("int32", j.get("groups").get("labels").get("dtype").asText());
        assertEquals("eV", j.get("groups").get("e0").get("units").asText());
        JsonNode h = j.get("history").get(0);
        assertEquals("DBSCANCluster", h.get("program").asText());
        assertEquals("{\"eps\":0.27}", h.get("parameters").asText());
        assertEquals(1, h.get("sequence_index").asInt());
    }

    /**
     * The deferred datasets are enlarged placeholders whose data block is written once, at the end of the file
     * (ContiguousLayoutPatch): every value reads back in jHDF and in h5py (libhdf5, which checks the object header
     * and superblock checksums and the end-of-file address), and the file ends where the last block ends.
     */
    @Test
    void deferredDatasetsReadBackWholeInJhdfAndH5py() throws Exception {
        Path f = writeResult(dir.resolve("whole.h5"), List.of(),
                ProcessStep.now("NormalizeSpectra", "0.1.0", "{}", "in.h5", "u"));
        try (HdfFile h = new HdfFile(f)) {
            float[][][] s = (float[][][]) h.getDatasetByPath("/entry/normalized/data").getData();
            float[][] step = (float[][]) h.getDatasetByPath("/entry/edge_step/data").getData();
            for (int k = 0; k < NE; k++) {
                for (int y = 0; y < NY; y++) {
                    for (int x = 0; x < NX; x++) {
                        assertEquals(v(k, y, x), s[k][y][x], 0f);
                        assertEquals(0.5f * (y * NX + x), step[y][x], 0f);
                    }
                }
            }
            long end = ((io.jhdf.api.dataset.ContiguousDataset) h.getDatasetByPath("/entry/edge_step/data"))
                    .getDataAddress() + NY * NX * 4L;
            assertEquals((end + 4095) / 4096 * 4096, java.nio.file.Files.size(f));
        }
        String python = pythonWithH5py();
        Assumptions.assumeTrue(python != null, "python3 with h5py not installed");
        String code = "import h5py, sys\n"
                + "f = h5py.File(sys.argv[1], 'r')\n"
                + "s = f['/entry/normalized/data'][()]; m = f['/entry/edge_step/data'][()]\n"
                + "print(s.shape, m.shape, repr(s.astype('float64').ravel().tolist()), repr(m.astype('float64').ravel().tolist()),"
                + " sep='|')\n";
        Process p = new ProcessBuilder(python, "-c", code, f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] parts = out.split("\\|");
        assertEquals("(" + NE + ", " + NY + ", " + NX + ")", parts[0]);
        assertEquals("(" + NY + ", " + NX + ")", parts[1]);
        String[] sv = parts[2].replaceAll("[\\[\\]]", "").split(",\\s*");
        String[] mv = parts[3].replaceAll("[\\[\\]]", "").split(",\\s*");
        assertEquals(NE * NY * NX, sv.length);
        for (int k = 0, i = 0; k < NE; k++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++, i++) {
                    assertEquals(v(k, y, x), Float.parseFloat(sv[i]), 0f);
                }
            }
        }
        for (int i = 0; i < NY * NX; i++) {
            assertEquals(0.5f * i, Float.parseFloat(mv[i]), 0f);
        }
    }

    /** copyStack passes a stack on byte for byte; a source of another shape is refused before anything is written. */
    @Test
    void copyStackCopiesAStoredStackByteForByte() throws Exception {
        Path a = writeResult(dir.resolve("src.h5"), List.of(), ProcessStep.now("NormalizeSpectra", "0.1.0", "{}", "in.h5", "u"));
        Path b = dir.resolve("copy.h5");
        try (StackReader r = StackReader.open(a)) {
            StackWriter w = StackWriter.builder("entry").stack("again", r.info().energiesEv(), NY, NX)
                    .stack("other", new double[] {1, 2}, NY, NX).write(b);
            assertTrue(w.copyStack("again", r));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.copyStack("other", r));
            assertTrue(e.getMessage().contains("'other' is 2 x 5 x 4 but the source /entry/normalized/data is 6 x 5 x 4"),
                    e.getMessage());
            w.writeStackRows("other", 0, NY, new float[NY * NX * 2]);
            w.close();
        }
        try (StackReader r = StackReader.open(b, StackOptions.custom("/entry/again/data", "/entry/again/energy").withAxisOrder(AxisOrder.ENERGY_Y_X))) {
            StackReaderTest.assertAllSlabs(r, 2, false);
        }
    }

    /** Debian's /usr/bin/python3 first (python3 on PATH may be another install without h5py). */
    static String pythonWithH5py() {
        for (String py : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import h5py").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
            } catch (Exception e) {
                // try the next one
            }
        }
        return null;
    }
}
