package org.nifispectro.pdf.cif;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Symmetry operators chosen the way DiffPy-CMI's CIF reader ({@code diffpy.structure} P_cif,
 * versions 3.x) chooses them, for {@link SymmetrySource#DIFFPY_COMPATIBLE}.
 *
 * <h2>What DiffPy does (and this class reproduces)</h2>
 * <ol>
 * <li>It reads the operators of {@code _space_group_symop_operation_xyz}, else of
 * {@code _symmetry_equiv_pos_as_xyz}, as written (duplicates kept).</li>
 * <li>It looks them up in its built-in table of space-group settings: the list is accepted only
 * when its operators, each printed with 3 decimals and sorted, equal those of one table setting
 * (so a duplicated operator, a missing centring translation, a translation such as 0.33 instead of
 * 1/3, or a setting the table lacks all fail the lookup). On a match the listed operators are used,
 * which is the same as the default reading.</li>
 * <li>Otherwise it takes the first present of {@code _space_group_IT_number},
 * {@code _symmetry_Int_Tables_number}, {@code _space_group_name_H-M_alt},
 * {@code _space_group_name_H-M_ref}, {@code _symmetry_space_group_name_H-M} (a number wins over a
 * symbol) and, when that names a table entry, expands with the table's operators for it, even
 * though they contradict the listed ones.</li>
 * <li>Only when that value is not a table identifier are the listed operators used after all.</li>
 * </ol>
 *
 * <h2>DiffPy's table</h2> It joins the pymmlib list (one entry per number 1-230: the standard
 * setting with <b>origin choice 1</b> for the 24 groups with two origins, <b>hexagonal axes</b> for
 * the seven R groups, whose rhombohedral-axes settings are separate entries named "R..." while the
 * hexagonal ones are named "H..."; plus Pmmn origin choice 2 and a few CCP4 settings with shifted
 * origins) with sgtbx-generated alternative settings of the monoclinic and orthorhombic groups 3-74.
 * It therefore lacks the origin-choice-2 settings of groups 85-228 (and of the reference settings
 * of Pnnn, Pban, Ccca, Fddd): a CIF that lists, say, the operators of Fd-3m origin choice 2 (as
 * COD and AMCSD spinel and diamond files do) is expanded by DiffPy with the origin-choice-1
 * operators of group 227, which puts atoms given for one origin at wrong places (Si at 1/8,1/8,1/8
 * becomes 16 atoms per cell instead of 8). This class represents the table by the settings of
 * {@link SpaceGroups} (the 530 settings of International Tables) that DiffPy has, plus the
 * non-standard pymmlib ones written as Hall symbols. Facts taken from diffpy.structure's
 * {@code parsers/p_cif.py}, {@code spacegroups.py}, {@code mmlibspacegroups.py},
 * {@code sgtbxspacegroups.py}; no code was copied.
 *
 * <h2>Limits</h2> Where DiffPy would refuse the file (no operators and no usable identifier) the
 * default reading is used. A space-group symbol (without number) is resolved through
 * {@link SpaceGroups} with DiffPy's choices (origin 1; "R" symbols on rhombohedral axes); symbols
 * with ":1"/":2"/":H"/":R" or parenthesised notes are not DiffPy identifiers.
 */
public final class DiffpySymmetry {

    /**
     * Operators and how they were chosen.
     *
     * @param operations the operators to expand with (duplicates removed)
     * @param fromTable whether DiffPy's table operators replaced the listed ones
     * @param description what was done, for the user (e.g. "listed operators replaced by DiffPy's
     *        setting of group 227 (F d -3 m:1) from _symmetry_Int_Tables_number = 227")
     */
    public record Resolution(List<SymmetryOperation> operations, boolean fromTable, String description) {
    }

