package dev.kiln.nlp.demo;

import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Conv1D;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Dropout;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.GlobalPooling1D;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.random.Rng;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The built-in text models: the tutorial's seed model (one bidirectional LSTM), its second,
 * stacked one: Bidirectional(LSTM(64, return_sequences)) -> Bidirectional(LSTM(32)) ->
 * Dense(64, relu) -> Dropout(0.5) (175,489 parameters with the 1,000-token vocabulary), and the
 * CNN text model (issue 14): TextVectorization(output_sequence_length 200) -> Embedding(mask_zero
 * False) -> Conv1D(128, 5, relu) -> GlobalMaxPooling1D; each ends in the head its target needs.
 */
public enum Architecture implements ModelDesign {
    /** Bidirectional(LSTM(64)) -> Dense(64, relu). */
    SEED,
    /** Bidirectional(LSTM(64, return_sequences)) -> Bidirectional(LSTM(32)) -> Dense(64, relu) -> Dropout(0.5). */
    STACKED,
    /** Embedding(mask_zero=False) -> Conv1D(128, 5, relu) -> GlobalMaxPooling1D, on 200 ids per review. */
    CNN;

    /** The CNN reads every review as exactly this many ids (truncated or padded with 0), as Keras' output_sequence_length. */
    static final int CNN_SEQUENCE_LENGTH = 200;

    @Override
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public TextVectorization encoder(int maxTokens) {
        return this == CNN ? new TextVectorization(maxTokens, Tokenizer.keras(), CNN_SEQUENCE_LENGTH, "text_vectorization")
                : new TextVectorization(maxTokens);
    }

    @Override
    public Sequential build(TextVectorization encoder, long seed, Target target) {
        Sequential model = new Sequential(layers(encoder, target));
        model.build(0, new Rng(seed));
        model.setClassNames(target.classNames());
        return model;
    }

    /** The layers after {@code encoder}, ending in {@code target}'s head. */
    List<Layer> layers(TextVectorization encoder, Target target) {
        List<Layer> layers = new ArrayList<>(List.of(encoder, new Embedding(encoder.vocabularySize(), 64, this != CNN, "embedding")));
        switch (this) {
            case SEED -> {
                layers.add(new Bidirectional(new Lstm(64, false, "lstm"), "bidirectional"));
                layers.add(new Dense(64, Activation.RELU, "dense"));
            }
            case STACKED -> {
                layers.add(new Bidirectional(new Lstm(64, false, true, "lstm"), "bidirectional"));
                layers.add(new Bidirectional(new Lstm(32, false, "lstm_1"), "bidirectional_1"));
                layers.add(new Dense(64, Activation.RELU, "dense"));
                layers.add(new Dropout(0.5, "dropout"));
            }
            case CNN -> {
                layers.add(new Conv1D(128, 5, 1, 1, false, Activation.RELU, "conv1d"));
                layers.add(GlobalPooling1D.max("global_max_pooling1d"));
            }
        }
        layers.add(target.head());
        return layers;
    }
}
