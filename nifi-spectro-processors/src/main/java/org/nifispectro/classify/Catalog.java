package org.nifispectro.classify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.nifispectro.pdf.CrystalStructure;
import org.nifispectro.pdf.PdfCalculator;
import org.nifispectro.pdf.cif.CifException;
import org.nifispectro.pdf.cif.CifStructureReader;

/**
 * A structure catalog made from a folder of CIFs, grouped into classes as MLstructureMining does
 * (Kjaer et al. 2024, seed 004): every CIF (first data block, files in path order) is read with
 * {@link CifStructureReader} and simulated with SimulatePDF's engine at the MLstructureMining
 * settings (Qmin 0.7, Qmax 20, Qdamp 0.04, delta2 2, r 0-30 A step 0.1) with one Uiso for every
 * atom (default 0.01 A^2, the middle of the training range, because many CIFs have no
 * displacement parameters). Structures that cannot be read or computed (parse errors, unknown
 * scattering types, more atoms than the limit) are skipped, each with its reason in
 * {@link #skipped()}. Grouping is greedy in path order: the first structure not yet in a class
 * opens a new class as its representative and takes every later unassigned structure whose
 * profile correlates with it at Pearson r &gt;= threshold (default 0.95) over the model grid.
 *
 * <p>The catalog keeps, per class, the representative and the members (formula, space group,
 * source id) and, for the {@link CorrelationBaseline}, each structure's profile.
 */
public final class Catalog {

    /**
     * Options.
     *
     * @param threshold Pearson threshold of the grouping
     * @param uiso Uiso given to every atom, angstrom^2
     * @param maxAtoms structures with more atoms in the unit cell are skipped
     * @param threads worker threads for the simulations
     */
    public record Options(double threshold, double uiso, int maxAtoms, int threads) {
        public Options {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("PCC threshold must be in (0, 1], got " + threshold);
            }
            if (!(uiso > 0 && uiso < 0.5)) {
                throw new IllegalArgumentException("catalog Uiso must be in (0, 0.5) A^2, got " + uiso);
            }
            if (maxAtoms < 1 || threads < 1) {
                throw new IllegalArgumentException("maxAtoms and threads must be >= 1");
            }
        }

        /** Threshold 0.95, Uiso 0.01, 5000 atoms, 2 threads. */
        public static Options defaults() {
            return new Options(0.95, 0.01, 5000, 2);
        }
    }

    /** A structure read and simulated. */
    public record Structure(CatalogEntry entry, CrystalStructure structure, float[] profile) {
    }

    /** A CIF left out, with the reason. */
    public record Skipped(String sourceId, String reason) {
    }

    private final ModelGrid grid;
    private final Options options;
    private final List<StructureClass> classes;
    private final List<List<Structure>> members;
    private final List<Skipped> skipped;

    private Catalog(ModelGrid grid, Options options, List<StructureClass> classes, List<List<Structure>> members,
                    List<Skipped> skipped) {
        this.grid = grid;
        this.options = options;
        this.classes = List.copyOf(classes);
        this.members = members;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Builds a catalog from every *.cif under a folder (recursively).
     *
     * @throws IOException when the folder cannot be listed
     * @throws IllegalArgumentException when no CIF could be used
     */
    public static Catalog build(Path folder, ModelGrid grid, Options options) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT)
                    .endsWith(".cif")).sorted(Comparator.comparing(p -> folder.relativize(p).toString())).toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .cif files under " + folder);
        }
        PdfAugmenter aug = PdfAugmenter.of(grid);
        PdfCalculator calc = PdfCalculator.of(aug.baseParameters().withUiso(options.uiso()),
                PdfAugmenter.limits(options.maxAtoms()));
        List<Object> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads());
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Path f : files) {
                String id = folder.relativize(f).toString().replace('\\', '/');
                futures.add(pool.submit(() -> simulate(f, id, aug, calc)));
            }
            for (Future<Object> fu : futures) {
                results.add(fu.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while simulating the catalog", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("catalog simulation failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        List<Structure> ok = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Object o : results) {
            if (o instanceof Structure s) {
                ok.add(s);
            } else {
                skipped.add((Skipped) o);
            }
        }
        if (ok.isEmpty()) {
            throw new IllegalArgumentException("none of the " + files.size() + " CIFs under " + folder
                    + " could be simulated; first reason: " + skipped.get(0).reason());
        }
        return group(grid, options, ok, skipped);
    }

    private static Object simulate(Path f, String id, PdfAugmenter aug, PdfCalculator calc) {
        try {
            CrystalStructure s = CifStructureReader.defaults().readFirst(f);
            double[] base = calc.calculate(s).g();
            float[] profile = PdfProfile.normalize(aug.apply(base, Augmentation.mlstructureMining(), null));
            boolean zero = true;
            for (float v : profile) {
                zero &= v == 0;
            }
            if (zero) {
                return new Skipped(id, "simulated PDF is constant (no atom pairs within the r range)");
            }
            return new Structure(new CatalogEntry(id, s.name(), s.cellFormula(), s.spaceGroup(), s.size()), s,
                    profile);
        } catch (IOException | CifException | RuntimeException e) {
            return new Skipped(id, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Greedy PCC grouping of already simulated structures (in the given order). */
    static Catalog group(ModelGrid grid, Options options, List<Structure> ok, List<Skipped> skipped) {
        int n = ok.size();
        int[] cls = new int[n];
        java.util.Arrays.fill(cls, -1);
        List<StructureClass> classes = new ArrayList<>();
        List<List<Structure>> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (cls[i] >= 0) {
                continue;
            }
            int c = classes.size();
            cls[i] = c;
            List<Structure> list = new ArrayList<>();
            list.add(ok.get(i));
            float[] pi = ok.get(i).profile();
            for (int j = i + 1; j < n; j++) {
                if (cls[j] < 0 && PdfProfile.dot(pi, ok.get(j).profile()) >= options.threshold()) {
                    cls[j] = c;
                    list.add(ok.get(j));
                }
            }
            List<CatalogEntry> others = new ArrayList<>();
            for (int k = 1; k < list.size(); k++) {
                others.add(list.get(k).entry());
            }
            classes.add(new StructureClass(c, list.get(0).entry(), others));
            members.add(List.copyOf(list));
        }
        return new Catalog(grid, options, classes, members, skipped);
    }

    /** @return a catalog restricted to the given classes (renumbered 0..), for subsets */
    public Catalog subset(List<Integer> classIds) {
        List<StructureClass> cl = new ArrayList<>();
        List<List<Structure>> mem = new ArrayList<>();
        for (int id : classIds) {
            StructureClass c = classes.get(id);
            cl.add(new StructureClass(cl.size(), c.representative(), c.members()));
            mem.add(members.get(id));
        }
        return new Catalog(grid, options, cl, mem, skipped);
    }

    public ModelGrid grid() {
        return grid;
    }

    public Options options() {
        return options;
    }

    public List<StructureClass> classes() {
        return classes;
    }

    /** @return the simulated structures of class c, representative first */
    public List<Structure> structures(int c) {
        return members.get(c);
    }

    public List<Skipped> skipped() {
        return skipped;
    }

    /** @return number of structures in all classes */
    public int structureCount() {
        int n = 0;
        for (List<Structure> m : members) {
            n += m.size();
        }
        return n;
    }
}
