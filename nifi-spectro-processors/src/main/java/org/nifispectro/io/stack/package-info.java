/**
 * HDF5 spectral stacks: {@link org.nifispectro.io.stack.StackReader} detects the layout (APS Data
 * Exchange, NeXus NXstxm/NXdata, NSLS-II FXI, generic, or caller-named paths), validates the
 * energy axis and geometry, and reads slabs of image rows pixel-major so a stack never has to sit
 * in heap; {@link org.nifispectro.io.stack.StackWriter} writes NeXus-style results with the
 * processing history ({@link org.nifispectro.io.stack.ProcessStep}). Plain Java on jHDF 0.13.0,
 * no NiFi imports.
 */
package org.nifispectro.io.stack;
