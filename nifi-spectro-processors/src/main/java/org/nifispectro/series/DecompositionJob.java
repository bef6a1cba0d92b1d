package org.nifispectro.series;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.nifispectro.decompose.Nmf;
import org.nifispectro.decompose.Pca;
import org.nifispectro.decompose.PcaModel;

/**
 * PCA then NMF of a series of curves on one grid (seed 004: in-situ PDF series).
 *
 * <ol>
 *   <li>Checks: at least 2 samples; no constant curve (zero variance along the grid; an empty or
 *       flat-lined detector readout), reported by name.</li>
 *   <li>PCA ({@link Pca#fit}, exact, mean-centred, scikit-learn's {@code PCA(svd_solver='full')}):
 *       explained variance ratios of all axes.</li>
 *   <li>k from {@link DecompositionOptions#components}; k above the number of samples is refused
 *       ("fewer samples than components").</li>
 *   <li>NMF with k components ({@link Nmf#fit}: scikit-learn cd solver, nndsvda, Frobenius) after the
 *       negative-value rule. With {@link ComponentRule#FIXED} k is known up front, so the PCA runs on
 *       the common pool while the NMF is computed (same results; PCA errors are still reported first).</li>
 * </ol>
 *
 * <h2>References</h2>
 * Seed 004 (PCA proposes the number of components, NMF extracts them); scikit-learn 1.2
 * {@code PCA}, {@code NMF}; make_pcanmf_reference.py for the reference recipe.
 */
public final class DecompositionJob {

    private DecompositionJob() {
    }

    /**
     * A finished decomposition.
     *
     * @param series the input on its common grid
     * @param pca    the PCA (all ratios)
     * @param k      components chosen
     * @param nmf    NMF result (weights n x k, components)
     */
    public record Result(Series series, PcaModel pca, int k, Nmf.Result nmf) {

        /** Cumulative explained variance ratio of the first k axes. */
        public double varianceExplained() {
            return pca.cumulativeRatio(k);
        }

        /** Component t on the grid (signed for the split rule). */
        public double[] component(int t) {
            return nmf.signedComponent(t);
        }

        /** Fractions of the end-member samples in every sample ({@link Nmf#endMemberFractions}); null if undefined. */
        public Nmf.EndMemberFractions endMemberFractions() {
            return Nmf.endMemberFractions(series.values(), nmf);
        }
    }

    public static Result run(Series s, DecompositionOptions o) throws SeriesException {
        int n = s.samples();
        if (n < 2) {
            throw new SeriesException("a decomposition needs at least 2 curves, the series has " + n, "");
        }
        for (int i = 0; i < n; i++) {
            double[] y = s.values()[i];
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (double v : y) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (!(max > min)) {
                throw new SeriesException(String.format(Locale.ROOT, "constant curve (every value is %.6g): no signal to "
                        + "decompose", min), s.names()[i]);
            }
        }
        // a fixed k is known before the PCA, so the PCA and the NMF can run at the same time on two cores (the common
        // pool has one worker per core beside the caller's: a single worker on 2 cores is enough). The PCA goes to
        // the pool and the NMF (the longer: 15.7 ms against 8.3 ms on 500 x 300, k = 4) stays on this thread, which
        // needs no pool worker for it; the PCA's parallel covariance update then runs as the worker's own fork-join
        // subtasks. If no worker has started the PCA when the NMF is done, this thread runs it. (Before 2026-11-21
        // the NMF went to the pool, and only with at least 3 cores: on 2 cores the job ran PCA 7.7 ms + NMF 37.1 ms
        // one after the other, 44.9 ms.)
        if (o.rule() == ComponentRule.FIXED && o.fixed() <= n && o.fixed() <= s.points()
                && Runtime.getRuntime().availableProcessors() >= 2 && ForkJoinPool.getCommonPoolParallelism() >= 1) {
            Claimable<PcaModel> pcaTask = new Claimable<>(() -> Pca.fit(s.values(), o::components));
            ForkJoinPool.commonPool().execute(pcaTask::runIfUnclaimed);
            Nmf.Result nmf = null;
            IllegalArgumentException nmfError = null;
            try {
                nmf = Nmf.fit(s.values(), o.nmfOptions(o.fixed()));
            } catch (IllegalArgumentException e) {
                nmfError = e;
            } catch (RuntimeException | Error e) {
                pcaTask.cancel();
                throw e;
            }
            pcaTask.runIfUnclaimed();
            PcaModel pca = pca(pcaTask::join);
            int k = o.components(pca);
            checkK(k, s);
            if (nmfError != null) { // PCA errors are reported first, as in the sequential order
                throw new SeriesException("NMF: " + nmfError.getMessage(), nmfWhere(nmfError.getMessage(), s));
            }
            return new Result(s, pca, k, nmf);
        }
        // only the axes the component rule selects are computed (the job reports ratios and k, no scores)
        PcaModel pca = pca(() -> Pca.fit(s.values(), o::components));
        int k = o.components(pca);
        checkK(k, s);
        Nmf.Result nmf;
        try {
            nmf = Nmf.fit(s.values(), o.nmfOptions(k));
        } catch (IllegalArgumentException e) {
            throw new SeriesException("NMF: " + e.getMessage(), nmfWhere(e.getMessage(), s));
        }
        return new Result(s, pca, k, nmf);
    }

    private static PcaModel pca(Supplier<PcaModel> fit) throws SeriesException {
        try {
            return fit.get();
        } catch (IllegalArgumentException e) {
            throw new SeriesException("PCA: " + e.getMessage(), "");
        }
    }

    /** Work run once by whichever thread claims it first (a pool worker or the job's thread). */
    private static final class Claimable<T> {
        private final Supplier<T> work;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CompletableFuture<T> result = new CompletableFuture<>();

        Claimable(Supplier<T> work) {
            this.work = work;
        }

        void runIfUnclaimed() {
            if (claimed.compareAndSet(false, true)) {
                try {
                    result.complete(work.get());
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            }
        }

        /** Keeps a worker that has not started yet from running it (one that has started finishes unobserved). */
        void cancel() {
            claimed.set(true);
        }

        /** The result; the work's own RuntimeException if it failed. */
        T join() {
            try {
                return result.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
    }

    private static void checkK(int k, Series s) throws SeriesException {
        int n = s.samples();
        if (k > n) {
            throw new SeriesException("fewer samples (" + n + ") than components (" + k + "): NMF cannot extract more "
                    + "components than there are curves", "");
        }
        if (k > s.points()) {
            throw new SeriesException("more components (" + k + ") than grid points (" + s.points() + ")", "");
        }
    }

    /** Turns "row i, column j" of an Nmf message into the curve name and grid value. */
    private static String nmfWhere(String msg, Series s) {
        if (msg == null) {
            return "";
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("row (\\d+), column (\\d+)").matcher(msg);
        if (m.find()) {
            int i = Integer.parseInt(m.group(1)), j = Integer.parseInt(m.group(2));
            if (i < s.samples() && j < s.points()) {
                return String.format(Locale.ROOT, "%s, point %d (x = %.6g)", s.names()[i], j + 1, s.grid()[j]);
            }
        }
        return "";
    }
}
