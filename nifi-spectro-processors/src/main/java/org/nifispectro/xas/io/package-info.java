/**
 * Reading and writing single XAS spectra: XDI 1.0 ({@link org.nifispectro.xas.io.XdiReader}), plain
 * column files ({@link org.nifispectro.xas.io.ColumnFileReader}), automatic choice
 * ({@link org.nifispectro.xas.io.XasReader}), mu(E) from mu, i0/itrans or i0/ifluor columns
 * ({@link org.nifispectro.xas.io.MuSpec}), and XDI-style chi(k)/chi(R) output with the parameters
 * used and the input's fields ({@link org.nifispectro.xas.io.XdiWriter}). Errors are
 * {@link org.nifispectro.xas.io.XasParseException}s naming the file and line.
 */
package org.nifispectro.xas.io;
