package org.nifispectro.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;

import org.nifispectro.cluster.SeedLikeStacks;
import org.nifispectro.io.stack.StackOptions;

/**
 * Child-JVM program of {@link StackBiggerThanHeapTest} (run with a small -Xmx): writes a synthetic stack larger than
 * its own heap, runs the chain's jobs on it with memory budgets that fit, and asks the clustering for more than a
 * tiny budget allows. Prints one line per step; exits non-zero on anything unexpected.
 */
public final class HeapBoundChain {

    private HeapBoundChain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int ny = Integer.parseInt(args[1]), nx = Integer.parseInt(args[2]), ne = Integer.parseInt(args[3]);
        long heap = Runtime.getRuntime().maxMemory();
        Path stack = dir.resolve("stack.h5");
        SeedLikeStacks.writeSeedScale(stack, ny, nx, ne, 5);
        System.out.println("HEAP " + heap + " STACK " + Files.size(stack));
        long budget = 40L << 20;
        Path norm = dir.resolve("norm.h5");
        NormalizeJob.run(stack, StackOptions.DEFAULT, norm, NormalizeJob.Config.defaults()
                .withWindows(EdgeWindow.parseList("L3:700-716, L2:714-730")).withMemoryBudget(budget), null);
        System.out.println("NORMALIZED " + Files.size(norm));
        Path snr = dir.resolve("snr.h5");
        RejectJob.run(norm, snr, new RejectJob.Config(2, RejectJob.WindowRule.ALL, budget), null);
        System.out.println("REJECTED " + Files.size(snr));
        try {
            ClusterJob.run(snr, dir.resolve("tiny.h5"), ClusterJob.Config.defaults().withMemoryBudget(1L << 20), null);
            System.out.println("UNEXPECTED clustering ran within 1 MB");
            System.exit(3);
        } catch (PipelineException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
        ClusterJob.Result r = ClusterJob.run(snr, dir.resolve("dbscan.h5"),
                ClusterJob.Config.defaults().withMemoryBudget(budget), null);
        System.out.println("CLUSTERED " + r.windows().get(0).nClusters());
    }
}
