package dev.kiln.nlp.imdb;

import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Conv1D;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.GlobalPooling1D;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.FitOptions;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.testing.SharedFiles;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.Tokenizer;
import dev.kiln.nlp.demo.ImdbData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14's CNN text model trains on the real reviews from the library API alone:
 * TextVectorization(max_tokens 1000, output_sequence_length 200) -> Embedding(1000, 64,
 * mask_zero=False) -> Conv1D(128, 5, relu) -> GlobalMaxPooling1D -> Dense(1), compiled with
 * Adam(1e-3), BinaryCrossentropy(from_logits) and accuracy, fitted 3 epochs on 2,000 train
 * reviews, and then clearly above chance on 2,000 test reviews.
 */
class CnnTextModelIT {

    @Test
    void cnnTextModelLearnsSentimentFromAFewThousandReviews() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ImdbData data = ImdbData.load(SharedFiles.path("datasets/imdb/aclImdb_v1_labeled.tar.gz"), 2000,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        try (ComputePool pool = ComputePool.withThreads(2)) {
            // output_sequence_length pads with id 0 (kept as a token, unmasked) and truncates, as Keras does.
            TextVectorization encoder = new TextVectorization(1000, Tokenizer.keras(), 200, "text_vectorization");
            encoder.adapt(data.trainTexts(), pool);
            Sequential model = new Sequential(List.of(encoder, new Embedding(1000, 64, false, "embedding"),
                    new Conv1D(128, 5, 1, 1, false, Activation.RELU, "conv1d"), GlobalPooling1D.max("global_max_pooling1d"),
                    new Dense(1, Activation.LINEAR, "dense")));
            model.build(0, new Rng(42));
            model.compile(new Adam(1e-3), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            long start = System.nanoTime();
            model.fit(data.training(32, 2000, 42), FitOptions.epochs(3));
            Logs test = model.evaluate(data.testing(64));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("CNN text model: %s after 3 epochs on 2,000 reviews, %.1f s to train and evaluate%n", test, seconds);
            assertTrue(test.get("accuracy") > 0.65, "test accuracy " + test);
        }
    }
}
