package org.nifispectro.xas.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nifispectro.xas.Autobk;
import org.nifispectro.xas.RefData;
import org.nifispectro.xas.XafsFT;

/**
 * Readers give the same energy/mu as the Larch reference script's loader (energy and mu columns of
 * the reference _norm.csv files); bad files fail with the file name and line; the writer's output
 * reads back with parameters and input fields preserved.
 */
class XasIoTest {

    static String resource(String name) throws IOException {
        try (InputStream in = XasIoTest.class.getResourceAsStream("/xas/spectra/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static void assertSameSpectrum(String id, XasSpectrum s) {
        Map<String, double[]> ref = RefData.csv(id + "_norm.csv");
        double[] e = ref.get("energy_eV");
        double[] mu = ref.get("mu");
        assertEquals(e.length, s.energy().length, id + " number of points");
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], s.energy()[i], 1e-7 * Math.abs(e[i]), id + " energy " + i);
            assertEquals(mu[i], s.mu()[i], 1e-7 * Math.abs(mu[i]) + 1e-12, id + " mu " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "v_foil.xdi, v_foil, AUTO, , , ",
        "cu_rt01.xmu, cu_rt01, AUTO, , , ",
        "U_L3_control.dat, u_L3, AUTO, , , ",
        "znse_zn_xafs.001, znse_zn_xafs, TRANSMISSION, 1, 3, 4",
    })
    void readersMatchLarchLoader(String file, String id, String mode, String e, String a, String b) throws Exception {
        XasData d = XasReader.read(file, resource(file), true);
        MuSpec spec = switch (mode) {
            case "AUTO" -> MuSpec.auto();
            case "TRANSMISSION" -> MuSpec.transmission(e, a, b);
            default -> throw new IllegalStateException(mode);
        };
        assertSameSpectrum(id, d.spectrum(spec));
    }

    @Test
    void xdi11FluorescenceFileLenient() throws Exception {
        String text = resource("fexanes_a.001");
        XasParseException ex = assertThrows(XasParseException.class,
                () -> XasReader.read("fexanes_a.001", text, true));
        assertTrue(ex.getMessage().startsWith("fexanes_a.001 line "), ex.getMessage());
        assertTrue(ex.getMessage().contains("Element.symbol"), ex.getMessage());
        XasData d = XasReader.read("fexanes_a.001", text, false);
        assertEquals("XDI/1.1", d.format());
        assertEquals("Energy", d.columnNames().get(0));
        assertEquals("eV", d.columnUnits().get(0));
        // Larch reference recipe col7/col2 (0-based) = Sum_Fe_Ka / I0
        XasSpectrum s = d.spectrum(MuSpec.fluorescence("Energy", "I0", "Sum_Fe_Ka"));
        assertEquals("Sum_Fe_Ka/I0", s.muFormula());
        assertSameSpectrum("fexanes_a", s);
    }

    @Test
    void xdiFieldsAndCommentsInOrder() throws Exception {
        XasData d = XasReader.read("v_foil.xdi", resource("v_foil.xdi"), true);
        assertEquals("V", d.element().orElseThrow());
        assertEquals("K", d.edge().orElseThrow());
        assertEquals(List.of("energy", "scaler_count_time", "i0", "i1"), d.columnNames());
        // duplicated, unknown-namespace fields are all kept in file order
        long dup = d.fields().stream().filter(f -> f.is("Beamline.I0_sensitivity_value")).count();
        assertEquals(2, dup);
        assertTrue(d.fields().get(0).is("Scan.start_time"));
        assertEquals("13.8083 || 13BMA:m10.VAL", d.field("beamline.foe_mono_yout").orElseThrow());
    }

