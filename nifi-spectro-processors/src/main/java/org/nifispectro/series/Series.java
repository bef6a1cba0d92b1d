package org.nifispectro.series;

/**
 * Curves on one common grid: the matrix a decomposition works on (rows = samples).
 *
 * @param names     sample names, in series order
 * @param grid      common grid, strictly increasing
 * @param values    values[i][j] of sample i at grid[j]
 * @param resampled true if at least one curve was interpolated onto the grid
 */
public record Series(String[] names, double[] grid, double[][] values, boolean resampled) {

    public int samples() {
        return values.length;
    }

    public int points() {
        return grid.length;
    }
}
