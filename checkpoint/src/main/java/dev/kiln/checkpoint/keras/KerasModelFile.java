package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Attribute;
import dev.kiln.checkpoint.hdf5.Hdf5Dataset;
import dev.kiln.checkpoint.hdf5.Hdf5Dtype;
import dev.kiln.checkpoint.hdf5.Hdf5File;
import dev.kiln.checkpoint.hdf5.Hdf5Group;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A whole Keras model file read into a built Kiln model whose weights are the file's: a Keras 3
 * {@code .keras} archive (a zip of {@code config.json}, {@code metadata.json} and
 * {@code model.weights.h5}) or a Keras 2 full-model HDF5 file (the config in the root attribute
 * {@code model_config}, the weights under {@code /model_weights}). The format is told by the
 * file's first bytes, not its name. The config is read as {@link KerasModelConfig} reads it (a
 * layer, key or value Kiln would not compute as Keras does is refused); each Keras layer's
 * variables, in Keras' order, become the parameters of the Kiln layer made from the same config
 * entry, each shape checked before use. Files are untrusted: a zip's entries are counted and sized
 * against the file before anything is read, duplicate or unknown entry names are refused, and
 * nothing in a file is executed or deserialized (no pickles, no Python code).
 */
public final class KerasModelFile {
    /** The most entries a {@code .keras} archive may hold (Keras writes three, plus any assets). */
    public static final int MAX_ZIP_ENTRIES = 64;
    /** The largest ratio of an entry's size to its compressed size accepted (Keras stores its entries uncompressed). */
    public static final int MAX_COMPRESSION_RATIO = 100;

    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final String CONFIG = "config.json";
    private static final String METADATA = "metadata.json";
    private static final String WEIGHTS = "model.weights.h5";

    private KerasModelFile() {}

    /** Reads the Keras model file at {@code file} with the engine's layer classes; see {@link #load(Path, KerasLayers)}. */
    public static KerasImport load(Path file) throws IOException {
        return load(file, KerasLayers.engine());
    }

