package dev.kiln.nlp.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kiln train on a user's CSV and JSON Lines files, run in-process as KilnCommandTest runs commands; and its refusals. */
class TrainOwnDataTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int kiln(String... args) {
        out.reset();
        err.reset();
        return Kiln.run(List.of(args), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Short reviews whose words give their class away: "good"/"great" positive, "bad"/"dull" negative. */
    private static Path csv(Path file, int rows, int salt) throws IOException {
        List<String> lines = new ArrayList<>(List.of("review,sentiment"));
        for (int i = 0; i < rows; i++) {
            boolean positive = (i * 7 + salt) % 3 != 0;
            lines.add("\"" + (positive ? "a good, great film " : "a bad, dull film ") + "number " + i % 13 + "\"," + (positive ? "pos" : "neg"));
        }
        Files.write(file, lines);
        return file;
    }

    private String[] small(Path dir, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--out", dir.resolve("out").toString(), "--epochs", "2",
                "--batch-size", "16", "--learning-rate", "0.01", "--max-tokens", "40", "--threads", "1", "--model", "cnn"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aCsvFileTrainsABinaryClassifierValidatedOnASeededSplitAndScoredOnTestData(@TempDir Path dir) throws IOException {
        Path train = csv(dir.resolve("reviews.csv"), 300, 0);
        Path test = csv(dir.resolve("test.csv"), 60, 1);
        assertEquals(0, kiln(small(dir, "--data", train.toString(), "--text-column", "review", "--label-column", "sentiment",
                "--validation-split", "0.25", "--test-data", test.toString())), errors());
        String log = output();
        assertTrue(log.contains("Task: binary (one logit) over 2 classes: 'neg' ("), log);
        assertTrue(log.matches("(?s).*Using \\d+ records for training and \\d+ for validation \\(--validation-split 0.25, seed 42\\).*"),
                log);
        assertTrue(log.contains("Compiled: Adam(learning_rate=0.01), loss BinaryCrossentropy(from_logits=True: the"
                + " last layer 'dense_1' is linear), metrics accuracy"), log);
        assertTrue(log.contains("The best model on the validation part ("), log);
        assertTrue(log.matches("(?s).*The best model on the test data \\(60 texts.*accuracy 1\\.0000.*"), log);
        Path model = dir.resolve("out/best_model");
        assertEquals(0, kiln("predict", "--model", model.toString(), "--threads", "1", "a great film", "a dull film"), errors());
        String[] answers = output().strip().split("\n");
        assertTrue(answers[0].startsWith("pos "), output());
        assertTrue(answers[1].startsWith("neg "), output());
    }

    @Test
    void aJsonLinesFileWithNumbersTrainsARegressionWithTheCompileSettingsGiven(@TempDir Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int stars = 1 + i % 5;
            lines.add("{\"text\": \"" + "star ".repeat(stars) + "film\", \"score\": " + stars + "}");
        }
        Path file = Files.write(dir.resolve("scores.jsonl"), lines);
        assertEquals(0, kiln(small(dir, "--data", file.toString(), "--label-column", "score", "--target", "regression",
                "--optimizer", "rmsprop", "--loss", "huber", "--metrics", "mae,mse")), errors());
        String log = output();
        assertTrue(log.contains("Task: regression on the numeric labels"), log);
        assertTrue(log.contains("Compiled: RMSprop(learning_rate=0.01), loss Huber, metrics mae, mse"), log);
        assertEquals(0, kiln("predict", "--model", dir.resolve("out/best_model").toString(), "--json", "star star film"), errors());
        assertTrue(output().startsWith("{\"text\": \"star star film\", \"outputs\": ["), output());
    }

    @Test
    void dataErrorsAreOneMessageWithoutAJavaClassName(@TempDir Path dir) throws IOException {
        Path reviews = csv(dir.resolve("reviews.csv"), 40, 0);
        assertEquals(1, kiln(small(dir, "--data", reviews.toString(), "--text-column", "text")));
        assertEquals("kiln train: " + reviews + ": line 1: no column 'text' in the header; its columns are 'review', 'sentiment'\n", errors());

        assertEquals(2, kiln(small(dir, "--data", reviews.toString(), "--text-column", "review", "--label-column", "sentiment",
                "--loss", "hinge")));
        assertTrue(errors().startsWith("kiln: train: unknown loss 'hinge': Kiln knows "), errors());

        assertEquals(1, kiln(small(dir, "--data", reviews.toString(), "--text-column", "review", "--label-column", "sentiment",
                "--target", "regression")));
        assertEquals("kiln train: " + reviews + ": line 2, column 'sentiment': the label 'neg' is not a number; the labels are"
                + " numbers here (a decimal such as 4, -0.5 or 1e3)\n", errors());

        Path folder = dir.resolve("one");
        Files.createDirectories(folder.resolve("only"));
        Files.writeString(folder.resolve("only/1.txt"), "a text");
        Files.writeString(folder.resolve("only/2.txt"), "another text");
        assertEquals(1, kiln(small(dir, "--data", folder.toString(), "--validation-split", "0.5")));
        assertEquals("kiln train: " + folder + ": 1 class folder ('only'); a classifier needs at least 2 classes: one subfolder of"
                + " .txt files per class\n", errors());
        assertFalse(errors().contains("Exception"), errors());
    }
}
