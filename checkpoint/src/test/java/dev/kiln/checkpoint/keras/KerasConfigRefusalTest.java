package dev.kiln.checkpoint.keras;

import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.kiln.checkpoint.keras.KerasModelConfigTest.CONFIGS;
import static dev.kiln.checkpoint.keras.KerasModelConfigTest.json;
import static dev.kiln.checkpoint.keras.KerasModelConfigTest.layers;
import static dev.kiln.checkpoint.keras.KerasModelConfigTest.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Kiln refuses in a Keras config, and how it says so: the file, the layer (index, name,
 * class), the key, the value found and what Kiln supports; never a Java class name. Each case
 * edits one thing in the Keras 3 or tf.keras 2 CNN config (layers[1] is the Embedding, [2] the
 * Conv1D, [3] GlobalMaxPooling1D, [4] the Dense).
 */
class KerasConfigRefusalTest {
    private static final String K3 = "cnn-keras3.json";
    private static final String K2 = "cnn-keras2.json";

    @Test
    void anUnknownLayerClassIsRefusedWithTheClassesKilnReads() {
        assertRefused(K3, model -> entry(model, 3).put("class_name", "Cropping1D"),
                "layers[3] 'global_max_pooling1d' (Cropping1D): Kiln has no layer for Keras' Cropping1D; it reads [Activation, Bidirectional, Conv1D,");
    }

    @Test
    void anUnknownKeyIsRefused() {
        assertRefused(K3, model -> config(model, 4).put("kernel_size_hint", 3),
                "layers[4] 'dense' (Dense): unknown key 'kernel_size_hint': not one Keras writes for Dense, or an option Kiln does"
                        + " not know; Kiln reads [name, trainable, dtype, units, activation, use_bias,");
    }

    @Test
    void aRegularizerIsRefusedByNameAndValue() {
        assertRefused(K3, model -> config(model, 4).put("kernel_regularizer", Map.of("module", "keras.regularizers",
                        "class_name", "L2", "config", Map.of("l2", 0.01))),
                "layers[4] 'dense' (Dense): 'kernel_regularizer' is L2{l2=0.01}; Kiln supports only None (Kiln adds no"
                        + " regularization penalty to the loss)");
        assertRefused(K2, model -> config(model, 1).put("embeddings_regularizer", Map.of("class_name", "L1", "config", Map.of("l1", 0.5))),
                "layers[1] 'embedding' (Embedding): 'embeddings_regularizer' is L1{l1=0.5}; Kiln supports only None");
    }

    @Test
    void aFrozenLayerIsRefused() {
        assertRefused(K3, model -> config(model, 2).put("trainable", false),
                "layers[2] 'conv1d' (Conv1D): 'trainable' is false; Kiln supports only true (Kiln trains every layer; it has no"
                        + " frozen layers)");
        assertRefused(K3, model -> object(model.get("config")).put("trainable", false),
                "cnn-keras3.json: config: 'trainable' is false; Kiln supports only true");
    }

    @Test
    void anotherPrecisionIsRefused() {
        assertRefused(K2, model -> config(model, 4).put("dtype", "float16"),
                "layers[4] 'dense' (Dense): 'dtype' is \"float16\"; Kiln supports only float32 (Kiln computes in float32; a string or"
                        + " a DTypePolicy of that name)");
        assertRefused(K3, model -> config(model, 1).put("dtype", Map.of("module", "keras", "class_name", "DTypePolicy",
                        "config", Map.of("name", "mixed_float16"), "registered_name", "")),
                "layers[1] 'embedding' (Embedding): 'dtype' is DTypePolicy{name=\"mixed_float16\"}; Kiln supports only float32");
        assertRefused(K3, model -> object(entry(model, 0).get("config")).put("dtype", "bfloat16"),
                "layers[0] 'input_layer' (InputLayer): 'dtype' is \"bfloat16\"; Kiln supports only [\"float32\", \"float64\",");
    }

