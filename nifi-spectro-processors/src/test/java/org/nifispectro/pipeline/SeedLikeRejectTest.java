package org.nifispectro.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import io.jhdf.HdfFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nifispectro.cluster.SeedLikeStacks;
import org.nifispectro.io.stack.StackOptions;

/**
 * NormalizeJob + RejectJob on the seed-like synthetic stack ({@link SeedLikeStacks#writeSeedScale}: real
 * Fe L2,3 end members, Fe(III) phase A, Fe(II) phase B, their 1:1 mixture C as the 0.5 % minority phase,
 * all C pixels outside a low-signal rectangle of 1 % thickness), at 128 x 128 pixels x 1024 energies,
 * with the windows and the Minimum SNR of the seed-scale benchmark (L3 700-716 eV, L2 714-730 eV, SNR 2,
 * all windows). The expected values are the generator's truth: the minority phase has the thickness of A
 * and B and an edge step between theirs, so it is kept; the 1 %-thickness rectangle has steps 100 times
 * smaller, so it is rejected.
 *
 * <p>Before the narrow-window pre-edge rule ({@code PreEdgeNormalization} class doc) the L2 window's
 * pre-edge range ran to e0, the edge step of C nearly cancelled and about 10 % of C was rejected (202
 * of 1935 pixels at seed scale); in the L3 window the same happened to phase A whenever the mean e0 fell
 * below 707.5 eV.
 */
class SeedLikeRejectTest {

    static final int NY = 128;
    static final int NX = 128;

    @TempDir
    static Path dir;

    static int[] truth;
    static int[] mask;

    @BeforeAll
    static void run() throws Exception {
        Path stack = dir.resolve("seedlike.h5");
        truth = SeedLikeStacks.writeSeedScale(stack, NY, NX, 1024, 20261121L);
        Path norm = dir.resolve("seedlike_norm.h5");
        NormalizeJob.run(stack, StackOptions.DEFAULT, norm, NormalizeJob.Config.defaults()
                .withWindows(EdgeWindow.parseList("L3:700-716, L2:714-730")).withMemoryBudget(200_000_000L), null);
        Path snr = dir.resolve("seedlike_snr.h5");
        RejectJob.run(norm, snr, new RejectJob.Config(2, RejectJob.WindowRule.ALL, 200_000_000L), null);
        try (HdfFile h = new HdfFile(snr)) {
            int[][] m = (int[][]) h.getDatasetByPath(NormalizedStackLayout.dataPath(NormalizedStackLayout.MASK)).getData();
            mask = new int[NY * NX];
            for (int y = 0; y < NY; y++) {
                System.arraycopy(m[y], 0, mask, y * NX, NX);
            }
        }
    }

    /** {kept, total} of the pixels whose truth is {@code phase} (-1 = low-signal rectangle). */
    static int[] kept(int phase) {
        int k = 0;
        int n = 0;
        for (int p = 0; p < truth.length; p++) {
            if (truth[p] == phase) {
                n++;
                k += mask[p] == NormalizedStackLayout.KEPT ? 1 : 0;
            }
        }
        return new int[] {k, n};
    }

    @Test
    void minorityPhaseIsKept() {
        int[] c = kept(2);
        assertTrue(c[1] >= 80, "0.5 % of 128 x 128 pixels are minority: " + c[1]);
        assertTrue(c[0] >= 0.99 * c[1], c[0] + " of " + c[1] + " minority-phase pixels kept");
    }

    @Test
    void majorPhasesAreKept() {
        for (int ph = 0; ph <= 1; ph++) {
            int[] c = kept(ph);
            assertTrue(c[0] >= 0.97 * c[1], "phase " + ph + ": " + c[0] + " of " + c[1] + " kept");
        }
    }

    @Test
    void lowSignalRectangleIsRejected() {
        int[] c = kept(-1);
        assertTrue(c[1] > 1500, "10 % of the field: " + c[1]);
        assertTrue(c[1] - c[0] >= 0.95 * c[1], (c[1] - c[0]) + " of " + c[1] + " low-signal pixels rejected");
    }
}
