/**
 * XAS science core (no NiFi dependencies): Larch-compatible pre-edge normalization of single spectra
 * ({@link org.nifispectro.xas.PreEdgeNormalization}) and of image stacks on one energy grid
 * ({@link org.nifispectro.xas.StackNormalizer}), AUTOBK background removal
 * ({@link org.nifispectro.xas.Autobk}) and the XAFS Fourier transform ({@link org.nifispectro.xas.XafsFT}).
 * Parameter names and defaults follow xraylarch 0.9.58 ({@code pre_edge}, {@code autobk}, {@code xftf}).
 * Energies in eV, k in 1/Angstrom, R in Angstrom. Invalid arguments raise
 * {@link java.lang.IllegalArgumentException} with a message meant for facility users.
 */
package org.nifispectro.xas;
