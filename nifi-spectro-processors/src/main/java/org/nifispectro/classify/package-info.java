/**
 * Crystal-structure classification of pair distribution functions, after MLstructureMining
 * (Kjaer et al., Digital Discovery 2024): a {@link org.nifispectro.classify.Catalog} of structure
 * classes built from a folder of CIFs by Pearson-correlation grouping of their simulated PDFs,
 * training PDFs (structure variants plus instrument and particle-size augmentation), a
 * {@link org.nifispectro.classify.PrototypeClassifier} (correlation to learned class prototypes,
 * calibrated SoftMax), its versioned model file ({@link org.nifispectro.classify.ModelFile}), the
 * structureMining-style {@link org.nifispectro.classify.CorrelationBaseline}, and the
 * command-line trainer {@link org.nifispectro.classify.TrainModel}. No NiFi imports.
 */
package org.nifispectro.classify;
