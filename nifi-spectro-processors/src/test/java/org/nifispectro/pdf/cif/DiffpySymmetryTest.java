package org.nifispectro.pdf.cif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * DiffPy's table lookup and fallback (facts from diffpy.structure: pymmlib's group 227 is origin
 * choice 1, group 166 hexagonal axes, the symbol "R-3m" its rhombohedral-axes entry; its table has
 * no "C -1"). Expected operator counts are those of International Tables.
 */
class DiffpySymmetryTest {

    static List<SymmetryOperation> ops(String... xyz) {
        List<SymmetryOperation> l = new ArrayList<>();
        for (String s : xyz) {
            l.add(SymmetryOperation.parse(s));
        }
        return l;
    }

    @Test
    void tableHasOriginOneButNotOriginTwoOfFdThreeM() {
        List<SymmetryOperation> o1 = SpaceGroups.operations(null, "F d -3 m :1", null, null);
        List<SymmetryOperation> o2 = SpaceGroups.operations(null, "F d -3 m :2", null, null);
        assertEquals(192, o1.size());
        assertEquals(192, o2.size());
        assertNotNull(DiffpySymmetry.tableSetting(o1));
        assertNull(DiffpySymmetry.tableSetting(o2), "origin choice 2 of group 227 is not in DiffPy's table");
        // a duplicated operator breaks DiffPy's match even for a table setting
        List<SymmetryOperation> dup = new ArrayList<>(o1);
        dup.add(o1.get(5));
        assertNull(DiffpySymmetry.tableSetting(dup));
    }

    @Test
    void identifiersResolveAsDiffpyDoes() {
        assertEquals("1", DiffpySymmetry.identifier("227").ext());
        assertEquals("H", DiffpySymmetry.identifier("166").ext());
        assertEquals("R", DiffpySymmetry.identifier("R -3 m").ext());
        assertEquals("1", DiffpySymmetry.identifier("F d -3 m").ext());
        assertNull(DiffpySymmetry.identifier("F d -3 m :2"), "setting suffixes are not DiffPy identifiers");
        assertNull(DiffpySymmetry.identifier("?"));
        assertEquals(2, DiffpySymmetry.standard(2).number());
        assertEquals("P -1", DiffpySymmetry.standard(2).hm());
        // centred triclinic is not a DiffPy setting
        assertNull(DiffpySymmetry.tableSetting(SpaceGroups.operations(null, "C -1", null, null)));
    }

    @Test
    void keyFormatsLikePythonsPercentSixPointThreeF() {
        SymmetryOperation op = SymmetryOperation.parse("-y+2/3, x-y+0.3333, z+1/6");
        String k = DiffpySymmetry.key(op);
        assertTrue(k.contains("0.667;"), k);
        assertTrue(k.contains("0.333;"), k);
        assertTrue(k.contains("0.167;"), k);
        assertFalse(k.contains("-0.000"), k);
    }

    @Test
    void siteCloseToSpecialPositionIsMovedOntoIt() {
        // R -3 (hexagonal): 3a/3b-type site given as 0.33333, 0.66667, 0.16667 (COD 2003120, K)
        List<SymmetryOperation> r3 = SpaceGroups.operations(null, "R -3 :H", null, null);
        double[] x = DiffpySymmetry.snapToSpecialPosition(r3, new double[] {0.33333, 0.66667, 0.16667}, 1e-5);
        assertArrayEquals(new double[] {1.0 / 3, 2.0 / 3, 1.0 / 6}, x, 1e-12);
        // a general position is left alone
        double[] g = {0.1234, 0.2345, 0.3456};
        assertArrayEquals(g, DiffpySymmetry.snapToSpecialPosition(r3, g, 1e-5), 0);
    }

    @Test
    void blockWithOriginTwoOperatorsFallsBackToTheNumber() throws Exception {
        StringBuilder cif = new StringBuilder("data_x\n_cell_length_a 5.43\n_cell_length_b 5.43\n_cell_length_c 5.43\n"
                + "_symmetry_Int_Tables_number 227\nloop_\n_symmetry_equiv_pos_as_xyz\n");
        for (SymmetryOperation o : SpaceGroups.operations(null, "F d -3 m :2", null, null)) {
            cif.append('\'').append(o).append("'\n");
        }
        cif.append("loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nSi 0.125 0.125 0.125\n");
        CifBlock b = CifParser.parse(cif.toString(), "test.cif").get(0);
        DiffpySymmetry.Resolution r = DiffpySymmetry.resolve(b);
        assertTrue(r.fromTable(), r.description());
        assertTrue(r.description().contains("_symmetry_Int_Tables_number = 227"), r.description());
        assertEquals(8, CifStructureReader.defaults().read(b).size());
        assertEquals(16, CifStructureReader.defaults().withSymmetrySource(SymmetrySource.DIFFPY_COMPATIBLE).read(b).size());
    }

    @Test
    void symmetrySourceNamesParse() {
        assertEquals(SymmetrySource.DIFFPY_COMPATIBLE, SymmetrySource.parse("DiffPy Compatible"));
        assertEquals(SymmetrySource.LISTED_OPERATORS, SymmetrySource.parse("listed_operators"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SymmetrySource.parse("cctbx"));
        assertTrue(e.getMessage().contains("'Listed Operators'"), e.getMessage());
    }
}
