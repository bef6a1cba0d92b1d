package org.nifispectro.pdf.io;

import java.util.Map;

/**
 * Contents of a .gr file: r and G(r), optional uncertainties (NaN-free arrays, or null when the
 * file has none), and header settings ({@code key = value} or {@code key=value} pairs found before
 * the data, in file order).
 *
 * @param r r values, angstrom
 * @param g G(r), 1/angstrom^2
 * @param dr uncertainty of r or null
 * @param dg uncertainty of G or null
 * @param header header settings
 * @param layout detected layout: "pdfgetx3", "pdfgui" (PDFgetN/PDFgetX2 with #L line), or "columns"
 */
public record GrData(double[] r, double[] g, double[] dr, double[] dg, Map<String, String> header, String layout) {
}
