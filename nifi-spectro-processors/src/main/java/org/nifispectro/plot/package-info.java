/**
 * PNG figures for operators, drawn with java.awt in headless mode (no extra library): line plots
 * with nice ticks, units, legend and optional log-y ({@link org.nifispectro.plot.LinePlot}),
 * multi-panel figures ({@link org.nifispectro.plot.Figure}), categorical phase maps with a counted
 * legend ({@link org.nifispectro.plot.CategoricalMap}), continuous maps with a colour bar
 * ({@link org.nifispectro.plot.ContinuousMap}) and horizontal bar charts
 * ({@link org.nifispectro.plot.BarChart}). No NiFi imports.
 */
package org.nifispectro.plot;
