/**
 * Linear decompositions of series of curves and of spectral stacks: exact streaming PCA
 * ({@link org.nifispectro.decompose.Pca}, {@link org.nifispectro.decompose.PcaModel}) and
 * non-negative matrix factorisation ({@link org.nifispectro.decompose.Nmf}) following the
 * scikit-learn 1.2 conventions (svd_flip signs, NNDSVD(a) initialisation, coordinate-descent
 * solver, Frobenius reconstruction error). No NiFi imports: usable and testable on its own.
 */
package org.nifispectro.decompose;
