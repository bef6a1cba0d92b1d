package org.nifispectro.classify;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The small test catalog (src/test/resources/classify/cifs) and one model trained from it, built once per JVM. */
public final class ClassifyFixtures {

    private static Catalog catalog;
    private static Trainer.Result result;
    private static Path modelFile;

    private ClassifyFixtures() {
    }

    public static Path resource(String name) {
        try {
            return Path.of(ClassifyFixtures.class.getResource("/classify/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static synchronized Catalog catalog() throws IOException {
        if (catalog == null) {
            catalog = Catalog.build(resource("cifs"), ModelGrid.standard(), Catalog.Options.defaults());
        }
        return catalog;
    }

    /**
     * 20 variants x 6 conditions, 12 + 32 prototypes (second stage as the shipped model: shortlist
     * 15, r scaling +-3 % in 0.5 % steps, lattice penalty 0.01; the shipped pairwise third stage with its
     * extra variants for the discriminants), 8 test
     * variants per class, seed 1.
     */
    public static synchronized Trainer.Result trained() throws IOException {
        if (result == null) {
            result = Trainer.train(catalog(), new Trainer.Options(20, 6, 12, 2, 8, Augmentation.Ranges.standard(), 1L,
                    2, 32, 15, 0.03, 6, 0.01, Trainer.PAIR_WINDOW, Trainer.PAIR_MARGIN, Trainer.PAIR_SHRINKAGE,
                    Trainer.PAIR_VARIANTS), null);
        }
        return result;
    }

    /** The trained model written to a temporary file. */
    public static synchronized Path modelFile() throws IOException {
        if (modelFile == null) {
            Path dir = Files.createTempDirectory("classify-test");
            modelFile = dir.resolve("small-model.zip");
            ModelFile.write(new ClassifierModel(catalog().classes(), trained().classifier(), Map.of("test", true)),
                    modelFile);
            modelFile.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
        }
        return modelFile;
    }

    /** The class holding the catalog entry read from {@code source} (its path in the CIF folder). */
    static int classOf(Catalog c, String source) {
        for (StructureClass sc : c.classes()) {
            for (CatalogEntry e : sc.all()) {
                if (e.sourceId().equals(source)) {
                    return sc.id();
                }
            }
        }
        throw new AssertionError(source + " not in catalog");
    }
}
