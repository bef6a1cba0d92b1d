package org.nifispectro.decompose;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Test helper: the trimmed PDF series and the scikit-learn reference JSON in test resources. */
final class PdfSeries {

    private PdfSeries() {
    }

    static double[] readG(String resource) throws Exception {
        List<Double> g = new ArrayList<>();
        try (InputStream in = PdfSeries.class.getResourceAsStream("/decompose/" + resource);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] p = line.trim().split("\\s+");
                g.add(Double.parseDouble(p[1]));
            }
        }
        return g.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static final Map<String, String[]> SERIES = Map.of(
            "Si_Ni_SiNi_mixture", new String[] {"si-q27r60-xray_r1-30.gr", "si90ni10-q27r60-xray_r1-30.gr",
                "ni-q27r60nodg-xray_r1-30.gr"},
            "CdSe_size_series", new String[] {"CdSe-1_r1-30.gr", "CdSe-2_r1-30.gr", "CdSe-3_r1-30.gr",
                "CdSe-4_r1-30.gr", "CdSe-bulk_r1-30.gr"});

    static double[][] matrix(String series) throws Exception {
        String[] files = SERIES.get(series);
        double[][] x = new double[files.length][];
        for (int i = 0; i < files.length; i++) {
            x[i] = readG(files[i]);
        }
        return x;
    }

    static JsonNode reference(String series) throws Exception {
        try (InputStream in = PdfSeries.class.getResourceAsStream("/decompose/" + series + "_pca_nmf.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static double[] doubles(JsonNode arr) {
        double[] out = new double[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asDouble();
        }
        return out;
    }
}
