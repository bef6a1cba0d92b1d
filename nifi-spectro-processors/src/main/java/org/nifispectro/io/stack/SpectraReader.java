package org.nifispectro.io.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Link;
import io.jhdf.api.Node;

import org.nifispectro.io.stack.StackFormatException.Problem;

/**
 * Reads every set of spectra in a NeXus/HDF5 file: each 2-D NXdata group whose signal is
 * {@code [n][nE]} over an energy axis, as {@link StackWriter.Builder#spectra} writes the cluster
 * mean spectra ({@code data} float32 [k][nE], {@code energy}, {@code cluster} ids,
 * {@code pixel_count}, {@code @axes=[cluster,energy]}).
 *
 * <h2>Detection</h2>
 * A group is a spectra group when it is an NXdata group (or has a {@code signal} attribute) whose
 * signal dataset ({@code @signal}, else {@code data}) has rank 2 and whose {@code @axes} (on the
 * group, else on the signal) has two names with the second an energy name ({@code energy},
 * {@code energies}, {@code energy_ev}, {@code energy_kev}, {@code photon_energy}, ...) naming a
 * 1-D dataset of the group with one value per column; a first axis naming a 1-D integer dataset
 * (e.g. {@code cluster}) gives the spectrum ids (else 0, 1, ...), a {@code pixel_count} dataset
 * the pixel counts. Energies in keV (units attribute, or maximum below
 * {@value EnergyUnit#KEV_THRESHOLD}) are converted to eV; they must be finite and strictly
 * increasing. Groups are searched from the root down to depth {@value #MAX_DEPTH}; HDF5 links
 * (soft or external) are never followed, so nothing outside the file is read.
 *
 * <p>Memory: every group is read whole (k x nE doubles); callers give a budget on the number of
 * values and larger files are refused with {@link Problem#OVER_BUDGET} before reading.
 *
 * <h2>References</h2>
 * NeXus NXdata base class (signal/axes attributes), https://manual.nexusformat.org/classes/base_classes/NXdata.html
 */
public final class SpectraReader {

    /** Deepest group level searched. */
    public static final int MAX_DEPTH = 8;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private SpectraReader() {
    }

    /**
     * One set of spectra.
     *
     * @param path        HDF5 path of the NXdata group
     * @param energy      energies (eV), strictly increasing
     * @param ids         spectrum ids (cluster ids, or the row index)
     * @param pixelCounts pixels per spectrum, -1 when not stored
     * @param spectra     spectra[i][e]
     */
    public record SpectraGroup(String path, double[] energy, long[] ids, long[] pixelCounts, double[][] spectra) {
        public int count() {
            return spectra.length;
        }
    }