    @Test
    void optionsAtOtherThanTheirDefaultAreRefused() {
        assertRefused(K3, model -> config(model, 4).put("use_bias", false),
                "layers[4] 'dense' (Dense): 'use_bias' is false; Kiln supports only true (Kiln's Dense always has a bias)");
        assertRefused(K3, model -> object(config(model, 4).get("kernel_initializer")).put("class_name", "GlorotNormal"),
                "layers[4] 'dense' (Dense): 'kernel_initializer' is GlorotNormal{seed=null}; Kiln supports only glorot_uniform (Keras' default"
                        + " for kernels)");
        assertRefused(K2, model -> object(object(config(model, 1).get("embeddings_initializer")).get("config")).put("maxval", 0.1),
                "layers[1] 'embedding' (Embedding): 'embeddings_initializer' is RandomUniform{minval=-0.05, maxval=0.1, seed=null};"
                        + " Kiln supports only uniform, RandomUniform(-0.05, 0.05)");
        assertRefused(K3, model -> config(model, 2).put("padding", "causal"),
                "layers[2] 'conv1d' (Conv1D): 'padding' is \"causal\"; allowed: one of [valid, same]");
    }

    @Test
    void kerasTwosHardSigmoidIsReadAsItsOwnActivationAndKerasThreesAsKiln() throws IOException {
        KerasImport keras2 = KerasModelConfig.parse(edited(K2, model -> config(model, 4).put("activation", "hard_sigmoid")), K2,
                KerasLayers.engine());
        assertEquals("hard_sigmoid_keras2", keras2.model().layers().getLast().config().values().get("activation"));
        // Keras 3 has no name for clip(0.2 x + 0.5, 0, 1): exporting it is refused rather than written as Keras 3's hard_sigmoid.
        IllegalArgumentException export = assertThrows(IllegalArgumentException.class,
                () -> KerasModelConfig.toJson(keras2.model(), KerasLayers.engine()));
        assertEquals("layer 'dense' uses Keras 2's hard_sigmoid (clip(0.2 x + 0.5, 0, 1)), which Keras 3 has no activation for",
                export.getMessage());
        KerasImport keras3 = KerasModelConfig.parse(edited(K3, model -> config(model, 4).put("activation", "hard_sigmoid")), K3,
                KerasLayers.engine());
        assertEquals("hard_sigmoid", keras3.model().layers().getLast().config().values().get("activation"));
    }

    @Test
    void recurrentOptionsKilnDoesNotComputeAreRefused() throws KerasConfigException {
        String lstm = KerasModelConfigTest.layer("LSTM", "\"name\": \"lstm\", \"units\": 4, \"return_sequences\": false,"
                + " \"go_backwards\": false, \"%s\": %s");
        assertRefusedJson(sequential(lstm.formatted("dropout", "0.2")),
                "layers[0] 'lstm' (LSTM): 'dropout' is 0.2; Kiln supports only 0.0 (Kiln's recurrent layers have no input dropout;");
        assertRefusedJson(sequential(lstm.formatted("stateful", "true")),
                "'stateful' is true; Kiln supports only false (Kiln starts every batch from zero state)");
        assertRefusedJson(sequential(lstm.formatted("recurrent_activation", "\"tanh\"")),
                "'recurrent_activation' is \"tanh\"; Kiln supports only \"sigmoid\", or Keras 2's \"hard_sigmoid\" in a Keras 2 config");
        // In a Keras 3 config (module keys) hard_sigmoid is relu6(x + 3) / 6, which Kiln's LSTM gates do not compute.
        assertRefusedJson(sequential("{\"module\": \"keras.layers\", " + lstm.formatted("recurrent_activation", "\"hard_sigmoid\"")
                        .substring(1)), "'recurrent_activation' is \"hard_sigmoid\"; Kiln supports only \"sigmoid\"");
        // A Keras 2 config's hard_sigmoid is Keras 2's, clip(0.2 x + 0.5, 0, 1): the LSTM computes it.
        assertEquals("hard_sigmoid_keras2", parse(sequential(lstm.formatted("recurrent_activation", "\"hard_sigmoid\"")))
                .model().layers().getFirst().config().values().get("recurrent_activation"));
        assertRefusedJson(sequential(lstm.formatted("return_state", "true")), "'return_state' is true; Kiln supports only false");
        assertRefusedJson(sequential(lstm.formatted("unit_forget_bias", "false")), "'unit_forget_bias' is false");
        assertRefusedJson(sequential(lstm.formatted("time_major", "true")), "'time_major' is true");
        // Keras' implementations 1 and 2 compute the same; unrolling changes only how the loop runs.
        for (String same : List.of(lstm.formatted("implementation", "1"), lstm.formatted("unroll", "true"))) {
            assertEquals(List.of("LSTM"), KerasModelConfigTest.types(parse(sequential(same))));
        }
    }

