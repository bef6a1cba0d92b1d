package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.nifi.processor.Processor;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.classify.ClassifyFixtures;
import org.nifispectro.cluster.SeedLikeStacks;
import org.nifispectro.pipeline.ChainFixtures;
import org.nifispectro.processors.common.SpectroAttributes;
import org.nifispectro.processors.common.TempFiles;

/**
 * Nothing taken from a FlowFile can make a processor read or write outside what it was configured for
 * (issue 9, security; the review is docs/security-review.md). Each test feeds what an attacker controls:
 * <ul>
 *   <li>HDF5 content whose links leave the file (external links, also behind soft links and on
 *       intermediate path segments), with dataset paths named by FlowFile attributes through
 *       Expression Language. The linked "secret" files are real, readable and valid, placed where jHDF
 *       would find them (java.io.tmpdir, beside the spooled input), so a reader that followed the link
 *       would succeed: the test asserts failure with kind input and no output;</li>
 *   <li>archive entry names ({@code ../../etc/passwd}, absolute, drive letters) and link entries;</li>
 *   <li>the filename attribute ({@code ../../...}): output file names must carry no directory part, as
 *       PutFile downstream joins them to its directory;</li>
 *   <li>a model path in a FlowFile attribute (Model File allows only environment-scope EL).</li>
 * </ul>
 */
