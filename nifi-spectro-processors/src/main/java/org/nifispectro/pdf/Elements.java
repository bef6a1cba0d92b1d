package org.nifispectro.pdf;

import java.util.HashMap;
import java.util.Map;

/** Chemical element symbols H (Z=1) to Cf (Z=98), the range of the X-ray form factor table. */
public final class Elements {

    private static final String[] SYMBOLS = ("H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co "
            + "Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm "
            + "Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm "
            + "Bk Cf").split(" ");
    private static final Map<String, Integer> Z = new HashMap<>();

    static {
        for (int i = 0; i < SYMBOLS.length; i++) {
            Z.put(SYMBOLS[i], i + 1);
        }
    }

    private Elements() {
    }

    /** @return atomic number of a symbol in canonical case ("Fe"), or 0 when unknown */
    public static int atomicNumber(String symbol) {
        Integer z = Z.get(symbol);
        return z == null ? 0 : z;
    }

    /** @return symbol for atomic number 1..98 */
    public static String symbol(int z) {
        if (z < 1 || z > SYMBOLS.length) {
            throw new IllegalArgumentException("atomic number " + z + " outside 1.." + SYMBOLS.length);
        }
        return SYMBOLS[z - 1];
    }

    /** @return whether the canonical-case symbol is a known element */
    public static boolean isElement(String symbol) {
        return Z.containsKey(symbol);
    }
}
