package org.nifispectro.pdf.cif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nifispectro.pdf.CrystalStructure;

class CifReaderTest {

    static final String TWO_BLOCKS = """
            # comment line
            data_first
            _chemical_name_common 'it''s quoted'
            _publ_section_title
            ;
            A semicolon
            text field; with data_ inside
            ;
            _cell_length_a 5.4307(2)
            _cell_length_b 5.4307(2)
            _cell_length_c 5.4307(2)
            _cell_angle_alpha 90
            _cell_angle_beta 90.0
            _cell_angle_gamma 90.00(1)
            _space_group_name_H-M_alt 'F d -3 m'
            loop_
            _space_group_symop_operation_xyz
            'x, y, z'
            'x, y+1/2, z+1/2'
            'x+1/2, y, z+1/2'
            'x+1/2, y+1/2, z'
            '-x+1/4, -y+1/4, -z+1/4'
            '-x+1/4, -y+3/4, -z+3/4'
            '-x+3/4, -y+1/4, -z+3/4'
            '-x+3/4, -y+3/4, -z+1/4'
            loop_
            _atom_site_label
            _atom_site_type_symbol
            _atom_site_fract_x
            _atom_site_fract_y
            _atom_site_fract_z
            _atom_site_occupancy
            _atom_site_B_iso_or_equiv
            Si1 Si4+ 0 0 0 ? 0.4935
            data_second
            _cell_length_a 4.0
            _cell_length_b 4.0
            _cell_length_c 4.0
            loop_
            _symmetry_equiv_pos_as_xyz
            x,y,z
            loop_
            _atom_site_label
            _atom_site_fract_x
            _atom_site_fract_y
            _atom_site_fract_z
            _atom_site_occupancy
            FeA1 0 0 0 0.5
            O1 0.5 0.5 0.5 .
            """;

    @Test
    void syntaxAndStructures() throws Exception {
        List<CifBlock> blocks = CifParser.parse(TWO_BLOCKS, "two.cif");
        assertEquals(2, blocks.size());
        assertEquals("it''s quoted", blocks.get(0).value("_chemical_name_common"));
        assertTrue(blocks.get(0).value("_publ_section_title").contains("data_ inside"));
        List<CrystalStructure> s = CifStructureReader.defaults().readAll(blocks);
        assertEquals(2, s.size());
        CrystalStructure si = s.get(0);
        assertEquals(8, si.size()); // diamond-like: F centring x inversion about 1/8 -> 8 atoms
        assertEquals(5.4307, si.lattice().a(), 0);
        assertEquals("Si", si.type()[0]);
        assertEquals(1.0, si.occupancy()[0], 0); // '?' occupancy means 1
        assertEquals(0.4935 / (8 * Math.PI * Math.PI), si.uiso()[0], 1e-12);
        for (int i = 0; i < 3 * si.size(); i++) {
            assertTrue(si.xyz()[i] >= 0 && si.xyz()[i] < 1);
        }
        CrystalStructure fe = s.get(1);
        assertArrayEquals(new String[] {"Fe", "O"}, fe.type()); // label fallback, 'FeA1' -> Fe
        assertEquals(0.5, fe.occupancy()[0], 0);
        assertEquals(1.0, fe.occupancy()[1], 0);
        assertEquals(90, fe.lattice().gamma(), 0);
    }

    @Test
    void chargesKeptWhenAsked() throws Exception {
        CrystalStructure si = CifStructureReader.of(1e-5, true).readFirst(TWO_BLOCKS, "two.cif");
        assertEquals("Si4+", si.type()[0]);
    }

    @Test
    void duplicatesMergedWithinTolerance() throws Exception {
        String cif = """
                data_x
                _cell_length_a 5
                _cell_length_b 5
                _cell_length_c 5
                loop_
                _symmetry_equiv_pos_as_xyz
                x,y,z
                -x,-y,-z
                loop_
                _atom_site_label
                _atom_site_fract_x
                _atom_site_fract_y
                _atom_site_fract_z
                Na1 0 0 0
                Cl1 0.5 0.5 0.500001
                Cl2 0.25 0.25 0.25
                """;
        CrystalStructure s = CifStructureReader.defaults().readFirst(cif, "x.cif");
        assertEquals(4, s.size()); // Na at inversion centre (1), Cl1 within 1e-5 of its image (1), Cl2 (2)
    }

    @Test
    void symmetryOperationParsing() {
        SymmetryOperation op = SymmetryOperation.parse("-x+1/2, Y-X, 0.25+z");
        double[] out = new double[3];
        op.apply(0.1, 0.3, 0.2, out);
        assertEquals(0.4, out[0], 1e-12);
        assertEquals(0.2, out[1], 1e-12);
        assertEquals(0.45, out[2], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> SymmetryOperation.parse("x,y"));
        assertThrows(IllegalArgumentException.class, () -> SymmetryOperation.parse("x,y,q"));
    }

    static CifException fail(String cif) {
        return assertThrows(CifException.class, () -> CifStructureReader.defaults().readFirst(cif, "bad.cif"));
    }

    static final String HEAD = "data_b\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n"
            + "loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n";

    @Test
    void badInputNamesTagOrLine() {
        CifException e = fail(HEAD + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n"
                + "_atom_site_fract_z\nNi1 0 0\n");
        assertTrue(e.getMessage().contains("line 8") && e.getMessage().contains("not a multiple"), e.getMessage());
        e = fail("data_b\n_cell_length_a 'unterminated\n");
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("unterminated"), e.getMessage());
        e = fail(HEAD + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
                + "Qq1 0 0 0\n");
        assertTrue(e.getMessage().contains("unknown element") && e.getMessage().contains("line 13"), e.getMessage());
        e = fail(HEAD.replace("_cell_length_b 4", "_cell_length_b 0") + "loop_\n_atom_site_label\n"
                + "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNi1 0 0 0\n");
        assertTrue(e.getMessage().contains("_cell_length_b") && e.getMessage().contains("line 3"), e.getMessage());
        e = fail(HEAD + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\nNi1 0 0\n");
        assertTrue(e.getMessage().contains("missing coordinates") && e.getMessage().contains("_atom_site_fract_z"),
                e.getMessage());
        e = fail(HEAD + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
                + "Ni1 0 ? 0\n");
        assertTrue(e.getMessage().contains("missing coordinates") && e.getMessage().contains("line 13"),
                e.getMessage());
        e = fail("data_b\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n"
                + "_symmetry_space_group_name_H-M 'Q 7 7'\nloop_\n_atom_site_label\n_atom_site_fract_x\n"
                + "_atom_site_fract_y\n_atom_site_fract_z\nNi1 0 0 0\n");
        assertTrue(e.getMessage().contains("unsupported setting"), e.getMessage());
        e = fail("no data block here\n");
        assertTrue(e.getMessage().contains("data_"), e.getMessage());
    }
}
