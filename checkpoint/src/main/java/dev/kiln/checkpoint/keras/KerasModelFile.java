package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Attribute;
import dev.kiln.checkpoint.hdf5.Hdf5File;
import dev.kiln.checkpoint.hdf5.Hdf5Group;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
        byte[] magic = head(file);
        if (isZip(magic)) {
            return loadArchive(file, layers);
        }
        if (Hdf5File.hasSignature(ByteBuffer.wrap(magic))) {
            return loadHdf5(file, layers);
        }
        throw new KerasConfigException(file + ": neither a .keras archive (a zip) nor a Keras HDF5 file; its first bytes are "
                + hex(magic));
    }

    /**
     * Reads a weights-only Keras file ({@code save_weights}: Keras 3's {@code .weights.h5} layout
     * or Keras 2's HDF5 layout) with the model's config JSON {@code config} into a built model,
     * with the engine's layer classes; see {@link #load(Path, Path, KerasLayers)}.
     */
    public static KerasImport load(Path weights, Path config) throws IOException {
        return load(weights, config, KerasLayers.engine());
    }

    /**
     * Reads a weights-only Keras file with the model's config JSON {@code config}
     * ({@code model.to_json()}) into a built model, reading the config with the classes of
     * {@code layers}. The file's layers are matched with the config's by position and class (a
     * weights file keeps the layer names of the model that saved it); every problem is a
     * {@link KerasConfigException} or an IOException naming the file, the layer and the variable.
     */
    public static KerasImport load(Path weights, Path config, KerasLayers layers) throws IOException {
        return KerasWeightsOnlyFile.load(weights, config, layers);
    }

    /**
     * The report {@code kiln inspect} prints of the Keras model file {@code file}: its format, the
     * Keras version and date it was saved with, each layer (name, class, output shape, parameter
     * count), whether its optimizer state was imported, and the loader's notes. The file is loaded
     * whole, with the classes of {@code layers}; a file the loader refuses is its exception.
     */
    public static String describe(Path file, KerasLayers layers) throws IOException {
        return KerasFileReport.describe(file, layers);
    }

    // ---- Keras 3 .keras archives ----

    private static KerasImport loadArchive(Path file, KerasLayers layers) throws IOException {
        KerasArchive archive = KerasArchive.read(file);
        String configSource = file + "!" + KerasArchive.CONFIG;
        String json = KerasModelConfig.text(archive.config(), configSource);
        Object tree = KerasModelConfig.root(json, configSource);
        KerasImport imported = KerasModelConfig.parse(tree, configSource, layers, new KerasAssets(file.toString(), archive.assets()));
        KerasConfigLayers configLayers = KerasConfigLayers.of(tree);
        String weightsSource = file + "!" + KerasArchive.WEIGHTS;
        Hdf5File weights = Hdf5File.read(ByteBuffer.wrap(archive.weights()), weightsSource);
        KerasWeightBinder.bind(imported, Keras3Weights.of(weights.root(), configLayers.classes(), weightsSource), weightsSource);
        return imported.withOptimizer(KerasOptimizerImport.keras3(weights.root(), configLayers.optimizer(),
                imported.model().parameters(), weightsSource));
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
        Object tree = KerasModelConfig.root(json, configSource);
        KerasImport imported = KerasModelConfig.parse(tree, configSource, layers, KerasAssets.none());
        KerasConfigLayers configLayers = KerasConfigLayers.of(tree);
        List<String> configNames = configLayers.names();
        Hdf5Group modelWeights = root.group("model_weights");
        // A Functional model's InputLayer has a group of no weights; it is not a Kiln layer.
        List<String> layerNames = Keras2Weights.layerNames(modelWeights).stream()
                .filter(name -> !configLayers.inputs().contains(name)).toList();
        if (!layerNames.equals(configNames)) {
            throw new KerasConfigException(file + ": /model_weights names the layers " + layerNames + "; the config has "
                    + configNames);
        }
        List<LayerVariables> perLayer = Keras2Weights.layers(modelWeights, layerNames, "model_weights/");
        KerasWeightBinder.bind(imported, perLayer, file.toString());
        Optional<Map<?, ?>> optimizer = root.findAttribute("training_config").isEmpty() ? Optional.empty()
                : KerasConfigLayers.optimizerOfTraining(root.attribute("training_config").string(), file + ": training_config");
        List<String> weightNames = perLayer.stream().flatMap(layer -> layer.variables().stream()).map(KerasVariable::name).toList();
        return imported.withOptimizer(KerasOptimizerImport.keras2(root, optimizer, imported.model().parameters(), weightNames));
    }

    /** The first 8 bytes of {@code file}, which tell its format; a missing file is refused by name. */
    static byte[] head(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new KerasConfigException(file + ": no such file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(8);
        }
    }

    /** Whether {@code head} starts a zip (a Keras 3 .keras archive). */
    static boolean isZip(byte[] head) {
        return startsWith(head, ZIP_MAGIC);
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
