package org.nifispectro.classify;

import java.util.Locale;

/**
 * The r grid a model works on: points {@code rmin + k * rstep}, k = 0..n-1 (angstrom). The
 * training PDFs are simulated on 0..30 A step 0.1 (the MLstructureMining grid); the classifier
 * uses the part from {@code rmin} (default 1.0 A: below the shortest bond a measured G(r) holds
 * only termination ripples and noise) to {@code rmax} (30 A).
 *
 * @param rmin first feature point, angstrom
 * @param rstep spacing, angstrom
 * @param n number of points
 */
public record ModelGrid(double rmin, double rstep, int n) {

    public ModelGrid {
        if (!(rmin >= 0) || !(rstep > 0) || n < 10) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "invalid model grid: rmin %s, rstep %s, %d points (need rmin >= 0, rstep > 0, >= 10 points)",
                    rmin, rstep, n));
        }
    }

    /** 1.0 ... 30.0 A step 0.1 (291 points). */
    public static ModelGrid standard() {
        return new ModelGrid(1.0, 0.1, 291);
    }

    /** @return the last grid point, angstrom */
    public double rmax() {
        return rmin + (n - 1) * rstep;
    }

    /** @return r of point k */
    public double r(int k) {
        return rmin + k * rstep;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "r %.3f..%.3f A step %.3f (%d points)", rmin, rmax(), rstep, n);
    }
}
