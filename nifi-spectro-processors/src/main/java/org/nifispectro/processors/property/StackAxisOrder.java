package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;
import org.nifispectro.io.stack.AxisOrder;

/** Order of the axes of a stack dataset (slowest first): detected, or forced. */
public enum StackAxisOrder implements DescribedValue {
    AUTO("Auto", "The NeXus axes attributes or the dataset's axes attribute; else the dimension whose size equals the"
            + " number of energies; else energy-y-x", null),
    ENERGY_Y_X("energy-y-x", "One image per energy: data[energy][y][x] (Data Exchange, FXI, NXstxm)", AxisOrder.ENERGY_Y_X),
    Y_X_ENERGY("y-x-energy", "One spectrum per pixel: data[y][x][energy]", AxisOrder.Y_X_ENERGY);

    private final String value;
    private final String description;
    private final AxisOrder order;

    StackAxisOrder(String value, String description, AxisOrder order) {
        this.value = value;
        this.description = description;
        this.order = order;
    }

    /** The override for the reader, or null to detect. */
    public AxisOrder order() {
        return order;
    }

    @Override
    public String getValue() {
        return value;
    }

    @Override
    public String getDisplayName() {
        return value;
    }

    @Override
    public String getDescription() {
        return description;
    }
}
