package dev.kiln.engine.model;

import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.GlobalPooling1D;
import dev.kiln.engine.layer.LayerNormalization;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The model Embedding(1000, 64, mask_zero) -> GlobalAveragePooling1D -> LayerNormalization ->
 * Dense(1) has Keras' parameter count, by Keras' rules: the table 1000 x 64 = 64,000; the pool
 * none; gamma and beta 2 x 64 = 128; the head 64 x 1 + 1 = 65; in all 64,193.
 */
class PoolingModelSummaryTest {

    @Test
    void embeddingAveragePoolLayerNormDenseHas64193ParametersInKerasTableForm() {
        Sequential model = new Sequential(List.of(
                new Embedding(1000, 64, true, "embedding"),
                GlobalPooling1D.average("global_average_pooling1d"),
                new LayerNormalization("layer_normalization"),
                new Dense(1, Activation.LINEAR, "dense")));
        model.build(0, new Rng(0));
        assertEquals(64_193, model.parameterCount());
        String blank = " ".repeat(65) + "\n";
        String expected = "Model: \"sequential\"\n"
                + "_".repeat(65) + "\n"
                + " Layer (type)                Output Shape              Param #   \n"
                + "=".repeat(65) + "\n"
                + " embedding (Embedding)       (None, None, 64)          64000     \n" + blank
                + " global_average_pooling1d (  (None, 64)                0         \n"
                + " GlobalAveragePooling1D)                                         \n" + blank
                + " layer_normalization (Layer  (None, 64)                128       \n"
                + " Normalization)                                                  \n" + blank
                + " dense (Dense)               (None, 1)                 65        \n" + blank
                + "=".repeat(65) + "\n"
                + "Total params: 64,193\n"
                + "Trainable params: 64,193\n"
                + "Non-trainable params: 0\n"
                + "_".repeat(65) + "\n";
        assertEquals(expected, model.summary());
    }
}
