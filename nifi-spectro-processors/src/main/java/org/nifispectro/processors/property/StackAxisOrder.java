package org.nifispectro.processors.property;

import org.nifispectro.io.stack.AxisOrder;

/** Order of the axes of a stack dataset (slowest first): detected, or forced. */
public enum StackAxisOrder implements Choice {
    AUTO("Auto", "The NeXus axes attributes or the dataset's axes attribute; else the dimension whose size equals the"
            + " number of energies; else energy-y-x", null),
    ENERGY_Y_X("energy-y-x", "One image per energy: data[energy][y][x] (Data Exchange, FXI, NXstxm)", AxisOrder.ENERGY_Y_X),
    Y_X_ENERGY("y-x-energy", "One spectrum per pixel: data[y][x][energy]", AxisOrder.Y_X_ENERGY);

    private final Text text;
    private final AxisOrder order;

    StackAxisOrder(String value, String description, AxisOrder order) {
        this.text = new Text(value, description);
        this.order = order;
    }

    /** The override for the reader, or null to detect. */
    public AxisOrder order() {
        return order;
    }

    @Override
    public Text text() {
        return text;
    }
}