    @Test
    void bidirectionalRefusesMergeModeNoneAndABackwardLayerThatIsNotTheMirror() throws KerasConfigException {
        String lstm = "\"units\": 4, \"return_sequences\": false, \"go_backwards\": %s";
        String forward = KerasModelConfigTest.layer("LSTM", "\"name\": \"forward_lstm\", " + lstm.formatted("false"));
        String backward = KerasModelConfigTest.layer("LSTM", "\"name\": \"backward_lstm\", " + lstm.formatted("true"));
        String bidirectional = "\"name\": \"bidirectional\", \"layer\": " + forward + ", \"merge_mode\": %s, \"backward_layer\": %s";
        KerasImport mirrored = parse(sequential(KerasModelConfigTest.layer("Bidirectional", bidirectional.formatted("\"concat\"", backward))));
        assertEquals("lstm", mirrored.model().layers().getFirst().config().getConfig("layer").getName()); // Keras' forward_ prefix dropped
        assertRefusedJson(sequential(KerasModelConfigTest.layer("Bidirectional", bidirectional.formatted("null", backward))),
                "layers[0] 'bidirectional' (Bidirectional): 'merge_mode' is null; Kiln supports a value here");
        assertRefusedJson(sequential(KerasModelConfigTest.layer("Bidirectional", bidirectional.formatted("\"concat\"",
                        backward.replace("\"units\": 4", "\"units\": 5")))),
                "'backward_layer' is LSTM{name=\"backward_lstm\", units=5, return_sequences=fals...; Kiln supports only the mirror"
                        + " of 'layer' (its config reading backwards");
        assertRefusedJson(sequential(KerasModelConfigTest.layer("Bidirectional", bidirectional.formatted("\"concat\"",
                        backward.replace("\"go_backwards\": true", "\"go_backwards\": false")))),
                "'backward_layer' is LSTM");
        assertRefusedJson(sequential(KerasModelConfigTest.layer("Bidirectional", bidirectional.formatted("\"concat\"", backward)
                        .replace("\"go_backwards\": false", "\"go_backwards\": true"))),
                "layers[0] 'bidirectional' (Bidirectional), its 'layer' 'forward_lstm' (LSTM): 'go_backwards' is true; Kiln supports"
                        + " only false inside a Bidirectional");
    }

    @Test
    void customClassesAndOtherModelsAreRefused() {
        assertRefused(K3, model -> entry(model, 4).put("module", "my_project.layers"),
                "layers[4] 'dense' (Dense): 'module' is \"my_project.layers\"; Kiln supports only Keras' own classes");
        assertRefused(K3, model -> entry(model, 4).put("registered_name", "Custom>Dense"),
                "'registered_name' is \"Custom>Dense\"; Kiln supports only None");
        assertRefused(K3, model -> model.put("class_name", "Graph"),
                "cnn-keras3.json: 'class_name' is \"Graph\"; Kiln supports only \"Sequential\", or \"Functional\"");
        // A Sequential's config is not a Functional one: its keys say so first.
        assertRefused(K3, model -> model.put("class_name", "Functional"),
                "cnn-keras3.json: config: unknown key 'build_input_shape': not one of a Functional config's keys");
        assertRefused(K3, model -> layers(model).add(layers(model).getFirst()),
                "layers[5] 'input_layer' (InputLayer): an InputLayer must come first in a Sequential model");
        assertRefused(K2, model -> model.put("keras_version", "1.2.2"),
                "'keras_version' is \"1.2.2\"; Kiln supports the configs of Keras 2 and 3");
        assertRefused(K3, model -> layers(model).subList(1, 5).clear(), "cnn-keras3.json: the model has no layers besides its InputLayer");
    }

