package org.nifispectro.io.stack;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * CPU time of the slab reorders ({@link Transpose}) for several energy-block sizes, against the
 * earlier code (float[][] planes, 16 energies per block). Memory only, no file: it isolates the
 * reorder from disk and page-cache effects. Not a test (no timing assertions); prints figures.
 *
 * <pre>
 * java -Xmx2g -cp nifi-spectro-processors/target/classes:nifi-spectro-processors/target/test-classes \
 *     org.nifispectro.io.stack.TransposeBenchmark [rows nx nE repeats]
 * </pre>
 */
public final class TransposeBenchmark {

    private TransposeBenchmark() {
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 95;
        int nx = args.length > 1 ? Integer.parseInt(args[1]) : 643;
        int nE = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int plane = rows * nx;
        float[] slab = new float[plane * nE];
        for (int i = 0; i < slab.length; i++) {
            slab[i] = i;
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "slab %d rows x %d px x %d energies (%d MB); load %s%n", rows, nx, nE,
                slab.length * 4L >> 20, loadavg());
        for (int rep = 0; rep < repeats; rep++) {
            // earlier code: float[][] planes of 16
            {
                float[][] planes = new float[16][plane];
                long c0 = mx.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                for (int e0 = 0; e0 < nE; e0 += 16) {
                    int nb = Math.min(16, nE - e0);
                    for (int p = 0; p < plane; p++) {
                        int base = p * nE;
                        for (int k = 0; k < nb; k++) {
                            slab[base + e0 + k] = planes[k][p];
                        }
                    }
                }
                long c1 = mx.getCurrentThreadCpuTime();
                long w1 = System.nanoTime();
                for (int e0 = 0; e0 < nE; e0 += 16) {
                    int nb = Math.min(16, nE - e0);
                    for (int p = 0; p < plane; p++) {
                        int base = p * nE + e0;
                        for (int k = 0; k < nb; k++) {
                            planes[k][p] = slab[base + k];
                        }
                    }
                }
                long c2 = mx.getCurrentThreadCpuTime();
                long w2 = System.nanoTime();
                System.out.printf(Locale.ROOT, "old  block  16: planes->pixels cpu %.3f s wall %.3f s | pixels->planes cpu %.3f s wall %.3f s%n",
                        (c1 - c0) / 1e9, (w1 - w0) / 1e9, (c2 - c1) / 1e9, (w2 - w1) / 1e9);
            }
            for (int b : new int[] {16, 32, 64, 128, 256}) {
                float[] block = new float[b * plane];
                long c0 = mx.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                for (int e0 = 0; e0 < nE; e0 += b) {
                    Transpose.planesToPixels(block, plane, Math.min(b, nE - e0), slab, nE, e0, false);
                }
                long c1 = mx.getCurrentThreadCpuTime();
                long w1 = System.nanoTime();
                for (int e0 = 0; e0 < nE; e0 += b) {
                    Transpose.pixelsToPlanes(slab, nE, e0, Math.min(b, nE - e0), plane, block);
                }
                long c2 = mx.getCurrentThreadCpuTime();
                long w2 = System.nanoTime();
                System.out.printf(Locale.ROOT, "new  block %3d: planes->pixels cpu %.3f s wall %.3f s | pixels->planes cpu %.3f s wall %.3f s%n",
                        b, (c1 - c0) / 1e9, (w1 - w0) / 1e9, (c2 - c1) / 1e9, (w2 - w1) / 1e9);
            }
        }
        System.out.println("load after " + loadavg());
    }

    private static String loadavg() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
