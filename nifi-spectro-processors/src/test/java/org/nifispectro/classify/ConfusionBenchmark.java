package org.nifispectro.classify;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntFunction;

import org.nifispectro.pdf.PdfCalculator;

/**
 * Error analysis and second-stage experiments of issue 6 (session 4), not run by surefire. In the
 * classify package so it can call the trainer's package-private steps (k-means, lattice
 * deviations, temperature fit) and rebuild exactly the shipped learner from cached profiles.
 *
 * <pre>
 * java -Xmx8g -cp target/classes:target/test-classes:&lt;deps&gt; org.nifispectro.classify.ConfusionBenchmark \
 *   --cifs ../shared/data/cif --cache target/confusion-full.bin --test-variants 2 --steps errors,pairs
 * </pre>
 * The cache holds, per class, the training profiles (Trainer.Options.defaults: 40 variants x 6
 * conditions) with their lattice deviations, the validation and the held-out test profiles, all
 * drawn from the same streams as {@link Trainer#train}; so the shipped learner rebuilt from it
 * gives the figures of the default model's report.
 */
public final class ConfusionBenchmark {

    record Data(int nc, int d, List<float[][]> train, List<float[]> dev, List<float[][]> val,
                List<float[][]> clean, List<float[][]> pert) {
    }

    private ConfusionBenchmark() {
    }

    static <T> List<T> parallel(int n, int threads, IntFunction<T> f) {
        return Trainer.parallel(n, threads, f);
    }

    static Data simulate(Catalog catalog, Trainer.Options o) throws Exception {
        ModelGrid grid = catalog.grid();
        PdfAugmenter aug = PdfAugmenter.of(grid);
        PdfCalculator calc = PdfCalculator.of(aug.baseParameters(), PdfAugmenter.limits(catalog.options().maxAtoms()));
        int nc = catalog.classes().size();
        List<Object[]> per = parallel(nc, o.threads(), c -> {
            List<Double> dev = new ArrayList<>();
            List<float[]> tr = Trainer.trainingProfiles(catalog, c, o, aug, calc, dev);
            List<float[]> val = new ArrayList<>();
            ClassSamples.conditionPairs(catalog, c, o.validationVariants(), ClassSamples.Purpose.VALIDATION, o.seed(),
                    aug, calc, o.ranges(), (x, y) -> {
                        val.add(x);
                        val.add(y);
                    });
            List<float[]> cl = new ArrayList<>();
            List<float[]> pe = new ArrayList<>();
            ClassSamples.conditionPairs(catalog, c, o.testVariants(), ClassSamples.Purpose.TEST, o.seed(), aug, calc,
                    o.ranges(), (x, y) -> {
                        cl.add(x);
                        pe.add(y);
                    });
            float[] d = new float[dev.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = dev.get(i).floatValue();
            }
            return new Object[] {tr.toArray(new float[0][]), d, val.toArray(new float[0][]),
                    cl.toArray(new float[0][]), pe.toArray(new float[0][])};
        });
        List<float[][]> a = new ArrayList<>();
        List<float[]> dv = new ArrayList<>();
        List<float[][]> v = new ArrayList<>();
        List<float[][]> cl = new ArrayList<>();
        List<float[][]> pe = new ArrayList<>();
        for (Object[] r : per) {
            a.add((float[][]) r[0]);
            dv.add((float[]) r[1]);
            v.add((float[][]) r[2]);
            cl.add((float[][]) r[3]);
            pe.add((float[][]) r[4]);
        }
        return new Data(nc, grid.n(), a, dv, v, cl, pe);
    }

