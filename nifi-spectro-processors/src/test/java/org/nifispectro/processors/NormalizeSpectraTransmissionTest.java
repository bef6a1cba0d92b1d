package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.io.stack.Slab;
import org.nifispectro.io.stack.StackOptions;
import org.nifispectro.io.stack.StackReader;
import org.nifispectro.pipeline.ChainFixtures;
import org.nifispectro.pipeline.NormalizedStackLayout;
import org.nifispectro.processors.common.SpectroAttributes;
import org.nifispectro.processors.property.DataType;

/**
 * NormalizeSpectra with Data Type Transmission. Synthetic stacks are made from a known optical density
 * (the scaled, offset, tilted Larch reference spectra of ChainFixtures) as I = I0(E) exp(-OD): converting
 * back with -ln(I / I0) is exact up to float32 rounding, so the normalized result must equal that of the
 * same processor run on the known OD stored as absorbance (within 1e-4). One pixel is a hole (OD = 0,
 * I = I0): it is the brightest pixel, so with 20 pixels the brightest 5 % (one pixel) recovers I0 exactly.
 */
class NormalizeSpectraTransmissionTest {

    static final int NY = 4;
    static final int NX = 5;
    static final int HOLE = 7;

    @TempDir
    Path dir;

    private TestRunner runner;
    private double[] energy;
    private float[] od;

    @BeforeEach
    void setUp() {
        runner = TestRunners.newTestRunner(NormalizeSpectra.class);
        runner.setProperty(NormalizeSpectra.EDGE_WINDOWS, ChainFixtures.WINDOWS);
        double[][] s = ChainFixtures.twoEdgeScan();
        energy = s[0];
        od = ChainFixtures.stack(s[0], s[1], NY, NX);
        int nE = energy.length;
        Arrays.fill(od, HOLE * nE, (HOLE + 1) * nE, 0f);
    }

    /** A smooth, non-linear beamline I0 (counts). */
    static double i0(double e) {
        return 2.0e4 * (1 + 0.3 * Math.sin((e - 5400) / 170.0)) * Math.exp(-(e - 5400) / 4000.0);
    }

    /** An I0 linear in energy, which linear interpolation reproduces exactly. */
    static double i0Linear(double e) {
        return 1.0e4 + 2.0 * (e - 5400);
    }

    private byte[] absorbance() throws Exception {
        return Files.readAllBytes(ChainFixtures.dataExchange(dir.resolve("od.h5"), energy, od, NY, NX));
    }

    /** Transmission stack I = I0 exp(-OD), with extra datasets written by {@code extra}. */
    private byte[] transmission(java.util.function.DoubleUnaryOperator i0, java.util.function.Consumer<WritableGroup> extra)
            throws Exception {
        int nE = energy.length;
        float[][][] d = new float[nE][NY][NX];
        for (int p = 0; p < NY * NX; p++) {
            for (int i = 0; i < nE; i++) {
                d[i][p / NX][p % NX] = (float) (i0.applyAsDouble(energy[i]) * Math.exp(-od[p * nE + i]));
            }
        }
        Path file = dir.resolve("t" + System.nanoTime() + ".h5");
        try (WritableHdfFile w = HdfFile.write(file)) {
            WritableGroup ex = w.putGroup("exchange");
            ex.putDataset("data", d).putAttribute("axes", "energy:y:x");
            ex.putDataset("energy", energy).putAttribute("units", "eV");
            extra.accept(w);
        }
        return Files.readAllBytes(file);
    }

