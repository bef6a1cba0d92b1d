package org.nifispectro.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nifispectro.pdf.io.GrData;
import org.nifispectro.pdf.io.GrReader;

/**
 * Accuracy on the small test catalog (32 CIFs): held-out simulated and perturbed variants, the
 * structureMining-style baseline on the same tests, and measured PDFs (DiffPy example data).
 */
class ClassifierAccuracyTest {

    @Test
    void catalogGroupsByCorrelationAndKeepsDistinctMetalsApart() throws Exception {
        Catalog c = ClassifyFixtures.catalog();
        assertEquals(32, c.structureCount() + c.skipped().size(), "every CIF is used or skipped with a reason");
        assertTrue(c.skipped().isEmpty(), () -> "skipped: " + c.skipped());
        // fcc metals with lattice constants 3.52 (Ni), 3.61 (Cu), 3.92 (Pt), 4.08 (Au, Ag): Pearson below 0.95
        assertNotEquals(ClassifyFixtures.classOf(c, "diffpy.cmi__Ni.cif"), ClassifyFixtures.classOf(c, "Dans_Diffraction__Copper.cif"));
        assertNotEquals(ClassifyFixtures.classOf(c, "diffpy.cmi__Pt.cif"), ClassifyFixtures.classOf(c, "Dans_Diffraction__Gold.cif"));
        // every class member correlates >= 0.95 with its representative
        for (int k = 0; k < c.classes().size(); k++) {
            List<Catalog.Structure> s = c.structures(k);
            for (Catalog.Structure m : s) {
                assertTrue(PdfProfile.dot(s.get(0).profile(), m.profile()) >= 0.95);
            }
        }
    }

    @Test
    void heldOutAccuracyMeetsTheIssueTargetsAndBeatsTheBaseline() throws Exception {
        Trainer.Result r = ClassifyFixtures.trained();
        Trainer.TestSet t = r.test();
        Trainer.Accuracy clean = Trainer.accuracy(t.clean(), t.labels(), r.classifier()::scores);
        Trainer.Accuracy pert = Trainer.accuracy(t.perturbed(), t.labels(), r.classifier()::scores);
        Trainer.Accuracy bClean = Trainer.accuracy(t.clean(), t.labels(), r.baseline()::scores);
        Trainer.Accuracy bPert = Trainer.accuracy(t.perturbed(), t.labels(), r.baseline()::scores);
        String msg = "classifier " + clean + " " + pert + " baseline " + bClean + " " + bPert;
        assertTrue(clean.top1() >= 0.91, msg);
        assertTrue(clean.top3() >= 0.99, msg);
        assertTrue(pert.top3() >= 0.95, msg);
        assertTrue(clean.top1() >= bClean.top1() && pert.top3() >= bPert.top3(), msg);
    }

    private static int rankOf(List<Candidate> top, Catalog c, String elements, Set<String> groups) {
        for (int i = 0; i < top.size(); i++) {
            for (CatalogEntry e : c.classes().get(top.get(i).classId()).all()) {
                if (e.elements().equals(elements) && groups.contains(CatalogEntry.spaceGroupKey(e.spaceGroup()))) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    private static List<Candidate> classify(String file, int k) throws Exception {
        GrData d = GrReader.read(ClassifyFixtures.resource("gr/" + file));
        Trainer.Result r = ClassifyFixtures.trained();
        return r.classifier().rank(PdfProfile.of(d.r(), d.g(), r.classifier().grid()), k);
    }

    @Test
    void measuredPdfsOfCatalogStructuresRankTheRightTypeInTheTop3() throws Exception {
        Catalog c = ClassifyFixtures.catalog();
        int ni = rankOf(classify("Ni_to31A.gr", 3), c, "Ni", Set.of("Fm3m"));
        int si = rankOf(classify("ch05_si_to31A.gr", 3), c, "Si", Set.of("Fd3m"));
        int cdse = rankOf(classify("CdSe-bulk_to31A.gr", 3), c, "Cd Se", Set.of("P63mc", "F43m"));
        assertTrue(ni >= 1, "Ni: " + classify("Ni_to31A.gr", 3));
        assertTrue(si >= 1, "Si: " + classify("ch05_si_to31A.gr", 3));
        assertTrue(cdse >= 1, "CdSe: " + classify("CdSe-bulk_to31A.gr", 3));
    }

    @Test
    void absentStructureGivesAFlatProfile() throws Exception {
        // alpha-Keggin W12O40 clusters: no such structure in the catalog
        List<Candidate> keggin = classify("DanMAX_AlphaKeggin.gr", 3);
        List<Candidate> ni = classify("Ni_to31A.gr", 3);
        assertTrue(keggin.get(0).probability() < 0.1, "Keggin " + keggin);
        assertTrue(ni.get(0).probability() > 0.5, "Ni " + ni);
    }

    @Test
    void structureLeftOutOfTheCatalogGivesAFlatProfile() throws Exception {
        // train without the class of cinnabar (HgS, P3_221: no other structure of its type in the test
        // catalog; Si would not do, sphalerite ZnS has its structure type), then classify held-out cinnabar
        Catalog full = ClassifyFixtures.catalog();
        int si = -1;
        for (StructureClass sc : full.classes()) {
            if (sc.representative().sourceId().equals("AMCSD_00007.cif")) {
                si = sc.id();
            }
        }
        List<Integer> keep = new java.util.ArrayList<>();
        for (int k = 0; k < full.classes().size(); k++) {
            if (k != si) {
                keep.add(k);
            }
        }
        Trainer.Result without = Trainer.train(full.subset(keep), new Trainer.Options(8, 4, 8, 2, 0,
                Augmentation.Ranges.standard(), 2L, 2, 16, 10, 0.03, 6, 0.01), null);
        float[] siProfile = ClassifyFixtures.trained().test().clean().get(
                ClassifyFixtures.trained().test().labels().indexOf(si));
        List<Candidate> r = without.classifier().rank(siProfile, 3);
        assertTrue(r.get(0).probability() < 0.5, "cinnabar without its class: " + r);
        assertTrue(without.classifier().noneProbability(siProfile) > 0.5);
    }
}
