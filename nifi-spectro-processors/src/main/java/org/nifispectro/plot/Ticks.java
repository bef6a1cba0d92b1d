package org.nifispectro.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Axis ticks: "nice numbers" (1, 2, 5 x 10^k steps; Heckbert, Graphics Gems, 1990) for linear
 * axes and decades (with 2 and 5 sub-ticks for short ranges) for log axes, plus tick labels
 * formatted with just enough decimals for the step.
 */
final class Ticks {

    private Ticks() {
    }

    /** Nice number near x: rounded (for the step) or ceiling (for the range). */
    static double nice(double x, boolean round) {
        double exp = Math.floor(Math.log10(x));
        double f = x / Math.pow(10, exp);
        double nf;
        if (round) {
            nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        } else {
            nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        }
        return nf * Math.pow(10, exp);
    }

    /** Step for about {@code target} ticks over [lo, hi]. */
    static double step(double lo, double hi, int target) {
        double range = hi - lo;
        if (!(range > 0)) {
            return 1;
        }
        return nice(range / Math.max(1, target - 1), true);
    }

    /** Tick positions inside [lo, hi] with the given step. */
    static double[] linear(double lo, double hi, double step) {
        List<Double> t = new ArrayList<>();
        double start = Math.ceil(lo / step - 1e-9) * step;
        for (int i = 0; i < 1000; i++) {
            double v = start + i * step;
            if (v > hi + step * 1e-9) {
                break;
            }
            t.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Log-axis ticks in [lo, hi] (both > 0): every decade, plus 2 and 5 if fewer than 3 decades. */
    static double[] log(double lo, double hi) {
        List<Double> t = new ArrayList<>();
        int d0 = (int) Math.floor(Math.log10(lo));
        int d1 = (int) Math.ceil(Math.log10(hi));
        int every = Math.max(1, (d1 - d0) / 8);
        boolean sub = d1 - d0 <= 3;
        for (int d = d0; d <= d1; d++) {
            double b = Math.pow(10, d);
            for (double m : sub ? new double[] {1, 2, 5} : new double[] {1}) {
                double v = m * b;
                if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) && (m != 1 || (d - d0) % every == 0)) {
                    t.add(v);
                }
            }
        }
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Label text for a tick value on a linear axis with the given step. */
    static String label(double v, double step) {
        double a = Math.max(Math.abs(v), step);
        if (a >= 1e5 || (a < 1e-3 && a > 0)) {
            String s = String.format(Locale.ROOT, "%.1e", v);
            return s.replace("e+0", "e").replace("e-0", "e-").replace("e+", "e").replace(".0e", "e");
        }
        int dec = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        String s = String.format(Locale.ROOT, "%." + dec + "f", v);
        return s.startsWith("-") && s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }

    /** Label for a log-axis tick. */
    static String logLabel(double v) {
        double e = Math.log10(v);
        if (Math.abs(e - Math.rint(e)) < 1e-9 && (Math.abs(e) >= 4)) {
            return "1e" + (int) Math.rint(e);
        }
        if (v >= 1e-3 && v < 1e5) {
            return label(v, Math.pow(10, Math.floor(Math.log10(v))));
        }
        return String.format(Locale.ROOT, "%.0e", v).replace("e+0", "e").replace("e-0", "e-").replace("e+", "e");
    }
}
