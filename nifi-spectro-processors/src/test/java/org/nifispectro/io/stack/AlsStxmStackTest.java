package org.nifispectro.io.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real ALS 11.0.2.2 STXM Fe L2,3 stack (shared/data/stacks/als_stxm_fe_L23, MIT, 5.3 MB:
 * too large to copy into test resources, read from shared data when present). Expected shape
 * from stxm_71214078_reference.json; expected energies and per-pixel pre-edge optical density
 * from stxm_71214078_reference.h5, both made with numpy/h5py by make_stack_reference.py.
 */
class AlsStxmStackTest {

    static Path dir() {
        String s = System.getProperty("spectro.shared.data");
        Path d = s == null ? null : Path.of(s, "stacks", "als_stxm_fe_L23");
        Assumptions.assumeTrue(d != null && Files.isDirectory(d), "shared data (spectro.shared.data) not available");
        return d;
    }

    @Test
    void readsShapeEnergiesAndPixelsLikeNumpy() throws Exception {
        Path d = dir();
        JsonNode ref = new ObjectMapper().readTree(d.resolve("stxm_71214078_reference.json").toFile());
        double[] refE;
        double[][] refPre;
        try (HdfFile h = new HdfFile(d.resolve("stxm_71214078_reference.h5"))) {
            refE = (double[]) h.getDatasetByPath("/energy_eV").getData();
            refPre = (double[][]) h.getDatasetByPath("/pre").getData();
        }
        try (StackReader r = StackReader.open(d.resolve("stxm_71214078_FeL23_125x125x123.h5"))) {
            StackInfo in = r.info();
            assertEquals(StackLayout.GENERIC, in.layout());
            assertEquals("/intensity", in.dataPath());
            assertEquals("/energy_eV", in.energyPath());
            assertEquals(AxisOrder.ENERGY_Y_X, in.axisOrder());
            assertEquals(ref.get("shape").get(0).asInt(), in.nE());
            assertEquals(ref.get("shape").get(1).asInt(), in.ny());
            assertEquals(ref.get("shape").get(2).asInt(), in.nx());
            assertEquals(EnergyUnit.EV, in.energyUnit());
            assertArrayEquals(refE, in.energiesEv(), 0.0);
            double[] i0 = r.readVector("/i0", 10_000);
            // pre = mean over 700 <= E <= 705 of -ln(I / i0): checks pixel order (y, x) and energy order
            int nE = in.nE();
            double maxDiff = 0;
            int rows = 16;
            for (int y0 = 0; y0 < in.ny(); y0 += rows) {
                Slab s = r.readSlab(y0, Math.min(rows, in.ny() - y0));
                for (int p = 0; p < s.pixels(); p++) {
                    double sum = 0;
                    int n = 0;
                    for (int e = 0; e < nE; e++) {
                        if (refE[e] >= 700.0 && refE[e] <= 705.0) {
                            sum += -Math.log(s.value(p, e) / i0[e]);
                            n++;
                        }
                    }
                    int y = y0 + p / in.nx();
                    int x = p % in.nx();
                    maxDiff = Math.max(maxDiff, Math.abs(sum / n - refPre[y][x]));
                }
            }
            assertEquals(0.0, maxDiff, 1e-9, "max |pre - numpy pre|");
            assertEquals(0, r.nonFiniteSeen());
        }
    }
}
