/**
 * Density clustering of reduced spectra (pixel spectra of a spectro-microscopy stack after
 * PCA): exact DBSCAN with scikit-learn's labels ({@link org.nifispectro.cluster.Dbscan}) on a
 * bounding-box KD-tree ({@link org.nifispectro.cluster.KdTree}), an automatic Eps estimate from the
 * k-distance graph ({@link org.nifispectro.cluster.EpsEstimator}) and agreement between two
 * clusterings ({@link org.nifispectro.cluster.ClusterAgreement}: contingency table, adjusted Rand
 * index). The PCA itself lives in {@link org.nifispectro.decompose.Pca}. No NiFi imports.
 */
package org.nifispectro.cluster;
