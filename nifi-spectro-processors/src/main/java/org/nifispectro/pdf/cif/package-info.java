/**
 * CIF 1.1 reading: syntax ({@link org.nifispectro.pdf.cif.CifParser}), symmetry operators and
 * space-group tables, and the full-cell structure builder
 * ({@link org.nifispectro.pdf.cif.CifStructureReader}); where the expansion operators come from
 * ({@link org.nifispectro.pdf.cif.SymmetrySource}: the CIF's listed operators, or DiffPy-CMI's
 * choice as reproduced by {@link org.nifispectro.pdf.cif.DiffpySymmetry}).
 */
package org.nifispectro.pdf.cif;
