package org.nifispectro.processors.property;

import org.nifispectro.io.stack.EnergyUnit;

/** Unit of a stack's energy axis: detected, or forced. */
public enum StackEnergyUnit implements Choice {
    AUTO("Auto", "The units attribute of the energy dataset; without one, an axis whose maximum is below 150 is keV, otherwise eV",
            null),
    EV("eV", "Energies are in electron volts", EnergyUnit.EV),
    KEV("keV", "Energies are in kilo-electron volts (converted to eV)", EnergyUnit.KEV);

    private final Text text;
    private final EnergyUnit unit;

    StackEnergyUnit(String displayName, String description, EnergyUnit unit) {
        this.text = new Text(displayName, description);
        this.unit = unit;
    }

    /** The override for the reader, or null to detect. */
    public EnergyUnit unit() {
        return unit;
    }

    @Override
    public Text text() {
        return text;
    }
}
