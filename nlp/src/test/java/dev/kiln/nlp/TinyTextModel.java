package dev.kiln.nlp;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;

import java.util.List;

/** The seed architecture in miniature behind an adapted TextVectorization, compiled on {@code pool}. */
final class TinyTextModel {
    private TinyTextModel() {}

    static Sequential build(TextVectorization vectorizer, List<String> texts, ComputePool pool) {
        vectorizer.adapt(texts, pool);
        Sequential model = new Sequential(List.of(vectorizer,
                new Embedding(vectorizer.vocabularySize(), 4, true, "embedding"),
                new Bidirectional(new Lstm(3, false, "lstm"), "bidirectional"),
                new Dense(4, Activation.RELU, "dense"),
                new Dense(1, Activation.LINEAR, "dense_1")));
        model.build(0, new Rng(3));
        model.compile(new Adam(1e-3f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
        return model;
    }
}
