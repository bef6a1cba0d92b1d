/**
 * X-ray pair distribution functions simulated from crystal structures (issue 5, SimulatePDF):
 * {@link org.nifispectro.pdf.PdfCalculator} (DiffPy-CMI PDFCalculator equivalent),
 * {@link org.nifispectro.pdf.CrystalStructure}, X-ray form factors, and variant generation for
 * training catalogs ({@link org.nifispectro.pdf.StructureVariants}). No NiFi dependencies.
 */
package org.nifispectro.pdf;
