package org.nifispectro.io.stack;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;

import java.nio.file.Path;

/**
 * Small stacks written with jHDF's writer in the layouts facilities use. Every value is
 * v(e, y, x) = 1000*e + 10*y + x with e the energy index as stored, so tests check elements in
 * closed form.
 */
final class StackFixtures {

    private StackFixtures() {
    }

    static float v(int e, int y, int x) {
        return 1000f * e + 10f * y + x;
    }

    static float[][][] eyx(int nE, int ny, int nx) {
        float[][][] a = new float[nE][ny][nx];
        for (int e = 0; e < nE; e++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    a[e][y][x] = v(e, y, x);
                }
            }
        }
        return a;
    }

    static float[][][] yxe(int nE, int ny, int nx) {
        float[][][] a = new float[ny][nx][nE];
        for (int e = 0; e < nE; e++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    a[y][x][e] = v(e, y, x);
                }
            }
        }
        return a;
    }

    static double[] linspace(double a, double b, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
        }
        return r;
    }

    /** APS Data Exchange: /exchange/data [nE][ny][nx], /exchange/energy (units attribute optional). */
    static Path dataExchange(Path file, Object data, double[] energy, String units) {
        try (WritableHdfFile w = HdfFile.write(file)) {
            WritableGroup ex = w.putGroup("exchange");
            ex.putDataset("data", data).putAttribute("axes", "energy:y:x");
            var en = ex.putDataset("energy", energy);
            if (units != null) {
                en.putAttribute("units", units);
            }
        }
        return file;
    }

    /** NSLS-II FXI: /img_xanes [nE][ny][nx], /X_eng in keV, no units. */
    static Path fxi(Path file, float[][][] data, double[] energyKeV) {
        try (WritableHdfFile w = HdfFile.write(file)) {
            w.putDataset("img_xanes", data);
            w.putDataset("X_eng", energyKeV);
            w.putDataset("note", new String[] {"FXI-like test file"});
        }
        return file;
    }

    /** NeXus with the @default chain and NXdata @signal/@axes. */
    static Path nexus(Path file, float[][][] data, double[] energy, String[] axes) {
        try (WritableHdfFile w = HdfFile.write(file)) {
            w.putAttribute("default", "entry");
            WritableGroup e = w.putGroup("entry");
            e.putAttribute("NX_class", "NXentry");
            e.putAttribute("default", "stack");
            WritableGroup other = e.putGroup("aaa_monitor");
            other.putAttribute("NX_class", "NXdata");
            other.putAttribute("signal", "i0");
            other.putDataset("i0", new double[] {1, 2, 3});
            WritableGroup d = e.putGroup("stack");
            d.putAttribute("NX_class", "NXdata");
            d.putAttribute("signal", "counts");
            d.putAttribute("axes", axes);
            d.putDataset("counts", data);
            d.putDataset("energy", energy).putAttribute("units", "eV");
        }
        return file;
    }
}
