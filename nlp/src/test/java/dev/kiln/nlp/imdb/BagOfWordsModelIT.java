package dev.kiln.nlp.imdb;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.FitOptions;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.testing.SharedFiles;
import dev.kiln.nlp.Ngrams;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.Texts;
import dev.kiln.nlp.demo.ImdbData;
import dev.kiln.nlp.demo.SeedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bag-of-words model trains on the real reviews from the library API alone:
 * TextVectorization(max_tokens 10,000, output_mode tf_idf, ngrams 2) adapted on the train reviews
 * -> Dense(16, relu) -> Dense(1), compiled with Adam(1e-3), BinaryCrossentropy(from_logits) and
 * accuracy, fitted 2 epochs on the train split and then clearly above chance on the whole test
 * split; saved and loaded, it predicts the same. Measured 2026-12-03 (2 cores shared with other
 * work): accuracy 0.8805 on the 25,000 test reviews; 13 s in all (adapt 4.2 s, fit 6.1 s,
 * evaluate 1.7 s).
 */
class BagOfWordsModelIT {
    private static final int REVIEWS = 0; // 0: every review of both splits

    @Test
    void tfIdfBigramModelLearnsSentimentFromTheTrainSplit(@TempDir Path folder) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        long start = System.nanoTime();
        ImdbData data = ImdbData.load(SharedFiles.path("datasets/imdb/aclImdb_v1_labeled.tar.gz"), REVIEWS,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        double loading = seconds(start);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            long adaptStart = System.nanoTime();
            TextVectorization encoder = TextVectorization.builder().maxTokens(10_000)
                    .outputMode(TextVectorization.OutputMode.TF_IDF).ngrams(Ngrams.upTo(2)).build();
            encoder.adapt(data.trainTexts(), pool);
            double adapting = seconds(adaptStart);
            assertEquals(10_000, encoder.vocabularySize());
            Sequential model = new Sequential(List.of(encoder, new Dense(16, Activation.RELU, "dense"),
                    new Dense(1, Activation.LINEAR, "dense_1")));
            model.build(0, new Rng(42));
            model.compile(new Adam(1e-3), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            long fitStart = System.nanoTime();
            model.fit(data.training(32, 10_000, 42), FitOptions.epochs(2));
            double fitting = seconds(fitStart);
            long evaluateStart = System.nanoTime();
            Logs test = model.evaluate(data.testing(64));
            double evaluating = seconds(evaluateStart);
            System.out.printf("Bag-of-words model (tf_idf, bigrams, 10,000 tokens): %s on %,d test reviews after 2 epochs on"
                            + " %,d; load %.1f s, adapt %.1f s, fit %.1f s, evaluate %.1f s%n", test, data.test().size(),
                    data.train().size(), loading, adapting, fitting, evaluating);
            assertTrue(test.get("accuracy") > 0.8, "test accuracy " + test);

            Path file = folder.resolve("bag_of_words.kiln");
            ModelFile.save(file, model, new AtomicFileWriter(false));
            ModelFile.Loaded loaded = ModelFile.load(file, SeedModel.parts());
            Sequential again = loaded.compile(Engine.on(pool));
            Texts reviews = new Texts(data.test().subList(0, 64).stream().map(Review::text).toList());
            assertArrayEquals(model.predict(reviews).data(), again.predict(reviews).data(), "the saved model predicts the same");
            assertArrayEquals(encoder.getIdfWeights(), ((TextVectorization) again.layers().getFirst()).getIdfWeights());
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
