package org.nifispectro.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class CatalogEntryTest {

    private static String type(String formula, String spaceGroup, int atoms) {
        return new CatalogEntry("x.cif", "x", formula, spaceGroup, atoms).structureTypeKey();
    }

    @Test
    void isotypicStructuresShareTheKeyWhateverTheSymbolStyle() {
        // fcc metals (Cu, Ni): Fm-3m, 4 atoms per cell, one element
        assertEquals(type("Ni4", "F m -3 m", 4), type("Cu4", "F m 3 m", 4));
        assertEquals("Fm3m|4|4", type("Ni4", "Fm-3m", 4));
        // rocksalt NaCl and CeS: Fm-3m, 8 atoms, 4 + 4
        assertEquals(type("Na4 Cl4", "F m -3 m", 8), type("Ce4 S4", "Fm-3m:1", 8));
        // wurtzite CdSe and ZnO: P6_3mc, 4 atoms, 2 + 2
        assertEquals(type("Cd2 Se2", "P 63 m c", 4), type("Zn2 O2", "P6_3mc", 4));
    }

    @Test
    void differentTypesDiffer() {
        // zinc blende CdSe (F-43m, 8 atoms) is not wurtzite CdSe (P6_3mc, 4 atoms)
        assertNotEquals(type("Cd4 Se4", "F -4 3 m", 8), type("Cd2 Se2", "P 63 m c", 4));
        // fluorite CaF2 (Fm-3m, 12 atoms, 4 + 8) is not rocksalt (Fm-3m, 8 atoms, 4 + 4)
        assertNotEquals(type("Ca4 F8", "F m -3 m", 12), type("Na4 Cl4", "F m -3 m", 8));
        // fcc (Fm-3m, 4) is not bcc (Im-3m, 2)
        assertNotEquals(type("Ni4", "F m -3 m", 4), type("Fe2", "I m -3 m", 2));
        // diamond Si (Fd-3m, 8 atoms, 8) is not a fcc metal
        assertNotEquals(type("Si8", "F d -3 m", 8), type("Ni4", "F m -3 m", 4));
    }

    @Test
    void fractionalOccupanciesRoundToCounts() {
        assertEquals("Fm3m|4|4", type("Ni3.9", "F m -3 m", 4));
    }
}
