package org.nifispectro.pdf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * X-ray atomic form factors f0(Q) of neutral atoms and ions from the Waasmaier-Kirfel (1995)
 * five-Gaussian fit, f0(s) = c + sum a_i exp(-b_i s^2) with s = sin(theta)/lambda = Q / (4 pi).
 * The coefficient table ({@code waasmaier_kirfel_f0.csv}, 211 atoms and ions H..Cf) is shipped as
 * a resource, transcribed from the public-domain XrayDB compilation; it is the same DABAX table
 * libdiffpy uses.
 *
 * <p>Symbol resolution follows libdiffpy's {@code fxrayatstol}: an exact match ("Fe3+"), else
 * for a charge of 0 the bare element, for a charge of +-1 the "X1+"/"X1-" entry; ions absent
 * from the table (e.g. "S6+") fall back to the neutral atom here (libdiffpy raises an error).
 * The PDF calculator uses f0 at Q = 0 (as DiffPy's PDFCalculator does), which is about the
 * number of electrons.
 *
 * <p>Reference: D. Waasmaier, A. Kirfel, Acta Cryst. A51 (1995) 416-431,
 * doi:10.1107/S0108767394013292.
 */
public final class XrayFormFactors {

    private static final Map<String, double[]> TABLE = load();

    private XrayFormFactors() {
    }

    private static Map<String, double[]> load() {
        Map<String, double[]> m = new HashMap<>();
        try (InputStream in = XrayFormFactors.class.getResourceAsStream("waasmaier_kirfel_f0.csv")) {
            if (in == null) {
                throw new IllegalStateException("resource waasmaier_kirfel_f0.csv missing from the classpath");
            }
            BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = br.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] p = line.split(",");
                double[] c = new double[11];
                for (int i = 0; i < 11; i++) {
                    c[i] = Double.parseDouble(p[i + 1]);
                }
                m.put(p[0], c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** @return whether the symbol (element or ion) resolves to a table entry */
    public static boolean isKnown(String symbol) {
        return resolve(symbol) != null;
    }

    private static double[] resolve(String symbol) {
        double[] c = TABLE.get(symbol);
        if (c != null) {
            return c;
        }
        int k = symbol.length();
        int charge = 0;
        if (k > 0 && (symbol.charAt(k - 1) == '+' || symbol.charAt(k - 1) == '-')) {
            int sign = symbol.charAt(k - 1) == '+' ? 1 : -1;
            k--;
            int mag = 1;
            if (k > 0 && Character.isDigit(symbol.charAt(k - 1))) {
                mag = symbol.charAt(k - 1) - '0';
                k--;
            }
            charge = sign * mag;
        }
        String bare = symbol.substring(0, k);
        if (Math.abs(charge) == 1) {
            c = TABLE.get(bare + (charge > 0 ? "1+" : "1-"));
            if (c != null) {
                return c;
            }
        }
        return Elements.isElement(bare) ? TABLE.get(bare) : null;
    }

    /**
     * @param symbol element or ion symbol ("Ni", "O2-")
     * @param q momentum transfer in 1/angstrom
     * @return f0(Q) in electrons
     * @throws IllegalArgumentException when the symbol is unknown
     */
    public static double f0(String symbol, double q) {
        double[] c = resolve(symbol);
        if (c == null) {
            throw new IllegalArgumentException("unknown element or ion symbol '" + symbol
                    + "' (no Waasmaier-Kirfel X-ray form factor)");
        }
        double s2 = (q / (4 * Math.PI)) * (q / (4 * Math.PI));
        double f = c[5];
        for (int i = 0; i < 5; i++) {
            f += c[i] * Math.exp(-c[6 + i] * s2);
        }
        return f;
    }
}
