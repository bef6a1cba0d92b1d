package org.nifispectro.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nifispectro.pdf.cif.CifStructureReader;

/** Closed-form checks: form factors, baseline, binned vs exact sums, limits, variants. */
class PdfPhysicsTest {

    static final String NI = """
            data_Ni
            _cell_length_a 3.52387
            _cell_length_b 3.52387
            _cell_length_c 3.52387
            _cell_angle_alpha 90
            _cell_angle_beta 90
            _cell_angle_gamma 90
            _symmetry_space_group_name_H-M 'F m -3 m'
            loop_
            _symmetry_equiv_pos_as_xyz
            x,y,z
            x,y+1/2,z+1/2
            x+1/2,y,z+1/2
            x+1/2,y+1/2,z
            loop_
            _atom_site_label
            _atom_site_type_symbol
            _atom_site_fract_x
            _atom_site_fract_y
            _atom_site_fract_z
            _atom_site_U_iso_or_equiv
            Ni1 Ni2+ 0 0 0 0.0063
            """;

    @Test
    void formFactorAtZeroIsElectronCount() {
        // f0(0) = number of electrons (closed form for a neutral atom / ion), WK fit accurate to ~0.05 e
        assertEquals(28.0, XrayFormFactors.f0("Ni", 0), 0.05);
        assertEquals(8.0, XrayFormFactors.f0("O", 0), 0.05);
        assertEquals(26.0 - 3, XrayFormFactors.f0("Fe3+", 0), 0.05);
        assertEquals(10.0, XrayFormFactors.f0("O2-", 0), 0.1);
        assertEquals(XrayFormFactors.f0("Cl1-", 0), XrayFormFactors.f0("Cl-", 0), 0); // libdiffpy X- -> X1-
        assertTrue(XrayFormFactors.f0("Ni", 10) < XrayFormFactors.f0("Ni", 0));
        assertThrows(IllegalArgumentException.class, () -> XrayFormFactors.f0("Xx", 0));
    }

    @Test
    void nickelNearestNeighbourAndBaseline() throws Exception {
        CrystalStructure s = CifStructureReader.defaults().readFirst(NI, "Ni.cif");
        assertEquals(4, s.size());
        assertEquals("Ni", s.type()[0]); // charges dropped by default
        assertEquals("Ni4", s.cellFormula());
        assertEquals(4 / Math.pow(3.52387, 3), s.numberDensity(), 1e-12);
        PdfParameters p = PdfParameters.diffpyDefaults().withR(0, 10, 0.001).withUiso(0.005);
        PdfResult r = PdfCalculator.of(p).calculate(s);
        // first peak at a / sqrt(2) = 2.4918 A
        int imax = 0;
        for (int i = 1500; i < 3000; i++) {
            imax = r.g()[i] > r.g()[imax] ? i : imax;
        }
        assertEquals(3.52387 / Math.sqrt(2), r.r()[imax], 0.003);
        // below the first peak G(r) = -4 pi rho0 r exactly (no Q cut)
        double rho0 = 4 / Math.pow(3.52387, 3);
        assertEquals(-4 * Math.PI * rho0 * 1.5, r.g()[1500], 1e-9);
        // integrated coordination: R(r) = r (G + 4 pi rho0 r) integrated over the first shell gives 12 neighbours
        double n = 0;
        for (int i = 2000; i < 3000; i++) {
            double rr = r.r()[i];
            n += rr * (r.g()[i] + 4 * Math.PI * rho0 * rr) * 0.001;
        }
        assertEquals(12.0, n, 0.01);
    }

    @Test
    void binnedSumEqualsExactSum() throws Exception {
        CrystalStructure s = CifStructureReader.defaults().readFirst(NI, "Ni.cif");
        PdfParameters p = PdfParameters.mlstructureMining().withUiso(0.006);
        double[] a = PdfCalculator.of(p).calculate(s).g();
        double[] b = PdfCalculator.of(p).exact().calculate(s).g();
        assertTrue(PdfResult.rw(b, a) < 1e-4, "binned vs exact Rw " + PdfResult.rw(b, a));
    }

