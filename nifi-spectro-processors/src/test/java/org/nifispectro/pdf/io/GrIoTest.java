package org.nifispectro.pdf.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GrIoTest {

    static Path res(String n) throws Exception {
        return Path.of(GrIoTest.class.getResource("/pdf/gr/" + n).toURI());
    }

    @Test
    void readsPdfgetx3Layout() throws Exception {
        GrData d = GrReader.read(res("Ni.gr"));
        assertEquals("pdfgetx3", d.layout());
        assertEquals("25.0", d.header().get("qmax"));
        assertEquals(0.0, d.r()[0], 0);
        assertEquals(0.01, d.r()[1], 1e-12);
        assertEquals(-0.000497956, d.g()[1], 0);
        assertEquals(6001, d.r().length); // r 0..60 step 0.01
    }

    @Test
    void readsPdfguiLayoutWithUncertainties() throws Exception {
        GrData d = GrReader.read(res("300K.gr"));
        assertEquals("pdfgui", d.layout());
        assertNotNull(d.dg());
        assertEquals(0.010, d.r()[0], 0);
        assertEquals(0.086, d.g()[0], 0);
        assertEquals(0.0441, d.dg()[0], 0);
    }

    @Test
    void readsPlainColumns() throws Exception {
        GrData d = GrReader.read(res("ch05_ni.gr"));
        assertEquals("columns", d.layout());
        assertNull(d.dg());
        assertEquals(0.99999998E-02, d.r()[0], 0);
        assertEquals(0.77056400E-01, d.g()[0], 0);
    }

    @Test
    void roundTripAndErrors() throws Exception {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("qmax", 20.0);
        h.put("structure", "Ni.cif");
        StringWriter w = new StringWriter();
        double[] r = {0, 0.1, 0.2};
        double[] g = {0, -1.25, 3.5e-3};
        GrWriter.write(w, h, r, g);
        assertTrue(w.toString().contains("#### start data"));
        GrData d = GrReader.parse(Arrays.asList(w.toString().split("\n")), "mem.gr");
        assertEquals("20.0", d.header().get("qmax"));
        assertEquals(3, d.r().length);
        assertEquals(-1.25, d.g()[1], 0);
        org.nifispectro.pdf.CrystalStructure ni = org.nifispectro.pdf.cif.CifStructureReader.defaults().readFirst(
                Path.of(GrIoTest.class.getResource("/pdf/cif/diffpy.srreal__Ni.cif").toURI()));
        Map<String, Object> hh = GrWriter.header(org.nifispectro.pdf.PdfParameters.mlstructureMining(), ni);
        StringWriter w2 = new StringWriter();
        GrWriter.write(w2, hh, r, g);
        GrData d2 = GrReader.parse(Arrays.asList(w2.toString().split("\n")), "sim.gr");
        assertEquals("Ni4", d2.header().get("composition"));
        assertEquals("0.7", d2.header().get("qmin"));
        GrFormatException e = assertThrows(GrFormatException.class,
                () -> GrReader.parse(List.of("#### start data", "0 1", "0.1 x"), "bad.gr"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("bad.gr line 3"));
    }
}
