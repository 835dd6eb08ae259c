package dev.kiln.engine.layer;

import dev.kiln.engine.json.JsonValues;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Factories that rebuild layers from their configs, by type. A checkpoint names only types found
 * here: nothing is instantiated by reflection from file contents. Other modules add their layers
 * (nlp registers TextVectorization), so the checkpoint module never needs to know them.
 */
public final class LayerRegistry {
    private final Map<String, Function<LayerConfig, Layer>> factories = new LinkedHashMap<>();

    /** A registry with the engine's layers: Embedding, LSTM, Bidirectional, Dense. */
    public static LayerRegistry withEngineLayers() {
        return new LayerRegistry()
                .register(Embedding.TYPE, Embedding::fromConfig)
                .register(Lstm.TYPE, Lstm::fromConfig)
                .register(Bidirectional.TYPE, Bidirectional::fromConfig)
                .register(Dense.TYPE, Dense::fromConfig);
    }

    public LayerRegistry register(String type, Function<LayerConfig, Layer> factory) {
        if (factories.putIfAbsent(type, factory) != null) {
            throw new IllegalArgumentException("layer type '" + type + "' is already registered");
        }
        return this;
    }

    /** The layer the config describes; an unknown type is an error that lists the known ones. */
    public Layer create(LayerConfig config) {
        Function<LayerConfig, Layer> factory = factories.get(config.type());
        if (factory == null) {
            throw new LayerConfigException("unknown layer type '" + JsonValues.shortened(config.type()) + "'; this registry knows "
                    + factories.keySet() + " (register the module's layers, e.g. nlp's TextVectorization)");
        }
        return factory.apply(config);
    }
}
