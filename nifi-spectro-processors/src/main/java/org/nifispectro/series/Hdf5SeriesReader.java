package org.nifispectro.series;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;

/**
 * Reads a series from a 2-D HDF5 dataset: one row per curve (samples x grid points), or one column per
 * curve when {@code samplesAlongColumns}. The grid is an optional 1-D dataset of matching length;
 * without it the grid is the point index 0, 1, 2, ... Only numeric datasets are accepted, the size is
 * checked against {@code maxValues} before anything is loaded, and HDF5 external links are not
 * followed (jHDF resolves only links inside the file).
 */
public final class Hdf5SeriesReader {

    private Hdf5SeriesReader() {
    }

    public static List<Curve> read(Path file, String source, String dataPath, String gridPath, boolean samplesAlongColumns,
                                   long maxValues) throws SeriesException {
        if (dataPath == null || dataPath.isBlank()) {
            throw new SeriesException("an HDF5 series needs the path of its 2-D dataset (HDF5 Dataset Path)", source);
        }
        String problem;
        try {
            problem = org.nifispectro.io.stack.Hdf5Superblock.problem(file, java.nio.file.Files.size(file));
        } catch (java.io.IOException e) {
            problem = "cannot read the file: " + e.getMessage();
        }
        if (problem != null) {
            throw new SeriesException(problem, source);
        }
        try (HdfFile hdf = new HdfFile(file)) {
            Dataset data = dataset(hdf, dataPath, source);
            int[] dims = data.getDimensions();
            if (dims.length != 2) {
                throw new SeriesException("dataset has " + dims.length + " dimensions, a series needs 2 (samples x grid)",
                        source + ", dataset " + dataPath);
            }
            if ((long) dims[0] * dims[1] > maxValues) {
                throw SeriesException.overLimit("dataset of " + dims[0] + " x " + dims[1] + " values exceeds the budget of "
                        + maxValues + " values", source + ", dataset " + dataPath);
            }
            Object raw = data.getData();
            double[][] m = toDouble(raw, source + ", dataset " + dataPath);
            int ns = samplesAlongColumns ? dims[1] : dims[0];
            int np = samplesAlongColumns ? dims[0] : dims[1];
            double[] grid;
            if (gridPath != null && !gridPath.isBlank()) {
                Dataset g = dataset(hdf, gridPath, source);
                if (g.getDimensions().length != 1 || g.getDimensions()[0] != np) {
                    throw new SeriesException("grid dataset has shape " + java.util.Arrays.toString(g.getDimensions())
                            + ", expected [" + np + "]", source + ", dataset " + gridPath);
                }
                grid = toDouble1(g.getData(), source + ", dataset " + gridPath);
            } else {
                grid = new double[np];
                for (int j = 0; j < np; j++) {
                    grid[j] = j;
                }
            }
            List<Curve> curves = new ArrayList<>(ns);
            for (int i = 0; i < ns; i++) {
                double[] y = new double[np];
                for (int j = 0; j < np; j++) {
                    y[j] = samplesAlongColumns ? m[j][i] : m[i][j];
                }
                curves.add(new Curve(dataPath + (samplesAlongColumns ? "[:, " : "[") + i + (samplesAlongColumns ? "]" : ", :]"),
                        grid.clone(), y));
            }
            return curves;
        } catch (SeriesException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SeriesException("HDF5 file cannot be read (truncated or damaged?): " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), source, false, e);
        }
    }

    private static Dataset dataset(HdfFile hdf, String path, String source) throws SeriesException {
        Node node;
        try {
            // never jHDF's getByPath: it follows external links into other files
            node = org.nifispectro.io.stack.Hdf5Paths.resolve(hdf, path);
        } catch (org.nifispectro.io.stack.Hdf5Paths.UnsafeLinkException e) {
            throw new SeriesException(e.getMessage(), source + ", dataset " + path);
        } catch (RuntimeException e) {
            throw new SeriesException("no dataset at this path", source + ", dataset " + path);
        }
        if (node == null) {
            throw new SeriesException("no dataset at this path", source + ", dataset " + path);
        }
        if (!(node instanceof Dataset d)) {
            throw new SeriesException("path is a group, not a dataset", source + ", dataset " + path);
        }
        return d;
    }

    private static double[][] toDouble(Object raw, String where) throws SeriesException {
        if (raw instanceof double[][] d) {
            return d;
        }
        if (raw instanceof float[][] f) {
            double[][] out = new double[f.length][];
            for (int i = 0; i < f.length; i++) {
                out[i] = new double[f[i].length];
                for (int j = 0; j < f[i].length; j++) {
                    out[i][j] = f[i][j];
                }
            }
            return out;
        }
        if (raw instanceof int[][] a) {
            double[][] out = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                out[i] = java.util.Arrays.stream(a[i]).asDoubleStream().toArray();
            }
            return out;
        }
        if (raw instanceof long[][] a) {
            double[][] out = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                out[i] = java.util.Arrays.stream(a[i]).asDoubleStream().toArray();
            }
            return out;
        }
        throw new SeriesException("dataset is not numeric (" + (raw == null ? "null" : raw.getClass().getSimpleName())
                + ")", where);
    }

    private static double[] toDouble1(Object raw, String where) throws SeriesException {
        if (raw instanceof double[] d) {
            return d;
        }
        if (raw instanceof float[] f) {
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
            return out;
        }
        if (raw instanceof int[] a) {
            return java.util.Arrays.stream(a).asDoubleStream().toArray();
        }
        if (raw instanceof long[] a) {
            return java.util.Arrays.stream(a).asDoubleStream().toArray();
        }
        throw new SeriesException("grid dataset is not numeric", where);
    }
}
