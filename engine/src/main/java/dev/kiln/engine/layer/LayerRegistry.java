package dev.kiln.engine.layer;

import dev.kiln.engine.part.PartRegistry;

/** The engine's layers, by Keras class name. */
public final class LayerRegistry {
    private LayerRegistry() {}

    /**
     * A registry with the engine's layers: Embedding, LSTM, GRU, SimpleRNN, Bidirectional, Dense, Dropout,
     * SpatialDropout1D, GlobalAveragePooling1D, GlobalMaxPooling1D, LayerNormalization, Conv1D, MaxPooling1D,
     * Flatten, Activation. Other modules add theirs with {@code register} (nlp's TextVectorization), so the checkpoint module
     * never needs to know them.
     */
    public static PartRegistry<Layer> withEngineLayers() {
        return new PartRegistry<Layer>("layer")
                .register(Embedding.TYPE, Embedding::fromConfig)
                .register(Lstm.TYPE, Lstm::fromConfig)
                .register(CellRnn.GRU_TYPE, config -> CellRnn.fromConfig(config, CellRnn.Kind.GRU))
                .register(CellRnn.SIMPLE_RNN_TYPE, config -> CellRnn.fromConfig(config, CellRnn.Kind.SIMPLE_RNN))
                .register(Bidirectional.TYPE, Bidirectional::fromConfig)
                .register(Dense.TYPE, Dense::fromConfig)
                .register(Dropout.TYPE, config -> Dropout.fromConfig(config, false))
                .register(Dropout.SPATIAL_TYPE, config -> Dropout.fromConfig(config, true))
                .register(GlobalPooling1D.AVERAGE_TYPE, config -> GlobalPooling1D.fromConfig(config, false))
                .register(GlobalPooling1D.MAX_TYPE, config -> GlobalPooling1D.fromConfig(config, true))
                .register(LayerNormalization.TYPE, LayerNormalization::fromConfig)
                .register(Conv1D.TYPE, Conv1D::fromConfig)
                .register(MaxPooling1D.TYPE, MaxPooling1D::fromConfig)
                .register(Flatten.TYPE, Flatten::fromConfig)
                .register(ActivationLayer.TYPE, ActivationLayer::fromConfig);
    }
}
