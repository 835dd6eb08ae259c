package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.keras.KerasConfigException;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.Sequential;
import dev.kiln.nlp.TextVectorization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --model FILE.json and --model cnn: a Keras config becomes the model train fits, with a
 * TextVectorization in front of an Embedding-first config and the target's head checked; the
 * built-in cnn is the Keras CNN config's model.
 */
class KerasConfigDesignTest {
    private static final Path CNN = Path.of("../checkpoint/src/test/resources/keras-configs/cnn-keras3.json");
    /** 1,200 distinct tokens fill a 1,000-entry vocabulary, as the IMDB reviews do. */
    private static final List<String> TEXTS = IntStream.range(0, 1200).mapToObj(i -> "token" + i + " film").toList();

    @Test
    void anEmbeddingFirstConfigGetsATextVectorizationOfItsInputDimAndLength() throws Exception {
        ModelDesign design = ModelDesign.named(CNN.toString());
        TextVectorization encoder = adapted(design);
        assertEquals(1000, encoder.config().values().get("max_tokens")); // the Embedding's input_dim, not --max-tokens
        assertEquals(200, encoder.config().values().get("output_sequence_length")); // the InputLayer's [None, 200]
        Sequential model = design.build(encoder, 42, Target.SENTIMENT);
        assertEquals(List.of("TextVectorization", "Embedding", "Conv1D", "GlobalMaxPooling1D", "Dense"), types(model));
        assertEquals(105_217, model.parameterCount());
        assertEquals(List.of("negative", "positive"), model.classNames());

        Sequential builtIn = Architecture.CNN.build(adapted(Architecture.CNN), 42, Target.SENTIMENT);
        assertEquals(types(model), types(builtIn));
        assertEquals(model.parameterCount(), builtIn.parameterCount());
        for (int i = 0; i < 4; i++) { // the same layers (the head aside, which the target names dense_1)
            assertEquals(model.layers().get(i).config(), builtIn.layers().get(i).config());
        }
    }

    @Test
    void theConfigMustFitTheTargetAndReadReviews(@TempDir Path dir) throws Exception {
        ModelDesign cnn = ModelDesign.named(CNN.toString());
        KerasConfigException refused = assertThrows(KerasConfigException.class, () -> cnn.build(adapted(cnn), 1, Target.RATING));
        assertEquals(CNN + ": the model gives 1 one vector per example; --target rating needs 8 outputs per review", refused.getMessage());

        Path sigmoid = dir.resolve("sigmoid.json");
        Files.writeString(sigmoid, Files.readString(CNN).replace("\"units\": 1, \"activation\": \"linear\"",
                "\"units\": 1, \"activation\": \"sigmoid\""));
        ModelDesign probabilities = ModelDesign.named(sigmoid.toString());
        probabilities.build(adapted(probabilities), 1, Target.SENTIMENT); // probabilities: compiled with from_logits=False
        assertEquals(sigmoid + ": the last layer 'dense' applies sigmoid; --target stars needs a linear last layer (logits,"
                + " from_logits=True)", assertThrows(KerasConfigException.class,
                () -> probabilities.build(adapted(probabilities), 1, Target.STARS)).getMessage());
        Path relu = dir.resolve("relu.json");
        Files.writeString(relu, Files.readString(CNN).replace("\"units\": 1, \"activation\": \"linear\"",
                "\"units\": 1, \"activation\": \"relu\""));
        ModelDesign rectified = ModelDesign.named(relu.toString());
        assertEquals(relu + ": the last layer 'dense' applies relu; --target sentiment needs a linear last layer (logits,"
                + " from_logits=True) or sigmoid (probabilities, from_logits=False)", assertThrows(KerasConfigException.class,
                () -> rectified.build(adapted(rectified), 1, Target.SENTIMENT)).getMessage());

        Path vectors = dir.resolve("vectors.json");
        Files.writeString(vectors, "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", \"config\":"
                + " {\"name\": \"d\", \"units\": 1, \"activation\": \"linear\", \"batch_input_shape\": [null, 5]}}]}}");
        assertEquals(vectors + ": the model starts with layer 'd' (Dense); to read reviews it must start with TextVectorization or"
                + " Embedding", assertThrows(KerasConfigException.class, () -> ModelDesign.named(vectors.toString())).getMessage());
    }

    private static TextVectorization adapted(ModelDesign design) {
        TextVectorization encoder = design.encoder(1000);
        try (ComputePool pool = ComputePool.withThreads(1)) {
            encoder.adapt(TEXTS, pool);
        }
        return encoder;
    }

    private static List<String> types(Sequential model) {
        return model.layers().stream().map(layer -> layer.config().type()).toList();
    }
}
