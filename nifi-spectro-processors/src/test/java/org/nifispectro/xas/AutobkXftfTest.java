package org.nifispectro.xas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Autobk + XafsFT against Larch 0.9.58 autobk() (all defaults) and xftf(kweight=2, kmin=3,
 * kmax=min(12, floor(kmax_data)-1), dk=1, hanning, nfft=2048, kstep=0.05, rmax_out=10) on every
 * EXAFS reference (issue 4 tolerances: chi(k) correlation >= 0.99, first |chi(R)| peak within 0.05 A).
 */
class AutobkXftfTest {

    static Stream<String> exafsIds() {
        return RefData.ids("exafs").stream();
    }

    static XafsFT.Params ftParams(double kmaxFt) {
        return new XafsFT.Params(3.0, kmaxFt, 2, 1.0, Double.NaN, "hanning", 10, 2048, 0.05);
    }

    static double corr(double[] a, double[] b, int from, int to) {
        double ma = 0;
        double mb = 0;
        int n = to - from;
        for (int i = from; i < to; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = from; i < to; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    static double firstRefPeak(Map<String, String> s) {
        return Double.parseDouble(s.get("chir_peaks_R").trim().split(" ")[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exafsIds")
    void chiAndChirMatchLarch(String id) {
        Map<String, String> s = RefData.summary().get(id);
        Map<String, double[]> norm = RefData.csv(id + "_norm.csv");
        Map<String, double[]> chik = RefData.csv(id + "_chik.csv");
        Map<String, double[]> chir = RefData.csv(id + "_chir.csv");

        Autobk.Result bk = Autobk.autobk(norm.get("energy_eV"), norm.get("mu"));
        assertEquals(Double.parseDouble(s.get("autobk_kmax")), bk.kmax(), 1e-3, id + " kmax");
        assertEquals(Integer.parseInt(s.get("autobk_nknots")), bk.nknots(), id + " nknots");
        double[] kRef = chik.get("k_invA");
        double[] chiRef = chik.get("chi");
        assertEquals(kRef.length, bk.k().length, id + " number of k points");

        double kmaxFt = Double.parseDouble(s.get("xftf_kmax"));
        int i3 = (int) Math.round(3.0 / 0.05);
        int i2 = (int) Math.round(kmaxFt / 0.05) + 1;
        // chi(k) correlation over the FT k range, on k^2-weighted chi (what the FT sees)
        double[] a = new double[kRef.length];
        double[] b = new double[kRef.length];
        for (int i = 0; i < kRef.length; i++) {
            a[i] = bk.chi()[i] * kRef[i] * kRef[i];
            b[i] = chiRef[i] * kRef[i] * kRef[i];
        }
        double cFt = corr(a, b, i3, i2);
        double cAll = corr(bk.chi(), chiRef, 0, kRef.length);
        assertTrue(cFt >= 0.99, id + " corr(k^2 chi) over [3, " + kmaxFt + "] = " + cFt);
        assertTrue(cAll >= 0.99, id + " corr(chi) over autobk range = " + cAll);

        // FT alone, applied to Larch's own chi(k): must reproduce Larch's chi(R) and window
        XafsFT.Result ftRef = XafsFT.xftf(kRef, chiRef, ftParams(kmaxFt));
        double[] magRef = chir.get("chir_mag");
        double[] reRef = chir.get("chir_re");
        double[] imRef = chir.get("chir_im");
        assertEquals(magRef.length, ftRef.r().length, id + " number of R points");
        double big = 0;
        for (double v : magRef) {
            big = Math.max(big, v);
        }
        for (int i = 0; i < magRef.length; i++) {
            assertEquals(chir.get("R_A")[i], ftRef.r()[i], 1e-4);
            assertEquals(magRef[i], ftRef.mag()[i], 1e-5 * big, id + " |chi(R)| at " + ftRef.r()[i]);
            assertEquals(reRef[i], ftRef.re()[i], 1e-5 * big, id + " Re chi(R) at " + ftRef.r()[i]);
            assertEquals(imRef[i], ftRef.im()[i], 1e-5 * big, id + " Im chi(R) at " + ftRef.r()[i]);
        }
        double[] winRef = chik.get("ftwin");
        for (int i = 0; i < winRef.length; i++) {
            assertEquals(winRef[i], ftRef.kwin()[i], 1e-5, id + " window at k=" + kRef[i]);
        }

        // whole chain: first |chi(R)| peak
        XafsFT.Result ft = XafsFT.xftf(bk.k(), bk.chi(), ftParams(kmaxFt));
        List<XafsFT.Peak> peaks = XafsFT.peaks(ft);
        assertFalse(peaks.isEmpty(), id + " has peaks");
        double ref = firstRefPeak(s);
        assertEquals(ref, peaks.get(0).r(), 0.05, id + " first |chi(R)| peak");
        double maxDev = 0;
        double maxAbs = 0;
        for (int i = i3; i < i2; i++) {
            maxDev = Math.max(maxDev, Math.abs(a[i] - b[i]));
            maxAbs = Math.max(maxAbs, Math.abs(b[i]));
        }
        System.out.printf("XAS-FIDELITY %s corrFT=%.7f corrAll=%.7f maxdev(k2chi)/max=%.2e peak=%.4f ref=%.4f evals=%d%n",
                id, cFt, cAll, maxDev / maxAbs, peaks.get(0).r(), ref, bk.evaluations());
    }

    @Test
    void kaiserWindowClosedForm() {
        // Larch kaiser: (I0(dk sqrt(1 - ((k-c)/w)^2)) - 1) / (I0(dk) - 1), c, w from kmin-dk/2 .. kmax+dk/2 grid points
        double[] k = new double[401];
        for (int i = 0; i < k.length; i++) {
            k[i] = 0.05 * i;
        }
        double[] w = XafsFT.ftwindow(k, 3, 12, 4, 4, "kaiser");
        // x1 = k[20]=1.0, x4 = k[280]=14.0 -> centre 7.5, half width 6.5
        assertEquals(1.0, w[150], 1e-12);
        double i0 = 11.301921952136330; // I0(4) (Abramowitz & Stegun table 9.8)
        assertEquals(i0, XafsFT.besselI0(4), 1e-10);
        double arg = 1 - Math.pow((5.0 - 7.5) / 6.5, 2);
        assertEquals((XafsFT.besselI0(4 * Math.sqrt(arg)) - 1) / (i0 - 1), w[100], 1e-12);
        assertEquals(0.0, w[0], 1e-12);
        assertEquals(0.0, w[10], 1e-12);
    }

    @Test
    void ftOfSineWavePeaksAtItsDistance() {
        // chi(k) = sin(2 k R0): |chi(R)| peaks at R0 (no phase shift)
        double r0 = 2.5;
        double[] k = new double[400];
        double[] chi = new double[400];
        for (int i = 0; i < k.length; i++) {
            k[i] = 0.05 * i;
            chi[i] = Math.sin(2 * k[i] * r0);
        }
        XafsFT.Result ft = XafsFT.xftf(k, chi, new XafsFT.Params(2, 18, 0, 1, Double.NaN, "kaiser", 10, 2048, 0.05));
        List<XafsFT.Peak> peaks = XafsFT.peaks(ft);
        assertEquals(r0, peaks.get(0).r(), 0.01);
    }

    @Test
    void emaxLimitUsesOnlyDataBelow() {
        // Cu foil K to 11362 eV; cutting at 9900 eV must give kmax = k(9900 - e0) and unchanged chi below
        Map<String, double[]> norm = RefData.csv("cu_metal_10K_norm.csv");
        double[] e = norm.get("energy_eV");
        Autobk.Result r = Autobk.autobk(e, norm.get("mu"), Autobk.Params.defaults().withEmax(9900));
        double last = 0;
        for (double v : e) {
            if (v <= 9900) {
                last = v;
            }
        }
        assertEquals(Math.sqrt((last - r.e0()) / 3.8099819442818976), r.kmax(), 1e-9);
        assertTrue(r.energy()[r.energy().length - 1] <= 9900);
        assertEquals(8977.58, r.e0(), 0.5);
    }

    @Test
    void badInputs() {
        Map<String, double[]> norm = RefData.csv("cu_rt01_norm.csv");
        double[] e = norm.get("energy_eV");
        double[] mu = norm.get("mu");
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Autobk.autobk(e, mu, Autobk.Params.defaults().withE0(20000)));
        assertTrue(ex.getMessage().contains("outside the data"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> Autobk.autobk(e, mu, Autobk.Params.defaults().withE0(8980.5).withEmax(8983)));
        assertTrue(ex.getMessage().contains("too short") || ex.getMessage().contains("points"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> XafsFT.ftwindow(new double[] {0, 1}, 0, 1, 1, 1, "boxcar"));
    }

    @Test
    void exafsExtractionChainMatchesReferencePeaks() {
        for (String id : new String[] {"cu_rt01", "u_L3", "sno2_l3", "fe2o3_rt"}) {
            Map<String, String> s = RefData.summary().get(id);
            Map<String, double[]> norm = RefData.csv(id + "_norm.csv");
            ExafsExtraction.Result r = ExafsExtraction.run(norm.get("energy_eV"), norm.get("mu"),
                    Autobk.Params.defaults(), 3.0, Double.NaN, 2, 1.0, "hanning");
            assertEquals(Double.parseDouble(s.get("xftf_kmax")), r.ft().params().kmax(), 1e-9, id + " FT kmax rule");
            assertEquals(firstRefPeak(s), r.firstPeakR(), 0.05, id + " first peak");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exafsIds")
    void localAndGeneralModelsAgree(String id) {
        Map<String, double[]> norm = RefData.csv(id + "_norm.csv");
        Autobk.Result a = Autobk.autobk(norm.get("energy_eV"), norm.get("mu"), Autobk.Params.defaults(), true);
        Autobk.Result b = Autobk.autobk(norm.get("energy_eV"), norm.get("mu"), Autobk.Params.defaults(), false);
        // the fast (local) path is the one taken on these data
        double[] e = a.energy();
        java.util.List<Double> kr = new java.util.ArrayList<>();
        for (double v : e) {
            if (v >= a.e0()) {
                kr.add(Math.signum(v - a.e0()) * Math.sqrt(XasMath.ETOK * Math.abs(v - a.e0())));
            }
        }
        double[] kt = kr.stream().mapToDouble(Double::doubleValue).toArray();
        assertTrue(Autobk.knotsAreDataKnots(a.knotsK(), kt), id + " background knots are data knots");
        double big = 0;
        for (double v : b.chi()) {
            big = Math.max(big, Math.abs(v));
        }
        for (int i = 0; i < a.chi().length; i++) {
            assertEquals(b.chi()[i], a.chi()[i], 1e-8 * big, id + " chi at k index " + i);
        }
    }
}
