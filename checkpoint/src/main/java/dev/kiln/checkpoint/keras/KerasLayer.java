package dev.kiln.checkpoint.keras;

import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.part.PartConfig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The table of one Keras layer class: for every key Keras writes in its config, a
 * {@link KerasKey} rule (read into the Kiln layer, accepted as not changing the computation, or
 * accepted only at the value Kiln computes), and the Kiln layer type it becomes. A key the table
 * does not list is refused: an option Kiln ignored could change the computation.
 *
 * <p>Every table starts with the keys every Keras layer writes: {@code name} (read),
 * {@code trainable} (only true: Kiln trains every layer) and {@code dtype} (only float32), and
 * accepts Keras 2's {@code batch_input_shape} (the model's input shape) and a None
 * {@code activity_regularizer} (Keras 3 writes it only when set); a table may override any of
 * them. Its keys are in the order Keras 3 writes them, which is the order Kiln exports them in.
 */
public final class KerasLayer {
    private final String kerasClass;
    private final String kilnType;
    private final Map<String, KerasKey> keys;
    private final KerasInput.Kind takes;
    private final Function<PartConfig, ? extends Layer> factory;
    private final KerasVariableLayout variableLayout;
    private final KerasSavedState savedState;
    private final Map<String, AssetReader> assets;

    /**
     * Reads one asset file a layer's {@code save_assets} wrote into a {@code .keras} archive (entry
     * {@code assets/<layer path>/<file>}) into the layer's Kiln config: the keys and values it
     * returns are put into it, as a read key's value is. A problem is a KerasConfigException
     * naming {@code source} (the archive entry).
     */
    @FunctionalInterface
    public interface AssetReader {
        /** The Kiln config keys and values the asset's {@code bytes} give. */
        Map<String, Object> read(byte[] bytes, String source) throws KerasConfigException;

        /**
         * Called instead of {@link #read} when an archive lacks the asset; {@code kerasConfig} is the
         * layer's Keras config. By default nothing is missing (the asset is optional); a layer that
         * cannot work without it refuses, naming {@code source} (the entry expected).
         */
        default void missing(Map<String, Object> kerasConfig, String source) throws KerasConfigException {
        }
    }

