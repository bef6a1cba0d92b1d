package org.nifispectro.pdf;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A periodic crystal structure with every atom of the unit cell listed (space-group symmetry
 * already applied), in flat primitive arrays for fast pair sums. Atom i has fractional
 * coordinates {@code xyz[3i..3i+2]} in [0,1), occupancy {@code occupancy[i]}, scattering type
 * {@code type[i]} (element symbol, optionally with an ionic charge such as "Fe3+"), and
 * displacement parameters: isotropic {@code uiso[i]} (angstrom^2) and, when
 * {@code anisotropic[i]}, a Cartesian U tensor {@code uCart[6i..6i+5]} = (U11,U22,U33,U12,U13,U23)
 * in the frame of {@link Lattice#basis()}.
 *
 * @param name structure name (CIF file and data block)
 * @param lattice unit cell
 * @param spaceGroup space-group symbol as given in the source (may be empty)
 * @param labels site labels
 * @param type scattering types
 * @param xyz fractional coordinates, 3 per atom
 * @param occupancy site occupancies
 * @param uiso isotropic (or equivalent isotropic) U per atom, angstrom^2
 * @param anisotropic whether atom i uses uCart
 * @param uCart Cartesian U tensors, 6 per atom (zeros for isotropic atoms)
 * @param adpAnisotropic DiffPy's per-atom anisotropy flag: false when the CIF declares the site
 *        {@code Uiso}/{@code Biso} in {@code _atom_site_adp_type}, true otherwise (see
 *        {@link #withDiffpyDiagonalU})
 * @param orbit per atom, the index of the first atom of its symmetry orbit (atoms generated from
 *        the same CIF site by a closed space group); {@code orbit[i] == i} for atoms without a
 *        known symmetry relation. Used by {@link PdfCalculator} to sum pairs only from one atom
 *        per orbit, weighted by the orbit size (exact for a symmetric structure).
 */
public record CrystalStructure(String name, Lattice lattice, String spaceGroup, String[] labels, String[] type,
        double[] xyz, double[] occupancy, double[] uiso, boolean[] anisotropic, double[] uCart,
        boolean[] adpAnisotropic, int[] orbit) {

    public CrystalStructure {
        int n = labels.length;
        if (type.length != n || xyz.length != 3 * n || occupancy.length != n || uiso.length != n
                || anisotropic.length != n || uCart.length != 6 * n || adpAnisotropic.length != n
                || orbit.length != n) {
            throw new IllegalArgumentException("inconsistent atom array lengths for " + n + " atoms in " + name);
        }
    }

    /** @return number of atoms (sites) in the unit cell */
    public int size() {
        return labels.length;
    }

    /** @return sum of occupancies in the cell */
    public double totalOccupancy() {
        double s = 0;
        for (double o : occupancy) {
            s += o;
        }
        return s;
    }

    /** @return number density in atoms per cubic angstrom (occupancy-weighted) */
    public double numberDensity() {
        return totalOccupancy() / lattice.volume();
    }

    /** @return element symbol of atom i without any charge suffix */
    public String element(int i) {
        String t = type[i];
        int k = 1;
        while (k < t.length() && Character.isLowerCase(t.charAt(k))) {
            k++;
        }
        return t.substring(0, k);
    }

    /**
     * @return cell content as a Hill-order formula with occupancy-weighted counts, e.g. "Cl4 Na4"
     *         (C first, then H, then alphabetical when carbon is present; alphabetical otherwise)
     */
    public String cellFormula() {
        boolean hasC = false;
        for (int i = 0; i < size(); i++) {
            hasC |= element(i).equals("C");
        }
        final boolean carbon = hasC;
        Map<String, Double> count = new TreeMap<>((p, q) -> {
            int rp = carbon ? hillRank(p) : 2;
            int rq = carbon ? hillRank(q) : 2;
            return rp != rq ? Integer.compare(rp, rq) : p.compareTo(q);
        });
        for (int i = 0; i < size(); i++) {
            count.merge(element(i), occupancy[i], Double::sum);
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : count.entrySet()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(e.getKey());
            double v = e.getValue();
            if (Math.abs(v - Math.rint(v)) < 1e-6) {
                if (Math.rint(v) != 1) {
                    sb.append((long) Math.rint(v));
                }
            } else {
                sb.append(String.format(java.util.Locale.ROOT, "%.4g", v));
            }
        }
        return sb.toString();
    }

    private static int hillRank(String el) {
        return el.equals("C") ? 0 : el.equals("H") ? 1 : 2;
    }

    /**
     * @return copy with a new lattice (same fractional coordinates). Symmetry orbits are kept when
     *         the angles are unchanged and every equality among a, b, c is preserved (a change
     *         within the crystal system's constraints); otherwise every atom becomes its own orbit.
     */
    public CrystalStructure withLattice(Lattice l) {
        // anisotropic Cartesian tensors are kept as they are (they do not scale with small strains)
        boolean keep = l.alpha() == lattice.alpha() && l.beta() == lattice.beta() && l.gamma() == lattice.gamma()
                && same(lattice.a(), lattice.b()) == same(l.a(), l.b())
                && same(lattice.b(), lattice.c()) == same(l.b(), l.c())
                && same(lattice.a(), lattice.c()) == same(l.a(), l.c());
        int[] orb = orbit;
        if (!keep) {
            orb = new int[size()];
            for (int i = 0; i < orb.length; i++) {
                orb[i] = i;
            }
        }
        return new CrystalStructure(name, l, spaceGroup, labels, type, xyz, occupancy, uiso, anisotropic, uCart,
                adpAnisotropic, orb);
    }

    private static boolean same(double x, double y) {
        return Math.abs(x - y) <= 1e-9 * Math.max(x, y);
    }

    /** @return copy with every atom isotropic with the given U (angstrom^2) */
    public CrystalStructure withUiso(double u) {
        if (!(u >= 0) || !Double.isFinite(u)) {
            throw new IllegalArgumentException("Uiso must be >= 0 and finite, got " + u);
        }
        double[] ui = new double[size()];
        Arrays.fill(ui, u);
        return new CrystalStructure(name, lattice, spaceGroup, labels, type, xyz, occupancy, ui,
                new boolean[size()], new double[6 * size()], adpAnisotropic, orbit);
    }

    /**
     * DiffPy's behaviour for {@code structure.U11 = U22 = U33 = u; U12 = U13 = U23 = 0}: the
     * diagonal tensor is set in the CIF convention (axes a*, b*, c*), which in a non-orthogonal
     * cell is not isotropic in Cartesian space. Atoms flagged in {@link #adpAnisotropic} keep
     * that tensor (msd projected on each pair direction); the others are isotropic with U = u.
     *
     * @param u diagonal U value, angstrom^2
     */
    public CrystalStructure withDiffpyDiagonalU(double u) {
        boolean[] diffpyAnisotropic = adpAnisotropic;
        if (!(u >= 0) || !Double.isFinite(u)) {
            throw new IllegalArgumentException("U must be >= 0 and finite, got " + u);
        }
        int n = size();
        double[] ui = new double[n];
        double[] uc = new double[6 * n];
        boolean[] an = new boolean[n];
        double[] a = lattice.basis();
        double[] rl = lattice.reciprocalLengths();
        double[] cart = org.nifispectro.pdf.cif.CifStructureReader.cartesianU(new double[] {u, u, u, 0, 0, 0},
                new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, a, rl);
        // in an orthogonal cell the tensor is isotropic after all: keep the fast isotropic path
        boolean isotropicTensor = Math.abs(cart[3]) + Math.abs(cart[4]) + Math.abs(cart[5]) < 1e-15
                && Math.abs(cart[0] - cart[1]) < 1e-15 && Math.abs(cart[0] - cart[2]) < 1e-15;
        for (int i = 0; i < n; i++) {
            if (diffpyAnisotropic[i] && !isotropicTensor) {
                an[i] = true;
                System.arraycopy(cart, 0, uc, 6 * i, 6);
                ui[i] = (cart[0] + cart[1] + cart[2]) / 3;
            } else {
                ui[i] = u;
            }
        }
        // the same (unrotated) tensor on every atom is not symmetry-consistent: drop the orbits then
        int[] orb = orbit;
        boolean anyAniso = false;
        for (boolean b : an) {
            anyAniso |= b;
        }
        if (anyAniso) {
            orb = new int[n];
            for (int i = 0; i < n; i++) {
                orb[i] = i;
            }
        }
        return new CrystalStructure(name, lattice, spaceGroup, labels, type, xyz, occupancy, ui, an, uc, adpAnisotropic,
                orb);
    }

    /** @return copy with ionic charges removed from the scattering types ("Fe3+" to "Fe") */
    public CrystalStructure neutral() {
        String[] t = new String[size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = element(i);
        }
        return new CrystalStructure(name, lattice, spaceGroup, labels, t, xyz, occupancy, uiso, anisotropic, uCart, adpAnisotropic, orbit);
    }
}
