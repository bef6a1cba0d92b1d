package org.nifispectro.io.stack;

/**
 * How to open a stack. All fields are optional (null = detect).
 *
 * @param dataPath     path of the 3-D data set inside the file (custom layout; needs
 *                     {@code energyPath} as well)
 * @param energyPath   path of the 1-D energy data set (custom layout)
 * @param energyUnit   unit override; null = units attribute, else the rule of {@link EnergyUnit}
 * @param axisOrder    axis order override; null = the file's {@code axes} attribute, else the
 *                     dimension that matches the energy count, else energy-y-x
 * @param minEnergies  minimum number of energies accepted (at least 2)
 */
public record StackOptions(String dataPath, String energyPath, EnergyUnit energyUnit, AxisOrder axisOrder,
                           int minEnergies) {

    /** Detect everything, accept 2 or more energies. */
    public static final StackOptions DEFAULT = new StackOptions(null, null, null, null, 2);

    public StackOptions {
        if (minEnergies < 2) {
            throw new IllegalArgumentException("minEnergies must be >= 2, got " + minEnergies);
        }
        boolean d = dataPath != null && !dataPath.isBlank();
        boolean e = energyPath != null && !energyPath.isBlank();
        if (d != e) {
            throw new IllegalArgumentException("custom layout needs both the data path and the energy path; got data path '"
                    + dataPath + "' and energy path '" + energyPath + "'");
        }
        if (!d) {
            dataPath = null;
            energyPath = null;
        }
    }

    /** Custom layout with the given dataset paths, everything else detected. */
    public static StackOptions custom(String dataPath, String energyPath) {
        return new StackOptions(dataPath, energyPath, null, null, 2);
    }

    public StackOptions withEnergyUnit(EnergyUnit unit) {
        return new StackOptions(dataPath, energyPath, unit, axisOrder, minEnergies);
    }

    public StackOptions withAxisOrder(AxisOrder order) {
        return new StackOptions(dataPath, energyPath, energyUnit, order, minEnergies);
    }

    public StackOptions withMinEnergies(int n) {
        return new StackOptions(dataPath, energyPath, energyUnit, axisOrder, n);
    }
}
