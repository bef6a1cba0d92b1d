package org.nifispectro.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTripKeepsClassesAndScoresWithinTheQuantisation() throws Exception {
        Path f = ClassifyFixtures.modelFile();
        ClassifierModel m = ModelFile.read(f);
        Trainer.Result r = ClassifyFixtures.trained();
        assertEquals(ClassifyFixtures.catalog().classes(), m.classes());
        // the third stage (format 3) is stored as float32: the same pairs, weights and window
        PrototypeClassifier.Pairwise a = r.classifier().pairwise();
        PrototypeClassifier.Pairwise b = m.classifier().pairwise();
        assertTrue(a != null && b != null && a.size() > 0, "pairwise stage: " + a);
        assertArrayEquals(a.first(), b.first());
        assertArrayEquals(a.second(), b.second());
        assertArrayEquals(a.bias(), b.bias(), 0f);
        assertArrayEquals(a.weights()[0], b.weights()[0], 0f);
        assertEquals(a.window(), b.window());
        assertEquals(r.classifier().temperature(), m.classifier().temperature(), 0);
        for (float[] x : r.test().clean().subList(0, 20)) {
            assertArrayEquals(r.classifier().scores(x), m.classifier().scores(x), 2e-4);
        }
    }

    @Test
    void trainingMetadataKeepsItsOrderInModelJson() throws Exception {
        // Map.copyOf / Map.of iterate in an order that changes from one JVM to the next; the model file must not
        java.util.Map<String, Object> training = new java.util.LinkedHashMap<>();
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add("k" + (i * 7919 % 40));
            training.put(keys.get(i), i);
        }
        ClassifierModel m = new ClassifierModel(ClassifyFixtures.catalog().classes(), ClassifyFixtures.trained().classifier(),
                training);
        assertEquals(keys, new java.util.ArrayList<>(m.training().keySet()));
        Path f = dir.resolve("ordered.zip");
        ModelFile.write(m, f);
        String json;
        try (java.util.zip.ZipInputStream z = new java.util.zip.ZipInputStream(Files.newInputStream(f))) {
            java.util.zip.ZipEntry e;
            String found = null;
            while ((e = z.getNextEntry()) != null) {
                if (e.getName().equals("model.json")) {
                    found = new String(z.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            json = found;
        }
        assertTrue(json != null, "model.json in the zip");
        int at = json.indexOf("\"training\"");
        int last = -1;
        for (String k : keys) {
            int p = json.indexOf("\"" + k + "\"", at);
            assertTrue(p > last, k + " after the key before it in " + json.substring(at, Math.min(json.length(), at + 400)));
            last = p;
        }
        assertTrue(json.indexOf("\"rmin\"") < json.indexOf("\"rstep\"") && json.indexOf("\"rstep\"") < json.indexOf("\"n\""),
                "grid keys in order");
    }

    @Test
    void corruptFileIsRefusedNamingTheFile() throws Exception {
        Path f = dir.resolve("broken.zip");
        byte[] good = Files.readAllBytes(ClassifyFixtures.modelFile());
        byte[] cut = java.util.Arrays.copyOf(good, good.length / 2);
        Files.write(f, cut);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        Path text = dir.resolve("notamodel.zip");
        Files.writeString(text, "hello");
        e = assertThrows(ModelFormatException.class, () -> ModelFile.read(text));
        assertTrue(e.getMessage().contains("notamodel.zip"), e.getMessage());
    }

    @Test
    void zipBombConfiguredAsTheModelIsRefusedWhileInflating() throws Exception {
        // 64 MB of zeros compress to ~64 kB; with a 16 MB budget the read stops at the budget, naming the file
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            z.putNextEntry(new ZipEntry("prototypes.i16"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        assertTrue(bos.size() < 1 << 20, "the bomb is small: " + bos.size());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(
                new java.io.ByteArrayInputStream(bos.toByteArray()), "bomb.zip", 16L << 20));
        assertTrue(e.getMessage().contains("bomb.zip") && e.getMessage().contains("expands past the limit"), e.getMessage());
        // too many entries
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(many)) {
            for (int i = 0; i <= ModelFile.MAX_ENTRIES; i++) {
                z.putNextEntry(new ZipEntry("e" + i));
                z.closeEntry();
            }
        }
        e = assertThrows(ModelFormatException.class, () -> ModelFile.read(
                new java.io.ByteArrayInputStream(many.toByteArray()), "many.zip"));
        assertTrue(e.getMessage().contains("many.zip") && e.getMessage().contains("entries"), e.getMessage());
        // the shipped-format test model is far inside the default budget
        assertTrue(Files.size(ClassifyFixtures.modelFile()) * 20 < ModelFile.MAX_EXPANDED_BYTES);
    }

    @Test
    void otherVersionIsRefusedAsIncompatible() throws Exception {
        Path f = dir.resolve("v99.zip");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(ClassifyFixtures.modelFile()));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(f))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] b = in.readAllBytes();
                if (e.getName().equals("model.json")) {
                    b = new String(b, StandardCharsets.UTF_8).replaceFirst("\"version\" : " + ModelFile.VERSION, "\"version\" : 99")
                            .getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(b);
                out.closeEntry();
            }
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(f));
        assertTrue(e.getMessage().contains("version 99") && e.getMessage().contains("v99.zip"), e.getMessage());
    }

    @Test
    void sameSeedGivesTheSameModel() throws Exception {
        Catalog c = ClassifyFixtures.catalog().subset(java.util.List.of(0, 1, 2, 3));
        // pair margin 1: every shortlisted pair gets a discriminant, so the third stage is exercised
        Trainer.Options o = new Trainer.Options(4, 3, 4, 1, 0, Augmentation.Ranges.standard(), 5L, 1, 6, 3, 0.06, 12,
                0.01, 3, 1.0, 0.03);
        Trainer.Options o2 = new Trainer.Options(4, 3, 4, 1, 0, Augmentation.Ranges.standard(), 5L, 2, 6, 3, 0.06, 12,
                0.01, 3, 1.0, 0.03);
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrototypeClassifier one = Trainer.train(c, o, null).classifier();
        assertTrue(one.pairwise() != null && one.pairwise().size() > 0, "pairs: " + one.pairwise());
        ModelFile.write(new ClassifierModel(c.classes(), one, java.util.Map.of()), a);
        ModelFile.write(new ClassifierModel(c.classes(), Trainer.train(c, o2, null).classifier(), java.util.Map.of()), b);
        assertArrayEquals(a.toByteArray(), b.toByteArray());
    }

    /** Rewrites model.json with edit applied and drops the entries in drop. */
    private Path rewrite(String name, java.util.function.UnaryOperator<String> edit, String... drop) throws Exception {
        Path f = dir.resolve(name);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(ClassifyFixtures.modelFile()));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(f))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] b = in.readAllBytes();
                if (java.util.List.of(drop).contains(e.getName())) {
                    continue;
                }
                if (e.getName().equals("model.json")) {
                    b = edit.apply(new String(b, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(b);
                out.closeEntry();
            }
        }
        return f;
    }

    @Test
    void versionOneModelStillLoadsAsTheFirstStageAlone() throws Exception {
        // a version-1 file: the same model.json without the refinement section, no fine.i16
        Path f = rewrite("v1.zip", j -> j.replaceFirst("\"version\" : " + ModelFile.VERSION, "\"version\" : 1"),
                "fine.i16");
        ClassifierModel m = ModelFile.read(f);
        Trainer.Result r = ClassifyFixtures.trained();
        assertTrue(m.classifier().refinement() == null);
        assertTrue(r.classifier().refinement() != null && r.classifier().refinement().deviation() != null);
        // the same scores as the trained classifier's first stage, within the 16-bit quantisation
        for (float[] x : r.test().clean().subList(0, 10)) {
            assertArrayEquals(r.classifier().firstStage().scores(x), m.classifier().scores(x), 2e-4);
        }
    }

    @Test
    void declaredSecondStageWithoutItsWeightsIsRefusedNamingTheFile() throws Exception {
        Path f = rewrite("nofine.zip", j -> j, "fine.i16");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(f));
        assertTrue(e.getMessage().contains("nofine.zip") && e.getMessage().contains("fine.i16"), e.getMessage());
    }

    @Test
    void versionTwoModelStillLoadsAsTheTwoStages() throws Exception {
        // a version-2 file: the same model.json, no pairwise.f32 (its pairwise section is ignored in version 2)
        Path f = rewrite("v2.zip", j -> j.replaceFirst("\"version\" : " + ModelFile.VERSION, "\"version\" : 2"),
                "pairwise.f32");
        ClassifierModel m = ModelFile.read(f);
        Trainer.Result r = ClassifyFixtures.trained();
        assertTrue(m.classifier().pairwise() == null && m.classifier().refinement() != null);
        for (float[] x : r.test().clean().subList(0, 10)) {
            assertArrayEquals(r.classifier().withPairwise(null).scores(x), m.classifier().scores(x), 2e-4);
        }
    }

    @Test
    void declaredPairwiseStageWithoutItsWeightsIsRefusedNamingTheFile() throws Exception {
        Path f = rewrite("nopairs.zip", j -> j, "pairwise.f32");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(f));
        assertTrue(e.getMessage().contains("nopairs.zip") && e.getMessage().contains("pairwise.f32"), e.getMessage());
    }
}
