/**
 * Stack-level jobs of the spectro-microscopy chain, the work behind the NormalizeSpectra and
 * RejectLowSNR processors, in plain Java (no NiFi imports) so they can be tested and benchmarked
 * alone.
 *
 * <p>{@link org.nifispectro.pipeline.NormalizeJob} makes two passes over an HDF5 stack (mean spectrum, then
 * per-slab normalization of every edge window) and writes the normalized stacks and per-pixel maps;
 * {@link org.nifispectro.pipeline.RejectJob} computes per-pixel signal-to-noise from those maps, writes a
 * mask and copies the stacks slab by slab. {@link org.nifispectro.pipeline.NormalizedStackLayout} names
 * every group and attribute of the files they exchange. Both estimate their heap need before reading
 * any data and refuse work over the budget.
 */
package org.nifispectro.pipeline;
