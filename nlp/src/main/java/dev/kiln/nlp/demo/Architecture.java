package dev.kiln.nlp.demo;

import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Dropout;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.nlp.TextVectorization;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tutorial's two text models: the seed model (one bidirectional LSTM) and its second,
 * stacked one: Bidirectional(LSTM(64, return_sequences)) -> Bidirectional(LSTM(32)) ->
 * Dense(64, relu) -> Dropout(0.5) (175,489 parameters with the 1,000-token vocabulary); each
 * ends in the head its target needs.
 */
public enum Architecture {
    /** Bidirectional(LSTM(64)) -> Dense(64, relu). */
    SEED,
    /** Bidirectional(LSTM(64, return_sequences)) -> Bidirectional(LSTM(32)) -> Dense(64, relu) -> Dropout(0.5). */
    STACKED;

    /** The architecture of a --model value (seed, stacked). */
    static Architecture named(String name) throws CommandLine.UsageException {
        for (Architecture architecture : values()) {
            if (architecture.name().toLowerCase(Locale.ROOT).equals(name)) {
                return architecture;
            }
        }
        throw new CommandLine.UsageException("--model expects seed or stacked, got '" + name + "'");
    }

    /** The layers after {@code encoder}, ending in {@code target}'s head. */
    List<Layer> layers(TextVectorization encoder, Target target) {
        List<Layer> layers = new ArrayList<>(List.of(encoder, new Embedding(encoder.vocabularySize(), 64, true, "embedding")));
        if (this == SEED) {
            layers.add(new Bidirectional(new Lstm(64, false, "lstm"), "bidirectional"));
            layers.add(new Dense(64, Activation.RELU, "dense"));
        } else {
            layers.add(new Bidirectional(new Lstm(64, false, true, "lstm"), "bidirectional"));
            layers.add(new Bidirectional(new Lstm(32, false, "lstm_1"), "bidirectional_1"));
            layers.add(new Dense(64, Activation.RELU, "dense"));
            layers.add(new Dropout(0.5, "dropout"));
        }
        layers.add(target.head());
        return layers;
    }
}
