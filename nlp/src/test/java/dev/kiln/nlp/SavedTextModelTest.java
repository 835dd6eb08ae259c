package dev.kiln.nlp;

import dev.kiln.engine.model.ModelParts;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A model that starts with TextVectorization, saved and loaded: same vocabulary, same predictions on raw text. */
class SavedTextModelTest {

    @Test
    void aLoadedModelPredictsRawTextExactlyAsTheSavedOne(@TempDir Path folder) throws IOException {
        TextVectorization vectorizer = new TextVectorization(50);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            Sequential model = TinyTextModel.build(vectorizer, List.of("a fine film", "a dull film", "fine acting and a fine plot"), pool);
            Path file = folder.resolve("best_model.kiln");
            ModelFile.save(file, model, new AtomicFileWriter(true));

            ModelParts registry = ModelParts.engine().withLayer(TextVectorization.TYPE, TextVectorization::fromConfig);
            Sequential loaded = ModelFile.load(file, registry).model();
            loaded.compile(new Adam(1e-3f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            assertEquals(vectorizer.getVocabulary(), ((TextVectorization) loaded.layers().get(0)).getVocabulary());
            Texts reviews = Texts.of("A fine film!", "dull", "never seen words");
            assertArrayEquals(model.predict(reviews).data(), loaded.predict(reviews).data());
        }
    }

    /**
     * A bag-of-words model in each vector mode (bigrams; count and multi_hot padded to max_tokens):
     * the file restores the mode, the n-grams, the vocabulary and the idf weights, and the loaded
     * model's outputs are the saved one's, bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tf_idf", "multi_hot", "count"})
    void aBagOfWordsModelRoundTripsThroughAModelFile(String mode, @TempDir Path folder) throws IOException {
        TextVectorization vectorizer = TextVectorization.builder().maxTokens(40)
                .outputMode(TextVectorization.OutputMode.fromKerasName(mode)).ngrams(Ngrams.upTo(2))
                .padToMaxTokens(!mode.equals("tf_idf")).build();
        try (ComputePool pool = ComputePool.withThreads(2)) {
            vectorizer.adapt(List.of("a fine film", "a dull film", "fine acting and a fine plot", "dull dull dull"), pool);
            Sequential model = new Sequential(List.of(vectorizer, new Dense(4, Activation.RELU, "dense"),
                    new Dense(1, Activation.LINEAR, "dense_1")));
            model.build(0, new Rng(5));
            model.compile(new Adam(1e-3f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            Path file = folder.resolve("bag_of_words.kiln");
            ModelFile.save(file, model, new AtomicFileWriter(true));

            Sequential loaded = ModelFile.load(file, ModelParts.engine().withLayer(TextVectorization.TYPE,
                    TextVectorization::fromConfig)).model();
            TextVectorization restored = (TextVectorization) loaded.layers().get(0);
            assertEquals(vectorizer.config(), restored.config());
            assertEquals(vectorizer.outputMode(), restored.outputMode());
            assertEquals(Ngrams.upTo(2), restored.ngrams());
            assertEquals(vectorizer.getVocabulary(), restored.getVocabulary());
            if (mode.equals("tf_idf")) {
                assertArrayEquals(vectorizer.getIdfWeights(), restored.getIdfWeights());
            }
            assertEquals(vectorizer.outputShape(), restored.outputShape());
            loaded.compile(new Adam(1e-3f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            Texts reviews = Texts.of("A fine film!", "dull, dull acting", "never seen words", "");
            assertArrayEquals(model.predict(reviews).data(), loaded.predict(reviews).data());
        }
    }
}
