package dev.kiln.checkpoint.keras;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.ActivationLayer;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.CellRnn;
import dev.kiln.engine.layer.Conv1D;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Dropout;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.layer.Flatten;
import dev.kiln.engine.layer.GlobalPooling1D;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerNormalization;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.MaxPooling1D;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.SequenceBatch;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;

import java.util.List;
import java.util.function.Supplier;

/**
 * Small models with every layer Kiln's Keras tables write, built with seeded random weights, and
 * the inputs to predict on (the formulas of keras_forward_reference.py): for the export tests.
 */
final class ExportModels {
    static final int EXAMPLES = 3;
    static final int VOCABULARY = 30;

    /** One model: its name, its layers, what it takes (ids, vectors or sequences), its width and steps (-1: any length). */
    record Architecture(String name, Supplier<List<Layer>> layers, String input, int width, int steps) {
        Sequential build(long seed) {
            Sequential model = new Sequential(layers.get());
            model.build(input.equals("ids") ? ValueSpec.input(0, steps) : new ValueSpec(input.equals("vectors") ? ValueSpec.FEATURES
                    : ValueSpec.SEQUENCES, width, false, steps), ParameterSource.initial(new Rng(seed)));
            return model;
        }

        LayerValue sample() {
            int length = steps > 0 ? steps : 7;
            return switch (input) {
                case "ids" -> ids(length);
                case "vectors" -> vectors(EXAMPLES, width);
                default -> sequences(length, width);
            };
        }
    }

    static final List<Architecture> ALL = List.of(
            new Architecture("embedding-gap-dense", () -> List.of(new Embedding(VOCABULARY, 6, false, "embedding"),
                    GlobalPooling1D.average("global_average_pooling1d"), new Dense(4, Activation.RELU, "dense"),
                    new Dropout(0.3, "dropout"), new Dense(1, Activation.SIGMOID, "dense_1")), "ids", 0, -1),
            new Architecture("mlp", () -> List.of(new Dense(8, Activation.TANH, "hidden"), new Dropout(0.5, "drop"),
                    new Dense(5, Activation.GELU, "hidden_2"), new Dense(3, Activation.LINEAR, "out"),
                    new ActivationLayer(Activation.SOFTMAX, "activation")), "vectors", 12, -1),
            new Architecture("lstm-stack", () -> List.of(new Embedding(VOCABULARY, 5, false, "embedding"),
                    new Lstm(4, false, true, "lstm"), new Lstm(3, true, false, "lstm_1"), new Dense(2, Activation.LINEAR, "dense")),
                    "ids", 0, -1),
            new Architecture("gru-simplernn-layernorm", () -> List.of(new CellRnn(CellRnn.Kind.GRU, 4, false, true, "gru"),
                    new CellRnn(CellRnn.Kind.SIMPLE_RNN, 3, false, false, "simple_rnn"),
                    new LayerNormalization(0.01, true, true, "layer_normalization"), new Dense(2, Activation.LINEAR, "dense")),
                    "sequences", 3, -1),
            new Architecture("bidirectional", () -> List.of(new Bidirectional(new Lstm(3, false, true, "lstm"), "bidirectional"),
                    new Bidirectional(new CellRnn(CellRnn.Kind.GRU, 2, false, false, "gru"), "bidirectional_1"),
                    new Dense(2, Activation.LINEAR, "dense")), "sequences", 4, -1),
            new Architecture("bidirectional-simplernn-sum", () -> List.of(new Embedding(VOCABULARY, 4, false, "embedding"),
                    new Bidirectional(new CellRnn(CellRnn.Kind.SIMPLE_RNN, 3, false, true, "rnn"), "sum", "bidi"),
                    GlobalPooling1D.max("global_max_pooling1d"), new Dense(1, Activation.SIGMOID, "dense")), "ids", 0, -1),
            new Architecture("conv1d-pooling-flatten", () -> List.of(new Embedding(VOCABULARY, 6, false, "embedding"),
                    new Conv1D(5, 3, 1, 1, false, Activation.RELU, "conv1d"), new MaxPooling1D(2, "max_pooling1d"),
                    new Conv1D(4, 2, 2, 1, true, Activation.TANH, "conv1d_1"), new Flatten("flatten"),
                    new LayerNormalization(1e-3, false, true, "layer_normalization"), new Dense(1, Activation.LINEAR, "dense")),
                    "ids", 0, 12),
            new Architecture("spatial-dropout-conv-dilated", () -> List.of(new Embedding(VOCABULARY, 6, false, "embedding"),
                    new Dropout(0.2, 7, true, "spatial_dropout1d"), new Conv1D(3, 2, 1, 2, true, Activation.LINEAR, "conv1d"),
                    new MaxPooling1D(3, 1, true, "max_pooling1d"), GlobalPooling1D.average("global_average_pooling1d"),
                    new LayerNormalization(0.1, true, false, "layer_normalization"), new Dense(2, Activation.LINEAR, "dense")),
                    "ids", 0, -1));

    private ExportModels() {}

    /** The model's outputs for {@code input}, computed on one thread. */
    static float[] predict(Sequential model, LayerValue input) {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            model.compile(MeanError.squared(), List.of(), Engine.on(pool));
            return model.predict(input).data();
        }
    }

    /** Token ids (i 7919 + t 104729 + 1) mod the vocabulary, as keras_forward_reference.py draws them. */
    static TokenBatch ids(int steps) {
        int[][] rows = new int[EXAMPLES][steps];
        for (int i = 0; i < EXAMPLES; i++) {
            for (int t = 0; t < steps; t++) {
                rows[i][t] = (int) (((long) i * 7919 + (long) t * 104729 + 1) % VOCABULARY);
            }
        }
        return TokenBatch.ofRows(rows);
    }

    /** float32(sin(0.37 (i + 1) + 0.011 j)), as keras_forward_reference.py computes them. */
    static FeatureBatch vectors(int examples, int width) {
        float[] data = new float[examples * width];
        for (int i = 0; i < examples; i++) {
            for (int j = 0; j < width; j++) {
                data[i * width + j] = (float) Math.sin(0.37 * (i + 1) + 0.011 * j);
            }
        }
        return new FeatureBatch(Variable.constant(Tensor.wrap(data, examples, width)));
    }

    /** Example i's vector of width steps x features, step by step. */
    static SequenceBatch sequences(int steps, int features) {
        float[] data = vectors(EXAMPLES, steps * features).values().value().data();
        int[] lengths = new int[EXAMPLES];
        int[] offsets = new int[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            lengths[i] = steps;
            offsets[i] = i * steps;
        }
        return new SequenceBatch(Variable.constant(Tensor.wrap(data, EXAMPLES * steps, features)), lengths, offsets);
    }
}
