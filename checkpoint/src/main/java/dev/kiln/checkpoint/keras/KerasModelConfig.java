package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.io.StrictUtf8;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.model.Sequential;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A Keras Sequential model's config as data. {@link #read} turns what {@code model.to_json()}
 * writes (Keras 3, tf.keras 2, Keras 2.0/2.1's bare list of layers) or a .keras archive's
 * {@code config.json} into a Kiln model, each layer through its {@link KerasLayer} table: a layer
 * class, key or value Kiln would not compute as Keras does is refused, never ignored.
 * {@link #toJson} writes a Kiln model's config as Keras 3 does. Files are untrusted: at most
 * {@link #MAX_BYTES} are read, JSON nests at most {@link JsonReader#MAX_DEPTH} deep, and building
 * the model ({@link KerasImport#build}) is bounded by a weight budget.
 */
public final class KerasModelConfig {
    /** The largest config read: a Kiln model file's metadata limit (room for a vocabulary of about a million tokens). */
    public static final int MAX_BYTES = LoadLimits.MAX_METADATA_BYTES;

    private KerasModelConfig() {}

    /**
     * Reads the Keras model config in {@code file} with the classes of {@code layers}; every
     * problem (unreadable, too large, not UTF-8, not JSON, a refused layer, key or value) is a
     * {@link KerasConfigException} or an IOException whose message names the file.
     */
    public static KerasImport read(Path file, KerasLayers layers) throws IOException {
        return parse(readText(file), file.toString(), layers);
    }

    /** The text of the config file {@code file}: at most {@link #MAX_BYTES}, UTF-8, else a KerasConfigException naming it. */
    static String readText(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new KerasConfigException(file + ": no such file");
        }
        if (bytes.length > MAX_BYTES) {
            throw new KerasConfigException(file + ": larger than " + MAX_BYTES + " bytes, the most Kiln reads of a Keras model"
                    + " config");
        }
        return text(bytes, file.toString());
    }

    /** A config's bytes as text; {@code source} names them in the error when they are not UTF-8. */
    static String text(byte[] bytes, String source) throws KerasConfigException {
        return StrictUtf8.decode(bytes).orElseThrow(() -> new KerasConfigException(source
                + ": not UTF-8 text; a Keras model config is JSON"));
    }

    /** Reads the Keras model config {@code json}; {@code source} names it in messages (a file, an archive entry). */
    public static KerasImport parse(String json, String source, KerasLayers layers) throws KerasConfigException {
        return parse(json, source, layers, KerasAssets.none());
    }

    /** As {@link #parse(String, String, KerasLayers)}, giving the layers an archive's {@code assets}. */
    static KerasImport parse(String json, String source, KerasLayers layers, KerasAssets assets) throws KerasConfigException {
        return parse(root(json, source), source, layers, assets);
    }

    /** As {@link #parse(String, String, KerasLayers, KerasAssets)}, the config already parsed by {@link #root}. */
    static KerasImport parse(Object root, String source, KerasLayers layers, KerasAssets assets) throws KerasConfigException {
        return new KerasConfigReader(source, layers, assets).read(root);
    }

    /** The config's JSON tree, within the size limit; a problem is a KerasConfigException naming {@code source}. */
    static Object root(String json, String source) throws KerasConfigException {
        if (json.length() > MAX_BYTES) {
            throw new KerasConfigException(source + ": longer than " + MAX_BYTES + " characters, the most Kiln reads of a Keras"
                    + " model config");
        }
        try {
            return JsonReader.parse(json, source);
        } catch (IllegalArgumentException e) {
            throw new KerasConfigException(e.getMessage()); // the reader's message names the source and the offset
        }
    }

    /**
     * The model's config as Keras 3 writes it (one line, as {@code to_json()}), with an
     * InputLayer for the input its first layer's table implies: texts for a TextVectorization,
     * token ids for an Embedding; none otherwise.
     */
    public static String toJson(Sequential model, KerasLayers layers) {
        Layer first = model.layers().getFirst();
        KerasInput.Kind takes = layers.forKilnType(first.config().type()).map(KerasLayer::takes).orElse(null);
        KerasInput input = takes == KerasInput.Kind.TEXTS ? KerasInput.texts()
                : takes == KerasInput.Kind.TOKEN_IDS ? KerasInput.tokenIds(OptionalInt.empty()) : KerasInput.unknown();
        return toJson(model, input, layers);
    }

    /**
     * The model's config as Keras 3 writes it, with an InputLayer for {@code input} (none when it is
     * unknown): every layer with the keys Keras writes, Kiln's values for those Kiln reads and
     * Keras' defaults for the others, so Keras can read it and Kiln reads it back as the same model.
     * A layer without a table is an IllegalArgumentException naming it.
     */
    public static String toJson(Sequential model, KerasInput input, KerasLayers layers) {
        return JsonWriter.writeLine(new KerasConfigWriter(layers).model(model.layers().stream().map(Layer::config).toList(), input,
                "sequential"));
    }
}
