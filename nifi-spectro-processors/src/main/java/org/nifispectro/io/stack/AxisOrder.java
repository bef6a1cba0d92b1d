package org.nifispectro.io.stack;

/**
 * Order of the three axes of a spectral stack dataset, slowest varying first (C order, as
 * h5py/numpy report the shape).
 */
public enum AxisOrder {
    /** {@code data[energy][y][x]}: one image per energy (APS Data Exchange, FXI, NXstxm default). */
    ENERGY_Y_X(0),
    /** {@code data[y][x][energy]}: one spectrum per pixel (spectrum-image / EDS style). */
    Y_X_ENERGY(2);

    private final int energyDim;

    AxisOrder(int energyDim) {
        this.energyDim = energyDim;
    }

    /** Index of the energy dimension in the dataset shape. */
    public int energyDim() {
        return energyDim;
    }

    /** Index of the y (row) dimension in the dataset shape. */
    public int yDim() {
        return this == ENERGY_Y_X ? 1 : 0;
    }

    /** Index of the x (column) dimension in the dataset shape. */
    public int xDim() {
        return this == ENERGY_Y_X ? 2 : 1;
    }
}
