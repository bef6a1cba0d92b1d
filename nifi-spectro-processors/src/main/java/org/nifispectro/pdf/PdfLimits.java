package org.nifispectro.pdf;

/**
 * Size limits checked by {@link PdfCalculator} before any pair is summed, so a huge cell is
 * refused with a reason instead of running for hours. Memory use of the calculator grows only
 * with the number of atoms (pair contributions are accumulated, never stored), so the atom
 * limit bounds memory and the pair limit bounds time (roughly 5-10 ns per pair on one core).
 *
 * @param maxAtoms maximum number of atoms in the unit cell after symmetry expansion
 * @param maxPairs maximum estimated number of atom pairs (ordered, within the extended r range)
 */
public record PdfLimits(int maxAtoms, double maxPairs) {

    public PdfLimits {
        if (maxAtoms < 1) {
            throw new IllegalArgumentException("maxAtoms must be >= 1, got " + maxAtoms);
        }
        if (!(maxPairs >= 1)) {
            throw new IllegalArgumentException("maxPairs must be >= 1, got " + maxPairs);
        }
    }

    /** 50 000 atoms per cell, 2e9 pairs (about 10-20 s on one core). */
    public static PdfLimits defaults() {
        return new PdfLimits(50_000, 2e9);
    }
}