class PathSecurityTest {

    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));
    private static final List<Path> PLANTED = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void plantSecrets() throws Exception {
        plant("secret_stack.h5", "nsp_secret_stack.h5");
        plant("secret_series.h5", "nsp_secret_series.h5");
        plant("secret_spectra.h5", "nsp_secret_spectra.h5");
        plant("secret_normalized.h5", "nsp_secret_normalized.h5");
        plant("secret_rejected.h5", "nsp_secret_rejected.h5");
    }

    @AfterAll
    static void removeSecrets() throws IOException {
        for (Path p : PLANTED) {
            Files.deleteIfExists(p);
        }
    }

    private static void plant(String resource, String name) throws IOException {
        write(name, resource("/security/" + resource));
    }

    private static void write(String name, byte[] content) throws IOException {
        Path p = TMP.resolve(name);
        Files.write(p, content);
        PLANTED.add(p);
    }


    private static byte[] resource(String path) throws IOException {
        try (InputStream in = PathSecurityTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    /** Runs one FlowFile and returns the failure FlowFile; asserts nothing else came out. */
    private static MockFlowFile refused(TestRunner r, Relationship failure, byte[] content, Map<String, String> attrs) {
        r.enqueue(content, attrs);
        r.run();
        List<MockFlowFile> failed = r.getFlowFilesForRelationship(failure);
        assertEquals(1, failed.size(), "routed to failure");
        for (Relationship rel : r.getProcessor().getRelationships()) {
            if (!rel.equals(failure)) {
                r.assertTransferCount(rel, 0);
            }
        }
        MockFlowFile f = failed.get(0);
        assertEquals("input", f.getAttribute(SpectroAttributes.ERROR_KIND), f.getAttribute(SpectroAttributes.ERROR));
        return f;
    }

    private static void assertNamesExternalLink(MockFlowFile f) {
        String error = f.getAttribute(SpectroAttributes.ERROR).toLowerCase(Locale.ROOT);
        assertTrue(error.contains("external link"), "names the external link: " + error);
    }

    // ------------------------------------------------------------------ HDF5 links

    @Test
    void secretsAreReadableSoTheLinkTestsCanFail() throws Exception {
        // the stack secret as a FlowFile of its own is a valid stack (what a followed link would deliver)
        TestRunner n = TestRunners.newTestRunner(NormalizeSpectra.class);
        n.setProperty(NormalizeSpectra.EDGE_WINDOWS, "");
        n.setProperty(NormalizeSpectra.DATA_PATH, "/exchange/data");
        n.setProperty(NormalizeSpectra.ENERGY_PATH, "/exchange/energy");
        n.enqueue(resource("/security/secret_stack.h5"), Map.of("filename", "secret.h5"));
        n.run();
        n.getFlowFilesForRelationship(NormalizeSpectra.REL_FAILURE).forEach(f -> assertFalse(
                f.getAttribute(SpectroAttributes.ERROR).toLowerCase(Locale.ROOT).contains("link"),
                f.getAttribute(SpectroAttributes.ERROR)));
        TestRunner x = exafs();
        x.enqueue(resource("/security/secret_spectra.h5"), Map.of("filename", "secret.h5"));
        x.run();
        x.assertTransferCount(ExtractEXAFS.REL_FAILURE, 0);
        TestRunner d = TestRunners.newTestRunner(DecomposePCANMF.class);
        d.setProperty(DecomposePCANMF.DATASET_PATH, "/grp/series");
        d.enqueue(resource("/security/secret_series.h5"), Map.of("filename", "secret.h5"));
        d.run();
        d.assertTransferCount(DecomposePCANMF.REL_FAILURE, 0);
        TestRunner rej = TestRunners.newTestRunner(RejectLowSNR.class);
        rej.enqueue(resource("/security/secret_normalized.h5"), Map.of("filename", "secret.h5"));
        rej.run();
        rej.assertTransferCount(RejectLowSNR.REL_SUCCESS, 1);
        // (DBSCANCluster on secret_rejected.h5 itself, 12 pixels of one spectrum shape, is DegenerateInputTest's
        // case; its link test below asserts that the refusal names the external link)
    }

    @Test
    void stackDatasetBehindExternalLinkRefused() throws Exception {
        byte[] file = resource("/security/stack_soft_to_external.h5");
        for (String[] paths : new String[][] {{"/ext/data", "/ext/energy"}, {"/exchange/data", "/exchange/energy"}}) {
            TestRunner r = TestRunners.newTestRunner(NormalizeSpectra.class);
            r.setProperty(NormalizeSpectra.EDGE_WINDOWS, "");
            r.setProperty(NormalizeSpectra.DATA_PATH, "${stack.data}");
            r.setProperty(NormalizeSpectra.ENERGY_PATH, "${stack.energy}");
            assertNamesExternalLink(refused(r, NormalizeSpectra.REL_FAILURE, file,
                    Map.of("filename", "x.h5", "stack.data", paths[0], "stack.energy", paths[1])));
        }
        TestRunner auto = TestRunners.newTestRunner(NormalizeSpectra.class);
        auto.setProperty(NormalizeSpectra.EDGE_WINDOWS, "");
        refused(auto, NormalizeSpectra.REL_FAILURE, file, Map.of("filename", "x.h5"));
    }

    @Test
    void hdf5SeriesBehindExternalLinkRefused() throws Exception {
        byte[] file = resource("/security/series_external.h5");
        for (String path : List.of("/grp/series", "/direct")) {
            TestRunner r = TestRunners.newTestRunner(DecomposePCANMF.class);
            r.setProperty(DecomposePCANMF.DATASET_PATH, "${series.path}");
            assertNamesExternalLink(refused(r, DecomposePCANMF.REL_FAILURE, file,
                    Map.of("filename", "x.h5", "series.path", path)));
        }
    }

    @Test
    void chainInputsWithExternalLinksRefused() throws Exception {
        // /entry a real group, its datasets' groups external links
        assertNamesExternalLink(refused(TestRunners.newTestRunner(RejectLowSNR.class), RejectLowSNR.REL_FAILURE,
                resource("/security/normalized_external.h5"), Map.of("filename", "x.h5")));
        assertNamesExternalLink(refused(TestRunners.newTestRunner(DBSCANCluster.class), DBSCANCluster.REL_FAILURE,
                resource("/security/rejected_external.h5"), Map.of("filename", "x.h5")));
        // /entry itself the link: not a group, refused as not an output of the step before
        refused(TestRunners.newTestRunner(RejectLowSNR.class), RejectLowSNR.REL_FAILURE,
                resource("/security/normalized_entry_external.h5"), Map.of("filename", "x.h5"));
        refused(TestRunners.newTestRunner(DBSCANCluster.class), DBSCANCluster.REL_FAILURE,
                resource("/security/rejected_entry_external.h5"), Map.of("filename", "x.h5"));
    }

    @Test
    void clusterSpectraBehindExternalLinkNotRead() throws Exception {
        refused(exafs(), ExtractEXAFS.REL_FAILURE, resource("/security/spectra_external.h5"),
                Map.of("filename", "x.h5"));
    }

    private static TestRunner exafs() {
        TestRunner x = TestRunners.newTestRunner(ExtractEXAFS.class);
        x.setProperty(ExtractEXAFS.KMAX, "12");
        return x;
    }

    // ------------------------------------------------------------------ archive entries

    @Test
    void unsafeArchiveEntriesRefused() throws Exception {
        byte[] curve = "1.0 0.1\n2.0 0.3\n3.0 0.2\n4.0 0.5\n".getBytes(StandardCharsets.US_ASCII);
        List<byte[]> archives = new ArrayList<>();
        for (String name : List.of("../../etc/passwd", "ok/../../etc/passwd", "/etc/passwd", "C:\\Windows\\x.gr",
                "..\\..\\x.gr")) {
            archives.add(tar(name, '0', "", curve));
            archives.add(zip(name, curve));
        }
        archives.add(tar("link.gr", '2', "/etc/passwd", new byte[0]));   // symbolic link
        archives.add(tar("hard.gr", '1', "/etc/passwd", new byte[0]));   // hard link
        for (byte[] a : archives) {
            TestRunner r = TestRunners.newTestRunner(DecomposePCANMF.class);
            MockFlowFile f = refused(r, DecomposePCANMF.REL_FAILURE, a, Map.of("filename", "series.tar"));
            String error = f.getAttribute(SpectroAttributes.ERROR);
            assertTrue(error.contains("unsafe archive entry name") || error.contains("link"), error);
        }
    }

    private static byte[] tar(String name, char type, String linkName, byte[] content) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
        put(h, 100, String.format(Locale.ROOT, "%07o\0", 0644));
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        put(h, 124, String.format(Locale.ROOT, "%011o\0", content.length));
        put(h, 136, String.format(Locale.ROOT, "%011o\0", 1_700_000_000L));
        h[156] = (byte) type;
        put(h, 157, linkName);
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format(Locale.ROOT, "%06o\0 ", sum));
        bos.writeBytes(h);
        bos.writeBytes(content);
        bos.writeBytes(new byte[(512 - content.length % 512) % 512]);
        bos.writeBytes(new byte[1024]);
        return bos.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static byte[] zip(String name, byte[] content) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return bos.toByteArray();
    }

    // ------------------------------------------------------------------ file names

    @Test
    void outputFileNamesCarryNoDirectory() throws Exception {
        String evil = "../../../etc/cron.d/evil";
        check(TestRunners.newTestRunner(SimulatePDF.class), Files.readAllBytes(ClassifyFixtures.resource(
                "cifs/pyobjcryst__NaCl.cif")), evil + ".cif");
        check(TestRunners.newTestRunner(ClassifyStructure.class), Files.readAllBytes(ClassifyFixtures.resource(
                "gr/Ni_to31A.gr")), evil + ".gr");
        check(TestRunners.newTestRunner(DecomposePCANMF.class), DecomposePCANMFTest.tar(DecomposePCANMFTest.entries(
                DecomposePCANMFTest.SI_NI)), evil + ".tar");
        TestRunner x = exafs();
        x.setProperty(ExtractEXAFS.ENERGY_COLUMN, "energy_eV");
        x.setProperty(ExtractEXAFS.MU_COLUMN, "mu");
        check(x, resource("/xas/reference/cu_metal_rt_norm.csv"), "..\\..\\windows\\evil.csv");
        byte[] normalized = resource("/security/secret_normalized.h5");
        TestRunner n = TestRunners.newTestRunner(NormalizeSpectra.class);
        n.setProperty(NormalizeSpectra.EDGE_WINDOWS, ChainFixtures.WINDOWS);
        double[][] s = ChainFixtures.twoEdgeScan();
        check(n, Files.readAllBytes(ChainFixtures.dataExchange(dir.resolve("n.h5"), s[0],
                ChainFixtures.stack(s[0], s[1], 3, 4), 3, 4)), evil + ".h5");
        check(TestRunners.newTestRunner(RejectLowSNR.class), normalized, evil + ".h5");
        // DBSCANCluster on the Fe L2,3 scene of DBSCANClusterTest (40 x 40 pixels), normalized and masked
        SeedLikeStacks.Scene sc = SeedLikeStacks.opticalDensity(40, 40, 20261121L);
        TestRunner sn = TestRunners.newTestRunner(NormalizeSpectra.class);
        sn.setProperty(NormalizeSpectra.EDGE_WINDOWS, DBSCANClusterTest.WINDOWS);
        sn.enqueue(Files.readAllBytes(ChainFixtures.dataExchange(dir.resolve("scene.h5"), sc.energy(), sc.od(), 40, 40)));
        sn.run();
        TestRunner sr = TestRunners.newTestRunner(RejectLowSNR.class);
        sr.setProperty(RejectLowSNR.MIN_SNR, "2");
        sr.enqueue(sn.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS).get(0).toByteArray());
        sr.run();
        check(TestRunners.newTestRunner(DBSCANCluster.class),
                sr.getFlowFilesForRelationship(RejectLowSNR.REL_SUCCESS).get(0).toByteArray(), evil + ".h5");
    }

    /** Every output (not original/failure) gets a file name without a directory part. */
    private static void check(TestRunner r, byte[] content, String filename) {
        r.enqueue(content, Map.of("filename", filename));
        r.run();
        int outputs = 0;
        for (Relationship rel : r.getProcessor().getRelationships()) {
            if (rel.getName().equals("original") || rel.getName().equals("failure")) {
                continue;
            }
            for (MockFlowFile f : r.getFlowFilesForRelationship(rel)) {
                String name = f.getAttribute("filename");
                assertFalse(name.contains("/") || name.contains("\\") || name.startsWith(".."),
                        r.getProcessor().getClass().getSimpleName() + " output named " + name);
                outputs++;
            }
        }
        assertTrue(outputs > 0, r.getProcessor().getClass().getSimpleName() + " made outputs: "
                + r.getFlowFilesForRelationship("failure").stream()
                        .map(f -> f.getAttribute(SpectroAttributes.ERROR)).toList());
    }

    // ------------------------------------------------------------------ model path

    @Test
    void modelPathCannotComeFromAFlowFile() throws Exception {
        Path bogus = dir.resolve("bogus-model.zip");
        Files.writeString(bogus, "not a model");
        TestRunner r = TestRunners.newTestRunner(ClassifyStructure.class);
        r.setProperty(ClassifyStructure.MODEL_FILE, "${model.path}");
        r.enqueue(Files.readAllBytes(ClassifyFixtures.resource("gr/Ni_to31A.gr")),
                Map.of("filename", "ni.gr", "model.path", bogus.toString()));
        r.run();
        // the attribute is not visible to the property (environment scope): the shipped model is used
        r.assertTransferCount(ClassifyStructure.REL_FAILURE, 0);
        r.assertTransferCount(ClassifyStructure.REL_CHART, 1);
    }

    // ------------------------------------------------------------------ temp files

    @Test
    void spooledTempFilesAreRemovedAfterBadInput() throws Exception {
        // counted by TempFiles itself: other JVMs on the machine use the same temp directory and names
        long before = TempFiles.live();
        List<Class<? extends Processor>> hdf5Readers = List.of(NormalizeSpectra.class, RejectLowSNR.class,
                DBSCANCluster.class, ExtractEXAFS.class);
        for (Class<? extends Processor> p : hdf5Readers) {
            TestRunner r = TestRunners.newTestRunner(p);
            r.enqueue(resource("/security/normalized_external.h5"), Map.of("filename", "x.h5"));
            r.enqueue("\u0089HDF\r\n\u001a\n truncated".getBytes(StandardCharsets.ISO_8859_1), Map.of("filename", "t.h5"));
            r.run(2);
        }
        assertEquals(before, TempFiles.live(), "temp files left behind");
    }
}