    /**
     * Reads the Keras model file at {@code file} (a Keras 3 {@code .keras} zip or a Keras 2 HDF5
     * full model, told apart by content) into a built model with the file's weights, reading the
     * config with the classes of {@code layers}. Every problem (unreadable, not a Keras model file,
     * a hostile archive, a refused layer, a missing variable or one of another shape) is a
     * {@link KerasConfigException} or an IOException whose message names the file.
     */
    public static KerasImport load(Path file, KerasLayers layers) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new KerasConfigException(file + ": no such file");
        }
        byte[] magic;
        try (InputStream in = Files.newInputStream(file)) {
            magic = in.readNBytes(8);
        }
        if (startsWith(magic, ZIP_MAGIC)) {
            return loadArchive(file, layers);
        }
        if (Hdf5File.hasSignature(ByteBuffer.wrap(magic))) {
            return loadHdf5(file, layers);
        }
        throw new KerasConfigException(file + ": neither a .keras archive (a zip) nor a Keras HDF5 file; its first bytes are "
                + hex(magic));
    }

    // ---- Keras 3 .keras archives ----

    private static KerasImport loadArchive(Path file, KerasLayers layers) throws IOException {
        long fileSize = Files.size(file);
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<ZipEntry> all = new ArrayList<>();
            var enumeration = zip.entries();
            while (enumeration.hasMoreElements()) {
                all.add(enumeration.nextElement());
                if (all.size() > MAX_ZIP_ENTRIES) {
                    throw new KerasConfigException(file + ": the archive holds more than " + MAX_ZIP_ENTRIES
                            + " entries; a Keras model archive holds config.json, metadata.json and model.weights.h5");
                }
            }
            Set<String> names = new HashSet<>();
            for (ZipEntry entry : all) {
                if (!names.add(entry.getName())) {
                    throw new KerasConfigException(file + ": two entries are named '" + entry.getName() + "'; a zip with"
                            + " duplicate names is refused, since readers disagree on which one is meant (a way hostile"
                            + " archives hide content)");
                }
            }
            for (ZipEntry entry : all) {
                checkEntryName(file, entry.getName());
            }
            long total = 0;
            for (ZipEntry entry : all) {
                total += checkEntrySize(file, entry, fileSize);
            }
            long heap = Runtime.getRuntime().maxMemory() / 2;
            if (total > heap) {
                throw new KerasConfigException(file + ": the archive's entries add up to " + total + " bytes; this JVM reads at most "
                        + heap + " (half its heap, -Xmx)");
            }
            if (total > LoadLimits.MAX_FILE_BYTES) {
                throw new KerasConfigException(file + ": the archive's entries add up to " + total + " bytes; Kiln reads at most "
                        + LoadLimits.MAX_FILE_BYTES);
            }
            for (String required : List.of(CONFIG, WEIGHTS)) {
                if (!names.contains(required)) {
                    throw new KerasConfigException(file + ": the archive has no " + required + "; a Keras 3 model archive holds "
                            + CONFIG + ", " + METADATA + " and " + WEIGHTS + " (entries found: " + names.stream().sorted().toList() + ")");
                }
            }
            for (ZipEntry entry : all) {
                if (entry.getName().equals(CONFIG) || entry.getName().equals(WEIGHTS)) {
                    entries.put(entry.getName(), readEntry(file, zip, entry));
                }
            }
        } catch (ZipException e) {
            throw new KerasConfigException(file + ": not a readable zip archive (" + e.getMessage() + ")");
        }
        String configSource = file + "!" + CONFIG;
        KerasImport imported = KerasModelConfig.parse(utf8(entries.get(CONFIG), configSource), configSource, layers);
        List<String> classes = layerClasses(new String(entries.get(CONFIG), StandardCharsets.UTF_8), configSource);
        String weightsSource = file + "!" + WEIGHTS;
        Hdf5File weights = Hdf5File.read(ByteBuffer.wrap(entries.get(WEIGHTS)), weightsSource);
        Hdf5Group root = weights.root();
        if (countDatasets(root.findGroup("layers").orElse(root)) == 0) {
            throw new KerasConfigException(weightsSource + ": holds no weights: the model was saved before it was built (never"
                    + " trained or called), so there is nothing to load");
        }
        Hdf5Group layerGroups = root.group("layers");
        List<LayerWeights> perLayer = new ArrayList<>();
        Map<String, Integer> counters = new HashMap<>();
        Set<String> expectedGroups = new HashSet<>();
        for (String kerasClass : classes) {
            String base = snakeCase(kerasClass);
            int count = counters.merge(base, 1, Integer::sum) - 1;
            String groupName = count == 0 ? base : base + "_" + count;
            expectedGroups.add(groupName);
            Optional<Hdf5Group> group = layerGroups.findGroup(groupName);
            List<Variable> variables = new ArrayList<>();
            if (group.isPresent()) {
                collectKeras3(group.get(), "", variables);
            }
            perLayer.add(new LayerWeights("layers/" + groupName, variables));
        }
        for (Hdf5Group group : layerGroups.groups()) {
            if (!expectedGroups.contains(group.name()) && countDatasets(group) > 0) {
                throw new KerasConfigException(weightsSource + ": holds weights under layers/" + group.name() + ", which no layer of"
                        + " the config names (the groups expected, by class and position: " + expectedGroups.stream().sorted().toList() + ")");
            }
        }
        return build(imported, perLayer, weightsSource);
    }

    private static void checkEntryName(Path file, String name) throws KerasConfigException {
        if (name.equals(CONFIG) || name.equals(METADATA) || name.equals(WEIGHTS)) {
            return;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".npz") || lower.endsWith(".npy") || lower.endsWith(".pkl") || lower.endsWith(".pickle")) {
            throw new KerasConfigException(file + ": entry '" + name + "' is a NumPy or pickle file, which can hold pickled Python"
                    + " objects that run code when loaded; Kiln never loads them and reads weights only from " + WEIGHTS);
        }
        throw new KerasConfigException(file + ": entry '" + name + "' is not part of a Keras model archive Kiln reads (" + CONFIG
                + ", " + METADATA + ", " + WEIGHTS + ")");
    }

    /** The entry's size after checking it against the file (a zip bomb's sizes are refused before anything is inflated). */
    private static long checkEntrySize(Path file, ZipEntry entry, long fileSize) throws KerasConfigException {
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        if (size < 0 || compressed < 0) {
            throw new KerasConfigException(file + ": entry '" + entry.getName() + "' does not declare its size");
        }
        if (compressed > fileSize) {
            throw new KerasConfigException(file + ": entry '" + entry.getName() + "' claims " + compressed
                    + " compressed bytes in a file of " + fileSize);
        }
        boolean stored = entry.getMethod() == ZipEntry.STORED;
        if (stored ? size != compressed : size > Math.max(compressed, 1) * MAX_COMPRESSION_RATIO) {
            throw new KerasConfigException(file + ": entry '" + entry.getName() + "' claims " + size + " bytes from " + compressed
                    + " compressed ones; refused as a possible zip bomb (Kiln accepts at most " + MAX_COMPRESSION_RATIO + " to 1)");
        }
        long limit = entry.getName().equals(WEIGHTS) ? LoadLimits.MAX_FILE_BYTES : KerasModelConfig.MAX_BYTES;
        if (size > limit) {
            throw new KerasConfigException(file + ": entry '" + entry.getName() + "' is " + size + " bytes; Kiln reads at most "
                    + limit);
        }
        return size;
    }

    private static byte[] readEntry(Path file, ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes((int) entry.getSize());
            if (bytes.length != entry.getSize() || in.read() != -1) {
                throw new KerasConfigException(file + ": entry '" + entry.getName() + "' does not hold the " + entry.getSize()
                        + " bytes it declares");
            }
            return bytes;
        } catch (java.io.EOFException | ZipException e) {
            // A header whose offsets or sizes lie past the file, or data that does not inflate: the JDK's words, after the file's.
            throw new KerasConfigException(file + ": entry '" + entry.getName() + "' cannot be read: " + (e instanceof ZipException
                    ? e.getMessage() : "its data runs past the end of the file") + " (a damaged or hostile zip)");
        }
    }

    /** Keras 3's variables of one layer's group: {@code vars/0..n}, then those of its cell and its forward and backward layers. */
    private static void collectKeras3(Hdf5Group group, String prefix, List<Variable> into) throws IOException {
        Optional<Hdf5Group> vars = group.findGroup("vars");
        if (vars.isPresent()) {
            List<Hdf5Dataset> datasets = new ArrayList<>(vars.get().datasets());
            for (Hdf5Dataset dataset : datasets) {
                if (!dataset.name().matches("\\d{1,9}")) {
                    throw new KerasConfigException(dataset.source() + ": " + dataset.path() + " is not a numbered Keras variable");
                }
            }
            datasets.sort(Comparator.comparingInt(d -> Integer.parseInt(d.name())));
            for (int i = 0; i < datasets.size(); i++) {
                if (Integer.parseInt(datasets.get(i).name()) != i) {
                    throw new KerasConfigException(datasets.get(i).source() + ": " + vars.get().path() + " numbers its variables "
                            + datasets.stream().map(Hdf5Dataset::name).toList() + "; Keras numbers them from 0 without gaps");
                }
                into.add(new Variable(prefix + "vars/" + i, datasets.get(i)));
            }
        }
        for (String sub : List.of("cell", "forward_layer", "backward_layer")) {
            Optional<Hdf5Group> child = group.findGroup(sub);
            if (child.isPresent()) {
                collectKeras3(child.get(), prefix + sub + "/", into);
            }
        }
    }

    // ---- Keras 2 HDF5 full models ----

    private static KerasImport loadHdf5(Path file, KerasLayers layers) throws IOException {
        Hdf5File hdf5 = Hdf5File.open(file);
        Hdf5Group root = hdf5.root();
        Optional<Hdf5Attribute> config = root.findAttribute("model_config");
        if (config.isEmpty()) {
            throw new KerasConfigException(file + ": an HDF5 file without a model_config attribute: "
                    + (root.findAttribute("layer_names").isPresent() || root.findGroup("layers").isPresent()
                    ? "a weights-only file (save_weights); Kiln reads weights with the model's config in a .keras archive or a"
                    + " full-model HDF5 file" : "not a Keras full-model file"));
        }
        String json = config.get().string();
        String configSource = file + ": model_config";
        KerasImport imported = KerasModelConfig.parse(json, configSource, layers);
        List<String> configNames = layerNames(json, configSource);
        Hdf5Group modelWeights = root.group("model_weights");
        List<String> layerNames = modelWeights.attribute("layer_names").strings();
        if (!layerNames.equals(configNames)) {
            throw new KerasConfigException(file + ": /model_weights names the layers " + layerNames + "; the config has "
                    + configNames);
        }
        List<LayerWeights> perLayer = new ArrayList<>();
        for (String name : layerNames) {
            Hdf5Group group = modelWeights.group(name);
            List<Variable> variables = new ArrayList<>();
            for (String weightName : group.attribute("weight_names").strings()) {
                variables.add(new Variable(weightName, group.dataset(weightName)));
            }
            perLayer.add(new LayerWeights("model_weights/" + name, variables));
        }
        return build(imported, perLayer, file.toString());
    }

    // ---- building with the file's weights ----

    private record Variable(String name, Hdf5Dataset dataset) {}

    private record LayerWeights(String group, List<Variable> variables) {}

    private static KerasImport build(KerasImport imported, List<LayerWeights> perLayer, String source) throws IOException {
        List<Layer> kiln = imported.model().layers();
        if (kiln.size() != perLayer.size()) {
            throw new KerasConfigException(source + ": the file has weights for " + perLayer.size() + " layers; the config has "
                    + kiln.size());
        }
        if (imported.input().kind() == KerasInput.Kind.UNKNOWN) {
            throw new KerasConfigException(source + ": the config gives no input shape (no InputLayer, batch_input_shape or"
                    + " build_input_shape), and Kiln needs it to build layer '" + kiln.getFirst().name() + "'");
        }
        ValueSpec value = imported.inputSpec();
        for (int i = 0; i < kiln.size(); i++) {
            Layer layer = kiln.get(i);
            LayerWeights weights = perLayer.get(i);
            Deque<Variable> left = new ArrayDeque<>(weights.variables());
            String where = source + ": layer " + i + " '" + layer.name() + "' (" + weights.group() + ")";
            ParameterSource fromFile = (name, shape, initial) -> {
                Variable variable = left.poll();
                if (variable == null) {
                    throw new IllegalArgumentException(where + ": has no variable for Kiln's parameter " + name + " " + shape
                            + " (the file holds " + weights.variables().size() + ")");
                }
                Hdf5Dataset dataset = variable.dataset();
                if (dataset.dtype() != Hdf5Dtype.FLOAT32) {
                    throw new IllegalArgumentException(where + ": variable " + variable.name() + " holds " + dataset.dtype()
                            + " values; Kiln reads float32 weights");
                }
                if (!dataset.shape().equals(shape)) {
                    throw new IllegalArgumentException(where + ": variable " + variable.name() + " has shape " + dataset.shape()
                            + "; Kiln's parameter " + name + " needs " + shape);
                }
                try {
                    return Tensor.wrap(dataset.readFloats(), shape);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            try {
                value = layer.build(value, fromFile);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (IllegalArgumentException e) {
                String message = e.getMessage();
                throw new KerasConfigException(message.startsWith(source) ? message : where + ": " + message);
            }
            if (!left.isEmpty()) {
                throw new KerasConfigException(where + ": holds " + weights.variables().size() + " variables; Kiln's layer takes "
                        + (weights.variables().size() - left.size()) + " (first left over: " + left.peek().name() + " "
                        + left.peek().dataset().shape() + ")");
            }
        }
        // The model records its input (a model file keeps it); every layer has its weights now, so none is asked for.
        imported.model().build(imported.inputSpec(), (name, shape, initial) -> {
            throw new IllegalStateException("a built layer asked again for " + name);
        });
        return imported;
    }

    // ---- the config's layer list, already checked by KerasModelConfig ----

    private static List<Map<String, Object>> configLayers(String json, String source) throws KerasConfigException {
        Object root;
        try {
            root = JsonReader.parse(json, source);
        } catch (IllegalArgumentException e) {
            throw new KerasConfigException(e.getMessage());
        }
        Object config = root instanceof Map<?, ?> map ? map.get("config") : root;
        Object layers = config instanceof Map<?, ?> map ? map.get("layers") : config;
        List<Map<String, Object>> out = new ArrayList<>();
        if (layers instanceof List<?> list) {
            for (Object layer : list) {
                if (layer instanceof Map<?, ?> map && !"InputLayer".equals(map.get("class_name"))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> typed = (Map<String, Object>) map;
                    out.add(typed);
                }
            }
        }
        return out;
    }

    private static List<String> layerClasses(String json, String source) throws KerasConfigException {
        return configLayers(json, source).stream().map(layer -> String.valueOf(layer.get("class_name"))).toList();
    }

    private static List<String> layerNames(String json, String source) throws KerasConfigException {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> layer : configLayers(json, source)) {
            Object name = layer.get("config") instanceof Map<?, ?> config ? config.get("name") : null;
            names.add(String.valueOf(name));
        }
        return names;
    }

    /** Keras 3's name for a layer class's weight group: CamelCase to snake_case, as {@code keras.src.utils.naming.to_snake_case}. */
    static String snakeCase(String className) {
        String name = className.replaceAll("\\W+", "").replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        name = name.replaceAll("([a-z])([A-Z])", "$1_$2");
        return name.toLowerCase(Locale.ROOT);
    }

    private static long countDatasets(Hdf5Group group) {
        long count = group.datasets().size();
        for (Hdf5Group child : group.groups()) {
            count += countDatasets(child);
        }
        return count;
    }

    private static String utf8(byte[] bytes, String source) throws KerasConfigException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new KerasConfigException(source + ": not UTF-8 text; a Keras model config is JSON");
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format(Locale.ROOT, "%02x", b));
        }
        return out.toString();
    }
}
