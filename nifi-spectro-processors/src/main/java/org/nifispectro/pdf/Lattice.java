package org.nifispectro.pdf;

/**
 * Unit cell from lattice parameters a, b, c (angstrom) and alpha, beta, gamma (degrees), with
 * the Cartesian basis of the usual crystallographic convention (a along x, b in the xy plane;
 * the PDF only depends on distances, so the orientation choice is immaterial).
 *
 * @param a length a in angstrom
 * @param b length b in angstrom
 * @param c length c in angstrom
 * @param alpha angle between b and c in degrees
 * @param beta angle between a and c in degrees
 * @param gamma angle between a and b in degrees
 */
public record Lattice(double a, double b, double c, double alpha, double beta, double gamma) {

    public Lattice {
        if (!(a > 0) || !(b > 0) || !(c > 0) || !Double.isFinite(a + b + c)) {
            throw new IllegalArgumentException("cell lengths must be positive, got a=" + a + " b=" + b + " c=" + c);
        }
        if (!(alpha > 0 && alpha < 180 && beta > 0 && beta < 180 && gamma > 0 && gamma < 180)) {
            throw new IllegalArgumentException("cell angles must be in (0,180) degrees, got alpha=" + alpha
                    + " beta=" + beta + " gamma=" + gamma);
        }
        double ca = Math.cos(Math.toRadians(alpha));
        double cb = Math.cos(Math.toRadians(beta));
        double cg = Math.cos(Math.toRadians(gamma));
        double v2 = 1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg;
        if (!(v2 > 1e-10)) {
            throw new IllegalArgumentException("cell angles alpha=" + alpha + " beta=" + beta + " gamma=" + gamma
                    + " do not form a cell of positive volume");
        }
    }

    /** @return cell volume in cubic angstrom */
    public double volume() {
        double ca = Math.cos(Math.toRadians(alpha));
        double cb = Math.cos(Math.toRadians(beta));
        double cg = Math.cos(Math.toRadians(gamma));
        return a * b * c * Math.sqrt(1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg);
    }

    /**
     * Row-major matrix M with Cartesian = M * fractional (columns are the cell vectors a, b, c).
     */
    public double[] basis() {
        double ca = Math.cos(Math.toRadians(alpha));
        double cb = Math.cos(Math.toRadians(beta));
        double cg = Math.cos(Math.toRadians(gamma));
        double sg = Math.sin(Math.toRadians(gamma));
        double cx = c * cb;
        double cy = c * (ca - cb * cg) / sg;
        double cz = volume() / (a * b * sg);
        return new double[] {a, b * cg, cx, 0, b * sg, cy, 0, 0, cz};
    }

    /** @return reciprocal lengths a*, b*, c* (1/angstrom, without 2 pi) */
    public double[] reciprocalLengths() {
        double v = volume();
        double sa = Math.sin(Math.toRadians(alpha));
        double sb = Math.sin(Math.toRadians(beta));
        double sg = Math.sin(Math.toRadians(gamma));
        return new double[] {b * c * sa / v, a * c * sb / v, a * b * sg / v};
    }

    /** @return a copy with scaled lengths */
    public Lattice withLengths(double na, double nb, double nc) {
        return new Lattice(na, nb, nc, alpha, beta, gamma);
    }
}
