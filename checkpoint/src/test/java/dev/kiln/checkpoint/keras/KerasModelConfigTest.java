package dev.kiln.checkpoint.keras;

import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CNN text model (Embedding(1000, 64) -> Conv1D(128, 5, relu) -> GlobalMaxPooling1D ->
 * Dense(1)) as Keras 3.10, tf.keras 2.11 and Keras 2.1 write its config
 * (src/test/resources/keras-configs, written by src/test/python/keras_configs.py): each builds
 * the model Keras reports, and the Keras 3 form is what Kiln exports.
 */
class KerasModelConfigTest {
    static final Path CONFIGS = Path.of("src/test/resources/keras-configs");
    private static final long CNN_PARAMETERS = 64_000 + 41_088 + 129; // Keras' summary: 105,217

    @ParameterizedTest
    @CsvSource({"cnn-keras3.json, 3, embedding", "cnn-keras2.json, 2, embedding", "cnn-keras2.1.json, 2, embedding_1"})
    void theCnnConfigOfEachKerasBuildsTheModelKerasReports(String file, int version, String embedding) throws IOException {
        KerasImport imported = KerasModelConfig.read(CONFIGS.resolve(file), KerasLayers.engine());
        assertEquals(version, imported.kerasMajorVersion());
        assertEquals(List.of("Embedding", "Conv1D", "GlobalMaxPooling1D", "Dense"), types(imported));
        assertEquals(embedding, imported.model().layers().getFirst().name());
        assertEquals(KerasInput.tokenIds(OptionalInt.of(200)), imported.input());
        ValueSpec output = imported.build(new Rng(1));
        assertEquals(new ValueSpec(ValueSpec.FEATURES, 1), output);
        assertEquals(CNN_PARAMETERS, imported.model().parameterCount());
        assertEquals(version == 3 ? 1 : 0, imported.notes().size(), imported.notes().toString()); // Keras 3's compile_config
    }

    /** Export writes each layer exactly as Keras 3.10 does (its build_config aside, which Keras does not need). */
    @Test
    void exportWritesTheLayersAsKeras3Does() throws IOException {
        KerasImport imported = KerasModelConfig.read(CONFIGS.resolve("cnn-keras3.json"), KerasLayers.engine());
        Map<String, Object> exported = json(KerasModelConfig.toJson(imported.model(), imported.input(), KerasLayers.engine()));
        Map<String, Object> keras = json(Files.readString(CONFIGS.resolve("cnn-keras3.json")));
        List<Object> kerasLayers = layers(keras);
        List<Object> exportedLayers = layers(exported);
        assertEquals(kerasLayers.size(), exportedLayers.size());
        for (int i = 1; i < kerasLayers.size(); i++) {
            Map<String, Object> expected = object(kerasLayers.get(i));
            expected.remove("build_config");
            assertEquals(expected, exportedLayers.get(i), "layer " + i);
        }
        assertEquals(Arrays.asList(null, 200), object(object(exportedLayers.getFirst()).get("config")).get("batch_shape"));
        assertEquals(List.of("module", "class_name", "config", "registered_name", "build_config"), List.copyOf(exported.keySet()));
    }

