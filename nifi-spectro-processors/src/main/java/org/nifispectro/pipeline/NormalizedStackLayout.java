package org.nifispectro.pipeline;

/**
 * Names of the groups and attributes in the NeXus files that {@link NormalizeJob} writes and
 * {@link RejectJob} (and the clustering step after it) reads. One name per concept: the group
 * {@code edge_step_L3} holds what the FlowFile attribute {@code xas.L3.edge.step.median} summarizes.
 *
 * <pre>
 * /entry                         NXentry
 *   &#64;edge_windows             string[k]  window labels, in the order given ("L3", "L2"; "edge" for one
 *                               window over the whole scan)
 *   &#64;edge_window_emin_eV      float64[k] window ranges as configured (-inf/+inf for the whole scan)
 *   &#64;edge_window_emax_eV      float64[k]
 *   &#64;e0_reference_eV          float64[k] e0 of the mean spectrum in each window (fixes the fit ranges)
 *   &#64;pre1 &#64;pre2 &#64;norm1 &#64;norm2  float64[k] fit ranges used, eV relative to e0_reference (Larch names)
 *   &#64;nnorm                   int32[k]   post-edge polynomial degree used
 *   norm_&lt;label&gt;/data         float32 [nE_window][ny][nx] normalized mu(E), energy-y-x; /energy (eV)
 *   e0_&lt;label&gt;/data           float32 [ny][nx] e0 of each pixel (eV); NaN where the pixel has no edge
 *   edge_step_&lt;label&gt;/data    float32 [ny][nx] edge step (unit of the input, e.g. optical density)
 *   pre_edge_noise_&lt;label&gt;/data float32 [ny][nx] RMS residual of the pre-edge line (same unit)
 *   white_line_&lt;label&gt;/data   float32 [ny][nx] largest absorption above the pre-edge line in the
 *                               window (edge step x max of the normalized spectrum; same unit)
 *   snr_&lt;label&gt;/data          float32 [ny][nx] edge step / pre-edge noise (RejectLowSNR)
 *   mask/data                  int32 [ny][nx] 1 = kept, 0 = rejected (RejectLowSNR)
 *   &#64;snr_threshold &#64;snr_window_rule   (RejectLowSNR)
 *   process/step_NNN           NXprocess history (see StackWriter)
 * </pre>
 */
public final class NormalizedStackLayout {

    /** The NXentry of every chain file. */
    public static final String ENTRY = "entry";
    public static final String ATTR_WINDOWS = "edge_windows";
    public static final String ATTR_WINDOW_EMIN = "edge_window_emin_eV";
    public static final String ATTR_WINDOW_EMAX = "edge_window_emax_eV";
    public static final String ATTR_E0_REFERENCE = "e0_reference_eV";
    public static final String ATTR_PRE1 = "pre1";
    public static final String ATTR_PRE2 = "pre2";
    public static final String ATTR_NORM1 = "norm1";
    public static final String ATTR_NORM2 = "norm2";
    public static final String ATTR_NNORM = "nnorm";
    public static final String ATTR_SNR_THRESHOLD = "snr_threshold";
    public static final String ATTR_SNR_WINDOW_RULE = "snr_window_rule";
    /** Name of the mask group (RejectLowSNR). */
    public static final String MASK = "mask";
    /** Mask value of a kept pixel. */
    public static final int KEPT = 1;
    /** Mask value of a rejected pixel. */
    public static final int REJECTED = 0;

    private NormalizedStackLayout() {
    }

    /** Group of the normalized stack of a window. */
    public static String norm(String label) {
        return "norm_" + label;
    }

    public static String e0(String label) {
        return "e0_" + label;
    }

    public static String edgeStep(String label) {
        return "edge_step_" + label;
    }

    public static String preEdgeNoise(String label) {
        return "pre_edge_noise_" + label;
    }

    public static String whiteLine(String label) {
        return "white_line_" + label;
    }

    public static String snr(String label) {
        return "snr_" + label;
    }

    /** Absolute path of the {@code data} dataset of a group in the entry. */
    public static String dataPath(String group) {
        return "/" + ENTRY + "/" + group + "/data";
    }

    /** Absolute path of the {@code energy} dataset of a stack group. */
    public static String energyPath(String group) {
        return "/" + ENTRY + "/" + group + "/energy";
    }

    /**
     * Opens a chain file for reading; an empty, unreadable or non-HDF5 file is bad input
     * ({@link PipelineException#input}) naming the file, never a jHDF exception.
     */
    static io.jhdf.HdfFile openHdf(java.nio.file.Path file, String name) throws PipelineException {
        try {
            if (java.nio.file.Files.size(file) == 0) {
                throw PipelineException.input("file is empty (0 bytes)", "file " + name);
            }
        } catch (java.io.IOException e) {
            throw PipelineException.input("cannot read file: " + e.getMessage(), "file " + name, e);
        }
        try {
            return new io.jhdf.HdfFile(file);
        } catch (RuntimeException | OutOfMemoryError e) {
            throw PipelineException.input("not a readable HDF5 file (random bytes, truncated or damaged?): "
                    + describe(e), "file " + name, e);
        }
    }

    /** A node by path, never jHDF's getByPath (it follows external links into other files; those are bad input). */
    static io.jhdf.api.Node node(io.jhdf.HdfFile hdf, String path) throws PipelineException {
        try {
            return org.nifispectro.io.stack.Hdf5Paths.resolve(hdf, path);
        } catch (org.nifispectro.io.stack.Hdf5Paths.UnsafeLinkException e) {
            throw PipelineException.input(e.getMessage(), "dataset " + path);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The attributes of an input's entry group that a chain output carries on (the group's own NX_class and
     * default, and the {@code skip} keys the step rewrites, left out), in file order.
     */
    static java.util.Map<String, Object> entryAttributes(io.jhdf.api.Group g, java.util.Set<String> skip) {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, io.jhdf.api.Attribute> a : g.getAttributes().entrySet()) {
            String key = a.getKey();
            if (key.equals("NX_class") || key.equals("default") || skip.contains(key)) {
                continue;
            }
            Object v = a.getValue().getData();
            if (v != null) {
                out.put(key, v);
            }
        }
        return out;
    }

    /** An exception as a short sentence for a failure attribute: class name and the first 300 characters. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 300 ? m.substring(0, 300) + "..." : m));
    }
}
