package dev.kiln.nlp.demo;

import dev.kiln.engine.testing.SharedFiles;
import dev.kiln.nlp.imdb.Review;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kiln train on a folder of class folders made from IMDB reviews by rating (1-2 low, 3-4 and 7-8
 * mid, 9-10 high), from a Keras JSON spec that ends in softmax, checkpointed, reloaded and
 * asked for predictions that name the classes.
 */
class TrainOwnFolderIT {
    private static final Path SEED_CONFIG = Path.of("src/test/resources/keras-configs/seed-keras3.json");

    @Test
    void aThreeClassFolderTrainsFromAKerasSpecAndPredictsByClassName(@TempDir Path dir) throws IOException {
        ImdbData imdb = ImdbData.load(SharedFiles.path("datasets/imdb/aclImdb_v1_labeled.tar.gz"), 300, System.out);
        Path reviews = dir.resolve("reviews");
        for (String name : List.of("low", "mid", "high")) {
            Files.createDirectories(reviews.resolve(name));
        }
        for (Review review : imdb.train()) {
            int r = review.rating();
            String name = r <= 2 ? "low" : r >= 9 ? "high" : "mid";
            Files.writeString(reviews.resolve(name).resolve(review.id() + "_" + r + ".txt"), review.text());
        }
        Path spec = Files.writeString(dir.resolve("three.json"), Files.readString(SEED_CONFIG)
                .replaceAll("\"units\": 1, \"activation\": \"linear\"", "\"units\": 3, \"activation\": \"softmax\""));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path checkpoint = dir.resolve("ckpt/best");
        int status = Kiln.run(List.of("train", "--data", reviews.toString(), "--model", spec.toString(), "--epochs", "2",
                "--batch-size", "32", "--threads", "2", "--learning-rate", "0.003", "--out", dir.resolve("out").toString(),
                "--checkpoint", checkpoint.toString()), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String log = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8) + log);
        assertTrue(log.contains("Found 300 files belonging to 3 classes.\nUsing 240 files for training.\nUsing 60 files for"
                + " validation.\n"), log);
        assertTrue(log.contains("Task: softmax over 3 classes: 'high', 'low', 'mid'"), log);
        assertTrue(log.contains("loss SparseCategoricalCrossentropy(from_logits=False: the last layer 'dense_1' applies softmax),"
                + " metrics accuracy\n"), log);
        assertTrue(log.contains("saving model to " + checkpoint), log);
        assertTrue(log.contains("The best model on the validation part (60 texts"), log);

        out.reset();
        assertEquals(0, Kiln.run(List.of("predict", "--model", checkpoint.toString(), "--threads", "2", "A masterpiece.",
                "Awful."), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
        for (String line : out.toString(StandardCharsets.UTF_8).strip().split("\n")) {
            assertTrue(line.matches("(high|low|mid) +p = .*"), line);
        }
    }
}
