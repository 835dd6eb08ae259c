package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.keras.KerasLayers;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.ModelParts;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.TextVectorizationKeras;

import java.util.List;

/**
 * The seed workflow's model: TextVectorization (adapted) -> Embedding(vocabulary, 64,
 * mask_zero) -> Bidirectional(LSTM(64)) -> Dense(64, relu) -> Dense(1), so it takes raw review
 * text and returns one logit per review; for train's other targets the last layer is the head the
 * target needs (8 class scores for the rating, one value for the stars).
 */
public final class SeedModel {
    private SeedModel() {}

    /** A TextVectorization(maxTokens) adapted on {@code texts}. */
    public static TextVectorization adaptedVectorizer(int maxTokens, List<String> texts, ComputePool pool) {
        TextVectorization encoder = new TextVectorization(maxTokens);
        encoder.adapt(texts, pool);
        return encoder;
    }

    /** The seed model: one logit per review. */
    public static Sequential build(TextVectorization encoder, long seed) {
        return build(encoder, seed, Target.SENTIMENT);
    }

    /** {@code architecture} with one logit per review (the sentiment head). */
    public static Sequential build(TextVectorization encoder, long seed, Architecture architecture) {
        return build(encoder, seed, Target.SENTIMENT, architecture);
    }

    /** The seed architecture with the head {@code target} needs, and its class names. */
    static Sequential build(TextVectorization encoder, long seed, Target target) {
        return build(encoder, seed, target, Architecture.SEED);
    }

    /** {@code architecture} with the head {@code target} needs, and its class names. */
    static Sequential build(TextVectorization encoder, long seed, Target target, Architecture architecture) {
        return architecture.build(encoder, seed, target);
    }

    /** Compiles as the seed does: Adam(learningRate), BinaryCrossentropy(from_logits=True), accuracy (on the logits). */
    public static void compile(Sequential model, double learningRate, Engine engine) {
        compile(model, learningRate, engine, Target.SENTIMENT);
    }

    /** Adam(learningRate) with {@code target}'s loss and metrics (on logits: the built-in models end in a linear layer). */
    static void compile(Sequential model, double learningRate, Engine engine, Target target) {
        model.compile(new Adam(learningRate), target.loss(true), target.metrics(true), engine);
    }

    /** The part registries a saved text model needs: the engine's and TextVectorization. */
    public static ModelParts parts() {
        return ModelParts.engine().withLayer(TextVectorization.TYPE, TextVectorization::fromConfig);
    }

    /** The Keras layer classes a text model's Keras config may hold: the engine's and TextVectorization. */
    public static KerasLayers kerasLayers() {
        return KerasLayers.engine().with(TextVectorizationKeras.TABLE);
    }
}