    @Test
    void symmetryOrbitsAndBinningEqualPlainPairSum() throws Exception {
        // Bi2Fe4O9 (Pbam) and rutile: one atom per orbit + binned peaks vs every atom, every pair, exact peaks
        for (String f : new String[] {"AMCSD_10664.cif", "diffpy.srreal__rutile.cif", "AMCSD_13370.cif"}) {
            CrystalStructure s = CifStructureReader.defaults().readFirst(
                    java.nio.file.Path.of(PdfPhysicsTest.class.getResource("/pdf/cif/" + f).toURI()));
            assertTrue(java.util.Arrays.stream(s.orbit()).distinct().count() < s.size(), f + " has orbits");
            PdfParameters p = PdfParameters.mlstructureMining().withUiso(0.008);
            double[] fast = PdfCalculator.of(p).calculate(s).g();
            double[] slow = PdfCalculator.of(p).exact().calculate(s).g();
            assertTrue(PdfResult.rw(slow, fast) < 1e-4, f + " Rw " + PdfResult.rw(slow, fast));
        }
    }

    @Test
    void sphericalEnvelopeAndScale() throws Exception {
        CrystalStructure s = CifStructureReader.defaults().readFirst(NI, "Ni.cif");
        PdfParameters p = PdfParameters.mlstructureMining().withUiso(0.005);
        double[] bulk = PdfCalculator.of(p).calculate(s).g();
        double[] np = PdfCalculator.of(p.withSpdiameter(20).withScale(2)).calculate(s).g();
        for (int i = 0; i < bulk.length; i++) {
            double x = i * 0.1 / 20;
            double f = x < 1 ? 1 - 1.5 * x + 0.5 * x * x * x : 0;
            assertEquals(2 * f * bulk[i], np[i], 1e-9);
        }
    }

    @Test
    void limitsRefuseHugeCells() throws Exception {
        CrystalStructure s = CifStructureReader.defaults().readFirst(NI, "Ni.cif");
        PdfCalculator tiny = PdfCalculator.of(PdfParameters.mlstructureMining(), new PdfLimits(3, 1e12));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tiny.calculate(s));
        assertTrue(e.getMessage().contains("4 atoms") && e.getMessage().contains("limit 3"), e.getMessage());
        PdfCalculator fewPairs = PdfCalculator.of(PdfParameters.mlstructureMining(), new PdfLimits(100, 1000));
        e = assertThrows(IllegalArgumentException.class, () -> fewPairs.calculate(s));
        assertTrue(e.getMessage().contains("pairs"), e.getMessage());
    }

    @Test
    void latinHypercubeVariants() throws Exception {
        CrystalStructure s = CifStructureReader.defaults().readFirst(NI, "Ni.cif");
        List<StructureVariants.Variant> v = StructureVariants.mlstructureMining(s, 50, 42);
        assertEquals(50, v.size());
        boolean[] stratum = new boolean[50];
        for (StructureVariants.Variant x : v) {
            Lattice l = x.lattice();
            assertEquals(l.a(), l.b(), 0); // cubic constraint
            assertEquals(l.a(), l.c(), 0);
            assertTrue(Math.abs(l.a() / 3.52387 - 1) <= 0.04 + 1e-12);
            assertTrue(x.uiso() >= 0.005 && x.uiso() <= 0.025);
            int k = (int) ((x.uiso() - 0.005) / 0.02 * 50);
            assertTrue(!stratum[k], "two variants in the same Uiso stratum");
            stratum[k] = true;
        }
        List<StructureVariants.Variant> again = StructureVariants.mlstructureMining(s, 50, 42);
        assertEquals(v.get(7).lattice(), again.get(7).lattice());
        assertEquals(v.get(7).uiso(), again.get(7).uiso(), 0);
        Lattice hex = new Lattice(4, 4, 6, 90, 90, 120);
        assertEquals(List.of(0, 0, 1), java.util.Arrays.stream(StructureVariants.lengthGroups(hex)).boxed().toList());
    }
}
