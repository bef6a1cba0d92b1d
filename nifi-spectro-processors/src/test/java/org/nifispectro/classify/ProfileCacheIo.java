package org.nifispectro.classify;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one binary layout of the learner experiments' profile caches (ConfusionBenchmark,
 * ClassifyBenchmark --experiment): per class a row count, then the rows of d floats.
 */
public final class ProfileCacheIo {

    private ProfileCacheIo() {
    }

    /** Writes one set (train, validation, clean or perturbed test) of per-class profile matrices. */
    public static void writeClasses(DataOutputStream o, List<float[][]> perClass) throws IOException {
        for (float[][] m : perClass) {
            o.writeInt(m.length);
            for (float[] v : m) {
                for (float q : v) {
                    o.writeFloat(q);
                }
            }
        }
    }

    /** Reads what {@link #writeClasses} wrote for nc classes of d-point profiles. */
    public static List<float[][]> readClasses(DataInputStream in, int nc, int d) throws IOException {
        List<float[][]> l = new ArrayList<>(nc);
        for (int c = 0; c < nc; c++) {
            float[][] m = new float[in.readInt()][d];
            for (float[] v : m) {
                for (int i = 0; i < d; i++) {
                    v[i] = in.readFloat();
                }
            }
            l.add(m);
        }
        return l;
    }
}
