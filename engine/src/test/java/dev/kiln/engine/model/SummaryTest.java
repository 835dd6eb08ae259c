package dev.kiln.engine.model;

import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SummaryTest {

    @Test
    void theSeedModelHas138369ParametersInKerasTableForm() {
        Sequential model = new Sequential(List.of(
                new Embedding(1000, 64, true, "embedding"),
                new Bidirectional(new Lstm(64, false, "lstm"), "bidirectional"),
                new Dense(64, Activation.RELU, "dense"),
                new Dense(1, Activation.LINEAR, "dense_1")));
        model.build(0, new Rng(0));
        assertEquals(138_369, model.parameterCount());
        String blank = " ".repeat(65) + "\n";
        String expected = "Model: \"sequential\"\n"
                + "_".repeat(65) + "\n"
                + " Layer (type)                Output Shape              Param #   \n"
                + "=".repeat(65) + "\n"
                + " embedding (Embedding)       (None, None, 64)          64000     \n" + blank
                + " bidirectional (Bidirection  (None, 128)               66048     \n"
                + " al)                                                             \n" + blank
                + " dense (Dense)               (None, 64)                8256      \n" + blank
                + " dense_1 (Dense)             (None, 1)                 65        \n" + blank
                + "=".repeat(65) + "\n"
                + "Total params: 138,369\n"
                + "Trainable params: 138,369\n"
                + "Non-trainable params: 0\n"
                + "_".repeat(65) + "\n";
        assertEquals(expected, model.summary());
    }
}