    /** True when the bytes start with the HDF5 signature (a file whose superblock is at offset 0). */
    public static boolean isHdf5(byte[] head) {
        if (head == null || head.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (head[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when the file starts with the HDF5 signature. */
    public static boolean isHdf5(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return isHdf5(in.readNBytes(SIGNATURE.length));
        }
    }

    /**
     * Reads all spectra groups of a file and its processing history.
     *
     * @param file      the HDF5 file
     * @param name      file name used in messages
     * @param maxValues most spectrum values (sum of k x nE over groups) accepted
     * @return the groups in file order (may be empty when the file has none) and the history
     */
    public static Contents read(Path file, String name, long maxValues) throws StackFormatException {
        long size;
        try {
            size = Files.size(file);
            if (size == 0) {
                throw new StackFormatException(Problem.NOT_HDF5, name, null, -1, "file is empty (0 bytes)");
            }
            if (!isHdf5(file)) {
                throw new StackFormatException(Problem.NOT_HDF5, name, null, -1, "no HDF5 signature at the start of the file");
            }
            String truncated = Hdf5Superblock.problem(file, size);
            if (truncated != null) {
                throw new StackFormatException(Problem.CORRUPT, name, null, -1, truncated);
            }
        } catch (IOException e) {
            throw new StackFormatException(Problem.IO, name, null, -1, "cannot read file: " + e.getMessage(), e);
        }
        HdfFile hdf;
        try {
            hdf = new HdfFile(file);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw corrupt(name, null, e);
        }
        try (hdf) {
            List<SpectraGroup> out = new ArrayList<>();
            long[] budget = {maxValues};
            walk(hdf, "", 0, name, out, budget);
            List<ProcessStep> history;
            try {
                history = ProcessStep.readAll(hdf);
            } catch (RuntimeException e) {
                history = List.of();
            }
            return new Contents(out, history);
        } catch (StackFormatException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw corrupt(name, null, e);
        }
    }

    /** What {@link #read} found. */
    public record Contents(List<SpectraGroup> groups, List<ProcessStep> history) {
        public int spectrumCount() {
            return groups.stream().mapToInt(SpectraGroup::count).sum();
        }
    }

    private static StackFormatException corrupt(String name, String path, Throwable e) {
        String m = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new StackFormatException(Problem.CORRUPT, name, path, -1,
                "HDF5 file structure cannot be decoded (truncated or damaged file?): " + m, e);
    }

    private static void walk(Group g, String path, int depth, String name, List<SpectraGroup> out, long[] budget)
            throws StackFormatException {
        if (depth > MAX_DEPTH) {
            return;
        }
        for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
            Node n = e.getValue();
            if (n instanceof Link || !(n instanceof Group child)) {
                continue;
            }
            String p = path + "/" + e.getKey();
            SpectraGroup s = spectra(child, p, name, budget);
            if (s != null) {
                out.add(s);
            } else {
                walk(child, p, depth + 1, name, out, budget);
            }
        }
    }

    private static SpectraGroup spectra(Group g, String path, String name, long[] budget) throws StackFormatException {
        String cls = StackReader.attrString(g, "NX_class");
        String signalName = StackReader.attrString(g, "signal");
        if (!"NXdata".equals(cls) && signalName == null) {
            return null;
        }
        Map<String, Node> c = g.getChildren();
        Node sig = c.get(signalName != null ? signalName : "data");
        if (!(sig instanceof Dataset data) || sig instanceof Link || data.getDimensions().length != 2) {
            return null;
        }
        List<String> axes = StackReader.attrStrings(g, "axes");
        if (axes.size() != 2) {
            axes = StackReader.attrStrings(data, "axes");
        }
        if (axes.size() != 2 || !StackReader.isEnergyName(axes.get(1))) {
            return null;
        }
        String dataPath = path + "/" + data.getName();
        int[] dims = data.getDimensions();
        int n = dims[0];
        int ne = dims[1];
        Node en = c.get(axes.get(1));
        if (!(en instanceof Dataset ed) || en instanceof Link) {
            throw new StackFormatException(Problem.MISSING_DATASET, name, path + "/" + axes.get(1), -1,
                    "@axes names '" + axes.get(1) + "' but the group has no such dataset");
        }
        if (n == 0 || ne == 0) {
            throw new StackFormatException(Problem.ZERO_SIZE, name, dataPath, -1, "spectra array is " + n + " x " + ne);
        }
        long values = (long) n * ne;
        if (values > budget[0]) {
            throw new StackFormatException(Problem.OVER_BUDGET, name, dataPath, -1, n + " x " + ne
                    + " spectrum values exceed the budget of " + budget[0] + " values");
        }
        budget[0] -= values;
        double[] energy = vector(ed, name, path + "/" + axes.get(1));
        if (energy.length != ne) {
            throw new StackFormatException(Problem.ENERGY_LENGTH_MISMATCH, name, path + "/" + axes.get(1), -1,
                    "energy axis has " + energy.length + " values, the spectra have " + ne);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < ne; i++) {
            if (!Double.isFinite(energy[i])) {
                throw new StackFormatException(Problem.ENERGY_NOT_FINITE, name, path + "/" + axes.get(1), i,
                        "energy is " + energy[i]);
            }
            if (i > 0 && !(energy[i] > energy[i - 1])) {
                throw new StackFormatException(Problem.ENERGY_NOT_MONOTONIC, name, path + "/" + axes.get(1), i,
                        "energy " + energy[i] + " does not increase after " + energy[i - 1]);
            }
            max = Math.max(max, energy[i]);
        }
        EnergyUnit unit = EnergyUnit.parse(StackReader.attrString(ed, "units"));
        if (unit == null) {
            unit = EnergyUnit.byMagnitude(max);
        }
        if (unit == EnergyUnit.KEV) {
            for (int i = 0; i < ne; i++) {
                energy[i] *= 1000.0;
            }
        }
        double[][] spectra = matrix(data, name, dataPath, n, ne);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        Node idNode = c.get(axes.get(0));
        if (idNode instanceof Dataset id && !(idNode instanceof Link) && id.getDimensions().length == 1
                && id.getDimensions()[0] == n) {
            double[] v = vector(id, name, path + "/" + axes.get(0));
            for (int i = 0; i < n; i++) {
                ids[i] = Math.round(v[i]);
            }
        }
        long[] pixels = new long[n];
        java.util.Arrays.fill(pixels, -1);
        Node pc = c.get("pixel_count");
        if (pc instanceof Dataset pd && !(pc instanceof Link) && pd.getDimensions().length == 1
                && pd.getDimensions()[0] == n) {
            double[] v = vector(pd, name, path + "/pixel_count");
            for (int i = 0; i < n; i++) {
                pixels[i] = Math.round(v[i]);
            }
        }
        return new SpectraGroup(path, energy, ids, pixels, spectra);
    }

    private static double[] vector(Dataset d, String name, String path) throws StackFormatException {
        int[] dims = d.getDimensions();
        if (dims.length != 1) {
            throw new StackFormatException(Problem.BAD_RANK, name, path, -1, "expected a 1-D dataset, found rank "
                    + dims.length);
        }
        Object v = d.getData();
        if (v instanceof double[] a) {
            return a.clone();
        }
        double[] out = new double[dims[0]];
        if (v instanceof float[] a) {
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
        } else if (v instanceof int[] a) {
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
        } else if (v instanceof long[] a) {
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
        } else if (v instanceof short[] a) {
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
        } else {
            throw new StackFormatException(Problem.NOT_NUMERIC, name, path, -1, "dataset type "
                    + (v == null ? "null" : v.getClass().getSimpleName()) + " is not numeric");
        }
        return out;
    }

    private static double[][] matrix(Dataset d, String name, String path, int n, int ne) throws StackFormatException {
        Object v = d.getData();
        double[][] out = new double[n][ne];
        if (v instanceof float[][] a) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < ne; j++) {
                    out[i][j] = a[i][j];
                }
            }
        } else if (v instanceof double[][] a) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(a[i], 0, out[i], 0, ne);
            }
        } else if (v instanceof int[][] a) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < ne; j++) {
                    out[i][j] = a[i][j];
                }
            }
        } else {
            throw new StackFormatException(Problem.NOT_NUMERIC, name, path, -1, "spectra of type "
                    + (v == null ? "null" : v.getClass().getSimpleName().toLowerCase(Locale.ROOT))
                    + " are not float32/float64/int32 numbers");
        }
        return out;
    }
}
