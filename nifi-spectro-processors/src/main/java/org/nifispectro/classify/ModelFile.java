package org.nifispectro.classify;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The model file format, version 3 (versions 1 and 2 still load): a zip archive with two to five
 * entries.
 * <ul>
 * <li>{@code model.json} (UTF-8 JSON): {@code format} = "nifi-spectro-classify-model",
 * {@code version} = 1, {@code grid} {rmin, rstep, n} (angstrom), {@code temperature},
 * {@code noneScore} (score of the "none of the catalog" outcome, or null),
 * {@code classes}: [{id, prototypes (count), representative {source, block, formula, spaceGroup,
 * atoms}, members [same]}], {@code training}: settings (seed, variants, augmentations, ranges,
 * PCC threshold, catalog Uiso, CIF folder, skipped CIFs with reasons), timings and accuracy.</li>
 * <li>{@code prototypes.i16}: all prototypes, class by class, each grid.n values as big-endian
 * signed 16-bit integers v = round(p * 32767) (prototypes are unit-norm, |p| &lt;= 1; the
 * quantisation changes a correlation by less than 1e-4).</li>
 * <li>Version 2 only, when the model has a second stage: {@code fine.i16}, the fine prototypes in
 * the same encoding; model.json then holds {@code refinement} {shortlist, maxScale, steps} and
 * every class a {@code finePrototypes} count; {@code fine-deviation.f32} (big-endian float32 per
 * fine prototype) holds the lattice deviations of the optional lattice prior
 * ({@code refinement.latticePenalty}). Without them (and in version 1) the classifier is the
 * first stage alone.</li>
 * <li>Version 3 only, when the model has a pairwise third stage: model.json holds {@code pairwise}
 * {window, pairs} and {@code pairwise.f32} holds per pair, big-endian: int32 first class, int32
 * second class (first &lt; second, pairs in increasing order), float32 bias and grid.n float32
 * discriminant weights ({@link PrototypeClassifier.Pairwise}). A version-3 file without it is a
 * two-stage model.</li>
 * </ul>
 * {@link #read} checks format name, version, grid, counts, entry sizes and values and throws a
 * {@link ModelFormatException} naming the file and the problem.
 */
public final class ModelFile {

    /** Format name in model.json. */
    public static final String FORMAT = "nifi-spectro-classify-model";
    /** Format version written; versions 1 to 3 are read. */
    public static final int VERSION = 3;
    private static final String JSON = "model.json";
    private static final String WEIGHTS = "prototypes.i16";
    private static final String FINE = "fine.i16";
    private static final String DEVIATION = "fine-deviation.f32";
    private static final String PAIRWISE = "pairwise.f32";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {
    }

    /** Writes a model. */
    public static void write(ClassifierModel model, Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file)) {
            write(model, os);
        }
    }

    /** Writes a model to a stream (not closed). */
    public static void write(ClassifierModel model, OutputStream os) throws IOException {
        PrototypeClassifier c = model.classifier();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("version", VERSION);
        ModelGrid g = c.grid();
        Map<String, Object> grid = new LinkedHashMap<>(); // ordered: same model, same bytes
        grid.put("rmin", g.rmin());
        grid.put("rstep", g.rstep());
        grid.put("n", g.n());
        json.put("grid", grid);
        json.put("temperature", c.temperature());
        json.put("noneScore", Double.isNaN(c.noneScore()) ? null : c.noneScore());
        json.put("similarity", "Pearson correlation, best prototype per class, SoftMax(score / temperature)");
        PrototypeClassifier.Refinement ref = c.refinement();
        if (ref != null) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("shortlist", ref.shortlist());
            rm.put("maxScale", ref.maxScale());
            rm.put("steps", ref.steps());
            rm.put("latticePenalty", ref.latticePenalty());
            rm.put("latticeTolerance", ref.tolerance());
            rm.put("deviations", ref.deviation() != null);
            rm.put("what", "the shortlist best first-stage classes re-scored with the fine prototypes and the input"
                    + " resampled at r * s, s in 1 +- maxScale in steps of maxScale / steps; score corr - latticePenalty"
                    + " * ((d_k + s - 1) / latticeTolerance)^2 with d_k the prototype's lattice deviation (" + DEVIATION
                    + ", big-endian float32)");
            json.put("refinement", rm);
        }
        PrototypeClassifier.Pairwise pw = c.pairwise();
        if (pw != null) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("window", pw.window());
            pm.put("pairs", pw.size());
            pm.put("what", "the window best classes after the second stage play a round robin: a pair listed in "
                    + PAIRWISE + " is decided by the sign of bias + w . x (positive: the first class), any other by"
                    + " the scores; re-ordered by wins minus losses, the window's scores re-assigned in that order");
            json.put("pairwise", pm);
        }
        List<Object> classes = new ArrayList<>();
        int[] start = c.start();
        for (StructureClass sc : model.classes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", sc.id());
            m.put("prototypes", start[sc.id() + 1] - start[sc.id()]);
            if (ref != null) {
                m.put("finePrototypes", ref.start()[sc.id() + 1] - ref.start()[sc.id()]);
            }
            m.put("representative", entry(sc.representative()));
            List<Object> members = new ArrayList<>();
            for (CatalogEntry e : sc.members()) {
                members.add(entry(e));
            }
            m.put("members", members);
            classes.add(m);
        }
        json.put("classes", classes);
        json.put("training", model.training());
        ZipOutputStream zip = new ZipOutputStream(os);
        zip.putNextEntry(entry(JSON));
        zip.write(MAPPER.writeValueAsBytes(json));
        zip.closeEntry();
        zip.putNextEntry(entry(WEIGHTS));
        zip.write(encode(c.prototypes(), g.n()));
        zip.closeEntry();
        if (ref != null) {
            zip.putNextEntry(entry(FINE));
            zip.write(encode(ref.prototypes(), g.n()));
            zip.closeEntry();
            if (ref.deviation() != null) {
                zip.putNextEntry(entry(DEVIATION));
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(4 * ref.deviation().length);
                for (float d : ref.deviation()) {
                    bb.putFloat(d);
                }
                zip.write(bb.array());
                zip.closeEntry();
            }
        }
        if (pw != null) {
            zip.putNextEntry(entry(PAIRWISE));
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(pw.size() * (12 + 4 * g.n()));
            for (int i = 0; i < pw.size(); i++) {
                bb.putInt(pw.first()[i]).putInt(pw.second()[i]).putFloat(pw.bias()[i]);
                for (float v : pw.weights()[i]) {
                    bb.putFloat(v);
                }
            }
            zip.write(bb.array());
            zip.closeEntry();
        }
        zip.finish();
    }

    private static byte[] encode(float[][] protos, int n) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(protos.length * n * 2);
        DataOutputStream out = new DataOutputStream(buf);
        for (float[] p : protos) {
            for (float v : p) {
                out.writeShort((short) Math.round(Math.max(-1f, Math.min(1f, v)) * 32767f));
            }
        }
        out.flush();
        return buf.toByteArray();
    }

    private static float[][] decode(byte[] bytes, int total, int n) {
        float[][] protos = new float[total][n];
        java.nio.ShortBuffer sb = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.BIG_ENDIAN)
                .asShortBuffer();
        short[] row = new short[n];
        for (float[] p : protos) {
            sb.get(row);
            for (int i = 0; i < p.length; i++) {
                p[i] = row[i] * (1f / 32767f);
            }
        }
        return protos;
    }

    /** Zip entry with a fixed time, so the same model gives the same bytes. */
    private static ZipEntry entry(String name) {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(java.time.LocalDateTime.of(2020, 1, 1, 0, 0));
        return e;
    }

    private static Map<String, Object> entry(CatalogEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", e.sourceId());
        m.put("block", e.block());
        m.put("formula", e.formula());
        m.put("spaceGroup", e.spaceGroup());
        m.put("atoms", e.atoms());
        return m;
    }

    /** The current entry, counted against the remaining budget[0] bytes; refused once it is exceeded. */
    private static byte[] readLimited(ZipInputStream zip, String name, String entry, long[] budget, long limit)
            throws IOException, ModelFormatException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        int r;
        while ((r = zip.read(buf)) > 0) {
            budget[0] -= r;
            if (budget[0] < 0) {
                throw bad(name, "entry " + entry + " expands past the limit of all entries together ("
                        + limit + " bytes for a model file): not a model made by TrainModel");
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    /** Reads and validates a model file. */
    public static ClassifierModel read(Path file) throws ModelFormatException {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("model file " + file + " does not exist or is not a file", null);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new ModelFormatException("model file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and validates a model from a stream.
     *
     * @param name file name for messages
     */
    public static ClassifierModel read(InputStream in, String name) throws ModelFormatException {
        return read(in, name, MAX_EXPANDED_BYTES);
    }

    /**
     * Most bytes the entries of a model zip may expand to, all together: 20x the shipped model's 80 MB in
     * memory. A larger file is refused while it is inflated (a zip bomb configured as the model would
     * otherwise exhaust the heap when the processor is scheduled).
     */
    static final long MAX_EXPANDED_BYTES = 1600L << 20;
    /** Most entries a model zip may hold (a TrainModel zip has four). */
    static final int MAX_ENTRIES = 64;

    @SuppressWarnings("unchecked")
    static ClassifierModel read(InputStream in, String name, long maxExpandedBytes) throws ModelFormatException {
        byte[] json = null;
        byte[] weights = null;
        byte[] fineWeights = null;
        byte[] deviations = null;
        byte[] pairs = null;
        try {
            ZipInputStream zip = new ZipInputStream(in);
            ZipEntry e;
            long[] budget = {maxExpandedBytes};
            int entries = 0;
            while ((e = zip.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw bad(name, "more than " + MAX_ENTRIES + " entries: not a model made by TrainModel");
                }
                if (JSON.equals(e.getName())) {
                    json = readLimited(zip, name, e.getName(), budget, maxExpandedBytes);
                } else if (WEIGHTS.equals(e.getName())) {
                    weights = readLimited(zip, name, e.getName(), budget, maxExpandedBytes);
                } else if (FINE.equals(e.getName())) {
                    fineWeights = readLimited(zip, name, e.getName(), budget, maxExpandedBytes);
                } else if (DEVIATION.equals(e.getName())) {
                    deviations = readLimited(zip, name, e.getName(), budget, maxExpandedBytes);
                } else if (PAIRWISE.equals(e.getName())) {
                    pairs = readLimited(zip, name, e.getName(), budget, maxExpandedBytes);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException("model file " + name + " is not a valid zip archive: " + e.getMessage(), e);
        }
        if (json == null || weights == null) {
            throw new ModelFormatException("model file " + name + " is not a " + FORMAT + " (missing entry "
                    + (json == null ? JSON : WEIGHTS) + "; is it a zip made by TrainModel?)", null);
        }
        try {
            JsonNode root = MAPPER.readTree(json);
            if (!FORMAT.equals(root.path("format").asText())) {
                throw bad(name, "format is '" + root.path("format").asText() + "', expected '" + FORMAT + "'");
            }
            int version = root.path("version").asInt(-1);
            if (version < 1 || version > VERSION) {
                throw bad(name, "format version " + version + " is not supported (this software reads versions 1"
                        + " to " + VERSION + ")");
            }
            JsonNode rj = root.path("refinement");
            boolean fine = version >= 2 && rj.isObject();
            if (fine && fineWeights == null) {
                throw bad(name, "model.json declares a refinement stage but the entry " + FINE + " is missing");
            }
            JsonNode gj = root.path("grid");
            ModelGrid grid = new ModelGrid(gj.path("rmin").asDouble(Double.NaN), gj.path("rstep").asDouble(Double.NaN),
                    gj.path("n").asInt(-1));
            double t = root.path("temperature").asDouble(Double.NaN);
            double none = root.path("noneScore").isNumber() ? root.path("noneScore").asDouble() : Double.NaN;
            JsonNode cj = root.path("classes");
            if (!cj.isArray() || cj.isEmpty()) {
                throw bad(name, "no classes");
            }
            List<StructureClass> classes = new ArrayList<>();
            int[] start = new int[cj.size() + 1];
            int[] fineStart = new int[cj.size() + 1];
            for (int c = 0; c < cj.size(); c++) {
                JsonNode k = cj.get(c);
                if (k.path("id").asInt(-1) != c) {
                    throw bad(name, "class " + c + " has id " + k.path("id").asText());
                }
                int np = k.path("prototypes").asInt(0);
                if (np < 1) {
                    throw bad(name, "class " + c + " has no prototypes");
                }
                start[c + 1] = start[c] + np;
                if (fine) {
                    int nf = k.path("finePrototypes").asInt(0);
                    if (nf < 1) {
                        throw bad(name, "class " + c + " has no fine prototypes");
                    }
                    fineStart[c + 1] = fineStart[c] + nf;
                }
                List<CatalogEntry> members = new ArrayList<>();
                for (JsonNode m : k.path("members")) {
                    members.add(entry(m, name, c));
                }
                classes.add(new StructureClass(c, entry(k.path("representative"), name, c), members));
            }
            int total = start[cj.size()];
            long expected = (long) total * grid.n() * 2;
            if (weights.length != expected) {
                throw bad(name, WEIGHTS + " has " + weights.length + " bytes, expected " + expected + " (" + total
                        + " prototypes x " + grid.n() + " points x 2)");
            }
            float[][] protos = decode(weights, total, grid.n());
            PrototypeClassifier.Refinement ref = null;
            if (fine) {
                int totalFine = fineStart[cj.size()];
                long expectedFine = (long) totalFine * grid.n() * 2;
                if (fineWeights.length != expectedFine) {
                    throw bad(name, FINE + " has " + fineWeights.length + " bytes, expected " + expectedFine + " ("
                            + totalFine + " prototypes x " + grid.n() + " points x 2)");
                }
                float[] dev = null;
                if (rj.path("deviations").asBoolean(false)) {
                    if (deviations == null || deviations.length != 4L * totalFine) {
                        throw bad(name, DEVIATION + " is missing or has " + (deviations == null ? 0 : deviations.length)
                                + " bytes, expected " + 4L * totalFine);
                    }
                    dev = new float[totalFine];
                    java.nio.ByteBuffer.wrap(deviations).asFloatBuffer().get(dev);
                }
                ref = new PrototypeClassifier.Refinement(fineStart, decode(fineWeights, totalFine, grid.n()),
                        rj.path("shortlist").asInt(-1), rj.path("maxScale").asDouble(Double.NaN),
                        rj.path("steps").asInt(-1), dev, rj.path("latticePenalty").asDouble(0),
                        rj.path("latticeTolerance").asDouble(0.04));
            }
            PrototypeClassifier.Pairwise pw = null;
            JsonNode pj = root.path("pairwise");
            if (version >= 3 && pj.isObject()) {
                if (ref == null) {
                    throw bad(name, "model.json declares a pairwise stage without the refinement stage it follows");
                }
                int np = pj.path("pairs").asInt(-1);
                long expectedPairs = (long) np * (12 + 4L * grid.n());
                if (np < 0 || pairs == null || pairs.length != expectedPairs) {
                    throw bad(name, PAIRWISE + " is missing or has " + (pairs == null ? 0 : pairs.length)
                            + " bytes, expected " + expectedPairs + " (" + np + " pairs x (12 + 4 x " + grid.n() + "))");
                }
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(pairs);
                int[] first = new int[np];
                int[] second = new int[np];
                float[] bias = new float[np];
                float[][] w = new float[np][grid.n()];
                for (int i = 0; i < np; i++) {
                    first[i] = bb.getInt();
                    second[i] = bb.getInt();
                    bias[i] = bb.getFloat();
                    bb.asFloatBuffer().get(w[i]);
                    bb.position(bb.position() + 4 * grid.n());
                    for (float v : w[i]) {
                        if (!Float.isFinite(v)) {
                            throw bad(name, PAIRWISE + ": pair " + i + " has a non-finite weight");
                        }
                    }
                }
                pw = new PrototypeClassifier.Pairwise(first, second, w, bias, pj.path("window").asInt(-1));
            }
            Map<String, Object> training = root.has("training")
                    ? MAPPER.convertValue(root.get("training"), HashMap.class) : Map.of();
            return new ClassifierModel(classes, new PrototypeClassifier(grid, start, protos, ref, pw, t, none),
                    training);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("model file " + name + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static CatalogEntry entry(JsonNode m, String name, int c) throws ModelFormatException {
        if (!m.isObject() || !m.hasNonNull("source")) {
            throw bad(name, "class " + c + ": structure entry without source");
        }
        return new CatalogEntry(m.path("source").asText(), m.path("block").asText(""), m.path("formula").asText(""),
                m.path("spaceGroup").asText(""), m.path("atoms").asInt(0));
    }

    private static ModelFormatException bad(String name, String what) {
        return new ModelFormatException("model file " + name + " is incompatible or corrupt: " + what, null);
    }
}