    private KerasLayer(Builder builder) {
        this.kerasClass = builder.kerasClass;
        this.kilnType = builder.kilnType;
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(builder.keys));
        this.takes = builder.takes;
        this.factory = builder.factory;
        this.variableLayout = builder.variableLayout;
        this.savedState = builder.savedState;
        this.assets = Collections.unmodifiableMap(new LinkedHashMap<>(builder.assets));
    }

    /** The asset files the layer reads from a {@code .keras} archive, by file name ("vocabulary.txt"). */
    Map<String, AssetReader> assets() {
        return assets;
    }

    /**
     * A table for Keras' {@code kerasClass}, read into the Kiln layer whose config type (registry
     * key) is {@code kilnType}; it starts with the keys every layer has.
     */
    public static Builder builder(String kerasClass, String kilnType) {
        Builder builder = new Builder(kerasClass, kilnType);
        builder.key("name", KerasKey.read());
        builder.key("trainable", EngineTables.TRAINABLE);
        builder.key("dtype", EngineTables.FLOAT32);
        return builder;
    }

    /** A table without the keys every layer has (InputLayer's, which makes no Kiln layer). */
    static Builder bare(String kerasClass) {
        return new Builder(kerasClass, null);
    }

    /** The Keras class name ("Dense"). */
    public String kerasClass() {
        return kerasClass;
    }

    /** The Kiln layer type the class becomes (its config type and registry key); empty for InputLayer. */
    public Optional<String> kilnType() {
        return Optional.ofNullable(kilnType);
    }

    /** The rule of every key, in the order Keras 3 writes them. */
    public Map<String, KerasKey> keys() {
        return keys;
    }

    /**
     * The table in Markdown: a heading naming the Keras class and the Kiln layer, then one row per
     * key with its rule (checkpoint/KERAS.md shows every table so).
     */
    public String describe() {
        StringBuilder out = new StringBuilder("#### " + kerasClass + (kilnType == null ? " (the model's input, no Kiln layer)"
                : kilnType.equals(kerasClass) ? "" : " (Kiln's " + kilnType + ")") + "\n\n| key | Kiln |\n|---|---|\n");
        keys.forEach((key, rule) -> out.append("| `").append(key).append("` | ").append(rule.rule())
                .append(rule.written() || kilnType == null ? "" : "; not written on export").append(" |\n"));
        return out.toString();
    }

    /** What the layer takes as a model's first layer: texts, token ids, or (null) vectors or sequences of vectors. */
    KerasInput.Kind takes() {
        return takes;
    }

    /** The factory that makes the layer from its Kiln config, when it is not the registry's. */
    Optional<Function<PartConfig, ? extends Layer>> factory() {
        return Optional.ofNullable(factory);
    }

    /** Where the class keeps its variables in Keras' files (by default, its own {@code vars}). */
    KerasVariableLayout variableLayout() {
        return variableLayout;
    }

    /** What the class saves besides its parameters (asset files, named variables), if anything. */
    Optional<KerasSavedState> savedState() {
        return Optional.ofNullable(savedState);
    }

    /** Collects a table's keys in order. */
    public static final class Builder {
        private final String kerasClass;
        private final String kilnType;
        private final Map<String, KerasKey> keys = new LinkedHashMap<>();
        private KerasInput.Kind takes;
        private Function<PartConfig, ? extends Layer> factory;
        private KerasVariableLayout variableLayout = KerasVariableLayout.own();
        private KerasSavedState savedState;
        private final Map<String, AssetReader> assets = new LinkedHashMap<>();

        private Builder(String kerasClass, String kilnType) {
            this.kerasClass = kerasClass;
            this.kilnType = kilnType;
        }

        /** The rule for {@code key}; a key already in the table (one every layer has) keeps its place and takes this rule. */
        public Builder key(String key, KerasKey rule) {
            keys.put(key, rule);
            return this;
        }

        /**
         * As a model's first layer, the layer takes raw texts ({@code TEXTS}, TextVectorization) or
         * token ids ({@code TOKEN_IDS}, Embedding); by default vectors or sequences of vectors.
         */
        public Builder takes(KerasInput.Kind kind) {
            if (kind != KerasInput.Kind.TEXTS && kind != KerasInput.Kind.TOKEN_IDS) {
                throw new IllegalArgumentException("a layer takes TEXTS or TOKEN_IDS, or by default vectors; got " + kind);
            }
            this.takes = kind;
            return this;
        }

        /**
         * Makes the layer with {@code factory} instead of the registry's (TextVectorization: a Keras
         * config need not carry a vocabulary, which a Kiln model file must).
         */
        public Builder createdBy(Function<PartConfig, ? extends Layer> factory) {
            this.factory = factory;
            return this;
        }

        /** Where the class keeps its variables in Keras' files; by default {@link KerasVariableLayout#own()}. */
        public Builder variables(KerasVariableLayout layout) {
            this.variableLayout = layout;
            return this;
        }

        /** What the class saves in a .keras archive besides its parameters (TextVectorization's vocabulary asset). */
        public Builder saves(KerasSavedState state) {
            this.savedState = state;
            return this;
        }

        /**
         * The layer reads the asset {@code fileName} its Keras class saves in a {@code .keras}
         * archive (TextVectorization's vocabulary.txt) with {@code reader}; an archive's asset no
         * layer claims is refused.
         */
        public Builder asset(String fileName, AssetReader reader) {
            assets.put(fileName, reader);
            return this;
        }

        /** The table, with the keys Keras 2 or a set option may add (batch_input_shape, activity_regularizer). */
        public KerasLayer build() {
            if (kilnType != null) {
                keys.putIfAbsent("batch_input_shape", KerasKey.inputShape());
                keys.putIfAbsent("activity_regularizer", EngineTables.NO_REGULARIZER.notWritten());
            }
            return new KerasLayer(this);
        }
    }
}