    static void write(Data x, Path f) throws IOException {
        try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(f), 1 << 20))) {
            o.writeInt(x.nc());
            o.writeInt(x.d());
            for (int c = 0; c < x.nc(); c++) {
                float[] d = x.dev().get(c);
                o.writeInt(d.length);
                for (float q : d) {
                    o.writeFloat(q);
                }
            }
            for (List<float[][]> l : List.of(x.train(), x.val(), x.clean(), x.pert())) {
                ProfileCacheIo.writeClasses(o, l);
            }
        }
    }

    static Data read(Path f) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 20))) {
            int nc = in.readInt();
            int d = in.readInt();
            List<float[]> dev = new ArrayList<>();
            for (int c = 0; c < nc; c++) {
                float[] v = new float[in.readInt()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = in.readFloat();
                }
                dev.add(v);
            }
            List<List<float[][]>> all = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                all.add(ProfileCacheIo.readClasses(in, nc, d));
            }
            return new Data(nc, d, all.get(0), dev, all.get(1), all.get(2), all.get(3));
        }
    }

    /** The shipped learner (Trainer.train's steps) on the cached profiles. */
    static PrototypeClassifier shipped(Data x, Trainer.Options o, ModelGrid grid) throws Exception {
        int nc = x.nc();
        List<Object[]> per = parallel(nc, o.threads(), c -> {
            List<float[]> s = List.of(x.train().get(c));
            List<Double> dev = new ArrayList<>();
            for (float v : x.dev().get(c)) {
                dev.add((double) v);
            }
            float[][] p = Trainer.kmeans(s, Math.min(o.prototypes(), s.size()));
            float[][] f = Trainer.kmeans(s, Math.min(o.finePrototypes(), s.size()));
            return new Object[] {p, f, Trainer.meanDeviation(s, dev, f)};
        });
        int[] st = new int[nc + 1];
        int[] fst = new int[nc + 1];
        List<float[]> cp = new ArrayList<>();
        List<float[]> fp = new ArrayList<>();
        List<Float> fd = new ArrayList<>();
        for (int c = 0; c < nc; c++) {
            st[c] = cp.size();
            fst[c] = fp.size();
            cp.addAll(List.of((float[][]) per.get(c)[0]));
            fp.addAll(List.of((float[][]) per.get(c)[1]));
            for (float v : (float[]) per.get(c)[2]) {
                fd.add(v);
            }
        }
        st[nc] = cp.size();
        fst[nc] = fp.size();
        float[] fdev = new float[fd.size()];
        for (int i = 0; i < fdev.length; i++) {
            fdev[i] = fd.get(i);
        }
        PrototypeClassifier raw = new PrototypeClassifier(grid, st, cp.toArray(new float[0][]),
                new PrototypeClassifier.Refinement(fst, fp.toArray(new float[0][]), o.shortlist(), o.maxScale(),
                        o.scaleSteps(), fdev, o.latticePenalty(), Trainer.LATTICE_TOLERANCE), 1.0, Double.NaN);
        List<float[]> val = new ArrayList<>();
        List<Integer> lab = new ArrayList<>();
        for (int c = 0; c < nc; c++) {
            for (float[] v : x.val().get(c)) {
                val.add(v);
                lab.add(c);
            }
        }
        double t = Trainer.fitTemperature(val, lab, raw::scores);
        return raw.calibrated(t, Double.NaN);
    }

    /** Scores of every profile of a per-class list (flattened class-major), computed in parallel. */
    static double[][] scoreAll(List<float[][]> l, java.util.function.Function<float[], double[]> f, int threads)
            throws Exception {
        List<float[]> flat = new ArrayList<>();
        for (float[][] m : l) {
            flat.addAll(List.of(m));
        }
        int chunk = 64;
        int nch = (flat.size() + chunk - 1) / chunk;
        List<double[][]> parts = parallel(nch, threads, k -> {
            int a = k * chunk;
            int b = Math.min(flat.size(), a + chunk);
            double[][] r = new double[b - a][];
            for (int i = a; i < b; i++) {
                r[i - a] = f.apply(flat.get(i));
            }
            return r;
        });
        double[][] out = new double[flat.size()][];
        int i = 0;
        for (double[][] p : parts) {
            for (double[] r : p) {
                out[i++] = r;
            }
        }
        return out;
    }

    static int[] labels(List<float[][]> l) {
        int n = 0;
        for (float[][] m : l) {
            n += m.length;
        }
        int[] y = new int[n];
        int i = 0;
        for (int c = 0; c < l.size(); c++) {
            for (int k = 0; k < l.get(c).length; k++) {
                y[i++] = c;
            }
        }
        return y;
    }

    static String acc(double[][] s, int[] y) {
        int t1 = 0;
        int t3 = 0;
        int t5 = 0;
        for (int i = 0; i < s.length; i++) {
            int r = PrototypeClassifier.rankOf(s[i], y[i]);
            t1 += r < 1 ? 1 : 0;
            t3 += r < 3 ? 1 : 0;
            t5 += r < 5 ? 1 : 0;
        }
        double n = s.length;
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f (n=%d)", 100 * t1 / n, 100 * t3 / n, 100 * t5 / n,
                s.length);
    }

    static int argmax(double[] s) {
        int w = 0;
        for (int j = 1; j < s.length; j++) {
            if (s[j] > s[w]) {
                w = j;
            }
        }
        return w;
    }

    static String group(Catalog cat, int c) {
        String id = cat.classes().get(c).representative().sourceId();
        int k = id.indexOf('/');
        return k < 0 ? "?" : id.substring(0, k);
    }

    static double volPerAtom(Catalog cat, int c) {
        Catalog.Structure s = cat.structures(c).get(0);
        return s.structure().lattice().volume() / Math.max(1, s.entry().atoms());
    }

    static double maxDot(float[] q, float[][] refs) {
        double b = Double.NEGATIVE_INFINITY;
        for (float[] r : refs) {
            b = Math.max(b, PdfProfile.dot(q, r));
        }
        return b;
    }

    /** Error table of one test set. */
    static void errors(String name, Catalog cat, Data x, double[][] s, List<float[][]> set) {
        int[] y = labels(set);
        List<float[]> flat = new ArrayList<>();
        for (float[][] m : set) {
            flat.addAll(List.of(m));
        }
        Map<String, int[]> byGroup = new TreeMap<>(); // n, miss1, miss3, sameType, rank2-3, overlap, pcc>=0.9
        Map<String, List<Double>> latt = new HashMap<>();
        Map<String, List<Double>> pcc = new HashMap<>();
        Map<String, Integer> pairs = new HashMap<>();
        int[] missGroupCross = new int[1];
        for (int i = 0; i < s.length; i++) {
            int c = y[i];
            String g = group(cat, c);
            int[] h = byGroup.computeIfAbsent(g, k -> new int[10]);
            h[0]++;
            int r = PrototypeClassifier.rankOf(s[i], c);
            if (r == 0) {
                continue;
            }
            h[1]++;
            if (r >= 3) {
                h[2]++;
            }
            if (r >= 1 && r <= 2) {
                h[4]++;
            }
            int w = argmax(s[i]);
            if (!group(cat, w).equals(g)) {
                missGroupCross[0]++;
                h[7]++;
            }
            CatalogEntry ec = cat.classes().get(c).representative();
            CatalogEntry ew = cat.classes().get(w).representative();
            boolean same = false;
            for (CatalogEntry a : cat.classes().get(c).all()) {
                for (CatalogEntry b : cat.classes().get(w).all()) {
                    same |= a.structureTypeKey().equals(b.structureTypeKey());
                }
            }
            if (same) {
                h[3]++;
            }
            double dl = Math.cbrt(volPerAtom(cat, w) / volPerAtom(cat, c)) - 1;
            latt.computeIfAbsent(g + (same ? " same" : " other"), k -> new ArrayList<>()).add(Math.abs(dl));
            double p = PdfProfile.dot(cat.structures(c).get(0).profile(), cat.structures(w).get(0).profile());
            pcc.computeIfAbsent(g, k -> new ArrayList<>()).add(p);
            if (p >= 0.9) {
                h[6]++;
            }
            // overlap: the nearest training profile of the winner is closer than all of the true class's
            double own = maxDot(flat.get(i), x.train().get(c));
            double oth = maxDot(flat.get(i), x.train().get(w));
            if (oth > own) {
                h[5]++;
            }
            if (r >= 3) {
                h[8] += 0;
            }
            String key = c < w ? c + "-" + w : w + "-" + c;
            pairs.merge(key, 1, Integer::sum);
        }
        System.out.println("== errors " + name + ": group n miss(top1) miss(top3) sameType rank2-3 overlap(1NN other"
                + " closer) nominalPCC>=0.9 crossGroup");
        int[] tot = new int[10];
        for (var e : byGroup.entrySet()) {
            int[] h = e.getValue();
            for (int k = 0; k < 10; k++) {
                tot[k] += h[k];
            }
            System.out.printf(Locale.ROOT, "  %-22s n=%4d top1 %.1f %% top3 %.1f %% | misses %3d: sameType %3d, rank2-3 %3d,"
                    + " beyond3 %3d, overlap %3d, PCC>=0.9 %3d, predicted in other group %3d%n", e.getKey(), h[0],
                    100.0 * (h[0] - h[1]) / h[0], 100.0 * (h[0] - h[2]) / h[0], h[1], h[3], h[4], h[2], h[5], h[6], h[7]);
        }
        System.out.printf(Locale.ROOT, "  %-22s n=%4d top1 %.1f %% top3 %.1f %% | misses %3d: sameType %3d, rank2-3 %3d,"
                + " beyond3 %3d, overlap %3d, PCC>=0.9 %3d, predicted in other group %3d%n", "all", tot[0],
                100.0 * (tot[0] - tot[1]) / tot[0], 100.0 * (tot[0] - tot[2]) / tot[0], tot[1], tot[3], tot[4], tot[2],
                tot[5], tot[6], tot[7]);
        for (var e : new TreeMap<>(latt).entrySet()) {
            System.out.printf(Locale.ROOT, "  |isotropic lattice diff| %-28s %s%n", e.getKey(), quant(e.getValue()));
        }
        for (var e : new TreeMap<>(pcc).entrySet()) {
            System.out.printf(Locale.ROOT, "  nominal PCC true vs predicted %-18s %s%n", e.getKey(), quant(e.getValue()));
        }
        List<Map.Entry<String, Integer>> pl = new ArrayList<>(pairs.entrySet());
        pl.sort((a, b) -> b.getValue() - a.getValue());
        System.out.println("  distinct confused pairs " + pl.size() + "; most frequent:");
        for (int k = 0; k < Math.min(12, pl.size()); k++) {
            String[] ab = pl.get(k).getKey().split("-");
            int a = Integer.parseInt(ab[0]);
            int b = Integer.parseInt(ab[1]);
            System.out.printf(Locale.ROOT, "    %d x  %s [%s]  <->  %s [%s]  PCC %.3f  dlat %+.3f%n", pl.get(k).getValue(),
                    cat.classes().get(a).label(), group(cat, a), cat.classes().get(b).label(), group(cat, b),
                    PdfProfile.dot(cat.structures(a).get(0).profile(), cat.structures(b).get(0).profile()),
                    Math.cbrt(volPerAtom(cat, b) / volPerAtom(cat, a)) - 1);
        }
    }

    static String quant(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (a.length == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "n=%d  min %.3f  q25 %.3f  median %.3f  q75 %.3f  max %.3f", a.length, a[0],
                a[a.length / 4], a[a.length / 2], a[3 * a.length / 4], a[a.length - 1]);
    }

    /** A measured PDF on the model grid and the classes holding its structure type (expected elements and space group). */
    record Real(String file, float[] x, boolean[] expected) {
    }

    static List<Real> realCases(Path shared, Catalog cat) {
        String[][] cases = {{"pdf/cmi_exchange/ni-q27r60-xray.gr", "Ni", "Fm3m"}, {"pdf/diffpy_cmi/Ni.gr", "Ni", "Fm3m"},
            {"pdf/diffpy_cmi/ch05_ni.gr", "Ni", "Fm3m"}, {"pdf/srfit/ni-q27r60nodg-xray.gr", "Ni", "Fm3m"},
            {"pdf/cmi_exchange/ni-q27r100-neutron.gr", "Ni", "Fm3m"}, {"pdf/cmi_exchange/NaCl.gr", "Cl Na", "Fm3m"},
            {"pdf/diffpy_cmi/ch05_si.gr", "Si", "Fd3m"}, {"pdf/srfit/si-q27r60-xray.gr", "Si", "Fd3m"},
            {"pdf/diffpy_cmi/CdSe-bulk.gr", "Cd Se", "P63mc F43m"}, {"pdf/diffpy_cmi/CdSe-1.gr", "Cd Se", "P63mc F43m"},
            {"pdf/diffpy_cmi/CdSe-4.gr", "Cd Se", "P63mc F43m"}, {"pdf/diffpy_cmi/Pt-nanoparticles.gr", "Pt", "Fm3m"},
            {"pdf/srfit/pb_100_qmin1.gr", "Pb", "Fm3m"}, {"pdf/diffpy_cmi/BaZn2As2_K-Mn-doped_300K.gr", "As Ba Zn", ""}};
        List<Real> out = new ArrayList<>();
        for (String[] c : cases) {
            try {
                org.nifispectro.pdf.io.GrData d = org.nifispectro.pdf.io.GrReader.read(shared.resolve(c[0]));
                float[] x = PdfProfile.of(d.r(), d.g(), cat.grid());
                boolean[] e = new boolean[cat.classes().size()];
                for (int k = 0; k < e.length; k++) {
                    for (CatalogEntry m : cat.classes().get(k).all()) {
                        e[k] |= m.elements().equals(c[1])
                                && (c[2].isEmpty() || List.of(c[2].split(" ")).contains(CatalogEntry.spaceGroupKey(m.spaceGroup())));
                    }
                }
                out.add(new Real(c[0], x, e));
            } catch (Exception ex) {
                System.out.println("  measured " + c[0] + ": " + ex.getMessage());
            }
        }
        return out;
    }

    /** @return 1-based rank of the first expected class, 0 if beyond 5 */
    static int rankOfExpected(double[] s, boolean[] expected) {
        int[] top = PairwiseExperiment.top(s, 5);
        for (int i = 0; i < top.length; i++) {
            if (expected[top[i]]) {
                return i + 1;
            }
        }
        return 0;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        Trainer.Options d = Trainer.Options.defaults();
        Trainer.Options o = new Trainer.Options(d.variants(), d.augmentations(), d.prototypes(), d.validationVariants(),
                Integer.parseInt(a.getOrDefault("test-variants", "2")), d.ranges(), d.seed(), threads,
                d.finePrototypes(), d.shortlist(), d.maxScale(), d.scaleSteps(), d.latticePenalty());
        long t0 = System.nanoTime();
        Catalog cat = Catalog.build(Path.of(a.get("cifs")), ModelGrid.standard(),
                new Catalog.Options(0.95, 0.01, 5000, threads));
        System.out.printf(Locale.ROOT, "catalog %d classes, %.1f s%n", cat.classes().size(), (System.nanoTime() - t0) / 1e9);
        Path cache = Path.of(a.get("cache"));
        Data x;
        t0 = System.nanoTime();
        if (Files.exists(cache)) {
            x = read(cache);
        } else {
            x = simulate(cat, o);
            write(x, cache);
        }
        System.out.printf(Locale.ROOT, "profiles of %d classes, %.1f s%n", x.nc(), (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        PrototypeClassifier clf = shipped(x, o, cat.grid());
        System.out.printf(Locale.ROOT, "shipped learner trained, %.1f s, T %.4g%n", (System.nanoTime() - t0) / 1e9,
                clf.temperature());
        t0 = System.nanoTime();
        double[][] sc = scoreAll(x.clean(), clf::scores, threads);
        double[][] sp = scoreAll(x.pert(), clf::scores, threads);
        int[] y = labels(x.clean());
        System.out.printf(Locale.ROOT, "shipped: held-out %s  perturbed %s  [%.1f s]%n", acc(sc, y), acc(sp, y),
                (System.nanoTime() - t0) / 1e9);
        for (String step : a.getOrDefault("steps", "errors").split(",")) {
            t0 = System.nanoTime();
            if (step.equals("errors")) {
                errors("held-out simulated", cat, x, sc, x.clean());
                errors("perturbed held-out", cat, x, sp, x.pert());
            } else if (step.startsWith("pairs")) {
                PairwiseExperiment.real = realCases(Path.of(a.getOrDefault("shared", "/work/shared/data")), cat);
                PairwiseExperiment.run(step, cat, x, clf, sc, sp, threads);
            }
            System.out.printf(Locale.ROOT, "[%s: %.1f s]%n", step, (System.nanoTime() - t0) / 1e9);
        }
    }
}
