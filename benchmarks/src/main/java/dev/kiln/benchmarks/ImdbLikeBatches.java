package dev.kiln.benchmarks;

import dev.kiln.engine.autodiff.InputProjection;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.CellRnn;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Dropout;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.Recurrent;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic batches with the IMDB review length distribution after TextVectorization (log-normal,
 * mean about 233 tokens, median about 174, clipped to [10, 2469]; a batch of 64 pads to ~890),
 * ids uniform in [1, 1000), and the seed model Embedding(1000, 64, mask) -> Bidirectional(LSTM(64))
 * -> Dense(64, relu) -> Dense(1), the tutorial's stacked model, or the seed model with a GRU(64)
 * in place of the LSTM.
 */
final class ImdbLikeBatches {
    /** Multiply-adds x 2 of one training step of the masked BiLSTM model per real token (issue 3). */
    static final double TRAINING_FLOPS_PER_TOKEN = 393_000;
    static final int VOCABULARY = 1000;

    private ImdbLikeBatches() {}

    static List<LabeledBatch> batches(long seed, int count, int batchSize) {
        Rng rng = new Rng(seed);
        List<LabeledBatch> batches = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int[][] rows = new int[batchSize][];
            float[] labels = new float[batchSize];
            for (int i = 0; i < batchSize; i++) {
                double logLength = Math.log(174) + 0.764 * rng.nextGaussian();
                int length = (int) Math.max(10, Math.min(2469, Math.round(Math.exp(logLength))));
                rows[i] = new int[length];
                for (int t = 0; t < length; t++) {
                    rows[i][t] = 1 + rng.nextInt(VOCABULARY - 1);
                }
                labels[i] = rng.nextInt(2);
            }
            batches.add(new LabeledBatch(TokenBatch.ofRows(rows), labels));
        }
        return batches;
    }

    static Sequential seedModel(long seed) {
        return bidirectionalModel(new Lstm(64, false, "lstm"), seed);
    }

    /**
     * The tutorial's second model: Embedding(1000, 64, mask) -> Bidirectional(LSTM(64,
     * return_sequences)) -> Bidirectional(LSTM(32)) -> Dense(64, relu) -> Dropout(0.5) -> Dense(1).
     */
    static Sequential stackedModel(long seed) {
        return built(seed,
                new Embedding(VOCABULARY, 64, true, "embedding"),
                new Bidirectional(new Lstm(64, false, true, "lstm"), "bidirectional"),
                new Bidirectional(new Lstm(32, false, "lstm_1"), "bidirectional_1"),
                new Dense(64, Activation.RELU, "dense"),
                new Dropout(0.5, "dropout"),
                new Dense(1, Activation.LINEAR, "dense_1"));
    }

    /** The seed model with a Bidirectional(GRU(64)) in place of the LSTM. */
    static Sequential gruModel(long seed) {
        return bidirectionalModel(new CellRnn(CellRnn.Kind.GRU, 64, false, false, "gru"), seed);
    }

    /** Embedding(1000, 64, mask) -> Bidirectional(recurrent) -> Dense(64, relu) -> Dense(1). */
    private static Sequential bidirectionalModel(Recurrent recurrent, long seed) {
        return built(seed,
                new Embedding(VOCABULARY, 64, true, "embedding"),
                new Bidirectional(recurrent, "bidirectional"),
                new Dense(64, Activation.RELU, "dense"),
                new Dense(1, Activation.LINEAR, "dense_1"));
    }

    private static Sequential built(long seed, Layer... layers) {
        Sequential model = new Sequential(List.of(layers));
        model.build(0, new Rng(seed));
        return model;
    }

    /** The model a benchmark names: seed, stacked or gru. */
    static Sequential model(String name, long seed) {
        return switch (name) {
            case "seed" -> seedModel(seed);
            case "stacked" -> stackedModel(seed);
            case "gru" -> gruModel(seed);
            default -> throw new IllegalArgumentException("model expects seed, stacked or gru, got '" + name + "'");
        };
    }

    /**
     * The model a benchmark names, compiled as the demo compiles it (Adam(1e-4), binary
     * cross-entropy from logits, accuracy) on an engine over {@code pool} projecting embeddings as
     * {@code projection} says.
     */
    static Sequential compiledModel(String name, ComputePool pool, InputProjection projection) {
        Sequential network = model(name, 1);
        network.compile(new Adam(1e-4f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()),
                Engine.on(pool).withInputProjection(projection));
        return network;
    }

    static int tokens(LabeledBatch batch) {
        return ((TokenBatch) batch.inputs()).tokenCount();
    }
}
