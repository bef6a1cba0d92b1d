package org.nifispectro.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a range of pixels over a few threads owned by one job run (daemon threads, shut down at
 * {@link #close()}); with one thread everything runs in the caller. Exceptions of a chunk are
 * rethrown in the caller.
 */
final class Parallel implements AutoCloseable {

    /** Work on pixels [from, to), the {@code part}-th of the parts made by {@link #forRange}. */
    @FunctionalInterface
    interface Chunk {
        void run(int part, int from, int to);
    }

    private static final AtomicInteger POOL_ID = new AtomicInteger();

    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        if (threads == 1) {
            pool = null;
        } else {
            int id = POOL_ID.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "nifi-spectro-pipeline-" + id + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    int threads() {
        return threads;
    }

    /** Runs {@code chunk} over [0, n) split in at most {@link #threads()} parts of at least {@code minChunk}. */
    void forRange(int n, int minChunk, Chunk chunk) {
        int parts = pool == null ? 1 : (int) Math.min(threads, Math.max(1, n / Math.max(1, minChunk)));
        if (parts <= 1) {
            chunk.run(0, 0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        for (int k = 1; k < parts; k++) {
            int part = k;
            int from = (int) ((long) n * k / parts);
            int to = (int) ((long) n * (k + 1) / parts);
            futures.add(pool.submit((Callable<Void>) () -> {
                chunk.run(part, from, to);
                return null;
            }));
        }
        RuntimeException first = null;
        try {
            chunk.run(0, 0, (int) ((long) n / parts));
        } catch (RuntimeException e) {
            first = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                throw new IllegalStateException("interrupted while normalizing", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException re ? re
                            : new IllegalStateException(e.getCause().toString(), e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