    /** Every engine layer's table round-trips: import(export(model)) is the same model. */
    @Test
    void everyEngineLayerRoundTripsThroughKerasJson() throws IOException {
        KerasLayers tables = KerasLayers.engine();
        String json = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"all\", \"layers\": ["
                + layer("InputLayer", "\"batch_shape\": [null, 30], \"dtype\": \"int32\", \"name\": \"in\"")
                + ", " + layer("Embedding", "\"name\": \"e\", \"input_dim\": 50, \"output_dim\": 8, \"mask_zero\": false")
                + ", " + layer("Conv1D", "\"name\": \"c\", \"filters\": 6, \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\","
                        + " \"activation\": \"gelu\"")
                + ", " + layer("SpatialDropout1D", "\"name\": \"s\", \"rate\": 0.1, \"seed\": 5")
                + ", " + layer("LayerNormalization", "\"name\": \"n\", \"epsilon\": 0.01, \"center\": false")
                + ", " + layer("Bidirectional", "\"name\": \"b\", \"merge_mode\": \"sum\", \"layer\": "
                        + layer("GRU", "\"name\": \"g\", \"units\": 5, \"return_sequences\": true, \"go_backwards\": false"))
                + ", " + layer("LSTM", "\"name\": \"l\", \"units\": 4, \"return_sequences\": true, \"go_backwards\": true")
                + ", " + layer("SimpleRNN", "\"name\": \"r\", \"units\": 3, \"return_sequences\": true, \"go_backwards\": false")
                + ", " + layer("GlobalAveragePooling1D", "\"name\": \"p\"")
                + ", " + layer("Dense", "\"name\": \"d\", \"units\": 7, \"activation\": \"softmax\"")
                + ", " + layer("Dropout", "\"name\": \"o\", \"rate\": 0.25")
                + "]}}";
        KerasImport first = KerasModelConfig.parse(json, "all layers", tables);
        first.build(new Rng(3));
        KerasImport again = KerasModelConfig.parse(KerasModelConfig.toJson(first.model(), first.input(), tables), "exported", tables);
        again.build(new Rng(3));
        assertEquals(first.model().layers().stream().map(Layer::config).toList(), again.model().layers().stream().map(Layer::config).toList());
        assertEquals(first.model().parameterCount(), again.model().parameterCount());
        assertEquals(first.input(), again.input());
        assertEquals(3, again.kerasMajorVersion());

        KerasImport vectors = KerasModelConfig.parse("{\"class_name\": \"Sequential\", \"config\": {\"layers\": ["
                + layer("Dense", "\"name\": \"d\", \"units\": 2, \"activation\": \"relu\", \"batch_input_shape\": [null, 9]")
                + ", " + layer("Dense", "\"name\": \"g\", \"units\": 1, \"activation\": \"linear\"") + "]}}", "vectors", tables);
        assertEquals(KerasInput.vectors(9), vectors.input());
        KerasImport vectorsAgain = KerasModelConfig.parse(KerasModelConfig.toJson(vectors.model(), vectors.input(), tables), "x", tables);
        assertEquals(KerasInput.vectors(9), vectorsAgain.input());
        vectorsAgain.build(new Rng(1));
        assertEquals(9 * 2 + 2 + 2 + 1, vectorsAgain.model().parameterCount());
    }

    /** MaxPooling1D (Keras 3 writes pool_size and strides as lists, strides None for pool_size) and Flatten, at a fixed length. */
    @Test
    void poolingAndFlattenImportAtTheInputsLength() throws IOException {
        KerasLayers tables = KerasLayers.engine();
        String json = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"cnn\", \"layers\": ["
                + layer("InputLayer", "\"batch_shape\": [null, 30], \"dtype\": \"int32\", \"name\": \"in\"")
                + ", " + layer("Embedding", "\"name\": \"e\", \"input_dim\": 50, \"output_dim\": 8, \"mask_zero\": false")
                + ", " + layer("Conv1D", "\"name\": \"c\", \"filters\": 6, \"kernel_size\": [3], \"activation\": \"relu\"")
                + ", " + layer("MaxPooling1D", "\"name\": \"m\", \"pool_size\": [2], \"padding\": \"valid\", \"strides\": null,"
                        + " \"data_format\": \"channels_last\"")
                + ", " + layer("Flatten", "\"name\": \"f\", \"data_format\": \"channels_last\"")
                + ", " + layer("Dense", "\"name\": \"d\", \"units\": 1, \"activation\": \"linear\"")
                + "]}}";
        KerasImport first = KerasModelConfig.parse(json, "cnn", tables);
        first.build(new Rng(3));
        // Embedding 50 x 8; Conv1D 3 x 8 x 6 + 6 over 28 steps; pooled to 14; Flatten 84; Dense 84 + 1.
        assertEquals(400 + 150 + 85, first.model().parameterCount());
        KerasImport again = KerasModelConfig.parse(KerasModelConfig.toJson(first.model(), first.input(), tables), "exported", tables);
        again.build(new Rng(3));
        assertEquals(first.model().layers().stream().map(Layer::config).toList(), again.model().layers().stream().map(Layer::config).toList());
    }

    static String layer(String className, String config) {
        return "{\"class_name\": \"" + className + "\", \"config\": {" + config + "}}";
    }

    static List<String> types(KerasImport imported) {
        return imported.model().layers().stream().map(layer -> layer.config().type()).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) {
        return (Map<String, Object>) JsonReader.parse(text, "test");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> layers(Map<String, Object> model) {
        return (List<Object>) object(model.get("config")).get("layers");
    }
}
