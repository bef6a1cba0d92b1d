package org.nifispectro.xas;

import java.util.List;

/**
 * The ExtractEXAFS chain on one spectrum: {@link Autobk} (which runs {@link PreEdgeNormalization}
 * for e0 and the edge step unless given), then {@link XafsFT#xftf} of chi(k), then the |chi(R)|
 * peaks. The FT range is clipped to the k range Autobk produced; when the FT kmax is NaN it is set
 * as in the project's Larch references: min(12, floor(kmax of chi) - 1).
 */
public final class ExafsExtraction {

    private ExafsExtraction() {
    }

    /**
     * @param peaks local maxima of |chi(R)| between 0.8 and 6 A above 10 % of the largest (not phase-corrected)
     */
    public record Result(Autobk.Result autobk, XafsFT.Result ft, List<XafsFT.Peak> peaks) {
        /** First |chi(R)| peak position (A), NaN when there is none. */
        public double firstPeakR() {
            return peaks.isEmpty() ? Double.NaN : peaks.get(0).r();
        }
    }

    /**
     * Runs the chain.
     *
     * @param ftKmax FT kmax (1/A) or NaN for min(12, floor(kmax) - 1)
     */
    public static Result run(double[] energy, double[] mu, Autobk.Params bkParams, double ftKmin, double ftKmax,
                             double kweight, double dk, String window) {
        Autobk.Result bk = Autobk.autobk(energy, mu, bkParams);
        double kmaxData = bk.k()[bk.k().length - 1];
        double kmax = Double.isNaN(ftKmax) ? Math.min(12.0, Math.floor(bk.kmax()) - 1.0) : Math.min(ftKmax, kmaxData);
        if (!(kmax > ftKmin)) {
            throw new IllegalArgumentException("FT k range [" + ftKmin + ", " + kmax + "] is empty: chi(k) reaches k = "
                    + kmaxData + " 1/A only");
        }
        XafsFT.Params fp = new XafsFT.Params(ftKmin, kmax, kweight, dk, Double.NaN, window, 10, bkParams.nfft(),
                bkParams.kstep());
        XafsFT.Result ft = XafsFT.xftf(bk.k(), bk.chi(), fp);
        return new Result(bk, ft, XafsFT.peaks(ft));
    }
}
