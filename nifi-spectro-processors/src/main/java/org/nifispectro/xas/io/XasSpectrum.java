package org.nifispectro.xas.io;

/**
 * Energy (eV, strictly increasing) and mu(E) taken from a file, with the formula used for mu
 * (e.g. {@code ln(i0/itrans)}), Element.symbol / Element.edge when known, and the file content
 * (header fields to carry into outputs).
 */
public record XasSpectrum(String source, double[] energy, double[] mu, String muFormula, String element, String edge,
                          XasData data) {
}
