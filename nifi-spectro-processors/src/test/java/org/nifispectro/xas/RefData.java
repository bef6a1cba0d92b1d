package org.nifispectro.xas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads the Larch reference outputs copied to src/test/resources/xas/reference (see SOURCES.md). */
public final class RefData {

    private RefData() {
    }

    /** A numeric CSV with a header row: column name to values. */
    public static Map<String, double[]> csv(String name) {
        try (InputStream in = RefData.class.getResourceAsStream("/xas/reference/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /xas/reference/" + name);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String[] head = r.readLine().split(",");
            List<double[]> rows = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                double[] v = new double[head.length];
                for (int i = 0; i < head.length; i++) {
                    v[i] = f[i].equalsIgnoreCase("nan") ? Double.NaN : Double.parseDouble(f[i]);
                }
                rows.add(v);
            }
            Map<String, double[]> out = new LinkedHashMap<>();
            for (int j = 0; j < head.length; j++) {
                double[] col = new double[rows.size()];
                for (int i = 0; i < col.length; i++) {
                    col[i] = rows.get(i)[j];
                }
                out.put(head[j], col);
            }
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** summary.csv rows keyed by id; each row maps column name to its text. */
    public static Map<String, Map<String, String>> summary() {
        try (InputStream in = RefData.class.getResourceAsStream("/xas/reference/summary.csv")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String[] head = r.readLine().split(",", -1);
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < head.length; i++) {
                    row.put(head[i], f[i]);
                }
                out.put(f[0], row);
            }
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static List<String> ids(String kind) {
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : summary().entrySet()) {
            if (kind == null || kind.equals(e.getValue().get("kind"))) {
                ids.add(e.getKey());
            }
        }
        return ids;
    }
}