    private double[] sampled(java.util.function.DoubleUnaryOperator f, double[] e) {
        double[] v = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            v[i] = f.applyAsDouble(e[i]);
        }
        return v;
    }

    private MockFlowFile success(byte[] content) {
        runner.enqueue(content, Map.of("filename", "stack.h5"));
        runner.run();
        assertTrue(runner.getFlowFilesForRelationship(NormalizeSpectra.REL_FAILURE).isEmpty(), () -> "failure: "
                + runner.getFlowFilesForRelationship(NormalizeSpectra.REL_FAILURE).get(0).getAttribute(SpectroAttributes.ERROR));
        runner.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 1);
        MockFlowFile out = runner.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS).get(0);
        runner.clearTransferState();
        return out;
    }

    /** Normalized stacks and edge-step maps of both windows, in one array per window. */
    private float[][] results(MockFlowFile out) throws Exception {
        Path f = dir.resolve("r" + System.nanoTime() + ".h5");
        Files.write(f, out.toByteArray());
        float[][] r = new float[4][];
        String[] labels = {"L3", "L2"};
        for (int w = 0; w < 2; w++) {
            String g = NormalizedStackLayout.norm(labels[w]);
            try (StackReader reader = StackReader.open(f, StackOptions.custom(NormalizedStackLayout.dataPath(g),
                    NormalizedStackLayout.energyPath(g)))) {
                Slab s = reader.readSlab(0, NY);
                r[2 * w] = s.data().clone();
            }
            try (HdfFile h = new HdfFile(f)) {
                float[][] step = (float[][]) h.getDatasetByPath(
                        NormalizedStackLayout.dataPath(NormalizedStackLayout.edgeStep(labels[w]))).getData();
                float[] flat = new float[NY * NX];
                for (int y = 0; y < NY; y++) {
                    System.arraycopy(step[y], 0, flat, y * NX, NX);
                }
                r[2 * w + 1] = flat;
            }
        }
        return r;
    }

    private void assertSameNormalization(float[][] expected, float[][] actual, String what) {
        int compared = 0;
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k].length, actual[k].length, what);
            int perPixel = expected[k].length / (NY * NX);
            for (int i = 0; i < expected[k].length; i++) {
                if (i / perPixel == HOLE) { // OD 0 or float rounding noise around it: no edge to compare
                    continue;
                }
                double tol = k % 2 == 1 ? 1e-4 * Math.abs(expected[k][i]) : 1e-4;
                assertEquals(expected[k][i], actual[k][i], tol, what + " array " + k + " index " + i);
                compared++;
            }
        }
        assertTrue(compared > 1000, what + ": only " + compared + " values compared");
    }

    private float[][] expected() throws Exception {
        runner.setProperty(NormalizeSpectra.DATA_TYPE, DataType.ABSORBANCE);
        MockFlowFile out = success(absorbance());
        out.assertAttributeEquals("stack.data.type", "absorbance");
        out.assertAttributeNotExists("stack.i0.source");
        return results(out);
    }

    @Test
    void measuredI0OnTheStackGrid() throws Exception {
        float[][] expected = expected();
        runner.setProperty(NormalizeSpectra.DATA_TYPE, DataType.TRANSMISSION);
        runner.setProperty(NormalizeSpectra.I0_PATH, "${i0.path}");
        byte[] t = transmission(NormalizeSpectraTransmissionTest::i0,
                w -> w.putDataset("i0", sampled(NormalizeSpectraTransmissionTest::i0, energy)));
        runner.enqueue(t, Map.of("filename", "stack.h5", "i0.path", "/i0"));
        runner.run();
        runner.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 1);
        MockFlowFile out = runner.getFlowFilesForRelationship(NormalizeSpectra.REL_SUCCESS).get(0);
        out.assertAttributeEquals("stack.data.type", "transmission");
        out.assertAttributeEquals("stack.i0.source", "dataset /i0");
        out.assertAttributeEquals("stack.intensities.clipped", "0");
        assertSameNormalization(expected, results(out), "measured I0");
    }

    @Test
    void measuredI0InterpolatedFromItsOwnEnergies() throws Exception {
        float[][] expected = expected();
        double[] ie = new double[400];
        for (int i = 0; i < ie.length; i++) {
            ie[i] = energy[0] - 10 + i * (energy[energy.length - 1] - energy[0] + 20) / (ie.length - 1);
        }
        double[] i0 = sampled(NormalizeSpectraTransmissionTest::i0Linear, ie);
        byte[] t = transmission(NormalizeSpectraTransmissionTest::i0Linear, w -> {
            w.putDataset("i0", i0);
            w.putDataset("i0_energy_eV", ie);
            w.putDataset("beam_energy", ie);
        });
        runner.setProperty(NormalizeSpectra.DATA_TYPE, DataType.TRANSMISSION);
        runner.setProperty(NormalizeSpectra.I0_PATH, "/i0");
        // lengths differ, no I0 Energy Path: the ALS-style sibling /i0_energy_eV
        MockFlowFile out = success(t);
        out.assertAttributeEquals("stack.i0.source", "dataset /i0 interpolated from /i0_energy_eV");
        assertSameNormalization(expected, results(out), "I0 interpolated from the sibling axis");
        // an explicit I0 Energy Path
        runner.setProperty(NormalizeSpectra.I0_ENERGY_PATH, "/beam_energy");
        out = success(t);
        out.assertAttributeEquals("stack.i0.source", "dataset /i0 interpolated from /beam_energy");
        assertSameNormalization(expected, results(out), "I0 interpolated from I0 Energy Path");
    }

    @Test
    void i0FromTheBrightestPixels() throws Exception {
        float[][] expected = expected();
        runner.setProperty(NormalizeSpectra.DATA_TYPE, DataType.TRANSMISSION);
        MockFlowFile out = success(transmission(NormalizeSpectraTransmissionTest::i0, w -> { }));
        out.assertAttributeEquals("stack.i0.source", "brightest 5 % of pixels (1 of 20)");
        assertSameNormalization(expected, results(out), "brightest-pixel I0");
    }

    @Test
    void nonPositiveIntensitiesAreClippedAndCounted() throws Exception {
        int nE = energy.length;
        int p = 12;
        byte[] t;
        {
            float[][][] d = new float[nE][NY][NX];
            for (int q = 0; q < NY * NX; q++) {
                for (int i = 0; i < nE; i++) {
                    d[i][q / NX][q % NX] = (float) (i0(energy[i]) * Math.exp(-od[q * nE + i]));
                }
            }
            d[553][p / NX][p % NX] = 0f; // end of the L3 post-edge, where a spike cannot move e0
            d[554][p / NX][p % NX] = -5f;
            Path file = dir.resolve("clip.h5");
            try (WritableHdfFile w = HdfFile.write(file)) {
                WritableGroup ex = w.putGroup("exchange");
                ex.putDataset("data", d);
                ex.putDataset("energy", energy).putAttribute("units", "eV");
                w.putDataset("i0", sampled(NormalizeSpectraTransmissionTest::i0, energy));
            }
            t = Files.readAllBytes(file);
        }
        runner.setProperty(NormalizeSpectra.DATA_TYPE, DataType.TRANSMISSION);
        runner.setProperty(NormalizeSpectra.I0_PATH, "/i0");
        MockFlowFile out = success(t);
        out.assertAttributeEquals("stack.intensities.clipped", "2");
        out.assertAttributeEquals("stack.pixels.nonfinite", "0");
        float[][] r = results(out);
        int nw = r[0].length / (NY * NX);
        for (int i = p * nw; i < (p + 1) * nw; i++) {
            assertTrue(Float.isFinite(r[0][i]), "clipped pixel L3 value " + i + " is " + r[0][i]);
        }
    }

    // ------------------------------------------------------------------ bad input

    private void fails(byte[] content, String errorPart, String wherePart) throws Exception {
        runner.enqueue(content, Map.of("filename", "bad.h5"));
        runner.run();
        runner.assertTransferCount(NormalizeSpectra.REL_FAILURE, 1);
        runner.assertTransferCount(NormalizeSpectra.REL_SUCCESS, 0);
        MockFlowFile f = runner.getFlowFilesForRelationship(NormalizeSpectra.REL_FAILURE).get(0);
        f.assertContentEquals(content);
        String error = f.getAttribute(SpectroAttributes.ERROR);
        assertTrue(error.contains(errorPart), "spectro.error '" + error + "' should contain '" + errorPart + "'");
        String where = f.getAttribute(SpectroAttributes.ERROR_WHERE);
        assertTrue(where.contains(wherePart), "spectro.error.where '" + where + "' should contain '" + wherePart + "'");
        f.assertAttributeEquals(SpectroAttributes.ERROR_KIND, "input");
        runner.clearTransferState();
    }

    @Test
    void badI0() throws Exception {
        runner.setProperty(NormalizeSpectra.DATA_TYPE, DataType.TRANSMISSION);
        double[] good = sampled(NormalizeSpectraTransmissionTest::i0, energy);

        runner.setProperty(NormalizeSpectra.I0_PATH, "/i0");
        fails(transmission(NormalizeSpectraTransmissionTest::i0, w -> { }), "MISSING_DATASET", "/i0");

        double[] zeros = good.clone();
        zeros[17] = 0;
        fails(transmission(NormalizeSpectraTransmissionTest::i0, w -> w.putDataset("i0", zeros)),
                "I0 is 0.0 at index 17", "file bad.h5, dataset /i0");

        double[] shorter = Arrays.copyOf(good, good.length - 5);
        fails(transmission(NormalizeSpectraTransmissionTest::i0, w -> w.putDataset("i0", shorter)),
                "I0 has " + shorter.length + " values but the stack has " + good.length + " energies",
                "file bad.h5, dataset /i0");

        runner.setProperty(NormalizeSpectra.I0_ENERGY_PATH, "/i0_e");
        double[] axis = Arrays.copyOf(energy, energy.length - 1);
        fails(transmission(NormalizeSpectraTransmissionTest::i0, w -> {
            w.putDataset("i0", good);
            w.putDataset("i0_e", axis);
        }), "I0 energy axis has " + axis.length + " values but I0 (/i0) has " + good.length, "dataset /i0_e");

        double[] narrow = new double[good.length];
        for (int i = 0; i < narrow.length; i++) {
            narrow[i] = 6000 + i;
        }
        fails(transmission(NormalizeSpectraTransmissionTest::i0, w -> {
            w.putDataset("i0", good);
            w.putDataset("i0_e", narrow);
        }), "is outside the I0 energy axis", "dataset /i0_e");
    }

    @Test
    void i0PropertiesDependOnTransmission() {
        runner.setProperty(NormalizeSpectra.I0_PATH, "/i0");
        runner.assertValid(); // ignored while the Data Type is Absorbance
        runner.setProperty(NormalizeSpectra.DATA_TYPE, "Transmission");
        runner.assertValid();
        runner.setProperty(NormalizeSpectra.DATA_TYPE, "Counts");
        runner.assertNotValid();
    }

    // ------------------------------------------------------------------ real data

    /**
     * The ALS 11.0.2.2 STXM Fe L2,3 stack (transmitted counts, measured I0 on the same grid) against
     * the per-pixel numbers of make_stack_reference.py (numpy, OD = -ln(I/I0)): the white line of the
     * normalizer (largest OD above the fitted pre-edge line) against the reference white line (largest
     * OD at 707-711 eV minus the mean OD at 700-705 eV) on the reference's Fe pixels.
     */
    @Test
    void alsStxmStack() throws Exception {
        String shared = System.getProperty("spectro.shared.data");
        Path stack = shared == null ? null
                : Path.of(shared, "stacks", "als_stxm_fe_L23", "stxm_71214078_FeL23_125x125x123.h5");
        Path ref = stack == null ? null : stack.resolveSibling("stxm_71214078_reference.h5");
        Assumptions.assumeTrue(stack != null && Files.isRegularFile(stack) && Files.isRegularFile(ref),
                "the ALS STXM stack of ../shared/data is not present");
        runner.setProperty(NormalizeSpectra.EDGE_WINDOWS, "");
        runner.setProperty(NormalizeSpectra.DATA_PATH, "/intensity");
        runner.setProperty(NormalizeSpectra.ENERGY_PATH, "/energy_eV");
        runner.setProperty(NormalizeSpectra.DATA_TYPE, DataType.TRANSMISSION);
        runner.setProperty(NormalizeSpectra.I0_PATH, "/i0");
        byte[] content = Files.readAllBytes(stack);
        double[][] refWl;
        int[][] fe;
        try (HdfFile h = new HdfFile(ref)) {
            refWl = (double[][]) h.getDatasetByPath("/whiteline").getData();
            fe = (int[][]) h.getDatasetByPath("/fe_mask").getData();
        }

        MockFlowFile out = success(content);
        out.assertAttributeEquals("stack.i0.source", "dataset /i0");
        out.assertAttributeEquals("stack.width", "125");
        out.assertAttributeEquals("stack.energies", "123");
        out.assertAttributeEquals("stack.intensities.clipped", "0");
        // measured: 0.036 OD; the two white lines differ by the pre-edge baseline (fitted line vs mean)
        assertTrue(meanWhiteLineDifference(out, refWl, fe, "measured I0", 5581) < 0.05);

        runner.removeProperty(NormalizeSpectra.I0_PATH);
        out = success(content);
        assertTrue(out.getAttribute("stack.i0.source").startsWith("brightest 5 % of pixels (782 of 15625)"),
                out.getAttribute("stack.i0.source"));
        // measured: 0.036 OD, 5580 of the 5581 Fe pixels with an edge: I0 from the bright area (a hole in the sample)
        // differs from the measured I0 by a nearly energy-independent factor, which is an OD offset the pre-edge line takes
        assertTrue(meanWhiteLineDifference(out, refWl, fe, "brightest-pixel I0", 5570) < 0.05);
    }

    private double meanWhiteLineDifference(MockFlowFile out, double[][] refWl, int[][] fe, String what,
                                           int minFePixels) throws Exception {
        Path f = dir.resolve("als" + System.nanoTime() + ".h5");
        Files.write(f, out.toByteArray());
        float[][] wl;
        try (HdfFile h = new HdfFile(f)) {
            wl = (float[][]) h.getDatasetByPath(NormalizedStackLayout.dataPath(NormalizedStackLayout.whiteLine("edge")))
                    .getData();
        }
        double sumAbs = 0;
        double sumRef = 0;
        int n = 0;
        for (int y = 0; y < 125; y++) {
            for (int x = 0; x < 125; x++) {
                if (fe[y][x] != 0 && Float.isFinite(wl[y][x])) {
                    sumAbs += Math.abs(wl[y][x] - refWl[y][x]);
                    sumRef += refWl[y][x];
                    n++;
                }
            }
        }
        System.out.printf("ALS, %s: %d Fe pixels, mean |white line - reference| = %.4f OD, mean reference %.4f OD%n",
                what, n, sumAbs / n, sumRef / n);
        assertTrue(n >= minFePixels, what + ": " + n + " Fe pixels with a finite white line");
        return sumAbs / n;
    }
}
