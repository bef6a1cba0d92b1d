/**
 * CIF 1.1 reading: syntax ({@link org.nifispectro.pdf.cif.CifParser}), symmetry operators and
 * space-group tables, and the full-cell structure builder
 * ({@link org.nifispectro.pdf.cif.CifStructureReader}).
 */
package org.nifispectro.pdf.cif;