    /** The 12 XDI files of the XAS-Data-Interchange repository (no license stated: read from shared data only). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"co_metal_rt", "cu_metal_10K", "cu_metal_rt", "fe2o3_rt", "fe_metal_rt", "fen_rt",
        "feo_rt1", "ni_metal_rt", "pt_metal_rt", "se_na2so4_rt", "se_znse_rt", "zn_znse_rt"})
    void xdiRepositoryFiles(String id) throws Exception {
        String shared = System.getProperty("spectro.shared.data");
        Path p = shared == null ? null : Path.of(shared, "xas", "xdi", id + ".xdi");
        Assumptions.assumeTrue(p != null && Files.exists(p),
                "shared data (xas/xdi, not redistributable: no license) not available");
        XasData d = XdiReader.read(p);
        assertTrue(d.format().startsWith("XDI/1."));
        assertSameSpectrum(id, d.spectrum(MuSpec.auto()));
    }

    static final String GOOD = """
            # XDI/1.0 test/1.0
            # Column.1: energy eV
            # Column.2: i0
            # Column.3: itrans
            # Element.symbol: Cu
            # Element.edge: K
            # Mono.d_spacing: 3.13553
            # Custom.thing: kept
            # ///
            # a comment
            # ---
            # energy i0 itrans
            8900 100 50
            8910 100 50
            8920 100 50
            8930 100 40
            8940 100 30
            8950 100 30
            8960 100 30
            """;

    @Test
    void goodInlineFile() throws Exception {
        XasData d = XasReader.read("good.xdi", GOOD, true);
        XasSpectrum s = d.spectrum(MuSpec.auto());
        assertEquals("ln(i0/itrans)", s.muFormula());
        assertEquals(Math.log(2.0), s.mu()[0], 1e-15);
        assertEquals(Math.log(100.0 / 30.0), s.mu()[6], 1e-15);
        assertEquals(List.of("a comment"), d.comments());
        assertEquals("kept", d.field("Custom.thing").orElseThrow());
        assertEquals(13, d.rowLines()[0]);
    }

    static String messageOf(String text, MuSpec spec) {
        XasParseException ex = assertThrows(XasParseException.class,
                () -> XasReader.read("bad.xdi", text, true).spectrum(spec));
        assertTrue(ex.getMessage().startsWith("bad.xdi"), ex.getMessage());
        return ex.getMessage();
    }

    @Test
    void badFilesNameFileAndLine() {
        String m = messageOf(GOOD.replace("# Element.symbol: Cu\n", ""), MuSpec.auto());
        assertTrue(m.contains("line 11") && m.contains("Element.symbol"), m);
        m = messageOf(GOOD.replace("8930 100 40", "8930 100 abc"), MuSpec.auto());
        assertTrue(m.contains("line 16") && m.contains("abc"), m);
        m = messageOf(GOOD.replace("8930 100 40", "8915 100 40"), MuSpec.auto());
        assertTrue(m.contains("line 16") && m.contains("decreasing"), m);
        m = messageOf(GOOD.replace("8930 100 40", "8920 100 40"), MuSpec.auto());
        assertTrue(m.contains("line 16") && m.contains("duplicated"), m);
        m = messageOf(GOOD.replace("8930 100 40", "8930 100"), MuSpec.auto());
        assertTrue(m.contains("line 16") && m.contains("2 values"), m);
        m = messageOf(GOOD.replace("8930 100 40", "8930 100 -4"), MuSpec.auto());
        assertTrue(m.contains("line 16") && m.contains("NaN"), m);
        m = messageOf(GOOD.replace("# XDI/1.0 test/1.0", "# XDI/1.0 test/1.0\n# Column.9: extra"), MuSpec.auto());
        assertTrue(m.contains("Column.9"), m);
        m = messageOf(GOOD.replace("8940 100 30\n8950 100 30\n8960 100 30\n", ""), MuSpec.auto());
        assertTrue(m.contains("at least 7"), m);
        m = messageOf(GOOD, MuSpec.column("energy", "mutrans"));
        assertTrue(m.contains("mutrans"), m);
        XasParseException ex = assertThrows(XasParseException.class,
                () -> XdiReader.read("plain.dat", new StringReader("1 2\n3 4\n"), true));
        assertTrue(ex.getMessage().startsWith("plain.dat line 1: not an XDI file"), ex.getMessage());
    }

    @Test
    void plainColumnFiles() throws Exception {
        String csv = "energy,i0,ifluor\n7000,10,1\n7001,10,2\n7002,10,3\n7003,10,4\n7004,10,5\n7005,10,6\n7006,10,7\n";
        XasSpectrum s = XasReader.read("x.csv", csv, true).spectrum(MuSpec.auto());
        assertEquals("ifluor/i0", s.muFormula());
        assertEquals(0.7, s.mu()[6], 1e-15);
        String kev = "# energy_keV mu\n7.000 1\n7.001 2\n7.002 3\n7.003 4\n7.004 5\n7.005 6\n7.006 7\n";
        s = XasReader.read("x.dat", kev, true).spectrum(MuSpec.column("energy_keV", "mu"));
        assertEquals(7006.0, s.energy()[6], 1e-9);
        XasParseException ex = assertThrows(XasParseException.class,
                () -> XasReader.read("y.dat", "# e mu\n1 2\n3 x\n", true));
        assertEquals("y.dat line 3: non-numeric value 'x' in column 2", ex.getMessage());
    }

    @Test
    void writerRoundTrip() throws Exception {
        XasSpectrum in = XasReader.read("v_foil.xdi", resource("v_foil.xdi"), true).spectrum(MuSpec.auto());
        Autobk.Result bk = Autobk.autobk(in.energy(), in.mu());
        XafsFT.Params fp = new XafsFT.Params(3, 11, 2, 1, Double.NaN, "hanning", 10, 2048, 0.05);
        XafsFT.Result ft = XafsFT.xftf(bk.k(), bk.chi(), fp);
        // v_foil reference: first |chi(R)| peak 1.0978 A (Larch)
        assertEquals(1.0978, XafsFT.peaks(ft).get(0).r(), 0.05);
        Map<String, String> params = XdiWriter.parameters(bk, fp);
        XdiWriter.Header h = XdiWriter.Header.from(in, params);

        StringWriter w = new StringWriter();
        XdiWriter.writeChiK(w, h, bk.k(), bk.chi(), 2, ft.kwin());
        XasData back = XdiReader.read("chik.xdi", new StringReader(w.toString()), true);
        assertEquals(List.of("k", "chi", "chi_k2", "window"), back.columnNames());
        assertEquals("V", back.element().orElseThrow());
        assertEquals("1", back.field("Autobk.rbkg").orElseThrow());
        assertEquals("hanning", back.field("Xftf.window").orElseThrow());
        assertEquals(Double.toString(bk.e0()), back.field("PreEdge.e0").orElseThrow());
        assertEquals(in.data().comments(), back.comments());
        List<XdiField> inFields = in.data().fields().stream()
                .filter(f -> !f.namespace().equalsIgnoreCase("Column") && !f.namespace().equalsIgnoreCase("Element"))
                .toList();
        List<XdiField> outFields = back.fields().stream().filter(f -> !f.namespace().equalsIgnoreCase("Column")
                && !f.namespace().equalsIgnoreCase("Element") && !params.containsKey(f.key())).toList();
        assertEquals(inFields.size(), outFields.size());
        for (int i = 0; i < inFields.size(); i++) {
            assertEquals(inFields.get(i).key(), outFields.get(i).key());
            assertEquals(inFields.get(i).value(), outFields.get(i).value());
        }
        double[] k = back.column("k");
        double[] chi = back.column("chi");
        double[] chik2 = back.column("chi_k2");
        for (int i = 0; i < k.length; i++) {
            assertEquals(bk.k()[i], k[i], 1e-9);
            assertEquals(bk.chi()[i], chi[i], 1e-7 * Math.abs(bk.chi()[i]) + 1e-15);
            assertEquals(bk.chi()[i] * k[i] * k[i], chik2[i], 1e-6 * Math.abs(chik2[i]) + 1e-12);
        }

        w = new StringWriter();
        XdiWriter.writeChiR(w, h, ft);
        back = XdiReader.read("chir.xdi", new StringReader(w.toString()), true);
        assertEquals(List.of("r", "chir_mag", "chir_re", "chir_im"), back.columnNames());
        assertEquals("Angstrom", back.columnUnits().get(0));
        double[] mag = back.column("chir_mag");
        for (int i = 0; i < mag.length; i++) {
            assertEquals(ft.mag()[i], mag[i], 1e-7 * ft.mag()[i] + 1e-15);
        }
    }
}