    private static final String[] SYMOP_TAGS = {"_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz"};
    private static final String[] ID_TAGS = {"_space_group_IT_number", "_symmetry_Int_Tables_number",
        "_space_group_name_H-M_alt", "_space_group_name_H-M_ref", "_symmetry_space_group_name_H-M"};
    /** Reference settings whose origin choice 2 is absent from DiffPy's table (groups below 75). */
    private static final String[] NO_ORIGIN2 = {"P n n n", "P b a n", "C c c a", "F d d d"};
    /** pymmlib settings that are not among the 530 of International Tables (Hall symbols). */
    private static final String[][] EXTRA = {
        {"3", "I 1 21 1", "I 2yb"}, {"5", "A 2 1 1", "A 2x"}, {"5", "C 1 21 1", "C 2yb"},
        {"18", "P 21 21 2 (a)", "P 2ab 2a"}, {"20", "C 2 2 21a", "C 2ac 2ab"}, {"21", "C 2 2 2a", "C 2ab 2a"},
        {"22", "F 2 2 2a", "F 2ab 2a"}, {"23", "I 2 2 2a", "I 2ab 2a"}, {"94", "P 42 21 2a", "P 4bc 2a"},
        {"197", "I 2 3a", "I 2ab 2a 3"},
    };

    /** sorted DiffPy keys of a table setting -> its name. */
    private static final Map<List<String>, String> TABLE = buildTable();

    private DiffpySymmetry() {
    }

    private static Map<List<String>, String> buildTable() {
        Map<List<String>, String> m = new HashMap<>();
        List<String> noOrigin2 = List.of(NO_ORIGIN2);
        List<SpaceGroups.Entry> all = SpaceGroups.entries();
        // only the 530 settings of International Tables (the table's extras, e.g. "C -1", are not DiffPy's)
        for (SpaceGroups.Entry e : all.subList(0, Math.min(530, all.size()))) {
            boolean origin2 = e.ext().equals("2");
            boolean keep = e.number() <= 74 ? !(origin2 && noOrigin2.contains(e.hm())) : !origin2;
            if (keep) {
                m.putIfAbsent(sortedKeys(SpaceGroups.fromHall(e.hall())), name(e));
            }
        }
        for (String[] x : EXTRA) {
            m.putIfAbsent(sortedKeys(SpaceGroups.fromHall(x[2])), x[0] + " (" + x[1] + ")");
        }
        return m;
    }

    private static String name(SpaceGroups.Entry e) {
        return e.number() + " (" + e.hm() + (e.ext().isEmpty() ? "" : ":" + e.ext()) + ")";
    }

