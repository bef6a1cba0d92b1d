package org.nifispectro.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.jhdf.HdfFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nifispectro.pdf.cif.CifStructureReader;
import org.nifispectro.pdf.cif.SymmetrySource;

/**
 * Fidelity against DiffPy-CMI PDFCalculator outputs (shared/data/pdf/reference_diffpy, made by
 * make_pdf_reference.py): Rw &lt;= 1 %. The reference sets U11=U22=U33=0.005 on every atom, which
 * {@link CrystalStructure#withDiffpyDiagonalU} reproduces.
 */
class PdfReferenceTest {

    static final String RES = "/pdf/";

    static Path resource(String name) {
        try {
            return Path.of(PdfReferenceTest.class.getResource(RES + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    static double[][] readCsv(Path p) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (String l : Files.readAllLines(p)) {
            if (l.startsWith("#") || l.isBlank()) {
                continue;
            }
            String[] t = l.split(",");
            rows.add(new double[] {Double.parseDouble(t[0]), Double.parseDouble(t[1])});
        }
        double[][] out = new double[2][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            out[0][i] = rows.get(i)[0];
            out[1][i] = rows.get(i)[1];
        }
        return out;
    }

    static Set<String> knownMismatch() throws IOException {
        Set<String> s = new HashSet<>();
        try (InputStream in = PdfReferenceTest.class.getResourceAsStream(RES + "diffpy_known_mismatch.txt")) {
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.startsWith("#") && !l.isBlank()) {
                    s.add(l.trim());
                }
            }
        }
        return s;
    }

    static final String[][] KEY = {
        {"Ni_fcc", "diffpy.srreal__Ni.cif"}, {"NaCl", "COD_1000041.cif"}, {"CeO2_fluorite", "pyobjcryst__CeO2.cif"},
        {"Bi2Fe4O9", "AMCSD_10664.cif"}, {"WO3_hex", "AMCSD_13370.cif"},
        {"CeO2_cerianite", "AMCSD_11686.cif"}, {"TiO2_rutile", "diffpy.srreal__rutile.cif"},
        {"Pt", "diffpy.cmi__Pt.cif"}, {"CdSe_wurtzite", "diffpy.srreal__CdSe_cadmoselite.cif"},
        {"Si", "diffpy.srreal__silicon.cif"}, {"MLSM_example_LaSO", "COD_1000280.cif"},
    };
    /** Reader that reproduces DiffPy-CMI's CIF reading (see SymmetrySource.DIFFPY_COMPATIBLE). */
    static final CifStructureReader DIFFPY = CifStructureReader.defaults().withSymmetrySource(SymmetrySource.DIFFPY_COMPATIBLE);

    /** Origin-choice-2 spinels whose listed operators DiffPy replaces by its origin-1 setting of Fd-3m. */
    static final String[][] KEY_DIFFPY_SETTING = {
        {"Fe3O4_magnetite", "AMCSD_00945.cif"}, {"Co3O4", "AMCSD_07469.cif"},
    };

    @Test
    void spinelKeyStructuresInDiffpyCompatibleMode() throws Exception {
        for (String tag : new String[] {"mlsm", "fine"}) {
            PdfParameters p = tag.equals("mlsm") ? PdfParameters.mlstructureMining()
                    : PdfParameters.diffpyDefaults().withR(0, 30, 0.01).withQ(0, 25).withQdamp(0.04);
            PdfCalculator calc = PdfCalculator.of(p);
            for (String[] k : KEY_DIFFPY_SETTING) {
                Path cif = Path.of(PdfReferenceTest.class.getResource("/pdf/symmetry/" + k[1]).toURI());
                double[][] ref = readCsv(resource("key_structures/" + k[0] + "_" + tag + ".csv"));
                double rwDiffpy = PdfResult.rw(ref[1], calc.calculate(DIFFPY.readFirst(cif).withDiffpyDiagonalU(0.005)).g());
                double rwListed = PdfResult.rw(ref[1],
                        calc.calculate(CifStructureReader.defaults().readFirst(cif).withDiffpyDiagonalU(0.005)).g());
                assertTrue(rwDiffpy <= 0.01, k[0] + " " + tag + " DiffPy-compatible Rw " + rwDiffpy);
                // the listed (origin choice 2) operators give another structure than DiffPy's
                assertTrue(rwListed > 0.1, k[0] + " " + tag + " listed-operator Rw " + rwListed);
            }
        }
    }

    @Test
    void keyStructuresMlsmGrid() throws Exception {
        PdfCalculator calc = PdfCalculator.of(PdfParameters.mlstructureMining());
        for (String[] k : KEY) {
            CrystalStructure s = CifStructureReader.defaults().readFirst(resource("cif/" + k[1]));
            double[][] ref = readCsv(resource("key_structures/" + k[0] + "_mlsm.csv"));
            PdfResult r = calc.calculate(s.withDiffpyDiagonalU(0.005));
            assertEquals(ref[0].length, r.r().length, k[0] + " grid length");
            for (int i = 0; i < r.r().length; i++) {
                assertEquals(ref[0][i], r.r()[i], 1e-9, k[0] + " r grid");
            }
            double rw = PdfResult.rw(ref[1], r.g());
            assertTrue(rw <= 0.01, k[0] + " Rw " + rw);
        }
    }

    @Test
    void keyStructuresFineGrid() throws Exception {
        // r 0..30 step 0.01, qmin 0, qmax 25, qdamp 0.04, delta2 0 (make_pdf_reference.py FINE)
        PdfParameters fine = PdfParameters.diffpyDefaults().withR(0, 30, 0.01).withQ(0, 25).withQdamp(0.04);
        PdfCalculator calc = PdfCalculator.of(fine);
        for (String[] k : KEY) {
            CrystalStructure s = CifStructureReader.defaults().readFirst(resource("cif/" + k[1]));
            double[][] ref = readCsv(resource("key_structures/" + k[0] + "_fine.csv"));
            PdfResult r = calc.calculate(s.withDiffpyDiagonalU(0.005));
            assertEquals(ref[0].length, r.r().length, k[0] + " grid length");
            double rw = PdfResult.rw(ref[1], r.g());
            assertTrue(rw <= 0.01, k[0] + " Rw " + rw);
        }
    }

    @Test
    void committedSubsetOfMlsmReference() throws Exception {
        PdfCalculator calc = PdfCalculator.of(PdfParameters.mlstructureMining());
        int checked = 0;
        for (String l : Files.readAllLines(resource("mlsm_subset.csv"))) {
            if (l.startsWith("#")) {
                continue;
            }
            String[] t = l.split(",");
            String name = t[0];
            double[] ref = new double[t.length - 2];
            for (int i = 0; i < ref.length; i++) {
                ref[i] = Double.parseDouble(t[i + 2]);
            }
            CrystalStructure s = DIFFPY.readFirst(resource("cif_subset/" + name));
            assertEquals(Integer.parseInt(t[1]), s.size(), name + " atoms in cell");
            double rw = PdfResult.rw(ref, calc.calculate(s.withDiffpyDiagonalU(0.005)).g());
            assertTrue(rw <= 0.01, name + " Rw " + rw);
            checked++;
        }
        assertTrue(checked >= 68, "checked " + checked);
    }

    @Test
    void everyStructureOfSharedReference() throws Exception {
        String shared = System.getProperty("spectro.shared.data");
        Assumptions.assumeTrue(shared != null && Files.isRegularFile(
                Path.of(shared, "pdf/reference_diffpy/mlsm_settings_G.h5")), "shared data not available");
        Path data = Path.of(shared);
        PdfCalculator calc = PdfCalculator.of(PdfParameters.mlstructureMining());
        CifStructureReader listed = CifStructureReader.defaults();
        int differing = 0;
        int zeroReference = 0;
        Set<String> listedOff = new HashSet<>();
        try (HdfFile h = new HdfFile(data.resolve("pdf/reference_diffpy/mlsm_settings_G.h5"))) {
            String[] names = (String[]) h.getDatasetByPath("names").getData();
            double[][] g = (double[][]) h.getDatasetByPath("G").getData();
            double[] rws = new double[names.length];
            int n = 0;
            List<String> failures = new ArrayList<>();
            for (int k = 0; k < names.length; k++) {
                Path cif = data.resolve(names[k]);
                if (!Files.isRegularFile(cif)) {
                    continue; // CIFs of the reference run that are not in this copy of shared/data
                }
                try {
                    CrystalStructure s = DIFFPY.readFirst(cif);
                    double[] mine = calc.calculate(s.withDiffpyDiagonalU(0.005)).g();
                    if (Arrays.stream(g[k]).allMatch(v -> v == 0)) {
                        // DiffPy returned G = 0 everywhere (Dans_Diffraction__Cubic.cif: one Co atom in a 1 A
                        // cell); Rw is undefined, the physical G is not zero
                        zeroReference++;
                        listedOff.add(names[k]);
                        assertTrue(Arrays.stream(mine).anyMatch(v -> v != 0), names[k] + " G must not vanish");
                        continue;
                    }
                    double rw = PdfResult.rw(g[k], mine);
                    rws[n++] = rw;
                    if (!(rw <= 0.01)) {
                        failures.add(names[k] + " Rw=" + rw);
                    }
                    CrystalStructure d = listed.readFirst(cif);
                    if (!sameStructure(s, d)) {
                        differing++;
                        double rwListed = PdfResult.rw(g[k], calc.calculate(d.withDiffpyDiagonalU(0.005)).g());
                        if (!(rwListed <= 0.01)) {
                            listedOff.add(names[k]);
                        }
                    }
                } catch (Exception e) {
                    // CIFs given only by space-group symbol (no operator list) are not supported yet
                    if (!String.valueOf(e.getMessage()).contains("unsupported setting")) {
                        failures.add(names[k] + " " + e);
                    }
                }
            }
            double[] sorted = Arrays.copyOf(rws, n);
            Arrays.sort(sorted);
            System.out.printf("DiffPy reference (DiffPy-compatible symmetry): %d structures, Rw median %.2e, 95%% %.2e, "
                    + "max %.2e; listed operators give another structure for %d (Rw > 1 %% for %d); all-zero references %d%n", n,
                    sorted[n / 2], sorted[(int) (0.95 * n)], sorted[n - 1], differing, listedOff.size(), zeroReference);
            assertTrue(zeroReference <= 1, zeroReference + " all-zero references");
            // the default reading (listed operators) reaches Rw <= 1 % on every other structure: the list of
            // exceptions is exact, both ways
            assertEquals(new java.util.TreeSet<>(knownMismatch()), new java.util.TreeSet<>(listedOff),
                    "structures where the listed-operator reading misses DiffPy by Rw > 1 % (diffpy_known_mismatch.txt)");
            assertTrue(failures.isEmpty(), failures.size() + " structures fail: " + failures);
            assertTrue(n > 900, "only " + n + " structures compared");
        }
    }

    /** Same atoms (positions, types, occupancies) and ADP flags. */
    static boolean sameStructure(CrystalStructure a, CrystalStructure b) {
        return a.size() == b.size() && Arrays.equals(a.xyz(), b.xyz()) && Arrays.equals(a.type(), b.type())
                && Arrays.equals(a.occupancy(), b.occupancy()) && Arrays.equals(a.anisotropic(), b.anisotropic())
                && Arrays.equals(a.adpAnisotropic(), b.adpAnisotropic());
    }
}
