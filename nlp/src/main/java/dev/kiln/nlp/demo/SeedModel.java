package dev.kiln.nlp.demo;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.ModelParts;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import dev.kiln.nlp.TextVectorization;

import java.util.List;

/**
 * The seed workflow's model: TextVectorization (adapted) -> Embedding(vocabulary, 64,
 * mask_zero) -> Bidirectional(LSTM(64)) -> Dense(64, relu) -> Dense(1), so it takes raw review
 * text and returns one logit per review.
 */
public final class SeedModel {
    private SeedModel() {}

    /** A TextVectorization(maxTokens) adapted on {@code texts}. */
    public static TextVectorization adaptedVectorizer(int maxTokens, List<String> texts, ComputePool pool) {
        TextVectorization encoder = new TextVectorization(maxTokens);
        encoder.adapt(texts, pool);
        return encoder;
    }

    public static Sequential build(TextVectorization encoder, long seed) {
        Sequential model = new Sequential(List.of(encoder,
                new Embedding(encoder.vocabularySize(), 64, true, "embedding"),
                new Bidirectional(new Lstm(64, false, "lstm"), "bidirectional"),
                new Dense(64, Activation.RELU, "dense"),
                new Dense(1, Activation.LINEAR, "dense_1")));
        model.build(0, new Rng(seed));
        return model;
    }

    /** Compiles as the seed does: Adam(learningRate), BinaryCrossentropy(from_logits=True), accuracy (on the logits). */
    public static void compile(Sequential model, double learningRate, Engine engine) {
        model.compile(new Adam(learningRate), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), engine);
    }

    /** The part registries a saved text model needs: the engine's and TextVectorization. */
    public static ModelParts parts() {
        return ModelParts.engine().withLayer(TextVectorization.TYPE, TextVectorization::fromConfig);
    }
}
