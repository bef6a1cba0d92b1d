package org.nifispectro.io.stack;

/**
 * A spectral stack file that cannot be used, with what is wrong and where.
 *
 * <p>{@link #getMessage()} is written for a facility user (it is meant to go into a FlowFile
 * {@code failure} attribute): it names the file, the dataset path inside the file and, where it
 * applies, the index of the first bad value. The parts are also available separately
 * ({@link #problem()}, {@link #file()}, {@link #datasetPath()}, {@link #index()}) so a processor
 * can route or count failures by kind.
 */
public final class StackFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Kind of problem found. */
    public enum Problem {
        /** File missing, empty or unreadable at the OS level. */
        IO,
        /** No HDF5 signature: not an HDF5 file at all (random bytes, another format). */
        NOT_HDF5,
        /** HDF5 structures point past the end of the file, or cannot be decoded. */
        CORRUPT,
        /** None of the known layouts matched and no custom paths were given. */
        UNKNOWN_LAYOUT,
        /** More than one candidate data set matched; the user must name the paths. */
        AMBIGUOUS_LAYOUT,
        /** A dataset or group that the layout requires is absent. */
        MISSING_DATASET,
        /** A link leaves the file (HDF5 external link): refused for safety. */
        EXTERNAL_LINK,
        /** Dataset element type is not numeric (string, compound, ...). */
        NOT_NUMERIC,
        /** Wrong number of dimensions. */
        BAD_RANK,
        /** A dimension has size 0. */
        ZERO_SIZE,
        /** Energy axis length does not equal the energy dimension of the data. */
        ENERGY_LENGTH_MISMATCH,
        /** Energy axis not strictly monotonic (first offending index given). */
        ENERGY_NOT_MONOTONIC,
        /** Energy axis holds NaN or infinity (first offending index given). */
        ENERGY_NOT_FINITE,
        /** Fewer energies than the caller requires. */
        TOO_FEW_ENERGIES,
        /** Axis order cannot be derived or is not supported. */
        BAD_AXES,
        /** Energy units attribute not understood. */
        BAD_UNITS,
        /** The work would need more memory than the configured budget. */
        OVER_BUDGET
    }

    private final Problem problem;
    private final String file;
    private final String datasetPath;
    private final long index;

    /**
     * @param problem kind of problem
     * @param file file name (no directories needed), may be null
     * @param datasetPath path inside the HDF5 file, may be null
     * @param index index of the first offending element, or -1
     * @param detail what is wrong, in words
     * @param cause underlying exception, may be null
     */
    public StackFormatException(Problem problem, String file, String datasetPath, long index, String detail,
                                Throwable cause) {
        super(compose(problem, file, datasetPath, index, detail), cause);
        this.problem = problem;
        this.file = file;
        this.datasetPath = datasetPath;
        this.index = index;
    }

    public StackFormatException(Problem problem, String file, String datasetPath, long index, String detail) {
        this(problem, file, datasetPath, index, detail, null);
    }

    private static String compose(Problem p, String file, String path, long index, String detail) {
        StringBuilder sb = new StringBuilder();
        sb.append(p.name()).append(": ").append(detail);
        if (file != null || path != null) {
            sb.append(" [");
            if (file != null) {
                sb.append("file ").append(file);
            }
            if (path != null) {
                sb.append(file != null ? ", " : "").append("dataset ").append(path);
            }
            if (index >= 0) {
                sb.append(", index ").append(index);
            }
            sb.append(']');
        }
        return sb.toString();
    }

    public Problem problem() {
        return problem;
    }

    /** File name, or null. */
    public String file() {
        return file;
    }

    /** Dataset path inside the HDF5 file, or null. */
    public String datasetPath() {
        return datasetPath;
    }

    /** Index of the first offending element, or -1 when it does not apply. */
    public long index() {
        return index;
    }
}
