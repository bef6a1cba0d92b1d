package org.nifispectro.pdf;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.commons.math3.transform.DstNormalization;
import org.apache.commons.math3.transform.FastSineTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * Real-space X-ray PDF calculator reproducing DiffPy-CMI's {@code PDFCalculator} (libdiffpy 1.4,
 * Juhas et al. 2015) for periodic crystals.
 *
 * <h2>Algorithm</h2>
 * <ol>
 * <li>Scattering power of atom i: f_i = f0_i(Q=0) * occupancy_i with Waasmaier-Kirfel f0
 * ({@link XrayFormFactors}); average f = sum f_i / sum occ_i.</li>
 * <li>The r range is extended on both sides by 6 termination ripples (12 pi / qmax, only when
 * qmax &lt; pi / rstep) and by the widest peak tail, capped at {@code maxExtension}, exactly as
 * DiffPy does, so that the Q-space cut sees the full signal.</li>
 * <li>Every ordered atom pair (i, j + lattice translation) with distance d in the extended
 * range contributes a Gaussian of FWHM = sqrt(1 - delta1/d - delta2/d^2 + (qbroad d)^2)
 * * sqrt(8 ln 2 * msd) (Jeong et al. 2003 width model), msd = U_i + U_j projected on the pair
 * direction (isotropic: Uiso_i + Uiso_j), cut where it falls below {@code peakPrecision} of its
 * maximum, weighted f_i f_j / (N f_avg^2) and by r/d so that R(r)/r is normalised by the pair
 * distance. Pairs with a non-positive width factor contribute nothing (as in DiffPy).</li>
 * <li>R(r)/r - 4 pi rho0 r is sine-transformed to F(Q) on the zero-padded power-of-two grid
 * (Q step = pi / (Npad rstep)), F is zeroed below qmin and at and above qmax, and transformed
 * back (Commons Math fast sine transform, same discretisation as libdiffpy's GSL FFT).</li>
 * <li>Envelopes: scale * exp(-(qdamp r)^2 / 2) * spherical-particle shape function
 * 1 - 3/2 (r/D) + 1/2 (r/D)^3 (r &lt; D, else 0) when spdiameter D &gt; 0.</li>
 * </ol>
 *
 * <h2>Speed</h2> When every atom is isotropic and the atoms have few distinct U values (always
 * the case with a Uiso override), pair distances are accumulated (linear split between
 * neighbouring bins, which keeps each pair's centroid exact) on a sub-grid of step &lt;= 0.001 A
 * per distinct msd, and each occupied bin then gets one Gaussian, evaluated by a
 * multiplicative recurrence (3 exp calls per peak). The binning error is of relative order
 * (h/sigma)^2/8 &lt; 1e-4. With anisotropic atoms (or many distinct U values) the pair
 * msd is also split linearly between levels spaced 1 % of the smallest msd (a 2-D histogram,
 * bins of 0.002 A), used when at most 64 levels cover the msd range (Gershgorin bounds);
 * otherwise every pair is summed exactly. Pairs are
 * enumerated with exact per-axis translation bounds of the sphere (the cell basis is upper
 * triangular), so no distances outside the range are computed. When the structure carries
 * symmetry orbits (atoms generated from one CIF site by a closed space group), pairs are summed
 * from one atom per orbit only, weighted by the orbit size: by symmetry every orbit member sees
 * the same environment, so this is exact and saves a factor of about (group order)/2.
 * Memory is O(atoms + grid);
 * time is bounded by {@link PdfLimits}.
 *
 * <h2>Units</h2> r in angstrom, Q in 1/angstrom, U in angstrom^2, G in 1/angstrom^2.
 *
 * <p>References: P. Juhas, C. L. Farrow, X. Yang, K. R. Knox, S. J. L. Billinge, Acta Cryst.
 * A71 (2015) 562 (DiffPy-CMI); libdiffpy {@code PDFCalculator.cpp}, {@code JeongPeakWidth.cpp},
 * {@code GaussianProfile.cpp}, {@code PDFUtils.cpp}; I.-K. Jeong et al., Phys. Rev. B 67 (2003)
 * 104301; T. Egami, S. J. L. Billinge, Underneath the Bragg Peaks (2012).
 */
public final class PdfCalculator {

    private static final double SQRT_DOUBLE_EPS = Math.sqrt(Math.ulp(1.0));
    private static final double DOUBLE_EPS = Math.ulp(1.0);
    private static final double TOFWHM = 2 * Math.sqrt(2 * Math.log(2));
    private static final double GAUSS_NORM = 2 * Math.sqrt(Math.log(2) / Math.PI);
    private static final double FOUR_LN2 = 4 * Math.log(2);
    /** Maximum number of msd classes (isotropic) or msd levels (anisotropic) for the binned fast paths. */
    private static final int MAX_CLASSES = 64;

    private final PdfParameters p;
    private final PdfLimits limits;
    private final boolean binned;
    private final boolean useSymmetry;

    private PdfCalculator(PdfParameters p, PdfLimits limits, boolean binned, boolean useSymmetry) {
        this.p = p;
        this.limits = limits;
        this.binned = binned;
        this.useSymmetry = useSymmetry;
    }

    /** @return a calculator with the given settings and default limits */
    public static PdfCalculator of(PdfParameters p) {
        return new PdfCalculator(p, PdfLimits.defaults(), true, true);
    }

    /** @return a calculator with the given settings and limits */
    public static PdfCalculator of(PdfParameters p, PdfLimits limits) {
        return new PdfCalculator(p, limits, true, true);
    }

    /**
     * @return the same calculator summing every pair of every atom exactly (no distance binning, no
     *         symmetry orbits; slower, for checks)
     */
    public PdfCalculator exact() {
        return new PdfCalculator(p, limits, false, false);
    }

    /** @return the settings */
    public PdfParameters parameters() {
        return p;
    }

    /**
     * Estimated number of ordered atom pairs within distance rmax: N * rho * 4/3 pi rmax^3.
     */
    public static double estimatePairs(CrystalStructure s, double rmax) {
        double n = s.size();
        return n * (n / s.lattice().volume()) * 4.0 / 3.0 * Math.PI * rmax * rmax * rmax;
    }

    /**
     * Computes G(r).
     *
     * @throws IllegalArgumentException for an unknown scattering type, or a structure exceeding the limits
     *         (the message says which limit and by how much)
     */
    public PdfResult calculate(CrystalStructure s0) {
        CrystalStructure s = Double.isNaN(p.uiso()) ? s0 : s0.withUiso(p.uiso());
        int n = s.size();
        if (n > limits.maxAtoms()) {
            throw new IllegalArgumentException("structure too large: " + s.name() + " has " + n
                    + " atoms in the unit cell, limit " + limits.maxAtoms());
        }
        final double dr = p.rstep();
        // ----- scattering factors
        double[] sf = new double[n];
        Map<String, Double> cache = new HashMap<>();
        double totocc = 0;
        double totsf = 0;
        for (int i = 0; i < n; i++) {
            String t = s.type()[i];
            Double f = cache.get(t);
            if (f == null) {
                f = XrayFormFactors.f0(t, 0.0);
                cache.put(t, f);
            }
            sf[i] = f * s.occupancy()[i];
            totocc += s.occupancy()[i];
            totsf += sf[i];
        }
        double sfavg = totocc == 0 ? 0 : totsf / totocc;
        double rho0 = totocc / s.lattice().volume();
        // ----- r limits (libdiffpy cacheRlimitsData)
        double qmaxEff = Math.min(p.qmax() > 0 ? p.qmax() : Double.MAX_VALUE, Math.PI / dr);
        double extRipples = (qmaxEff > SQRT_DOUBLE_EPS && qmaxEff < Math.PI / dr - SQRT_DOUBLE_EPS)
                ? 6 * 2 * Math.PI / qmaxEff : 0.0;
        double maxUii = 0;
        for (int i = 0; i < n; i++) {
            if (s.anisotropic()[i]) {
                double[] u = s.uCart();
                maxUii = Math.max(maxUii, Math.max(u[6 * i], Math.max(u[6 * i + 1], u[6 * i + 2])));
            } else {
                maxUii = Math.max(maxUii, s.uiso()[i]);
            }
        }
        double halfBound = Math.sqrt(-Math.log(Math.max(p.peakPrecision(), DOUBLE_EPS)) / FOUR_LN2);
        double maxWidth0 = TOFWHM * Math.sqrt(2 * maxUii);
        double sharp = Math.max(sharpening(p.rmin()), sharpening(p.rmax()));
        double extTails = halfBound * maxWidth0 * Math.sqrt(Math.max(1.0, sharp));
        double extTotal = extRipples + extTails;
        if (extTotal > p.maxExtension()) {
            double sc = p.maxExtension() / extTotal;
            extRipples *= sc;
            extTotal = p.maxExtension();
        }
        int extLo = Math.max(0, rminSteps(p.rmin() - extRipples, dr));
        int extHi = rmaxSteps(p.rmax() + extRipples, dr);
        int calcLo = Math.max(0, rminSteps(p.rmin() - extTotal, dr));
        int calcHi = rmaxSteps(p.rmax() + extTotal, dr);
        int outLo = rminSteps(p.rmin(), dr);
        int outHi = rmaxSteps(p.rmax(), dr);
        double pairs = estimatePairs(s, calcHi * dr);
        if (pairs > limits.maxPairs()) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "structure too large: %s has %d atoms per cell, about %.3g atom pairs within %.1f A, limit %.3g",
                    s.name(), n, pairs, calcHi * dr, limits.maxPairs()));
        }
        // ----- pair sum
        int ncalc = calcHi - calcLo;
        double[] value = new double[ncalc];
        Peaks peaks = new Peaks(value, calcLo, dr, halfBound);
        sumPairs(s, sf, calcLo * dr, calcHi * dr, peaks);
        // ----- RDF / r with baseline on the extended grid
        double rdfScale = (totocc * sfavg == 0) ? 0 : 1.0 / (totocc * sfavg * sfavg);
        int next = extHi - extLo;
        double[] gext = new double[next];
        double slope = -4 * Math.PI * rho0;
        for (int k = 0; k < next; k++) {
            double r = (extLo + k) * dr;
            double rdf = value[extLo + k - calcLo] * rdfScale;
            gext[k] = (r > SQRT_DOUBLE_EPS ? rdf / r : 0.0) + slope * r;
        }
        // ----- Q-space band limit
        int qminSteps = 0;
        boolean skipFft;
        int npad = extHi > 0 ? Integer.highestOneBit(Math.max(1, extHi - 1)) << 1 : 0;
        if (extHi == 1) {
            npad = 1;
        }
        double dq = npad > 0 ? Math.PI / (npad * dr) : 0;
        if (dq > 0) {
            qminSteps = (int) Math.ceil(p.qmin() / dq);
            if (Math.abs(p.qmin() - (qminSteps - 1) * dq) <= SQRT_DOUBLE_EPS) {
                qminSteps -= 1;
            }
        }
        skipFft = !(qmaxEff < Math.PI / dr - SQRT_DOUBLE_EPS) && !(1 < qminSteps);
        double[] pdf;
        if (skipFft || npad < 2) {
            pdf = gext;
        } else {
            double[] x = new double[npad];
            System.arraycopy(gext, 0, x, extLo, next);
            x[0] = 0.0;
            FastSineTransformer dst = new FastSineTransformer(DstNormalization.STANDARD_DST_I);
            double[] f = dst.transform(x, TransformType.FORWARD);
            int qmaxSteps = (int) Math.ceil(qmaxEff / dq);
            for (int k = 0; k < npad; k++) {
                if (k < qminSteps || k >= qmaxSteps) {
                    f[k] = 0.0;
                } else {
                    f[k] *= dr;
                }
            }
            f[0] = 0.0;
            double[] g = dst.transform(f, TransformType.FORWARD);
            pdf = new double[next];
            double norm = 2.0 / Math.PI * dq;
            for (int k = 0; k < next; k++) {
                pdf[k] = g[extLo + k] * norm;
            }
        }
        // ----- envelopes and output cut
        int nout = Math.max(0, outHi - outLo);
        double[] r = new double[nout];
        double[] gout = new double[nout];
        double d = Double.isNaN(p.spdiameter()) ? 0 : p.spdiameter();
        for (int k = 0; k < nout; k++) {
            int idx = outLo + k;
            double rr = idx * dr;
            double env = p.scale();
            if (p.qdamp() > 0) {
                env *= Math.exp(-Math.pow(rr * p.qdamp(), 2) / 2);
            }
            if (d > 0) {
                double x = rr / d;
                env *= x < 1 ? 1 - 1.5 * x + 0.5 * x * x * x : 0.0;
            }
            r[k] = rr;
            gout[k] = pdf[idx - extLo] * env;
        }
        return new PdfResult(r, gout, n, rho0);
    }

    private double sharpening(double r) {
        if (r < DOUBLE_EPS) {
            return 0.0;
        }
        return 1.0 - p.delta1() / r - p.delta2() / (r * r) + Math.pow(p.qbroad() * r, 2);
    }

    static int rminSteps(double x, double dr) {
        int rv = (int) Math.ceil(x / dr);
        if (Math.abs(x - (rv - 1) * dr) <= SQRT_DOUBLE_EPS) {
            rv -= 1;
        }
        return rv;
    }

    static int rmaxSteps(double x, double dr) {
        return (int) Math.ceil(x / dr);
    }

    /** Accumulates Gaussian peaks into the calculation array. */
    private final class Peaks {
        final double[] value;
        final int calcLo;
        final double dr;
        final double halfBound;

        Peaks(double[] value, int calcLo, double dr, double halfBound) {
            this.value = value;
            this.calcLo = calcLo;
            this.dr = dr;
            this.halfBound = halfBound;
        }

        void add(double d, double msd, double w) {
            if (d < DOUBLE_EPS || w == 0) {
                return;
            }
            double corr = 1.0 - p.delta1() / d - p.delta2() / (d * d) + (p.qbroad() * d) * (p.qbroad() * d);
            if (corr <= 0 || msd <= 0) {
                return;
            }
            double fwhm = Math.sqrt(corr) * TOFWHM * Math.sqrt(msd);
            double bound = halfBound * fwhm;
            int i = Math.max(0, (int) Math.floor((d - bound) / dr) - calcLo);
            int last = Math.min(value.length, (int) Math.floor((d + bound) / dr) - calcLo + 1);
            if (i >= last) {
                return;
            }
            double a = FOUR_LN2 / (fwhm * fwhm);
            double amp = w * GAUSS_NORM / fwhm;
            double x = (calcLo + i) * dr - d;
            double y = Math.exp(-a * x * x);
            double q = Math.exp(-a * (2 * x * dr + dr * dr));
            double c = Math.exp(-2 * a * dr * dr);
            double invd = 1.0 / d;
            for (; i < last; i++) {
                value[i] += amp * y * (x * invd + 1);
                y *= q;
                q *= c;
                x += dr;
            }
        }
    }

    // ------------------------------------------------------------------ pair enumeration

    private void sumPairs(CrystalStructure s, double[] sf, double rlo, double rhi, Peaks peaks) {
        int n = s.size();
        double[] m = s.lattice().basis(); // upper triangular
        double m00 = m[0], m01 = m[1], m02 = m[2], m11 = m[4], m12 = m[5], m22 = m[8];
        double[] xyz = s.xyz();
        boolean anyAniso = false;
        for (boolean b : s.anisotropic()) {
            anyAniso |= b;
        }
        // msd classes for the binned path
        double[] uiso = s.uiso();
        double[] uc = s.uCart();
        double[] distinct = Arrays.stream(uiso).distinct().sorted().toArray();
        int nu = distinct.length;
        boolean useClasses = binned && !anyAniso && nu * (nu + 1) / 2 <= MAX_CLASSES;
        int[] cls = new int[n];
        for (int i = 0; i < n; i++) {
            cls[i] = Arrays.binarySearch(distinct, uiso[i]);
        }
        // otherwise: msd grid (linear split between msd levels spaced 1 % of the smallest msd)
        double msdLo = Double.MAX_VALUE;
        double msdHi = 0;
        for (int i = 0; i < n; i++) {
            double lo = uiso[i];
            double hi = uiso[i];
            if (s.anisotropic()[i]) {
                double[] ev = eigenvalues(uc, 6 * i);
                lo = ev[0];
                hi = ev[1];
            }
            msdLo = Math.min(msdLo, lo);
            msdHi = Math.max(msdHi, hi);
        }
        msdLo *= 2;
        msdHi *= 2;
        double dmsd = 0.01 * msdLo;
        int levels = msdLo > 0 ? (int) Math.ceil((msdHi - msdLo) / dmsd) + 2 : Integer.MAX_VALUE;
        boolean useGrid = binned && !useClasses && levels <= MAX_CLASSES;
        boolean useBins = useClasses || useGrid;
        double h = 0;
        int mult = 1;
        double[][] hist = null;
        if (useBins) {
            mult = Math.max(1, (int) Math.ceil(peaks.dr / (useGrid ? 0.002 : 0.001) - 1e-9));
            h = peaks.dr / mult;
            int nb = (int) Math.ceil(rhi / h) + 3;
            if (useClasses) {
                hist = new double[nu * nu][];
                for (int a = 0; a < nu; a++) {
                    for (int b = a; b < nu; b++) {
                        hist[a * nu + b] = new double[nb];
                    }
                }
            } else {
                hist = new double[levels][nb];
            }
        }
        double rlo2 = rlo * rlo;
        double rhi2 = rhi * rhi;
        double invh = useBins ? 1.0 / h : 0;
        double invdmsd = useGrid ? 1.0 / dmsd : 0;
        // symmetry orbits: sum pairs from one atom per orbit, weighted by the orbit size
        int[] orbit = s.orbit();
        int[] orbitSize = new int[n];
        int reps = 0;
        for (int i = 0; i < n; i++) {
            orbitSize[orbit[i]]++;
        }
        for (int i = 0; i < n; i++) {
            reps += orbit[i] == i ? 1 : 0;
        }
        boolean useOrbits = useSymmetry && reps < n / 2;
        for (int i = 0; i < n; i++) {
            if (useOrbits && orbit[i] != i) {
                continue;
            }
            double xi = xyz[3 * i], yi = xyz[3 * i + 1], zi = xyz[3 * i + 2];
            for (int j = useOrbits ? 0 : i; j < n; j++) {
                double wpair = (useOrbits ? orbitSize[i] : (i == j ? 1.0 : 2.0)) * sf[i] * sf[j];
                if (wpair == 0) {
                    continue;
                }
                double fx = xyz[3 * j] - xi;
                double fy = xyz[3 * j + 1] - yi;
                double fz = xyz[3 * j + 2] - zi;
                fx -= Math.rint(fx);
                fy -= Math.rint(fy);
                fz -= Math.rint(fz);
                double[] hh = useClasses ? hist[Math.min(cls[i], cls[j]) * nu + Math.max(cls[i], cls[j])] : null;
                double msdIso = uiso[i] + uiso[j];
                // z: cz * (fz + nz)
                int nzlo = (int) Math.ceil(-rhi / m22 - fz);
                int nzhi = (int) Math.floor(rhi / m22 - fz);
                for (int nz = nzlo; nz <= nzhi; nz++) {
                    double tz = fz + nz;
                    double cz = m22 * tz;
                    double rz2 = rhi2 - cz * cz;
                    if (rz2 < 0) {
                        continue;
                    }
                    double ry = Math.sqrt(rz2);
                    double ybase = m12 * tz; // y = m11 (fy+ny) + m12 tz
                    int nylo = (int) Math.ceil((-ry - ybase) / m11 - fy);
                    int nyhi = (int) Math.floor((ry - ybase) / m11 - fy);
                    for (int ny = nylo; ny <= nyhi; ny++) {
                        double ty = fy + ny;
                        double cy = m11 * ty + ybase;
                        double ryz2 = rz2 - cy * cy;
                        if (ryz2 < 0) {
                            continue;
                        }
                        double rx = Math.sqrt(ryz2);
                        double xbase = m01 * ty + m02 * tz;
                        int nxlo = (int) Math.ceil((-rx - xbase) / m00 - fx);
                        int nxhi = (int) Math.floor((rx - xbase) / m00 - fx);
                        double cyz2 = cy * cy + cz * cz;
                        for (int nx = nxlo; nx <= nxhi; nx++) {
                            double cx = m00 * (fx + nx) + xbase;
                            double d2 = cx * cx + cyz2;
                            if (d2 < rlo2 || d2 > rhi2 || d2 == 0) {
                                continue;
                            }
                            double d = Math.sqrt(d2);
                            if (hh != null) {
                                double pos = d * invh;
                                int b = (int) pos;
                                double t = pos - b;
                                hh[b] += wpair * (1 - t);
                                hh[b + 1] += wpair * t;
                                continue;
                            }
                            double msd = msdIso;
                            if (anyAniso) {
                                msd = projected(uc, i, s.anisotropic()[i], uiso[i], cx, cy, cz, d2)
                                        + projected(uc, j, s.anisotropic()[j], uiso[j], cx, cy, cz, d2);
                            }
                            if (useGrid) {
                                double pos = d * invh;
                                int b = (int) pos;
                                double t = pos - b;
                                double lv = (msd - msdLo) * invdmsd;
                                int l = Math.max(0, Math.min(levels - 2, (int) lv));
                                double tl = lv - l;
                                double[] h0 = hist[l];
                                double[] h1 = hist[l + 1];
                                double w0 = wpair * (1 - tl);
                                double w1 = wpair * tl;
                                h0[b] += w0 * (1 - t);
                                h0[b + 1] += w0 * t;
                                h1[b] += w1 * (1 - t);
                                h1[b + 1] += w1 * t;
                            } else {
                                peaks.add(d, msd, wpair);
                            }
                        }
                    }
                }
            }
        }
        if (useGrid) {
            for (int l = 0; l < levels; l++) {
                double[] hh = hist[l];
                double msd = msdLo + l * dmsd;
                for (int k = 0; k < hh.length; k++) {
                    if (hh[k] != 0) {
                        peaks.add(k * h, msd, hh[k]);
                    }
                }
            }
        } else if (useClasses) {
            for (int a = 0; a < nu; a++) {
                for (int b = a; b < nu; b++) {
                    double[] hh = hist[a * nu + b];
                    double msd = distinct[a] + distinct[b];
                    for (int k = 0; k < hh.length; k++) {
                        if (hh[k] != 0) {
                            peaks.add(k * h, msd, hh[k]);
                        }
                    }
                }
            }
        }
    }

    /** Smallest and largest eigenvalue of the symmetric tensor (U11,U22,U33,U12,U13,U23) at offset o. */
    static double[] eigenvalues(double[] u, int o) {
        double a11 = u[o], a22 = u[o + 1], a33 = u[o + 2], a12 = u[o + 3], a13 = u[o + 4], a23 = u[o + 5];
        double p1 = a12 * a12 + a13 * a13 + a23 * a23;
        if (p1 == 0) {
            return new double[] {Math.min(a11, Math.min(a22, a33)), Math.max(a11, Math.max(a22, a33))};
        }
        double q = (a11 + a22 + a33) / 3;
        double p2 = (a11 - q) * (a11 - q) + (a22 - q) * (a22 - q) + (a33 - q) * (a33 - q) + 2 * p1;
        double pp = Math.sqrt(p2 / 6);
        double b11 = (a11 - q) / pp, b22 = (a22 - q) / pp, b33 = (a33 - q) / pp;
        double b12 = a12 / pp, b13 = a13 / pp, b23 = a23 / pp;
        double det = b11 * (b22 * b33 - b23 * b23) - b12 * (b12 * b33 - b23 * b13) + b13 * (b12 * b23 - b22 * b13);
        double r = Math.max(-1, Math.min(1, det / 2));
        double phi = Math.acos(r) / 3;
        double l1 = q + 2 * pp * Math.cos(phi);
        double l3 = q + 2 * pp * Math.cos(phi + 2 * Math.PI / 3);
        // small safety margin for rounding
        return new double[] {l3 - 1e-12, l1 + 1e-12};
    }

    private static double projected(double[] uc, int i, boolean aniso, double uiso, double x, double y, double z,
            double d2) {
        if (!aniso) {
            return uiso;
        }
        int o = 6 * i;
        double v = uc[o] * x * x + uc[o + 1] * y * y + uc[o + 2] * z * z
                + 2 * (uc[o + 3] * x * y + uc[o + 4] * x * z + uc[o + 5] * y * z);
        return v / d2;
    }
}
