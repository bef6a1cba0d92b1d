/**
 * A series of 1-D curves (PDFs over time, spectra of a sample series, pixel spectra of a stack) read
 * from archives (TAR/ZIP as NiFi's MergeContent writes them), multi-column text and 2-D HDF5 datasets,
 * put on one common grid, and decomposed by PCA then NMF ({@link org.nifispectro.series.DecompositionJob},
 * {@link org.nifispectro.series.StackDecomposition}). No NiFi imports: testable alone.
 */
package org.nifispectro.series;
