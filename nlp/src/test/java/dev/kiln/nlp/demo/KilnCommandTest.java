package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.keras.KerasImport;
import dev.kiln.checkpoint.keras.KerasModelConfig;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.Texts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KilnCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private byte[] input = new byte[0];

    private int kiln(String... args) {
        return Kiln.run(List.of(args), new ByteArrayInputStream(input), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("demo", "train", "predict", "export", "inspect")) {
            out.reset();
            assertEquals(0, kiln(command, "--help"), command);
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage:"), command);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("inspect FILE"));
        out.reset();
        assertEquals(0, kiln("export", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("kiln export --keras-json MODEL [--out FILE]"));
        out.reset();
        assertEquals(0, kiln("train", "--help"));
        String train = out.toString(StandardCharsets.UTF_8);
        for (String option : List.of("--epochs", "--batch-size", "--learning-rate", "--max-tokens", "--threads", "--seed", "--data",
                "--checkpoint", "--save-freq", "--resume", "--quick", "--download", "--input-projection", "--model", "--target")) {
            assertTrue(train.contains(option), option);
        }
    }

    @Test
    void badArgumentsAreUsageErrorsThatNameTheProblem() {
        assertEquals(2, kiln("fly"));
        assertTrue(errors().contains("unknown command 'fly'"), errors());
        assertEquals(2, kiln("train", "--epochs", "zero"));
        assertTrue(errors().contains("--epochs expects a whole number, got 'zero'"), errors());
        assertEquals(2, kiln("train", "--epochs", "0"));
        assertTrue(errors().contains("--epochs must be between 1 and 2147483647, got 0"), errors());
        assertEquals(2, kiln("demo", "--colour", "red"));
        assertTrue(errors().contains("unknown option --colour"), errors());
        assertEquals(2, kiln("train", "--save-freq", "sometimes"));
        assertTrue(errors().contains("--save-freq expects 'epoch' or a positive number of batches"), errors());
        assertEquals(2, kiln("train", "--input-projection", "fast"));
        assertTrue(errors().contains("--input-projection expects auto, table or per_token, got 'fast'"), errors());
        assertEquals(2, kiln("train", "--model", "deep"));
        assertTrue(errors().contains("--model expects seed, stacked, cnn or a Keras config FILE.json, got 'deep'"), errors());
        assertEquals(2, kiln("train", "--target", "mood"));
        assertTrue(errors().contains("--target expects sentiment, rating or stars, got 'mood'"), errors());
        assertEquals(2, kiln("demo", "--target", "rating"));
        assertTrue(errors().contains("unknown option --target"), errors());
        assertEquals(2, kiln("train", "--learning-rate"));
        assertTrue(errors().contains("--learning-rate needs a value"), errors());
    }

    @Test
    void missingDataSaysWhereToPutTheArchive(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.tar.gz");
        assertEquals(1, kiln("train", "--data", missing.toString(), "--out", dir.toString()));
        assertTrue(errors().contains(missing + ": no IMDB data here") && errors().contains("--download")
                && errors().contains("aclImdb_v1.tar.gz"), errors());
    }

    @Test
    void predictClassifiesRawTextWithASavedModel(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.kiln");
        float[] expected;
        try (ComputePool pool = ComputePool.withThreads(1)) {
            TextVectorization encoder = new TextVectorization(20);
            encoder.adapt(List.of("a great film", "a dull film", "great acting"), pool);
            Sequential model = SeedModel.build(encoder, 5);
            model.compile(new Adam(1e-3f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            ModelFile.save(file, model, new AtomicFileWriter(false));
            expected = model.predict(new Texts(List.of("a great film", "dull"))).data();
        }
        assertEquals(0, kiln("predict", "--model", file.toString(), "--threads", "1", "a great film", "dull"), errors());
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(2, lines.length);
        for (int i = 0; i < 2; i++) {
            assertTrue(lines[i].contains(String.format(Locale.ROOT, "output %+.4f", expected[i])), lines[i]);
            assertTrue(lines[i].startsWith(expected[i] > 0 ? "positive" : "negative"), lines[i]);
        }
        assertEquals(1, kiln("predict", "--model", dir.resolve("none").toString(), "text"));
        assertTrue(errors().contains(dir.resolve("none").toString()), errors());

        // Texts from standard input, one per line, answered as JSON lines.
        out.reset();
        input = "a great film\ndull\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(0, kiln("predict", "--model", file.toString(), "--threads", "1", "--json", "-"), errors());
        String[] json = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(2, json.length);
        for (int i = 0; i < 2; i++) {
            Map<?, ?> answer = (Map<?, ?>) JsonReader.parse(json[i], "line " + i);
            assertEquals(i == 0 ? "a great film" : "dull", answer.get("text"));
            assertEquals(expected[i] > 0 ? "positive" : "negative", answer.get("label"));
            double positive = 1 / (1 + Math.exp(-expected[i]));
            assertEquals(positive, ((Number) ((Map<?, ?>) answer.get("probabilities")).get("positive")).doubleValue(), 1e-6);
            assertEquals(expected[i], ((Number) ((List<?>) answer.get("outputs")).getFirst()).floatValue());
        }
        input = new byte[0];
        assertEquals(2, kiln("predict", "--model", file.toString()));
        assertTrue(errors().contains("give at least one text"), errors());
    }

    /** export --keras-json writes a saved model's config as Keras 3 JSON, which reads back as the same model. */
    @Test
    void exportWritesASavedModelsKerasJson(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.kiln");
        Sequential model;
        try (ComputePool pool = ComputePool.withThreads(1)) {
            TextVectorization encoder = new TextVectorization(20);
            encoder.adapt(List.of("a great film", "a dull film", "great acting"), pool);
            model = SeedModel.build(encoder, 5);
            ModelFile.save(file, model, new AtomicFileWriter(false));
        }
        assertEquals(0, kiln("export", "--keras-json", file.toString()), errors());
        String printed = out.toString(StandardCharsets.UTF_8).strip();
        KerasImport read = KerasModelConfig.parse(printed, "printed", SeedModel.kerasLayers());
        assertEquals(model.layers().stream().map(layer -> layer.config()).toList(),
                read.model().layers().stream().map(layer -> layer.config()).toList());
        assertEquals(0, kiln("export", "--keras-json", file.toString(), "--out", dir.resolve("model.json").toString()), errors());
        assertEquals(printed, Files.readString(dir.resolve("model.json")).strip());
        assertEquals(2, kiln("export", "--keras-json", file.toString(), "extra"));
        assertTrue(errors().contains("export: expected --keras-json MODEL [--out FILE]"), errors());
        assertEquals(1, kiln("export", "--keras-json", dir.resolve("none.kiln").toString()));
        assertTrue(errors().contains("kiln export: " + dir.resolve("none.kiln")), errors());
    }

    /** train --model FILE.json reads the config before the data: a refused one names the file, an accepted one goes on. */
    @Test
    void trainReadsAKerasConfigGivenAsItsModel(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nowhere.tar.gz");
        Path seed = Path.of("src/test/resources/keras-configs/seed-keras3.json");
        assertEquals(1, kiln("train", "--model", seed.toString(), "--data", missing.toString(), "--out", dir.toString()));
        assertTrue(errors().contains(missing + ": no IMDB data here"), errors()); // the config was read: the data is what is missing
        Path frozen = dir.resolve("frozen.json");
        Files.writeString(frozen, Files.readString(seed).replace("\"name\": \"dense\", \"trainable\": true",
                "\"name\": \"dense\", \"trainable\": false"));
        err.reset();
        assertEquals(1, kiln("train", "--model", frozen.toString(), "--data", missing.toString()));
        assertTrue(errors().startsWith("kiln train: " + frozen + ": layers[4] 'dense' (Dense): 'trainable' is false; Kiln"
                + " supports only true"), errors());
        err.reset();
        assertEquals(1, kiln("train", "--model", dir.resolve("absent.json").toString()));
        assertTrue(errors().contains(dir.resolve("absent.json") + ": no such file"), errors());
    }

    /** A rating model answers with its class names and probabilities; a stars model with a value. */
    @Test
    void predictNamesClassesAndValues(@TempDir Path dir) throws IOException {
        try (ComputePool pool = ComputePool.withThreads(1)) {
            TextVectorization encoder = new TextVectorization(20);
            encoder.adapt(List.of("a great film", "a dull film", "great acting"), pool);
            for (Target target : List.of(Target.RATING, Target.STARS)) {
                Sequential model = SeedModel.build(encoder, 5, target);
                SeedModel.compile(model, 1e-3, Engine.on(pool), target);
                Path file = dir.resolve(target + ".kiln");
                ModelFile.save(file, model, new AtomicFileWriter(false));
                float[] outputs = model.predict(new Texts(List.of("a great film"))).data();
                out.reset();
                assertEquals(0, kiln("predict", "--model", file.toString(), "--threads", "1", "--json", "a great film"), errors());
                Map<?, ?> answer = (Map<?, ?>) JsonReader.parse(out.toString(StandardCharsets.UTF_8).strip(), "answer");
                if (target == Target.RATING) {
                    Map<?, ?> probabilities = (Map<?, ?>) answer.get("probabilities");
                    assertEquals(target.classNames(), List.copyOf(probabilities.keySet()));
                    double sum = probabilities.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
                    assertEquals(1, sum, 1e-9);
                    int best = 0;
                    for (int c = 1; c < outputs.length; c++) {
                        best = outputs[c] > outputs[best] ? c : best;
                    }
                    assertEquals(target.classNames().get(best), answer.get("label"));
                } else {
                    assertEquals(null, answer.get("label"));
                    assertEquals(outputs[0], ((Number) ((List<?>) answer.get("outputs")).getFirst()).floatValue());
                }
            }
        }
    }

    /** import --keras makes a Kiln model file holding the Keras file's weights; a refused file names why, and nothing is written. */
    @Test
    void importMakesAKilnModelFileOfAKerasFile(@TempDir Path dir) throws IOException {
        Path keras = dev.kiln.engine.testing.SharedFiles.path("keras-files/spam-mlp-k3.keras");
        Path file = dir.resolve("spam.kiln");
        assertEquals(0, kiln("import", "--keras", keras.toString(), file.toString()), errors());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("wrote " + file + ": 820,897 weights from " + keras + " (Keras 3)"),
                out.toString(StandardCharsets.UTF_8));
        List<dev.kiln.engine.autodiff.Variable> read = dev.kiln.checkpoint.keras.KerasModelFile.load(keras).model().parameters();
        List<dev.kiln.engine.autodiff.Variable> saved = ModelFile.load(file, SeedModel.parts()).model().parameters();
        assertEquals(read.size(), saved.size());
        for (int i = 0; i < read.size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(read.get(i).data(), saved.get(i).data(), read.get(i).name());
        }
        Path refused = dir.resolve("pickle.kiln");
        Path hostile = dev.kiln.engine.testing.SharedFiles.path("keras-files/hostile-npz-pickle.keras");
        assertEquals(1, kiln("import", "--keras", hostile.toString(), refused.toString()));
        assertTrue(errors().contains("kiln import: " + hostile + ": two entries are named 'model.weights.npz'"), errors());
        assertTrue(Files.notExists(refused));
        assertEquals(2, kiln("import", "--keras", keras.toString()));
        assertTrue(errors().contains("import: expected --keras FILE OUT"), errors());
        out.reset();
        assertEquals(0, kiln("import", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: kiln import --keras FILE OUT"));
    }

    /** import --keras WEIGHTS --config JSON: a weights-only file with its config, matched by position and class. */
    @Test
    void importReadsAWeightsOnlyFileWithItsConfig(@TempDir Path dir) throws IOException {
        Path weights = dev.kiln.engine.testing.SharedFiles.path("keras-files/emoji-lstm2-k2-weights.h5");
        Path json = dev.kiln.engine.testing.SharedFiles.path("keras-files/emoji-lstm2.model.json");
        Path file = dir.resolve("emoji.kiln");
        assertEquals(0, kiln("import", "--keras", weights.toString(), "--config", json.toString(), file.toString()), errors());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("wrote " + file + ": 62,789 weights from " + weights + " (Keras 3)"), printed);
        assertTrue(printed.contains("note: weights read from " + weights + " (Keras 2 layout), matched with the config's layers by"
                + " position and class"), printed);
        List<dev.kiln.engine.autodiff.Variable> read = dev.kiln.checkpoint.keras.KerasModelFile.load(weights, json).model().parameters();
        List<dev.kiln.engine.autodiff.Variable> saved = ModelFile.load(file, SeedModel.parts()).model().parameters();
        assertEquals(read.size(), saved.size());
        for (int i = 0; i < read.size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(read.get(i).data(), saved.get(i).data(), read.get(i).name());
        }
    }

    /** import --keras keeps an Adam state (iterations, m and v) in the Kiln model file, and says so. */
    @Test
    void importKeepsTheKerasAdamState(@TempDir Path dir) throws IOException {
        Path keras = dev.kiln.engine.testing.SharedFiles.path("keras-files/aura-imdb-embed-gap-k3.keras");
        Path file = dir.resolve("aura.kiln");
        assertEquals(0, kiln("import", "--keras", keras.toString(), file.toString()), errors());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("note: optimizer state imported: Adam after 800 iterations"),
                out.toString(StandardCharsets.UTF_8));
        dev.kiln.engine.optim.Optimizer saved = ModelFile.load(file, SeedModel.parts()).optimizer().orElseThrow();
        dev.kiln.engine.part.PartState state = saved.saveState();
        assertEquals(800, state.getLong("iterations"));
        dev.kiln.engine.part.PartState imported = dev.kiln.checkpoint.keras.KerasModelFile.load(keras).optimizer().orElseThrow()
                .saveState();
        assertEquals(imported.tensors().keySet(), state.tensors().keySet());
        imported.tensors().forEach((name, tensor) -> org.junit.jupiter.api.Assertions.assertArrayEquals(tensor.data(),
                state.tensors().get(name).data(), name));
    }

    /** inspect FILE.keras|.h5: format, version, date, layers and optimizer state; a refused file is the loader's message. */
    @Test
    void inspectShowsAKerasFile() {
        Path aura = dev.kiln.engine.testing.SharedFiles.path("keras-files/aura-imdb-embed-gap-k3.keras");
        assertEquals(0, kiln("inspect", aura.toString()), errors());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith(aura + ": Keras 3 .keras archive, Keras 3.10.0.dev2025061403, saved 2025-06-15@13:48:41\n"
                + "layers (4):\n"), printed);
        assertTrue(printed.contains("  dense_2                      Dense                    (None, 16)                    272\n"), printed);
        assertTrue(printed.contains("total: 160,289 parameters\noptimizer state: present, imported\n"), printed);
        Path lambda = dev.kiln.engine.testing.SharedFiles.path("keras-files/lambda-seq-k2.h5");
        assertEquals(1, kiln("inspect", lambda.toString()));
        assertTrue(errors().startsWith("kiln inspect: " + lambda + ": model_config: layers[1] 'lambda_1' (Lambda): Kiln has no"
                + " layer for Keras' Lambda"), errors());
    }

    /** predict --model FILE.keras reads the Keras file directly; one that does not take texts is refused saying what it takes. */
    @Test
    void predictReadsAKerasFileDirectly() {
        Path aura = dev.kiln.engine.testing.SharedFiles.path("keras-files/aura-imdb-embed-gap-k3.keras");
        assertEquals(1, kiln("predict", "--model", aura.toString(), "a text"));
        assertTrue(errors().contains("kiln predict: " + aura + ": the model takes token ids (its first layer is an Embedding);"
                + " kiln predict answers for texts, which needs a model that starts with TextVectorization"), errors());
        // A text model whose vocabulary is the archive's asset (KerasTextArchiveTest checks its outputs against NumPy).
        Path text = Path.of("src/test/resources/keras-files/text-vectorization-synthetic-k3.keras");
        out.reset();
        assertEquals(0, kiln("predict", "--model", text.toString(), "--json", "The film was good!"), errors());
        Map<?, ?> answer = (Map<?, ?>) dev.kiln.engine.json.JsonReader.parse(out.toString(StandardCharsets.UTF_8).strip(), "out");
        assertEquals("1", answer.get("label"));
        assertEquals(0.5235350818147196, ((Number) ((List<?>) answer.get("outputs")).getFirst()).doubleValue(), 1e-5);
    }
}
