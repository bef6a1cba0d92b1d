package org.nifispectro.processors.property;

import org.apache.nifi.components.DescribedValue;
import org.nifispectro.io.stack.EnergyUnit;

/** Unit of a stack's energy axis: detected, or forced. */
public enum StackEnergyUnit implements DescribedValue {
    AUTO("Auto", "The units attribute of the energy dataset; without one, an axis whose maximum is below 150 is keV, otherwise eV",
            null),
    EV("eV", "Energies are in electron volts", EnergyUnit.EV),
    KEV("keV", "Energies are in kilo-electron volts (converted to eV)", EnergyUnit.KEV);

    private final String displayName;
    private final String description;
    private final EnergyUnit unit;

    StackEnergyUnit(String displayName, String description, EnergyUnit unit) {
        this.displayName = displayName;
        this.description = description;
        this.unit = unit;
    }

    /** The override for the reader, or null to detect. */
    public EnergyUnit unit() {
        return unit;
    }

    @Override
    public String getValue() {
        return displayName;
    }

    @Override
    public String getDisplayName() {
        return displayName;
    }

    @Override
    public String getDescription() {
        return description;
    }
}
