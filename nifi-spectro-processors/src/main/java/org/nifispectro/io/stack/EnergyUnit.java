package org.nifispectro.io.stack;

import java.util.Locale;

/**
 * Unit of an energy axis. Energies handed out by {@link StackReader} are always in eV.
 *
 * <p>Detection rule (used when the caller gives no override): a {@code units} attribute on
 * the energy dataset wins ({@code eV}, {@code keV}, case-insensitive, also
 * {@code electron_volt}/{@code kiloelectron_volt}); without one, an axis whose maximum is below
 * {@value #KEV_THRESHOLD} is taken to be in keV, otherwise in eV. The threshold sits between the
 * highest XANES edges measured in keV (U K edge, 115.6 keV) and the lowest soft X-ray edges
 * measured in eV (B K edge, 188 eV); an eV axis that ends below 150 eV (Li K, M edges of light
 * elements) must be declared with the override.
 */
public enum EnergyUnit {
    EV(1.0),
    KEV(1000.0);

    /** Axis maximum below which an axis without units attribute is read as keV. */
    public static final double KEV_THRESHOLD = 150.0;

    private final double toEv;

    EnergyUnit(double toEv) {
        this.toEv = toEv;
    }

    /** Factor that converts a value in this unit to eV. */
    public double toEv() {
        return toEv;
    }

    /**
     * Parses a units attribute value.
     *
     * @return the unit, or null if the text is not an energy unit this class knows
     */
    public static EnergyUnit parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "ev", "electron_volt", "electronvolt", "electron volt" -> EV;
            case "kev", "kiloelectron_volt", "kiloelectronvolt", "kiloelectron volt" -> KEV;
            default -> null;
        };
    }

    /** The threshold rule: max < {@value #KEV_THRESHOLD} means keV. */
    public static EnergyUnit byMagnitude(double maxValue) {
        return maxValue < KEV_THRESHOLD ? KEV : EV;
    }
}
