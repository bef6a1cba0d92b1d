package org.nifispectro.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.nifispectro.pdf.CrystalStructure;
import org.nifispectro.pdf.PdfCalculator;
import org.nifispectro.pdf.StructureVariants;

/**
 * Simulated PDFs of one class: structure variants of its members (round robin: variant v uses
 * member v mod M) sampled by Latin hypercube with the MLstructureMining recipe (lattice lengths
 * +-4 % within the crystal system's constraints, one Uiso in 0.005-0.025 A^2,
 * {@link StructureVariants#mlstructureMining}), each simulated once ({@link PdfAugmenter} base)
 * and then given measurement conditions. Reproducible: the random streams derive from
 * (seed, class id, purpose) only, so the same call gives the same PDFs on any machine and thread
 * count, and training, validation and test variants never coincide.
 */
public final class ClassSamples {

    /**
     * What a set of variants is for; each purpose has its own random stream. PAIRWISE: extra
     * training variants that only enter the third stage's discriminants
     * ({@link Trainer.Options#pairVariants}).
     */
    public enum Purpose {
        TRAIN(0x5eed0001L), VALIDATION(0x5eed0002L), TEST(0x5eed0003L), PAIRWISE(0x5eed0004L);

        final long salt;

        Purpose(long salt) {
            this.salt = salt;
        }
    }

    private ClassSamples() {
    }

    /**
     * @param catalog catalog
     * @param c class id
     * @param variants number of structure variants
     * @param purpose training, validation or test stream
     * @param seed global seed
     * @param augmenter augmenter of the model grid
     * @param calculator calculator with the augmenter's base parameters
     * @return base G(r) per variant (length variants)
     */
    public static List<double[]> bases(Catalog catalog, int c, int variants, Purpose purpose, long seed,
                                       PdfAugmenter augmenter, PdfCalculator calculator) {
        return bases(catalog, c, variants, purpose, seed, augmenter, calculator, null);
    }

    /**
     * As {@link #bases(Catalog, int, int, Purpose, long, PdfAugmenter, PdfCalculator)}; also adds to
     * {@code deviations} (if not null) each variant's isotropic lattice deviation from its
     * member's catalog cell, (V_variant / V_member)^(1/3) - 1.
     */
    public static List<double[]> bases(Catalog catalog, int c, int variants, Purpose purpose, long seed,
                                       PdfAugmenter augmenter, PdfCalculator calculator, List<Double> deviations) {
        List<Catalog.Structure> members = catalog.structures(c);
        int m = members.size();
        List<double[]> out = new ArrayList<>(variants);
        List<List<StructureVariants.Variant>> perMember = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            int count = variants / m + (i < variants % m ? 1 : 0);
            perMember.add(count == 0 ? List.of()
                    : StructureVariants.mlstructureMining(members.get(i).structure(), count,
                            mix(seed, c, purpose.salt + 31L * i)));
        }
        for (int v = 0; v < variants; v++) {
            CrystalStructure s = perMember.get(v % m).get(v / m).structure();
            out.add(calculator.calculate(s).g());
            if (deviations != null) {
                deviations.add(Math.cbrt(s.lattice().volume() / members.get(v % m).structure().lattice().volume()) - 1);
            }
        }
        return out;
    }

    /**
     * Validation and test profiles of class c: per base variant ({@link #bases}), the normalized
     * profile under MLstructureMining's measurement conditions, then under conditions drawn from
     * {@code ranges}, both from one random stream per (seed, class, purpose); handed to
     * {@code sink} as (clean, perturbed) in variant order.
     */
    public static void conditionPairs(Catalog catalog, int c, int variants, Purpose purpose, long seed,
                                      PdfAugmenter augmenter, PdfCalculator calculator, Augmentation.Ranges ranges,
                                      java.util.function.BiConsumer<float[], float[]> sink) {
        SplittableRandom r = random(seed, c, purpose, 7);
        for (double[] b : bases(catalog, c, variants, purpose, seed, augmenter, calculator)) {
            float[] clean = PdfProfile.normalize(augmenter.apply(b, Augmentation.mlstructureMining(), r));
            float[] perturbed = PdfProfile.normalize(augmenter.apply(b, Augmentation.sample(ranges, r), r));
            sink.accept(clean, perturbed);
        }
    }

    /** @return a random stream for (seed, class, purpose, extra) */
    public static SplittableRandom random(long seed, int c, Purpose purpose, long extra) {
        return new SplittableRandom(mix(seed, c, purpose.salt * 1_000_003L + extra));
    }

    static long mix(long seed, int c, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + c * 0xBF58476D1CE4E5B9L + salt * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
