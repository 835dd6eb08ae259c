package dev.kiln.nlp;

import dev.kiln.checkpoint.keras.KerasConfigException;
import dev.kiln.checkpoint.keras.KerasImport;
import dev.kiln.checkpoint.keras.KerasInput;
import dev.kiln.checkpoint.keras.KerasLayers;
import dev.kiln.checkpoint.keras.KerasModelConfig;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.random.Rng;
import dev.kiln.nlp.demo.SeedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tutorial's two text models as Keras 3.10 and tf.keras 2.11 write their configs
 * (src/test/resources/keras-configs): read with nlp's TextVectorization table, each is the model
 * Keras reports (layer order, parameter count), its TextVectorization still to adapt; a Kiln text
 * model exported as Keras JSON reads back as the same model, vocabulary included.
 */
class KerasTextModelsTest {
    private static final Path CONFIGS = Path.of("src/test/resources/keras-configs");
    private static final KerasLayers LAYERS = KerasLayers.engine().with(TextVectorizationKeras.TABLE);

    @ParameterizedTest
    @CsvSource({"seed-keras3.json, 3, 138369", "seed-keras2.json, 2, 138369", "stacked-keras3.json, 3, 175489",
            "stacked-keras2.json, 2, 175489"})
    void theTutorialModelsBuildAsKerasReportsThem(String file, int version, long parameters) throws IOException {
        KerasImport imported = KerasModelConfig.read(CONFIGS.resolve(file), LAYERS);
        List<String> expected = file.startsWith("seed")
                ? List.of("TextVectorization", "Embedding", "Bidirectional", "Dense", "Dense")
                : List.of("TextVectorization", "Embedding", "Bidirectional", "Bidirectional", "Dense", "Dropout", "Dense");
        assertEquals(expected, imported.model().layers().stream().map(layer -> layer.config().type()).toList());
        assertEquals(version, imported.kerasMajorVersion());
        assertEquals(KerasInput.texts(), imported.input());
        TextVectorization encoder = (TextVectorization) imported.model().layers().getFirst();
        assertFalse(encoder.isBuilt()); // Keras keeps an adapted vocabulary as an asset, not in the config
        assertEquals(1000, encoder.config().values().get("max_tokens"));
        assertEquals("lstm", ((Layer) imported.model().layers().get(2)).config().getConfig("layer").getName());
        imported.build(new Rng(42));
        assertEquals(parameters, imported.model().parameterCount());
    }

    /** Adapted, the imported seed model is the demo's seed model: same configs, same parameters in the same order. */
    @Test
    void theImportedSeedModelIsTheDemosSeedModel() throws IOException {
        // 1,200 distinct tokens fill the 1,000 entries, so the demo's Embedding(vocabulary size) is Keras' Embedding(1000).
        List<String> texts = java.util.stream.IntStream.range(0, 1200).mapToObj(i -> "token" + i + " film").toList();
        try (ComputePool pool = ComputePool.withThreads(1)) {
            KerasImport imported = KerasModelConfig.read(CONFIGS.resolve("seed-keras3.json"), LAYERS);
            ((TextVectorization) imported.model().layers().getFirst()).adapt(texts, pool);
            imported.build(new Rng(42));
            Sequential seed = SeedModel.build(SeedModel.adaptedVectorizer(1000, texts, pool), 42);
            assertEquals(configs(seed), configs(imported.model()));
            assertEquals(seed.parameterCount(), imported.model().parameterCount());
            for (int p = 0; p < seed.parameters().size(); p++) {
                assertEquals(seed.parameters().get(p).name(), imported.model().parameters().get(p).name());
            }
        }
    }

    @Test
    void aKilnTextModelExportedAsKerasJsonReadsBackAsTheSameModel() throws IOException {
        try (ComputePool pool = ComputePool.withThreads(1)) {
            TextVectorization encoder = new TextVectorization(20, Tokenizer.keras(), 12, "text_vectorization");
            encoder.adapt(List.of("a great film", "a dull film", "great acting"), pool);
            Sequential model = SeedModel.build(encoder, 3);
            String json = KerasModelConfig.toJson(model, LAYERS);
            assertTrue(json.contains("\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null], \"dtype\": \"string\""), json);
            KerasImport again = KerasModelConfig.parse(json, "exported", LAYERS);
            assertTrue(again.model().layers().getFirst().isBuilt()); // the vocabulary travels in the config
            again.build(new Rng(3));
            assertEquals(configs(model), configs(again.model()));
            assertEquals(model.parameterCount(), again.model().parameterCount());
            assertEquals(KerasInput.texts(), again.input());
        }
    }

    /** Options of TextVectorization that Kiln does not compute are refused by name. */
    @Test
    void textVectorizationOptionsKilnDoesNotComputeAreRefused() throws IOException {
        String seed = Files.readString(CONFIGS.resolve("seed-keras3.json"));
        String where = "seed: layers[1] 'text_vectorization' (TextVectorization): ";
        String[][] cases = { // {what Keras wrote, what is written instead, what Kiln says}
            {"\"output_mode\": \"int\"", "\"output_mode\": \"one_hot\"",
                "'output_mode' is \"one_hot\"; allowed: one of [int, multi_hot, count, tf_idf]"},
            {"\"ngrams\": null", "\"ngrams\": 0", "'ngrams' is 0"},
            {"\"standardize\": \"lower_and_strip_punctuation\"", "\"standardize\": \"my_standardize\"",
                "'standardize' is \"my_standardize\"; allowed: one of ["},
            {"\"encoding\": \"utf-8\"", "\"encoding\": \"latin-1\"", "'encoding' is \"latin-1\"; Kiln supports only \"utf-8\""},
            {"\"vocabulary\": null", "\"vocabulary\": \"vocab.txt\"", "'vocabulary' is \"vocab.txt\"; allowed: a list of strings"}};
        for (String[] edit : cases) {
            assertRefused(seed.replace(edit[0], edit[1]), where + edit[2]);
        }
        // The output modes and ngrams Kiln computes are read.
        KerasImport bag = KerasModelConfig.parse(seed.replace("\"output_mode\": \"int\"", "\"output_mode\": \"multi_hot\"")
                .replace("\"ngrams\": null", "\"ngrams\": 2"), "seed", LAYERS);
        assertEquals("multi_hot", bag.model().layers().getFirst().config().values().get("output_mode"));
        // Keras' None for standardize and split is Kiln's "none".
        KerasImport raw = KerasModelConfig.parse(seed.replace("\"standardize\": \"lower_and_strip_punctuation\"",
                "\"standardize\": null"), "seed", LAYERS);
        assertEquals("none", raw.model().layers().getFirst().config().values().get("standardize"));
    }

    /** checkpoint/KERAS.md shows TextVectorization's table as the code has it. */
    @Test
    void kerasMdShowsTextVectorizationsTable() throws IOException {
        String document = Files.readString(Path.of("../checkpoint/KERAS.md"));
        assertTrue(document.contains(TextVectorizationKeras.TABLE.describe()),
                "checkpoint/KERAS.md should show TextVectorization's table as:\n" + TextVectorizationKeras.TABLE.describe());
    }

    private static void assertRefused(String json, String expected) {
        KerasConfigException refused = assertThrows(KerasConfigException.class, () -> KerasModelConfig.parse(json, "seed", LAYERS));
        assertEquals(expected, refused.getMessage().substring(0, Math.min(expected.length(), refused.getMessage().length())),
                refused.getMessage());
    }

    private static List<Object> configs(Sequential model) {
        return model.layers().stream().map(layer -> (Object) layer.config()).toList();
    }
}
