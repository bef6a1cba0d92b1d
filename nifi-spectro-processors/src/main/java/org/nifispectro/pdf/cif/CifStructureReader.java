package org.nifispectro.pdf.cif;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nifispectro.pdf.CrystalStructure;
import org.nifispectro.pdf.Elements;
import org.nifispectro.pdf.Lattice;

/**
 * Builds full-cell {@link CrystalStructure}s from CIF data blocks: cell parameters, symmetry
 * operators, atom sites, displacement parameters, then symmetry expansion.
 *
 * <h2>What is read</h2>
 * <ul>
 * <li>Cell: {@code _cell_length_a/b/c}, {@code _cell_angle_alpha/beta/gamma} (standard
 * uncertainties such as {@code 5.4307(2)} are dropped; missing angles default to 90).</li>
 * <li>Symmetry: operators from {@code _space_group_symop_operation_xyz} or the legacy
 * {@code _symmetry_equiv_pos_as_xyz}; without them, from a Hall symbol
 * ({@code _space_group_name_Hall}, {@code _symmetry_space_group_name_Hall}), otherwise from the
 * Hermann-Mauguin symbol or International Tables number through {@link SpaceGroups} (530
 * settings; symbols outside the table fail with "unsupported setting"). Symbol
 * names are reported from {@code _space_group_name_H-M_alt}, {@code _symmetry_space_group_name_H-M}.
 * A listed set that is not a group (closed under composition) is defective: the symbol's operators
 * are used instead when there is a usable symbol, otherwise the group the listed ones generate.
 * With {@link SymmetrySource#DIFFPY_COMPATIBLE} the operators are chosen as DiffPy-CMI does instead
 * (see {@link DiffpySymmetry}); the default is {@link SymmetrySource#LISTED_OPERATORS}.</li>
 * <li>Sites: {@code _atom_site_label}, {@code _atom_site_type_symbol} (with the label as
 * fallback), {@code _atom_site_fract_x/y/z}, {@code _atom_site_occupancy} ({@code ?} or
 * {@code .} mean 1), {@code _atom_site_U_iso_or_equiv} or {@code _atom_site_B_iso_or_equiv}
 * (U = B / 8 pi^2), and the {@code _atom_site_aniso_U_ij} / {@code _B_ij} loop joined by
 * {@code _atom_site_aniso_label}.</li>
 * </ul>
 *
 * <h2>Element symbols</h2> Follows DiffPy's {@code P_cif} followed by the clean-up of the
 * reference script {@code make_pdf_reference.py}: the leading {@code (\d+-)?[A-Za-z]+(\d[+-])?}
 * of the type symbol (or label) is taken, case normalised ("FE" to "Fe"); if that is not an
 * element, its first one or two letters ("Fea" to "Fe", "OH1" to "O"). Deuterium "D" (and labels
 * like "Dw") is scattered as H. Ionic charges ("Fe3+", "O2-") are kept in the type when
 * {@link #keepCharges} is set, otherwise dropped (as in the DiffPy references, where the
 * clean-up reduced every ion to its neutral element).
 *
 * <h2>Expansion</h2> A site within {@code tolerance} of a special position (0.33333 for 1/3) is
 * first moved onto it, as DiffPy's GeneratorSite does
 * ({@link DiffpySymmetry#snapToSpecialPosition}). Each asymmetric site is mapped through every operator, wrapped into
 * [0,1), and images closer than {@code tolerance} (fractional, per axis, periodic) to an earlier
 * image of the same site are merged, which is how DiffPy's {@code ExpandAsymmetricUnit}
 * (default eps 1e-5) proceeds. Different CIF sites are never merged (mixed-occupancy sites stay).
 * Anisotropic U tensors are rotated with the operator and stored in Cartesian form
 * (U_cart = A N R U R^T N A^T, A the cell basis, N = diag(a*, b*, c*)).
 *
 * <p>References: DiffPy-CMI diffpy.structure {@code parsers/p_cif.py},
 * {@code symmetryutilities.py}; R. W. Grosse-Kunstleve, P. D. Adams, J. Appl. Cryst. 35 (2002)
 * 477 (U tensor conventions).
 */
