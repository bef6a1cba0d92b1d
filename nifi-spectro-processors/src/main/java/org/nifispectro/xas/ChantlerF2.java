package org.nifispectro.xas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Tabulated imaginary anomalous scattering factor f2(E) (f'') of the elements Z = 1..92 from
 * Chantler's tables, shipped as the resource {@code chantler_f2.txt.gz} (extracted from XrayDB 4.4.7,
 * public domain; data NIST FFAST). Interpolated as XrayDB's {@code f2_chantler} does: linearly in
 * log(f2) versus log(E), values below 1e-99 raised to 1e-99; energies outside the table take the end
 * values (the table spans about 10 eV to 450 keV).
 *
 * <h2>References</h2>
 * C.T. Chantler, J. Phys. Chem. Ref. Data 24 (1995) 71 and 29 (2000) 597; XrayDB
 * (github xraypy/XrayDB, {@code xraydb.py _from_chantler}).
 */
public final class ChantlerF2 {

    private static volatile Map<String, double[][]> tables;
    private static volatile Map<Integer, String> symbols;

    private ChantlerF2() {
    }

    private static synchronized void load() {
        if (tables != null) {
            return;
        }
        Map<String, double[][]> t = new HashMap<>();
        Map<Integer, String> s = new HashMap<>();
        try (InputStream raw = ChantlerF2.class.getResourceAsStream("chantler_f2.txt.gz")) {
            if (raw == null) {
                throw new IllegalStateException("resource org/nifispectro/xas/chantler_f2.txt.gz is missing");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                    StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] h = line.trim().split("\\s+");
                int z = Integer.parseInt(h[0]);
                int n = Integer.parseInt(h[2]);
                double[] le = new double[n];
                double[] lf = new double[n];
                for (int i = 0; i < n; i++) {
                    String[] v = r.readLine().trim().split("\\s+");
                    le[i] = Math.log(Double.parseDouble(v[0]));
                    double f = Double.parseDouble(v[1]);
                    lf[i] = Math.log(Math.abs(f) < 1e-99 ? 1e-99 : f);
                }
                t.put(h[1].toLowerCase(Locale.ROOT), new double[][] {le, lf});
                s.put(z, h[1]);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read the Chantler f2 table", ex);
        }
        symbols = s;
        tables = t;
    }

    /** Element symbol for an atomic number 1..92. */
    public static String symbol(int z) {
        load();
        String s = symbols.get(z);
        if (s == null) {
            throw new IllegalArgumentException("no Chantler f2 table for Z = " + z + " (1..92 available)");
        }
        return s;
    }

    /** Atomic number of an element symbol (case-insensitive). */
    public static int atomicNumber(String symbol) {
        load();
        for (Map.Entry<Integer, String> e : symbols.entrySet()) {
            if (e.getValue().equalsIgnoreCase(symbol == null ? "" : symbol.strip())) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("unknown element symbol '" + symbol + "' (H..U available)");
    }

    /** f2(E) for the element at the given energies (eV). */
    public static double[] f2(String symbol, double[] energy) {
        load();
        double[][] tab = tables.get(symbol == null ? "" : symbol.strip().toLowerCase(Locale.ROOT));
        if (tab == null) {
            throw new IllegalArgumentException("no Chantler f2 table for element '" + symbol + "' (H..U available)");
        }
        double[] le = tab[0];
        double[] lf = tab[1];
        double[] out = new double[energy.length];
        int j = 0;
        int n = le.length;
        for (int i = 0; i < energy.length; i++) {
            if (!(energy[i] > 0)) {
                throw new IllegalArgumentException("f2: energy must be > 0 eV, got " + energy[i]);
            }
            double x = Math.log(energy[i]);
            double y;
            if (x <= le[0]) {
                y = lf[0];
            } else if (x >= le[n - 1]) {
                y = lf[n - 1];
            } else {
                if (x < le[j]) {
                    j = 0;
                }
                while (j < n - 2 && le[j + 1] <= x) {
                    j++;
                }
                y = lf[j] + (x - le[j]) * (lf[j + 1] - lf[j]) / (le[j + 1] - le[j]);
            }
            out[i] = Math.exp(y);
        }
        return out;
    }
}
