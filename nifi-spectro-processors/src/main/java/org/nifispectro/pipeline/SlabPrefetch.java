package org.nifispectro.pipeline;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.nifispectro.io.stack.Slab;
import org.nifispectro.io.stack.StackFormatException;
import org.nifispectro.io.stack.StackReader;

/**
 * Hands out the slabs of a stack top to bottom, reading the next one on a background thread while
 * the caller works on the current one (reading is single-threaded decoding and reordering, so it
 * overlaps with the per-pixel work and the output writes). The reader is used by one thread at a
 * time: each read starts only after the previous one has been handed over. Heap: two slabs (the one
 * being worked on and the one being read), and only two: the array of the slab handed out before is
 * read into again, so a caller must be done with a slab when it asks for the next one (a slab's
 * {@code data()} may then be longer than {@code pixels() * nE}). Allocating a fresh array per slab
 * (295 MB each at seed scale) made the garbage collector run the heap up to its 2 GB limit.
 */
final class SlabPrefetch implements AutoCloseable {

    private final StackReader reader;
    private final int rows;
    private final int ny;
    private final ExecutorService io;
    private int nextY;
    private Future<Slab> pending;
    /** The array of the slab handed out last, reused by the read after the next one. */
    private float[] handedOut;
    private float[] spare;

    /**
     * @param prefetch false: read in the caller's thread (one slab in heap)
     */
    SlabPrefetch(StackReader reader, int rows, boolean prefetch) {
        this.reader = reader;
        this.rows = rows;
        this.ny = reader.info().ny();
        this.io = prefetch ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "nifi-spectro-slab-reader");
            t.setDaemon(true);
            return t;
        }) : null;
        submit();
    }

    private void submit() {
        if (io == null || nextY >= ny) {
            return;
        }
        int y = nextY;
        int n = Math.min(rows, ny - y);
        nextY += n;
        float[] reuse = spare;
        spare = null;
        pending = io.submit(() -> reader.readSlab(y, n, reuse));
    }

    /** The next slab, or null after the last. */
    Slab next() throws StackFormatException {
        if (io == null) {
            if (nextY >= ny) {
                return null;
            }
            int y = nextY;
            int n = Math.min(rows, ny - y);
            nextY += n;
            Slab slab = reader.readSlab(y, n, handedOut);
            handedOut = slab.data();
            return slab;
        }
        if (pending == null) {
            return null;
        }
        Slab slab;
        try {
            slab = pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + reader.info().fileName(), e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof StackFormatException sfe) {
                throw sfe;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
        pending = null;
        spare = handedOut; // the caller is done with the slab handed out before this one
        handedOut = slab.data();
        submit();
        return slab;
    }

    @Override
    public void close() {
        if (io != null) {
            if (pending != null) {
                try {
                    pending.get(); // let a running read finish before the reader is closed
                } catch (Exception ignored) {
                    // cancelled or failed; nothing to hand over
                }
            }
            io.shutdownNow();
        }
    }
}
