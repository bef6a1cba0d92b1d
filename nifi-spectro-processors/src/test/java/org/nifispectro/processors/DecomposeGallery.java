package org.nifispectro.processors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.nifispectro.processors.property.ComponentCountRule;

/** Writes the PNGs DecomposePCANMF makes for the CdSe and Si/Ni series into a directory (argument), to look at. */
public final class DecomposeGallery {

    private DecomposeGallery() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "/tmp/decompose-gallery");
        Files.createDirectories(out);
        run(out, "cdse.tar", DecomposePCANMFTest.tar(DecomposePCANMFTest.entries(DecomposePCANMFTest.CDSE)), false);
        run(out, "sini.tar", DecomposePCANMFTest.tar(DecomposePCANMFTest.entries(DecomposePCANMFTest.SI_NI)), true);
        // a longer synthetic series: two phases exchanging over 120 time steps
        Map<String, byte[]> e = new LinkedHashMap<>();
        for (int i = 0; i < 120; i++) {
            double a = 1 / (1 + Math.exp(-(i - 60) / 10.0));
            e.put(String.format("scan_%03d.gr", i), DecomposePCANMFTest.curve(1.0, 20.0, 0.01,
                    x -> (1 - a) * Math.sin(2 * x) * Math.exp(-x / 8) + a * Math.sin(3.1 * x) * Math.exp(-x / 12)));
        }
        run(out, "insitu.tar", DecomposePCANMFTest.tar(e), true);
        // a stack: two end-members, fraction of the first rising with x, a disc of the second phase, one NaN pixel
        int ny = 60, nx = 90, ne = 80;
        double[] energy = new double[ne];
        float[][][] data = new float[ne][ny][nx];
        for (int j = 0; j < ne; j++) {
            energy[j] = 7100 + j;
        }
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                double a = Math.hypot(y - 30, x - 60) < 15 ? 0.1 : x / (double) (nx - 1);
                for (int j = 0; j < ne; j++) {
                    data[j][y][x] = (float) (a * Math.exp(-0.5 * Math.pow((energy[j] - 7120) / 5, 2))
                            + (1 - a) * Math.exp(-0.5 * Math.pow((energy[j] - 7150) / 6, 2)));
                }
            }
        }
        data[10][5][5] = Float.NaN;
        Path h5 = out.resolve("stack.h5");
        try (io.jhdf.WritableHdfFile w = io.jhdf.HdfFile.write(h5)) {
            io.jhdf.api.WritableGroup ex = w.putGroup("exchange");
            ex.putDataset("data", data);
            ex.putDataset("energy", energy).putAttribute("units", "eV");
        }
        run(out, "stack.h5", Files.readAllBytes(h5), true);
        Files.delete(h5);
    }

    private static void run(Path out, String name, byte[] content, boolean plusOne) throws Exception {
        TestRunner runner = TestRunners.newTestRunner(DecomposePCANMF.class);
        if (plusOne) {
            runner.setProperty(DecomposePCANMF.COUNT_RULE, ComponentCountRule.THRESHOLD_PLUS_ONE.getValue());
        }
        runner.enqueue(content, Map.of("filename", name));
        runner.run();
        for (MockFlowFile f : runner.getFlowFilesForRelationship(DecomposePCANMF.REL_SUCCESS)) {
            if (f.getAttribute("filename").endsWith(".png")) {
                Files.write(out.resolve(f.getAttribute("filename")), f.toByteArray());
            }
        }
        for (MockFlowFile f : runner.getFlowFilesForRelationship(DecomposePCANMF.REL_FAILURE)) {
            System.out.println(name + " failed: " + f.getAttribute("spectro.error"));
            runner.getLogger().getErrorMessages().forEach(m -> { if (true) { Object last = m.getArgs()[m.getArgs().length - 1]; if (last instanceof Throwable t) t.printStackTrace(System.out); if (m.getThrowable() != null) m.getThrowable().printStackTrace(System.out); } });
        }
    }
}
