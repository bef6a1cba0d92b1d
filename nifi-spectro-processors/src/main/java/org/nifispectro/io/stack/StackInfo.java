package org.nifispectro.io.stack;

/**
 * What {@link StackReader} found in a file: where the data is, its geometry and its energies.
 *
 * @param fileName         file name (for messages)
 * @param layout           convention that located the datasets
 * @param dataPath         path of the 3-D dataset
 * @param energyPath       path of the energy dataset
 * @param axisOrder        axis order of the dataset
 * @param axisOrderSource  how the axis order was decided ("override", "axes attribute ...",
 *                         "shape", "default")
 * @param ny               number of image rows
 * @param nx               number of image columns
 * @param energiesEv       energies in eV, strictly increasing (a copy is returned)
 * @param energyUnit       unit of the stored energy values
 * @param energyUnitSource how the unit was decided ("override", "units attribute", "max < 150 rule")
 * @param energyReversed   true if the file stored energies decreasing; slabs are then flipped so
 *                         that spectra follow {@code energiesEv}
 * @param elementType      Java element type jHDF returns for the data (float, double, int, ...)
 * @param bytesPerElement  stored element size in bytes
 * @param chunked          true if the dataset is chunked (possibly compressed)
 */
public record StackInfo(String fileName, StackLayout layout, String dataPath, String energyPath,
                        AxisOrder axisOrder, String axisOrderSource, int ny, int nx, double[] energiesEv,
                        EnergyUnit energyUnit, String energyUnitSource, boolean energyReversed,
                        Class<?> elementType, int bytesPerElement, boolean chunked) {

    public StackInfo {
        energiesEv = energiesEv.clone();
    }

    /** Number of energies. */
    public int nE() {
        return energiesEv.length;
    }

    /** Number of pixels ny * nx. */
    public long pixels() {
        return (long) ny * nx;
    }

    @Override
    public double[] energiesEv() {
        return energiesEv.clone();
    }

    /** Bytes the stored dataset occupies uncompressed. */
    public long storedBytes() {
        return pixels() * nE() * bytesPerElement;
    }

    /** Short human description, e.g. for a FlowFile attribute. */
    public String describe() {
        return String.format(java.util.Locale.ROOT,
                "%s layout, dataset %s (%s, %s), %d energies %.3f-%.3f eV (%s, %s%s), %d x %d pixels",
                layout, dataPath, axisOrder, elementType.getSimpleName(), nE(), energiesEv[0],
                energiesEv[energiesEv.length - 1], energyUnit, energyUnitSource,
                energyReversed ? ", stored decreasing, reversed" : "", ny, nx);
    }
}
