package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.nifi.processor.Processor;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.classify.ClassifyFixtures;
import org.nifispectro.cluster.SeedLikeStacks;
import org.nifispectro.pipeline.ChainFixtures;
import org.nifispectro.processors.ConcurrencyCheck.Input;
import org.nifispectro.xas.RefData;

/**
 * Every processor gives the same outputs with 4 concurrent tasks as with one (issue 9, concurrency):
 * several different FlowFiles are queued and processed once by one task and once by four
 * ({@link ConcurrencyCheck}): same FlowFiles per relationship, byte-identical content and identical
 * attributes apart from UUIDs and the history's date. Shared mutable state between tasks (a field
 * written in onTrigger, a non-thread-safe formatter or cache) shows up as a difference or a failure.
 */
class ConcurrentTasksTest {

    private static final int THREADS = 4;

    @TempDir
    Path dir;

    private static TestRunner runner(Class<? extends Processor> type, Map<String, String> properties) {
        TestRunner r = TestRunners.newTestRunner(type);
        properties.forEach(r::setProperty);
        return r;
    }

    /** Two-edge stacks of 3-5 x 4-6 pixels, every one scaled differently. */
    private List<Input> twoEdgeStacks(int n) throws IOException {
        double[][] s = ChainFixtures.twoEdgeScan();
        List<Input> in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int ny = 3 + i % 3;
            int nx = 4 + i % 3;
            float[] st = ChainFixtures.stack(s[0], s[1], ny, nx);
            for (int k = 0; k < st.length; k++) {
                st[k] *= (float) (1 + 0.07 * i);
            }
            Path f = ChainFixtures.dataExchange(dir.resolve("stack" + i + ".h5"), s[0], st, ny, nx);
            in.add(new Input(Files.readAllBytes(f), Map.of("filename", "stack" + i + ".h5")));
        }
        return in;
    }

    /** Runs inputs single-threaded through a processor and returns its success outputs as new inputs. */
    private static List<Input> through(TestRunner r, List<Input> inputs, Relationship success) {
        inputs.forEach(i -> r.enqueue(i.content(), i.attributes()));
        r.run(inputs.size());
        List<Input> out = new ArrayList<>();
        for (MockFlowFile f : r.getFlowFilesForRelationship(success)) {
            out.add(new Input(f.toByteArray(), Map.of("filename", f.getAttribute("filename"))));
        }
        assertEquals(inputs.size(), out.size(), "every input passes " + r.getProcessor().getClass().getSimpleName());
        return out;
    }

    private static final Map<String, String> NORMALIZE = Map.of(NormalizeSpectra.EDGE_WINDOWS.getName(),
            ChainFixtures.WINDOWS);

    @Test
    void normalizeSpectra() throws IOException {
        List<Input> stacks = twoEdgeStacks(8);
        ConcurrencyCheck.assertSameWithConcurrentTasks(() -> runner(NormalizeSpectra.class, NORMALIZE), stacks,
                THREADS, NormalizeSpectra.REL_SUCCESS);
    }

    @Test
    void rejectLowSnr() throws IOException {
        List<Input> normalized = through(runner(NormalizeSpectra.class, NORMALIZE), twoEdgeStacks(8),
                NormalizeSpectra.REL_SUCCESS);
        ConcurrencyCheck.assertSameWithConcurrentTasks(() -> runner(RejectLowSNR.class, Map.of()), normalized,
                THREADS, RejectLowSNR.REL_SUCCESS);
    }

    @Test
    void dbscanCluster() throws Exception {
        // the Fe L2,3 scene of DBSCANClusterTest (two phases, a minority, a low-signal rectangle), 4 seeds
        List<Input> scenes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SeedLikeStacks.Scene sc = SeedLikeStacks.opticalDensity(40, 40, 20261121L + i);
            Path f = ChainFixtures.dataExchange(dir.resolve("scene" + i + ".h5"), sc.energy(), sc.od(), 40, 40);
            scenes.add(new Input(Files.readAllBytes(f), Map.of("filename", "scene" + i + ".h5")));
        }
        List<Input> normalized = through(runner(NormalizeSpectra.class,
                Map.of(NormalizeSpectra.EDGE_WINDOWS.getName(), DBSCANClusterTest.WINDOWS)), scenes,
                NormalizeSpectra.REL_SUCCESS);
        List<Input> rejected = through(runner(RejectLowSNR.class, Map.of(RejectLowSNR.MIN_SNR.getName(), "2")),
                normalized, RejectLowSNR.REL_SUCCESS);
        ConcurrencyCheck.assertSameWithConcurrentTasks(() -> runner(DBSCANCluster.class, Map.of()), rejected,
                THREADS, DBSCANCluster.REL_SUCCESS);
    }

    @Test
    void extractExafs() throws IOException {
        Map<String, Map<String, String>> summary = RefData.summary();
        List<Input> spectra = new ArrayList<>();
        for (String id : RefData.ids("exafs").subList(0, 8)) {
            spectra.add(new Input(resource("/xas/reference/" + id + "_norm.csv"),
                    Map.of("filename", id + ".csv", "xftf.kmax", summary.get(id).get("xftf_kmax"))));
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put(ExtractEXAFS.ENERGY_COLUMN.getName(), "energy_eV");
        p.put(ExtractEXAFS.MU_COLUMN.getName(), "mu");
        p.put(ExtractEXAFS.KMAX.getName(), "${xftf.kmax:replaceNull(12)}");
        ConcurrencyCheck.assertSameWithConcurrentTasks(() -> runner(ExtractEXAFS.class, p), spectra, THREADS,
                ExtractEXAFS.REL_SUCCESS);
    }

    @Test
    void simulatePdf() throws IOException {
        List<Input> cifs = new ArrayList<>();
        for (String n : List.of("pyobjcryst__NaCl.cif", "diffpy.cmi__Si_Fd-3m.cif", "diffpy.cmi__CdSe-Wurtzite.cif",
                "diffpy.cmi__Ni.cif", "Dans_Diffraction__Gold.cif", "AMCSD_00094.cif", "COD_9008477.cif",
                "diffpy.cmi__SrFe2As2_tetragonal.cif")) {
            cifs.add(new Input(Files.readAllBytes(ClassifyFixtures.resource("cifs/" + n)), Map.of("filename", n)));
        }
        // variants exercise the seeded random sampling under concurrency too
        ConcurrencyCheck.assertSameWithConcurrentTasks(() -> runner(SimulatePDF.class,
                Map.of(SimulatePDF.VARIANTS.getName(), "2", SimulatePDF.SEED.getName(), "7")), cifs, THREADS,
                SimulatePDF.REL_SUCCESS);
    }

    @Test
    void classifyStructure() throws IOException {
        List<Input> grs = new ArrayList<>();
        for (String n : List.of("Ni_to31A.gr", "DanMAX_AlphaKeggin.gr", "Ni-xray.gr", "CdSe-bulk_to31A.gr",
                "ch05_si_to31A.gr")) {
            grs.add(new Input(Files.readAllBytes(ClassifyFixtures.resource("gr/" + n)), Map.of("filename", n)));
        }
        ConcurrencyCheck.assertSameWithConcurrentTasks(() -> runner(ClassifyStructure.class, Map.of()), grs, THREADS,
                ClassifyStructure.REL_CHART);
    }

    @Test
    void decomposePcaNmf() throws IOException {
        String[] si = DecomposePCANMFTest.SI_NI;
        String[] cdse = DecomposePCANMFTest.CDSE;
        List<Input> series = List.of(
                new Input(DecomposePCANMFTest.tar(DecomposePCANMFTest.entries(si)), Map.of("filename", "sini.tar")),
                new Input(DecomposePCANMFTest.tar(DecomposePCANMFTest.entries(si[2], si[0], si[1])),
                        Map.of("filename", "nisi.tar")),
                new Input(DecomposePCANMFTest.tar(DecomposePCANMFTest.entries(cdse)), Map.of("filename", "cdse.tar")),
                new Input(DecomposePCANMFTest.tar(DecomposePCANMFTest.entries(cdse[0], cdse[2], cdse[4])),
                        Map.of("filename", "cdse3.tar")));
        ConcurrencyCheck.assertSameWithConcurrentTasks(() -> runner(DecomposePCANMF.class, Map.of()), series, THREADS,
                DecomposePCANMF.REL_SUCCESS);
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = ConcurrentTasksTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }
}