    /** The CNN as Keras 3 saves it built with the Functional API: each layer called on the one before. */
    private static void asFunctional(Map<String, Object> model) {
        model.put("class_name", "Functional");
        Map<String, Object> modelConfig = object(model.get("config"));
        modelConfig.remove("build_input_shape");
        String previous = null;
        for (Object layer : layers(model)) {
            Map<String, Object> entry = object(layer);
            String name = (String) object(entry.get("config")).get("name");
            entry.put("name", name);
            entry.put("inbound_nodes", previous == null ? List.of() : List.of(Map.of("args", List.of(Map.of("class_name",
                    "__keras_tensor__", "config", Map.of("dtype", "float32", "keras_history", List.of(previous, 0, 0)))),
                    "kwargs", Map.of())));
            previous = name;
        }
        modelConfig.put("input_layers", List.of(List.of("input_layer", 0, 0)));
        modelConfig.put("output_layers", List.of(List.of(previous, 0, 0)));
    }

    @Test
    void aFunctionalChainIsReadAsTheSequentialItIsAndABranchIsRefusedByName() throws IOException {
        KerasImport chain = parse(edited(K3, KerasConfigRefusalTest::asFunctional));
        assertEquals(KerasModelConfigTest.types(parse(edited(K3, model -> { }))), KerasModelConfigTest.types(chain));
        assertRefused(K3, model -> {
            asFunctional(model);
            Map<?, ?> node = (Map<?, ?>) ((List<?>) entry(model, 4).get("inbound_nodes")).getFirst();
            entry(model, 4).put("inbound_nodes", List.of(Map.of("args", List.of(List.of(((List<?>) node.get("args")).getFirst(),
                    Map.of("class_name", "__keras_tensor__", "config", Map.of("keras_history", List.of("conv1d", 0, 0))))),
                    "kwargs", Map.of())));
        }, "cnn-keras3.json: layers[4] 'dense' (Dense): its inputs are [global_max_pooling1d, conv1d]; Kiln reads a Functional"
                + " model only when it is a chain: each layer's one input is the layer before it ('global_max_pooling1d')");
        assertRefused(K3, model -> {
            asFunctional(model);
            object(model.get("config")).put("output_layers", List.of(List.of("conv1d", 0, 0)));
        }, "cnn-keras3.json: config: 'output_layers' is a list of 1 items; Kiln supports only [[\"dense\", 0, 0]]: the one last"
                + " layer of the chain");
    }

