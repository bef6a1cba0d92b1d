package org.nifispectro.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The chemical constraint: parsing, the PDFgetX3 composition line, which classes it admits, masked rankings. */
class ElementFilterTest {

    @Test
    void symbolsAndFormulasGiveTheSameSortedElements() {
        for (String text : List.of("Cd Se", "Se, Cd", "CdSe", "Cd0.5 Se0.5", "Cd-Se", "  Cd2Se2  ")) {
            assertEquals("Cd Se", ElementFilter.parse(text).toString(), text);
        }
        assertEquals("O W", ElementFilter.parse("W12O40").toString());
        assertEquals("C H N O", ElementFilter.parse("C8H10N4O2").toString());
        assertTrue(ElementFilter.parse("  ").isEmpty());
        assertTrue(ElementFilter.parse(null).isEmpty());
    }

    @Test
    void partsThatAreNoElementsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ElementFilter.parse("Cd Qq")).getMessage()
                .contains("'Qq' is not an element symbol"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ElementFilter.parse("cdse")).getMessage()
                .contains("'cdse'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ElementFilter.parse("Fe2O3(s)")).getMessage()
                .contains("at '(s)'"));
    }

    @Test
    void compositionIsReadFromAPdfgetx3Header() {
        String header = "[DEFAULT]\nversion = pdfgetx3-1.0\ndataformat = QA\ncomposition = Cd Se\nqmin = 1.0\n";
        assertEquals("Cd Se", ElementFilter.composition(header));
        assertEquals("Ni", ElementFilter.composition("# composition: Ni\n"));
        assertNull(ElementFilter.composition("qmax = 19\n# no composition here\n"));
        assertNull(ElementFilter.composition("composition =\n"));
        // an empty composition line does not take the next line as its value
        assertNull(ElementFilter.composition("composition =\nqmin = 1.0\n"));
        assertEquals("Ni", ElementFilter.composition("composition = Ni\r\nqmax = 25\r\n"));
        assertNull(ElementFilter.composition(null));
    }

    @Test
    void aClassIsAdmittedWhenOneOfItsStructuresHoldsEveryElement() {
        CatalogEntry cds = new CatalogEntry("CdS.cif", "CdS", "Cd2 S2", "P 63 m c", 4);
        CatalogEntry cdse = new CatalogEntry("CdSe.cif", "CdSe", "Cd2 Se2", "P 63 m c", 4);
        CatalogEntry znse = new CatalogEntry("ZnSe.cif", "ZnSe", "Zn4 Se4", "F -4 3 m", 8);
        StructureClass mixed = new StructureClass(0, cds, List.of(cdse));
        StructureClass zinc = new StructureClass(1, znse, List.of());
        ElementFilter f = ElementFilter.parse("Cd Se");
        assertTrue(f.admits(mixed));
        assertFalse(f.admits(zinc));
        assertTrue(ElementFilter.parse("Se").admits(zinc));
        assertFalse(ElementFilter.parse("Cd Se Zn").admits(mixed));
        assertNull(ElementFilter.none().admitted(List.of(mixed, zinc)));
        boolean[] mask = ElementFilter.parse("S").admitted(List.of(mixed, zinc));
        assertTrue(mask[0] && !mask[1]);
    }

    @Test
    void aMaskedRankingKeepsTheWholeCatalogsProbabilities() {
        // three unit prototypes whose correlations with x = p0 are 1, 1/2, 0 (PairwiseStageTest)
        double h = 1 / Math.sqrt(2);
        ModelGrid grid = new ModelGrid(1.0, 0.1, 10);
        float[][] p = new float[3][grid.n()];
        p[0][0] = (float) h;
        p[0][1] = (float) -h;
        p[1][0] = (float) h;
        p[1][2] = (float) -h;
        p[2][2] = (float) h;
        p[2][3] = (float) -h;
        double t = 0.25;
        PrototypeClassifier clf = new PrototypeClassifier(grid, new int[] {0, 1, 2, 3}, p, t, Double.NaN);
        float[] x = p[0].clone();
        double z = 1 + Math.exp(-0.5 / t) + Math.exp(-1 / t);
        PrototypeClassifier.Ranking r = clf.classify(x, 5, new boolean[] {false, true, true});
        assertEquals(2, r.candidates().size());
        assertEquals(1, r.candidates().get(0).classId());
        assertEquals(2, r.candidates().get(1).classId());
        assertEquals(Math.exp(-0.5 / t) / z, r.candidates().get(0).probability(), 1e-6);
        assertEquals(Math.exp(-1 / t) / z, r.candidates().get(1).probability(), 1e-6);
        assertEquals(0.5, r.candidates().get(0).correlation(), 1e-6);
        assertEquals(1, clf.classify(x, 1, new boolean[] {false, true, true}).candidates().size());
        assertTrue(clf.classify(x, 5, new boolean[3]).candidates().isEmpty());
        assertEquals(3, clf.classify(x, 5, null).candidates().size());
        assertThrows(IllegalArgumentException.class, () -> clf.classify(x, 5, new boolean[2]));
    }
}
