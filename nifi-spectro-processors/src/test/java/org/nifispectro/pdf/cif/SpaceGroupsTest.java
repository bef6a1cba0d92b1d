package org.nifispectro.pdf.cif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.nifispectro.pdf.CrystalStructure;

/**
 * Operators generated from Hall / Hermann-Mauguin symbols against the operator lists written in
 * independent CIF files (committed test CIFs), plus group orders known in closed form.
 */
class SpaceGroupsTest {

    static boolean sameSet(List<SymmetryOperation> a, List<SymmetryOperation> b) {
        return a.size() == b.size() && a.stream().allMatch(x -> b.stream().anyMatch(x::sameAs));
    }

    @Test
    void groupOrders() {
        assertEquals(1, SpaceGroups.fromHall("P 1").size());
        assertEquals(4, SpaceGroups.fromHall("-P 2ybc").size()); // P 21/c
        assertEquals(192, SpaceGroups.fromHall("-F 4 2 3").size()); // Fm-3m
        assertEquals(192, SpaceGroups.fromHall("-F 4vw 2vw 3").size()); // Fd-3m origin 2
        assertEquals(18, SpaceGroups.fromHall("R 3 2\"").size()); // R32 hexagonal axes: 6 x 3
        assertEquals(6, SpaceGroups.fromHall("P 31 2 (0 0 4)").size());
        assertEquals(48, SpaceGroups.fromHall("-I 4bd 2c 3").size() / 2);
        assertThrows(IllegalArgumentException.class, () -> SpaceGroups.fromHall("Q 2"));
        assertThrows(IllegalArgumentException.class, () -> SpaceGroups.operations(null, "P 7 7 7", null, null));
    }

    @Test
    void symbolsReproduceOperatorListsOfCifFiles() throws Exception {
        Path dir = Path.of(SpaceGroupsTest.class.getResource("/pdf/cif_subset").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".cif")).sorted().toList();
        }
        int compared = 0;
        List<String> mismatch = new ArrayList<>();
        for (Path f : files) {
            CifBlock b = CifParser.parse(f).stream().filter(x -> x.has("_atom_site_fract_x")).findFirst().orElseThrow();
            CifBlock.Item it = b.item("_space_group_symop_operation_xyz");
            if (it == null) {
                it = b.item("_symmetry_equiv_pos_as_xyz");
            }
            String hm = b.firstValue("_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M");
            if (it == null || hm == null) {
                continue;
            }
            List<SymmetryOperation> listed = new ArrayList<>();
            for (String v : it.values()) {
                listed.add(SymmetryOperation.parse(v));
            }
            CrystalStructure s = CifStructureReader.defaults().read(b);
            compared++;
            if (!sameSet(listed, SpaceGroups.operations(null, hm, null, s.lattice()))) {
                mismatch.add(f.getFileName() + " '" + hm + "'");
            }
        }
        System.out.println("space-group symbols vs CIF operator lists: " + compared + " compared, mismatches " + mismatch);
        assertTrue(compared >= 60, "compared " + compared);
        // a few AMCSD files list origin-choice-2 operators under a symbol without origin choice
        assertTrue(mismatch.size() <= compared / 10, mismatch.toString());
    }
}