public final class CifStructureReader {

    private static final Pattern SYMBOL = Pattern.compile("^(\\d+-)?([A-Za-z]+)(\\d[+-])?");
    private static final Pattern NUMBER = Pattern.compile("^[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    private final double tolerance;
    private final boolean keepCharges;
    private final SymmetrySource symmetrySource;

    private CifStructureReader(double tolerance, boolean keepCharges, SymmetrySource symmetrySource) {
        this.tolerance = tolerance;
        this.keepCharges = keepCharges;
        this.symmetrySource = symmetrySource;
    }

    /**
     * @return a reader with DiffPy's defaults (merge tolerance 1e-5 fractional, charges dropped) that
     *         applies the listed operators ({@link SymmetrySource#LISTED_OPERATORS})
     */
    public static CifStructureReader defaults() {
        return new CifStructureReader(1e-5, false, SymmetrySource.LISTED_OPERATORS);
    }

    /**
     * @param source where the expansion operators come from (see {@link SymmetrySource})
     * @return a reader like this one with that symmetry source
     */
    public CifStructureReader withSymmetrySource(SymmetrySource source) {
        if (source == null) {
            throw new IllegalArgumentException("symmetry source must not be null");
        }
        return new CifStructureReader(tolerance, keepCharges, source);
    }

    /** @return where this reader takes the expansion operators from */
    public SymmetrySource symmetrySource() {
        return symmetrySource;
    }

    /**
     * @param tolerance fractional-coordinate distance below which symmetry images of one site are merged
     * @param keepCharges whether ionic charges stay in the scattering type (then ionic X-ray form factors apply)
     */
    public static CifStructureReader of(double tolerance, boolean keepCharges) {
        if (!(tolerance > 0 && tolerance < 0.1)) {
            throw new IllegalArgumentException("duplicate-merge tolerance must be in (0, 0.1) fractional units, got "
                    + tolerance);
        }
        return new CifStructureReader(tolerance, keepCharges, SymmetrySource.LISTED_OPERATORS);
    }

    /** Reads every structure (data block with {@code _atom_site_label} or {@code _atom_site_fract_x}) of a file. */
    public List<CrystalStructure> readAll(Path file) throws IOException, CifException {
        return readAll(CifParser.parse(file));
    }

    /** Reads every structure of parsed blocks; fails when none of the blocks holds atom sites. */
    public List<CrystalStructure> readAll(List<CifBlock> blocks) throws CifException {
        List<CrystalStructure> out = new ArrayList<>();
        for (CifBlock b : blocks) {
            if (b.has("_atom_site_label") || b.has("_atom_site_fract_x")) {
                out.add(read(b));
            }
        }
        if (out.isEmpty()) {
            String src = blocks.isEmpty() ? "CIF" : blocks.get(0).source();
            throw new CifException(src + ": no data block has atom sites (_atom_site_label / _atom_site_fract_x)",
                    -1, "_atom_site_label");
        }
        return out;
    }

    /** Reads the first structure in the file (what DiffPy's loadStructure does). */
    public CrystalStructure readFirst(Path file) throws IOException, CifException {
        return readAll(file).get(0);
    }

    /** Reads the first structure from CIF text. */
    public CrystalStructure readFirst(String text, String source) throws CifException {
        return readAll(CifParser.parse(text, source)).get(0);
    }

    /** Builds the full-cell structure of one data block. */
    public CrystalStructure read(CifBlock b) throws CifException {
        Lattice lat = lattice(b);
        List<SymmetryOperation> ops = null;
        if (symmetrySource == SymmetrySource.DIFFPY_COMPATIBLE) {
            DiffpySymmetry.Resolution r = DiffpySymmetry.resolve(b);
            ops = r == null ? null : r.operations();
        }
        if (ops == null) {
            ops = symmetry(b, lat);
        }
        String sg = b.firstValue("_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M",
                "_space_group_name_H-M_ref", "_space_group_name_Hall", "_symmetry_space_group_name_Hall");
        Sites s = sites(b);
        return expand(b, lat, ops, s, sg == null ? "" : sg.trim());
    }

    // ---------------------------------------------------------------- cell

    private static Lattice lattice(CifBlock b) throws CifException {
        double a = cellValue(b, "_cell_length_a", Double.NaN);
        double bb = cellValue(b, "_cell_length_b", Double.NaN);
        double c = cellValue(b, "_cell_length_c", Double.NaN);
        double al = cellValue(b, "_cell_angle_alpha", 90);
        double be = cellValue(b, "_cell_angle_beta", 90);
        double ga = cellValue(b, "_cell_angle_gamma", 90);
        try {
            return new Lattice(a, bb, c, al, be, ga);
        } catch (IllegalArgumentException e) {
            CifBlock.Item it = b.item("_cell_length_a");
            throw new CifException(b.where() + " line " + (it == null ? b.line() : it.lines()[0]) + ": invalid cell: "
                    + e.getMessage(), it == null ? b.line() : it.lines()[0], "_cell_length_a");
        }
    }

    private static double cellValue(CifBlock b, String tag, double dflt) throws CifException {
        CifBlock.Item it = b.item(tag);
        if (it == null || CifBlock.isNull(it.values().get(0))) {
            if (Double.isNaN(dflt)) {
                throw new CifException(b.where() + ": missing " + tag, it == null ? b.line() : it.lines()[0], tag);
            }
            return dflt;
        }
        double v = number(it.values().get(0), b, tag, it.lines()[0]);
        if (!(v > 0)) {
            throw new CifException(b.where() + " line " + it.lines()[0] + ": " + tag + " = " + it.values().get(0)
                    + " must be positive (zero or negative cell)", it.lines()[0], tag);
        }
        return v;
    }

    /** Parses a CIF number, dropping a standard uncertainty "(5)". */
    static double number(String s, CifBlock b, String tag, int line) throws CifException {
        Matcher m = NUMBER.matcher(s.trim());
        if (!m.find()) {
            throw new CifException(b.where() + " line " + line + ": " + tag + " value '" + s + "' is not a number",
                    line, tag);
        }
        return Double.parseDouble(m.group());
    }

    // ---------------------------------------------------------------- symmetry

    private static List<SymmetryOperation> symmetry(CifBlock b, Lattice lat) throws CifException {
        for (String tag : new String[] {"_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz"}) {
            CifBlock.Item it = b.item(tag);
            if (it != null) {
                List<SymmetryOperation> ops = new ArrayList<>();
                for (int k = 0; k < it.values().size(); k++) {
                    String v = it.values().get(k);
                    if (CifBlock.isNull(v)) {
                        continue;
                    }
                    try {
                        SymmetryOperation op = SymmetryOperation.parse(v);
                        boolean dup = false;
                        for (SymmetryOperation o : ops) {
                            dup |= o.sameAs(op);
                        }
                        if (!dup) {
                            ops.add(op);
                        }
                    } catch (IllegalArgumentException e) {
                        throw new CifException(b.where() + " line " + it.lines()[k] + ": " + tag + ": "
                                + e.getMessage(), it.lines()[k], tag);
                    }
                }
                if (!ops.isEmpty()) {
                    if (isGroup(ops)) {
                        return ops;
                    }
                    // not a group: the list is defective (COD 8103382 omits the identity, COD 2005206 has
                    // x,-y,-z for -x,-y,-z); the space-group symbol, when there is a usable one, is the authority
                    try {
                        List<SymmetryOperation> fromSymbol = SpaceGroups.operations(
                                b.firstValue("_space_group_name_Hall", "_symmetry_space_group_name_Hall"),
                                b.firstValue("_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M",
                                        "_space_group_name_H-M_ref"),
                                b.firstValue("_space_group_IT_number", "_symmetry_Int_Tables_number"), lat);
                        if (fromSymbol != null) {
                            return fromSymbol;
                        }
                    } catch (IllegalArgumentException e) {
                        // no usable symbol: complete the listed operators to the group they generate
                    }
                    return closeGroup(ops);
                }
            }
        }
        String hall = b.firstValue("_space_group_name_Hall", "_symmetry_space_group_name_Hall");
        String hm = b.firstValue("_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M",
                "_space_group_name_H-M_ref");
        String num = b.firstValue("_space_group_IT_number", "_symmetry_Int_Tables_number");
        try {
            List<SymmetryOperation> ops = SpaceGroups.operations(hall, hm, num, lat);
            if (ops != null) {
                return ops;
            }
        } catch (IllegalArgumentException e) {
            throw new CifException(b.where() + ": unsupported setting: " + e.getMessage(), b.line(),
                    hall != null ? "_space_group_name_Hall" : "_symmetry_space_group_name_H-M");
        }
        if (hall == null && hm == null && num == null) {
            throw new CifException(b.where() + ": no symmetry operators and no space group symbol "
                    + "(_space_group_symop_operation_xyz, _symmetry_equiv_pos_as_xyz, _space_group_name_Hall, "
                    + "_symmetry_space_group_name_H-M)", b.line(), "_symmetry_equiv_pos_as_xyz");
        }
        throw new CifException(b.where() + ": unsupported setting: no symmetry operators listed and space group "
                + (hall != null ? "Hall '" + hall + "'" : hm != null ? "'" + hm + "'" : "number " + num)
                + " is not in the built-in table", b.line(), "_symmetry_space_group_name_H-M");
    }

    // ---------------------------------------------------------------- sites

    private record Sites(List<String> label, List<String> type, List<double[]> xyz, List<Double> occ,
            List<Double> uiso, List<double[]> uaniso, List<Integer> line, List<Boolean> adpAniso) {
    }

    private Sites sites(CifBlock b) throws CifException {
        CifBlock.Item lab = b.item("_atom_site_label");
        CifBlock.Item typ = b.item("_atom_site_type_symbol");
        CifBlock.Item fx = b.item("_atom_site_fract_x");
        CifBlock.Item fy = b.item("_atom_site_fract_y");
        CifBlock.Item fz = b.item("_atom_site_fract_z");
        if (fx == null || fy == null || fz == null) {
            String miss = fx == null ? "_atom_site_fract_x" : fy == null ? "_atom_site_fract_y" : "_atom_site_fract_z";
            throw new CifException(b.where() + ": missing coordinates: no " + miss
                    + " (Cartesian-only sites are not supported)", b.line(), miss);
        }
        CifBlock.Item occ = b.item("_atom_site_occupancy");
        CifBlock.Item ui = b.item("_atom_site_U_iso_or_equiv");
        CifBlock.Item bi = b.item("_atom_site_B_iso_or_equiv");
        CifBlock.Item ref = lab != null ? lab : fx;
        int n = ref.values().size();
        for (CifBlock.Item it : new CifBlock.Item[] {typ, fx, fy, fz, occ, ui, bi}) {
            if (it != null && it.values().size() != n) {
                throw new CifException(b.where() + " line " + it.lines()[0] + ": " + it.tag() + " has "
                        + it.values().size() + " values but " + ref.tag() + " has " + n, it.lines()[0], it.tag());
            }
        }
        Sites s = new Sites(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        CifBlock.Item adpType = b.item("_atom_site_adp_type");
        if (adpType == null) {
            adpType = b.item("_atom_site_thermal_displace_type");
        }
        if (adpType != null && adpType.values().size() != n) {
            adpType = null;
        }
        for (int i = 0; i < n; i++) {
            String label = lab != null ? lab.values().get(i) : null;
            if ("?".equals(label)) {
                continue; // DiffPy skips sites with an unknown label
            }
            int line = ref.lines()[i];
            String tsrc = typ != null && !CifBlock.isNull(typ.values().get(i)) ? typ.values().get(i) : label;
            String ttag = typ != null && !CifBlock.isNull(typ.values().get(i)) ? "_atom_site_type_symbol"
                    : "_atom_site_label";
            if (tsrc == null) {
                throw new CifException(b.where() + " line " + line + ": site " + (i + 1)
                        + " has neither _atom_site_type_symbol nor _atom_site_label", line, "_atom_site_type_symbol");
            }
            String type = scatteringType(tsrc, b, ttag, line);
            double[] xyz = new double[3];
            CifBlock.Item[] f = {fx, fy, fz};
            for (int k = 0; k < 3; k++) {
                String v = f[k].values().get(i);
                if (CifBlock.isNull(v)) {
                    throw new CifException(b.where() + " line " + f[k].lines()[i] + ": missing coordinates: "
                            + f[k].tag() + " of site " + (label == null ? i + 1 : label) + " is '" + v + "'",
                            f[k].lines()[i], f[k].tag());
                }
                xyz[k] = number(v, b, f[k].tag(), f[k].lines()[i]);
            }
            double o = 1.0;
            if (occ != null && !CifBlock.isNull(occ.values().get(i))) {
                o = number(occ.values().get(i), b, occ.tag(), occ.lines()[i]);
                if (!(o >= 0)) {
                    throw new CifException(b.where() + " line " + occ.lines()[i] + ": negative occupancy " + o
                            + " for site " + label, occ.lines()[i], occ.tag());
                }
            }
            double u = 0.0;
            if (ui != null && !CifBlock.isNull(ui.values().get(i))) {
                u = number(ui.values().get(i), b, ui.tag(), ui.lines()[i]);
            } else if (bi != null && !CifBlock.isNull(bi.values().get(i))) {
                u = number(bi.values().get(i), b, bi.tag(), bi.lines()[i]) / (8 * Math.PI * Math.PI);
            }
            s.label.add(label == null ? type + (i + 1) : label);
            s.type.add(type);
            s.xyz.add(xyz);
            s.occ.add(o);
            s.uiso.add(u);
            s.uaniso.add(null);
            s.line.add(line);
            // DiffPy P_cif: anisotropy = adp_type not in (Uiso, Biso); without the tag decided later
            s.adpAniso.add(adpType == null ? null
                    : !(adpType.values().get(i).equals("Uiso") || adpType.values().get(i).equals("Biso")));
        }
        if (s.label.isEmpty()) {
            throw new CifException(b.where() + ": the atom site loop is empty", b.line(), "_atom_site_label");
        }
        aniso(b, s);
        return s;
    }

    private void aniso(CifBlock b, Sites s) throws CifException {
        CifBlock.Item al = b.item("_atom_site_aniso_label");
        if (al == null) {
            return;
        }
        String[] keys = {"11", "22", "33", "12", "13", "23"};
        CifBlock.Item[] uu = new CifBlock.Item[6];
        boolean isB = false;
        for (int k = 0; k < 6; k++) {
            uu[k] = b.item("_atom_site_aniso_U_" + keys[k]);
        }
        if (uu[0] == null) {
            for (int k = 0; k < 6; k++) {
                uu[k] = b.item("_atom_site_aniso_B_" + keys[k]);
            }
            isB = true;
        }
        if (uu[0] == null || uu[1] == null || uu[2] == null) {
            return; // aniso loop without U11..U33: ignore (isotropic values remain)
        }
        for (int r = 0; r < al.values().size(); r++) {
            String lb = al.values().get(r);
            if (CifBlock.isNull(lb)) {
                continue;
            }
            int idx = s.label.indexOf(lb);
            if (idx < 0) {
                throw new CifException(b.where() + " line " + al.lines()[r] + ": _atom_site_aniso_label '" + lb
                        + "' does not match any _atom_site_label", al.lines()[r], "_atom_site_aniso_label");
            }
            double[] u = new double[6];
            for (int k = 0; k < 6; k++) {
                if (uu[k] != null && !CifBlock.isNull(uu[k].values().get(r))) {
                    u[k] = number(uu[k].values().get(r), b, uu[k].tag(), uu[k].lines()[r]);
                    if (isB) {
                        u[k] /= 8 * Math.PI * Math.PI;
                    }
                }
            }
            s.uaniso.set(idx, u);
            if (s.adpAniso.get(idx) == null) {
                s.adpAniso.set(idx, Boolean.TRUE);
            }
            s.uiso.set(idx, (u[0] + u[1] + u[2]) / 3.0); // refined below with the metric in expand()
        }
    }

    /**
     * Scattering type of a CIF type symbol or label, following DiffPy's P_cif plus the element
     * clean-up of the reference script.
     */
    String scatteringType(String raw, CifBlock b, String tag, int line) throws CifException {
        Matcher m = SYMBOL.matcher(raw.trim());
        if (!m.find()) {
            throw new CifException(b.where() + " line " + line + ": unknown element symbol '" + raw + "' in " + tag,
                    line, tag);
        }
        String letters = m.group(2);
        String norm = letters.substring(0, 1).toUpperCase(Locale.ROOT) + letters.substring(1).toLowerCase(Locale.ROOT);
        String el;
        if (Elements.isElement(norm)) {
            el = norm;
        } else if (norm.length() >= 2 && Elements.isElement(norm.substring(0, 2))) {
            el = norm.substring(0, 2);
        } else if (Elements.isElement(norm.substring(0, 1))) {
            el = norm.substring(0, 1);
        } else if (norm.charAt(0) == 'D' || norm.charAt(0) == 'T') {
            el = "H"; // deuterium / tritium scatter X-rays as hydrogen
        } else {
            throw new CifException(b.where() + " line " + line + ": unknown element symbol '" + raw + "' in " + tag,
                    line, tag);
        }
        if (keepCharges && m.group(3) != null && m.group(2).equals(letters) && el.equals(norm)) {
            String ch = m.group(3);
            if (ch.charAt(0) != '0') {
                return el + ch;
            }
        }
        return el;
    }

    // ---------------------------------------------------------------- expansion

    private CrystalStructure expand(CifBlock b, Lattice lat, List<SymmetryOperation> ops, Sites s, String sg) {
        double[] a = lat.basis();
        double[] rl = lat.reciprocalLengths();
        List<String> labels = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<double[]> pos = new ArrayList<>();
        List<Double> occ = new ArrayList<>();
        List<Double> uiso = new ArrayList<>();
        List<double[]> ucart = new ArrayList<>();
        List<Boolean> adp = new ArrayList<>();
        List<Integer> orbitOf = new ArrayList<>();
        boolean group = isGroup(ops);
        double[] p = new double[3];
        double tol = tolerance;
        boolean diffpy = symmetrySource == SymmetrySource.DIFFPY_COMPATIBLE;
        java.util.Set<String> seenLabels = new java.util.HashSet<>();
        for (int i = 0; i < s.label.size(); i++) {
            // a site given within the tolerance of a special position (0.33333 for 1/3) is moved onto it, as
            // DiffPy's GeneratorSite does, so that its coinciding images merge (COD 2003120: 3 K, not 5)
            double[] x = DiffpySymmetry.snapToSpecialPosition(ops, s.xyz.get(i), tol);
            // DiffPy derives a missing ADP type from site symmetry only for the first site of each label;
            // later sites that repeat a label keep diffpy.structure's default (isotropic)
            boolean repeatedLabel = !seenLabels.add(s.label.get(i));
            List<double[]> images = new ArrayList<>();
            int copy = 0;
            for (SymmetryOperation op : ops) {
                op.apply(x[0], x[1], x[2], p);
                double[] w = new double[3];
                for (int k = 0; k < 3; k++) {
                    double v = p[k] - Math.floor(p[k]);
                    w[k] = v >= 1.0 ? 0.0 : v;
                }
                boolean dup = false;
                for (double[] q : images) {
                    boolean same = true;
                    for (int k = 0; k < 3 && same; k++) {
                        double d = w[k] - q[k];
                        d -= Math.rint(d);
                        same = Math.abs(d) < tol;
                    }
                    if (same) {
                        dup = true;
                        break;
                    }
                }
                if (dup) {
                    continue;
                }
                images.add(w);
                copy++;
                orbitOf.add(group ? labels.size() - (copy - 1) : labels.size());
                labels.add(copy == 1 ? s.label.get(i) : s.label.get(i) + "_" + copy);
                types.add(s.type.get(i));
                pos.add(w);
                occ.add(s.occ.get(i));
                // no explicit ADP type: DiffPy flags a site anisotropic unless its site symmetry forces isotropy
                adp.add(s.adpAniso.get(i) != null ? s.adpAniso.get(i)
                        : diffpy && repeatedLabel ? false : !isotropicSite(ops, x));
                double[] u6 = s.uaniso.get(i);
                if (u6 == null) {
                    uiso.add(s.uiso.get(i));
                    ucart.add(null);
                } else {
                    double[] uc = cartesianU(u6, op.r(), a, rl);
                    ucart.add(uc);
                    uiso.add((uc[0] + uc[1] + uc[2]) / 3.0);
                }
            }
        }
        int n = labels.size();
        double[] xyz = new double[3 * n];
        double[] o = new double[n];
        double[] u = new double[n];
        boolean[] an = new boolean[n];
        double[] uc = new double[6 * n];
        boolean[] adpFlag = new boolean[n];
        int[] orbit = new int[n];
        for (int i = 0; i < n; i++) {
            adpFlag[i] = adp.get(i);
            orbit[i] = orbitOf.get(i);
            System.arraycopy(pos.get(i), 0, xyz, 3 * i, 3);
            o[i] = occ.get(i);
            u[i] = uiso.get(i);
            if (ucart.get(i) != null) {
                an[i] = true;
                System.arraycopy(ucart.get(i), 0, uc, 6 * i, 6);
            }
        }
        return new CrystalStructure(b.source() + ":" + b.name(), lat, sg, labels.toArray(new String[0]),
                types.toArray(new String[0]), xyz, o, u, an, uc, adpFlag, orbit);
    }

    /**
     * The group generated by listed operators that are not closed under composition (a CIF that
     * omits the identity or a centring translation, e.g. COD 8103382 lists only 3 of the 4
     * operators of Pna21). Lists that are already groups are returned unchanged; when the closure
     * does not end within 192 operators (translations such as 0.33 instead of 1/3) the list is
     * returned as written.
     */
    static List<SymmetryOperation> closeGroup(List<SymmetryOperation> listed) {
        if (isGroup(listed)) {
            return listed;
        }
        List<SymmetryOperation> g = new ArrayList<>(listed);
        boolean hasIdentity = false;
        for (SymmetryOperation o : g) {
            hasIdentity |= o.sameAs(SymmetryOperation.IDENTITY);
        }
        if (!hasIdentity) {
            g.add(0, SymmetryOperation.IDENTITY);
        }
        for (int i = 0; i < g.size(); i++) {
            for (int j = 0; j < g.size(); j++) {
                SymmetryOperation p = g.get(i).times(g.get(j));
                boolean known = false;
                for (SymmetryOperation o : g) {
                    if (o.sameAs(p)) {
                        known = true;
                        break;
                    }
                }
                if (!known) {
                    if (g.size() >= 192) {
                        return listed;
                    }
                    g.add(p);
                }
            }
        }
        return g;
    }

    /** Whether the operators are closed under composition (translations modulo 1). */
    static boolean isGroup(List<SymmetryOperation> ops) {
        java.util.Set<Long> keys = new java.util.HashSet<>();
        for (SymmetryOperation o : ops) {
            keys.add(opKey(o));
        }
        for (SymmetryOperation a : ops) {
            for (SymmetryOperation b : ops) {
                if (!keys.contains(opKey(a.times(b)))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Packs rotation entries (3 bits each) and translations in 1/24 (5 bits each) into one key. */
    private static long opKey(SymmetryOperation o) {
        long k = 0;
        for (double v : o.r()) {
            k = (k << 3) | ((Math.round(v) + 3) & 7);
        }
        for (double v : o.t()) {
            long q = Math.round(v * 24) % 24;
            k = (k << 5) | (q < 0 ? q + 24 : q);
        }
        return k;
    }

    /**
     * Whether the site symmetry of position x (operators mapping x onto itself modulo lattice
     * translations) only admits an isotropic displacement tensor: the invariant symmetric
     * tensors R U R^T = U form a one-dimensional space.
     */
    static boolean isotropicSite(List<SymmetryOperation> ops, double[] x) {
        List<double[]> rows = new ArrayList<>();
        double[] p = new double[3];
        for (SymmetryOperation op : ops) {
            op.apply(x[0], x[1], x[2], p);
            boolean fixed = true;
            for (int k = 0; k < 3 && fixed; k++) {
                double d = p[k] - x[k];
                fixed = Math.abs(d - Math.rint(d)) < 1e-4;
            }
            if (!fixed) {
                continue;
            }
            double[] r = op.r();
            // linear map on the 6 independent components of a symmetric tensor
            int[][] idx = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
            for (int e = 0; e < 6; e++) {
                double[] row = new double[6];
                int i = idx[e][0];
                int j = idx[e][1];
                for (int f = 0; f < 6; f++) {
                    int k = idx[f][0];
                    int l = idx[f][1];
                    double c = r[i * 3 + k] * r[j * 3 + l];
                    if (k != l) {
                        c += r[i * 3 + l] * r[j * 3 + k];
                    }
                    row[f] = c - (e == f ? 1 : 0);
                }
                rows.add(row);
            }
        }
        return 6 - rank(rows) <= 1;
    }

    private static int rank(List<double[]> rows) {
        double[][] m = rows.toArray(new double[0][]);
        int rank = 0;
        for (int col = 0; col < 6 && rank < m.length; col++) {
            int piv = -1;
            double best = 1e-9;
            for (int r = rank; r < m.length; r++) {
                if (Math.abs(m[r][col]) > best) {
                    best = Math.abs(m[r][col]);
                    piv = r;
                }
            }
            if (piv < 0) {
                continue;
            }
            double[] t = m[piv];
            m[piv] = m[rank];
            m[rank] = t;
            for (int r = 0; r < m.length; r++) {
                if (r != rank) {
                    double f = m[r][col] / m[rank][col];
                    for (int c = col; c < 6; c++) {
                        m[r][c] -= f * m[rank][c];
                    }
                }
            }
            rank++;
        }
        return rank;
    }

    /** U_cart = A N R U N ... : CIF U_ij (on the a*,b*,c*-scaled axes) rotated by R, in Cartesian form. */
    public static double[] cartesianU(double[] u6, double[] r, double[] a, double[] rl) {
        double[][] u = {{u6[0], u6[3], u6[4]}, {u6[3], u6[1], u6[5]}, {u6[4], u6[5], u6[2]}};
        // beta-like tensor in fractional axes: Ustar = N U N
        double[][] us = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                us[i][j] = rl[i] * u[i][j] * rl[j];
            }
        }
        // rotate: R Ustar R^T
        double[][] rot = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    for (int l = 0; l < 3; l++) {
                        sum += r[i * 3 + k] * us[k][l] * r[j * 3 + l];
                    }
                }
                rot[i][j] = sum;
            }
        }
        // Cartesian: A rot A^T
        double[][] c = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    for (int l = 0; l < 3; l++) {
                        sum += a[i * 3 + k] * rot[k][l] * a[j * 3 + l];
                    }
                }
                c[i][j] = sum;
            }
        }
        return new double[] {c[0][0], c[1][1], c[2][2], c[0][1], c[0][2], c[1][2]};
    }
}
