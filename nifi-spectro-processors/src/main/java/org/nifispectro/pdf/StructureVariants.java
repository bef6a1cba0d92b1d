package org.nifispectro.pdf;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training-set variants of a structure, the recipe of MLstructureMining (Kjaer et al., Digital
 * Discovery 2024, seed 004): lattice lengths varied by up to +-{@code latticeFraction} (4 %)
 * respecting the crystal system's constraints, and one isotropic U for all atoms in
 * [{@code uisoMin}, {@code uisoMax}] (0.005-0.025 A^2), sampled jointly by Latin hypercube
 * sampling (McKay, Beckman &amp; Conover 1979) so that each parameter's range is covered in N
 * equal strata. Fractional coordinates and angles are kept.
 *
 * <p>Constraints (from the metric, tolerance 1e-4 relative / 1e-3 degrees): cubic and
 * rhombohedral (a=b=c): one length; tetragonal and hexagonal (a=b): a and c; all others:
 * a, b, c independently. Reproducible: the same seed gives the same variants.
 *
 * <p>Reference: M. D. McKay, R. J. Beckman, W. J. Conover, Technometrics 21 (1979) 239.
 */
public final class StructureVariants {

    /**
     * One variant.
     *
     * @param index 0-based variant number
     * @param lattice varied lattice
     * @param uiso U applied to every atom, angstrom^2
     * @param structure the structure with lattice and U applied
     */
    public record Variant(int index, Lattice lattice, double uiso, CrystalStructure structure) {
    }

    private StructureVariants() {
    }

    /** Crystal-system constraint groups of the lengths: returns for a, b, c the index of the free parameter. */
    static int[] lengthGroups(Lattice l) {
        boolean ab = Math.abs(l.a() - l.b()) <= 1e-4 * l.a();
        boolean bc = Math.abs(l.b() - l.c()) <= 1e-4 * l.b();
        if (ab && bc) {
            return new int[] {0, 0, 0};
        }
        if (ab) {
            return new int[] {0, 0, 1};
        }
        return new int[] {0, 1, 2};
    }

    /**
     * @param s structure
     * @param n number of variants (>= 1)
     * @param latticeFraction maximum relative change of the lattice lengths, e.g. 0.04
     * @param uisoMin lower bound of U, angstrom^2
     * @param uisoMax upper bound of U, angstrom^2
     * @param seed random seed
     * @return n variants
     */
    public static List<Variant> latinHypercube(CrystalStructure s, int n, double latticeFraction, double uisoMin,
            double uisoMax, long seed) {
        if (n < 1 || n > 1_000_000) {
            throw new IllegalArgumentException("number of variants must be in 1..1000000, got " + n);
        }
        if (!(latticeFraction >= 0 && latticeFraction < 0.5)) {
            throw new IllegalArgumentException("lattice variation must be in [0, 0.5), got " + latticeFraction);
        }
        if (!(uisoMin >= 0 && uisoMax >= uisoMin && uisoMax < 1)) {
            throw new IllegalArgumentException("Uiso range must satisfy 0 <= min <= max < 1, got [" + uisoMin + ", "
                    + uisoMax + "]");
        }
        Lattice l0 = s.lattice();
        int[] groups = lengthGroups(l0);
        int nlen = groups[2] + 1;
        int dims = nlen + 1;
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] u = new double[dims][n];
        for (int d = 0; d < dims; d++) {
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            for (int i = 0; i < n; i++) {
                u[d][i] = (perm[i] + rnd.nextDouble()) / n;
            }
        }
        List<Variant> out = new ArrayList<>(n);
        double[] len0 = {l0.a(), l0.b(), l0.c()};
        for (int i = 0; i < n; i++) {
            double[] len = new double[3];
            for (int k = 0; k < 3; k++) {
                double f = 1 + latticeFraction * (2 * u[groups[k]][i] - 1);
                len[k] = len0[k] * f;
            }
            Lattice l = l0.withLengths(len[0], len[1], len[2]);
            double uiso = uisoMin + (uisoMax - uisoMin) * u[nlen][i];
            out.add(new Variant(i, l, uiso, s.withLattice(l).withUiso(uiso)));
        }
        return out;
    }

    /** The seed-004 recipe: +-4 % lattice, Uiso 0.005-0.025 A^2. */
    public static List<Variant> mlstructureMining(CrystalStructure s, int n, long seed) {
        return latinHypercube(s, n, 0.04, 0.005, 0.025, seed);
    }
}