    @Test
    void brokenJsonIsRefusedNamingTheFileAndOffset(@TempDir Path dir) throws IOException {
        String whole = Files.readString(CONFIGS.resolve(K3));
        for (String broken : List.of(whole.substring(0, whole.length() / 2), "{\"class_name\": Sequential}", "\u0000\u0001garbage", "")) {
            Path file = dir.resolve("broken.json");
            Files.writeString(file, broken);
            KerasConfigException refused = assertThrows(KerasConfigException.class, () -> KerasModelConfig.read(file, KerasLayers.engine()));
            assertTrue(refused.getMessage().startsWith(file + ": JSON ") && refused.getMessage().contains(" at character "),
                    refused.getMessage());
        }
        Files.write(dir.resolve("latin1.json"), "{\"class_name\": \"S\u00e9quential\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(dir.resolve("latin1.json") + ": not UTF-8 text; a Keras model config is JSON", assertThrows(
                KerasConfigException.class, () -> KerasModelConfig.read(dir.resolve("latin1.json"), KerasLayers.engine())).getMessage());
        assertEquals(dir.resolve("none.json") + ": no such file", assertThrows(KerasConfigException.class,
                () -> KerasModelConfig.read(dir.resolve("none.json"), KerasLayers.engine())).getMessage());
        assertTrue(assertThrows(KerasConfigException.class, () -> KerasModelConfig.parse("[1, 2]", "list", KerasLayers.engine()))
                .getMessage().startsWith("list: the file holds [1, 2]; a Keras model config is a JSON object"));
    }

    /** A file larger than MAX_BYTES is refused after reading at most MAX_BYTES + 1 of it; nesting is bounded too. */
    @Test
    void aHugeOrDeepFileIsRefusedWithinItsBounds(@TempDir Path dir) throws IOException {
        Path huge = dir.resolve("huge.json");
        try (var out = Files.newOutputStream(huge)) {
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i <= KerasModelConfig.MAX_BYTES >> 20; i++) {
                out.write(spaces);
            }
        }
        assertEquals(huge + ": larger than 16777216 bytes, the most Kiln reads of a Keras model config", assertThrows(
                KerasConfigException.class, () -> KerasModelConfig.read(huge, KerasLayers.engine())).getMessage());
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertTrue(assertThrows(KerasConfigException.class, () -> KerasModelConfig.parse(deep, "deep", KerasLayers.engine()))
                .getMessage().startsWith("deep: JSON nested more than 64 levels deep"));
    }

    @Test
    void buildingRefusesWhatCannotFeedAndWhatExceedsTheBudget() throws IOException {
        KerasImport masked = parse(edited(K3, model -> config(model, 1).put("mask_zero", true)));
        KerasConfigException refused = assertThrows(KerasConfigException.class, () -> masked.build(new Rng(1)));
        assertTrue(refused.getMessage().startsWith("cnn-keras3.json: ") && refused.getMessage().contains("conv1d"), refused.getMessage());
        KerasImport cnn = parse(edited(K3, model -> { }));
        assertTrue(assertThrows(KerasConfigException.class, () -> cnn.build(new Rng(1), 1000)).getMessage()
                .startsWith("cnn-keras3.json: the model has more than 1,000 weights (reached at embedding/embeddings"));
        KerasImport noInput = parse(sequential(KerasModelConfigTest.layer("Dense", "\"name\": \"d\", \"units\": 1, \"activation\": \"relu\"")));
        assertEquals(KerasInput.unknown(), noInput.input());
        assertTrue(assertThrows(KerasConfigException.class, () -> noInput.build(new Rng(1))).getMessage()
                .contains("the config gives no input shape"));
    }

    /** Refused: the message starts with the file, contains {@code expected}, and names no Java class. */
    private static void assertRefused(String file, Consumer<Map<String, Object>> edit, String expected) {
        KerasConfigException refused = assertThrows(KerasConfigException.class,
                () -> KerasModelConfig.parse(edited(file, edit), file, KerasLayers.engine()));
        assertTrue(refused.getMessage().startsWith(file + ": ") && refused.getMessage().contains(expected), refused.getMessage());
        assertNoJavaNames(refused.getMessage());
    }

    private static void assertRefusedJson(String json, String expected) {
        KerasConfigException refused = assertThrows(KerasConfigException.class, () -> parse(json));
        assertTrue(refused.getMessage().startsWith("test.json: ") && refused.getMessage().contains(expected), refused.getMessage());
        assertNoJavaNames(refused.getMessage());
    }

    private static void assertNoJavaNames(String message) {
        for (String java : List.of("java.", "Exception", "Integer", "Double", "Boolean", "LinkedHashMap", "dev.kiln")) {
            assertTrue(!message.contains(java), message);
        }
    }

    private static KerasImport parse(String json) throws KerasConfigException {
        return KerasModelConfig.parse(json, json.contains("\"conv1d\"") ? K3 : "test.json", KerasLayers.engine());
    }

    private static String sequential(String... layers) {
        return "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [" + String.join(", ", layers) + "]}}";
    }

    private static String edited(String file, Consumer<Map<String, Object>> edit) throws IOException {
        Map<String, Object> model = json(Files.readString(CONFIGS.resolve(file)));
        edit.accept(model);
        return JsonWriter.writeLine(model);
    }

    private static Map<String, Object> entry(Map<String, Object> model, int index) {
        return object(layers(model).get(index));
    }

    private static Map<String, Object> config(Map<String, Object> model, int index) {
        return object(entry(model, index).get("config"));
    }
}
