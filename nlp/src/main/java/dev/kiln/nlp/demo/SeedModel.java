package dev.kiln.nlp.demo;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.LayerRegistry;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.model.Sequential;
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

    /** The layer factories a saved text model needs: the engine's and TextVectorization. */
    public static LayerRegistry registry() {
        return LayerRegistry.withEngineLayers().register(TextVectorization.TYPE, TextVectorization::fromConfig);
    }
}