    /** DiffPy's text form of an operator: rotation and translation (in [0,1)) to 3 decimals. */
    static String key(SymmetryOperation op) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                sb.append(fixed3(op.r()[i * 3 + j])).append(' ');
            }
            sb.append(fixed3(op.t()[i])).append(';');
        }
        return sb.toString();
    }

    private static String fixed3(double v) {
        // Python's "%6.3f": exact binary value, round half to even
        String s = new BigDecimal(v).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
        return s.equals("-0.000") ? "0.000" : s;
    }

    private static List<String> sortedKeys(List<SymmetryOperation> ops) {
        List<String> k = new ArrayList<>(ops.size());
        for (SymmetryOperation o : ops) {
            k.add(key(o));
        }
        Collections.sort(k);
        return k;
    }

    /**
     * @param listed operators as listed (duplicates kept)
     * @return the name of DiffPy's table setting with exactly these operators, or null
     */
    public static String tableSetting(List<SymmetryOperation> listed) {
        return TABLE.get(sortedKeys(listed));
    }

    /**
     * Chooses the operators of a data block as DiffPy would.
     *
     * @param b the CIF data block
     * @return the resolution, or null when DiffPy would refuse the block (the caller then falls
     *         back to the default reading)
     * @throws CifException for an operator that cannot be parsed (tag and line named)
     */
    public static Resolution resolve(CifBlock b) throws CifException {
        List<SymmetryOperation> listed = new ArrayList<>();
        String listedTag = null;
        for (String tag : SYMOP_TAGS) {
            CifBlock.Item it = b.item(tag);
            if (it == null) {
                continue;
            }
            listedTag = tag;
            for (int k = 0; k < it.values().size(); k++) {
                String v = it.values().get(k);
                if (CifBlock.isNull(v)) {
                    continue;
                }
                try {
                    listed.add(SymmetryOperation.parse(v));
                } catch (IllegalArgumentException e) {
                    throw new CifException(b.where() + " line " + it.lines()[k] + ": " + tag + ": " + e.getMessage(),
                            it.lines()[k], tag);
                }
            }
            break;
        }
        if (!listed.isEmpty()) {
            String setting = tableSetting(listed);
            if (setting != null) {
                return new Resolution(dedup(listed), false,
                        "listed operators (" + listed.size() + ", DiffPy table setting " + setting + ")");
            }
        }
        String idTag = null;
        String id = null;
        for (String t : ID_TAGS) {
            String v = b.value(t);
            if (v != null && !v.isEmpty()) {
                idTag = t;
                id = v.trim();
                break;
            }
        }
        SpaceGroups.Entry e = id == null ? null : identifier(id);
        if (e != null) {
            String why = listed.isEmpty() ? "no operators listed"
                    : "the " + listed.size() + " listed operators of " + listedTag + " are not a setting of DiffPy's table";
            return new Resolution(SpaceGroups.fromHall(e.hall()), true,
                    "DiffPy table setting " + name(e) + " from " + idTag + " = " + id + " (" + why + ")");
        }
        if (!listed.isEmpty()) {
            return new Resolution(dedup(listed), false, "listed operators (" + listed.size()
                    + ", not a DiffPy table setting; " + (id == null ? "no space group identifier" : idTag + " = " + id
                    + " is not a DiffPy identifier") + ")");
        }
        return null;
    }

    /** The table entry DiffPy's GetSpaceGroup returns for an identifier, or null. */
    static SpaceGroups.Entry identifier(String id) {
        if (id.matches("\\d+")) {
            int n = Integer.parseInt(id);
            return standard(n);
        }
        if (id.contains(":") || id.contains("(") || id.equals("?") || id.equals(".")) {
            return null;
        }
        List<SpaceGroups.Entry> es = SpaceGroups.byHm(id);
        if (es == null) {
            return null;
        }
        boolean rhomb = Character.toUpperCase(id.trim().charAt(0)) == 'R';
        for (SpaceGroups.Entry e : es) {
            if (rhomb ? e.ext().equals("R") : e.ext().equals("1")) {
                return e;
            }
        }
        return es.get(0);
    }

    /** DiffPy's (pymmlib's) entry for an International Tables number: origin choice 1, hexagonal axes. */
    static SpaceGroups.Entry standard(int n) {
        SpaceGroups.Entry first = null;
        for (SpaceGroups.Entry e : SpaceGroups.entries()) {
            if (e.number() != n) {
                continue;
            }
            if (e.ext().equals("1") || e.ext().equals("H")) {
                return e;
            }
            if (first == null) {
                first = e;
            }
        }
        return first;
    }

    /**
     * DiffPy's GeneratorSite correction of a site close to a special position: the operators whose
     * image of the site falls within {@code eps} (box distance, periodic) of the site itself are
     * the site's invariants; when the site has more than one image, it is moved by the mean of
     * (invariant image - site), reduced to the nearest lattice vector, and coordinates within eps of
     * 0 are set to 0. For a CIF that gives 0.16667 for 1/6 this puts the site exactly on the special
     * position, so its images coincide as DiffPy's do.
     *
     * @param ops the expansion operators (the identity among them)
     * @param x the site as given in the CIF (fractional, not wrapped)
     * @param eps the merge tolerance (fractional)
     * @return the corrected site (a new array; x itself when nothing moves)
     */
    public static double[] snapToSpecialPosition(List<SymmetryOperation> ops, double[] x, double eps) {
        int n = ops.size();
        double[] p = new double[3];
        // fast path: a site that no operator other than the identity maps within 2 eps of itself has the
        // identity as its only invariant, and DiffPy's correction is zero (measured: 0.07 ms per general
        // site of Fd-3m without this shortcut, dominated by comparing 192 images with each other)
        double[] x0 = {x[0] - Math.floor(x[0]), x[1] - Math.floor(x[1]), x[2] - Math.floor(x[2])};
        boolean nearSpecial = false;
        for (int k = 0; k < n && !nearSpecial; k++) {
            SymmetryOperation op = ops.get(k);
            if (isIdentity(op)) {
                continue;
            }
            op.apply(x[0], x[1], x[2], p);
            nearSpecial = box(p, x0) <= 2 * eps;
        }
        if (!nearSpecial) {
            return x;
        }
        List<double[]> reps = new ArrayList<>();
        int[] repOf = new int[n];
        int identity = -1;
        for (int k = 0; k < n; k++) {
            SymmetryOperation op = ops.get(k);
            if (identity < 0 && isIdentity(op)) {
                identity = k;
            }
            op.apply(x[0], x[1], x[2], p);
            double[] w = new double[3];
            for (int c = 0; c < 3; c++) {
                w[c] = p[c] < 0 || p[c] >= 1 ? p[c] - Math.floor(p[c]) : p[c];
            }
            int best = -1;
            double bestBox = Double.POSITIVE_INFINITY;
            for (int r = 0; r < reps.size(); r++) {
                double box = box(reps.get(r), w);
                if (box < bestBox) {
                    bestBox = box;
                    best = r;
                }
            }
            if (best >= 0 && bestBox <= eps) {
                repOf[k] = best;
            } else {
                repOf[k] = reps.size();
                reps.add(w);
            }
        }
        if (identity < 0 || reps.size() <= 1) {
            return x;
        }
        double[] d = new double[3];
        int m = 0;
        for (int k = 0; k < n; k++) {
            if (repOf[k] != repOf[identity]) {
                continue;
            }
            ops.get(k).apply(x[0], x[1], x[2], p);
            for (int c = 0; c < 3; c++) {
                double v = p[c] - x[c];
                d[c] += v - Math.rint(v);
            }
            m++;
        }
        boolean moved = false;
        double[] y = x.clone();
        for (int c = 0; c < 3; c++) {
            d[c] /= m;
            if (d[c] != 0) {
                moved = true;
            }
        }
        if (!moved) {
            return x;
        }
        for (int c = 0; c < 3; c++) {
            y[c] = x[c] + d[c];
            if (Math.abs(y[c]) < eps) {
                y[c] = 0;
            }
        }
        return y;
    }

    private static boolean isIdentity(SymmetryOperation op) {
        double[] r = op.r();
        double[] t = op.t();
        return r[0] == 1 && r[1] == 0 && r[2] == 0 && r[3] == 0 && r[4] == 1 && r[5] == 0 && r[6] == 0 && r[7] == 0
                && r[8] == 1 && t[0] == 0 && t[1] == 0 && t[2] == 0;
    }

    /** Largest per-axis periodic distance (DiffPy's "box distance"). */
    private static double box(double[] a, double[] b) {
        double m = 0;
        for (int c = 0; c < 3; c++) {
            double v = a[c] - b[c];
            v -= Math.floor(v);
            if (v > 0.5) {
                v = 1 - v;
            }
            m = Math.max(m, v);
        }
        return m;
    }

    private static List<SymmetryOperation> dedup(List<SymmetryOperation> ops) {
        List<SymmetryOperation> out = new ArrayList<>();
        for (SymmetryOperation op : ops) {
            boolean dup = false;
            for (SymmetryOperation o : out) {
                dup |= o.sameAs(op);
            }
            if (!dup) {
                out.add(op);
            }
        }
        return out;
    }
}
