package dev.kiln.checkpoint.callback;

import dev.kiln.engine.model.ModelParts;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.FitParameters;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCheckpointTest {
    private static final CheckpointOptions NO_FSYNC = CheckpointOptions.defaults().withFsync(false);
    private ComputePool pool;
    private Sequential model;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @BeforeEach
    void buildModel() {
        pool = ComputePool.singleThreaded();
        model = new Sequential(List.of(new Embedding(10, 3, true, "embedding"), new Lstm(2, false, "lstm"),
                new Dense(1, Activation.LINEAR, "dense")));
        model.build(0, new Rng(1));
        model.compile(new Adam(0.01f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    private static Logs logs(String key, Double value) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", 0.5);
        if (value != null) {
            values.put(key, value);
        }
        return Logs.of(values);
    }

    @Test
    void saveBestOnlySavesOnStrictImprovementsWithKerasMessages(@TempDir Path folder) throws IOException {
        Path best = folder.resolve("best_model");
        ModelCheckpoint checkpoint = ModelCheckpoint.builder(best.toString()).verbose(1).saveBestOnly(true).options(NO_FSYNC).out(out).build();
        checkpoint.setContext(model, new FitParameters(1, 6, 10));
        Double[] losses = {0.80970, 0.9, 0.80970, 0.7, Double.NaN, null};
        for (int epoch = 0; epoch < losses.length; epoch++) {
            checkpoint.onEpochBegin(epoch, Logs.empty());
            checkpoint.onEpochEnd(epoch, logs("val_loss", losses[epoch]));
            if (epoch == 0) {
                assertTrue(Files.exists(best), "the first value always improves on inf");
            }
            if (epoch == 1) {
                Files.delete(best); // only another improvement may bring it back
            }
            if (epoch == 2) {
                assertFalse(Files.exists(best), "an equal value is no improvement: nothing saved");
            }
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Epoch 1: val_loss improved from inf to 0.80970, saving model to " + best), text);
        assertTrue(text.contains("Epoch 2: val_loss did not improve from 0.80970"), text);
        assertTrue(text.contains("Epoch 3: val_loss did not improve from 0.80970"), "equal is not better: " + text);
        assertTrue(text.contains("Epoch 4: val_loss improved from 0.80970 to 0.70000"), text);
        assertTrue(text.contains("NaN is never the best"), text);
        assertTrue(text.contains("Can save best model only with val_loss available, skipping."), text);
        assertEquals(0.7, checkpoint.best(), 1e-12);
        assertTrue(ModelFile.load(best, ModelParts.engine()).model().isBuilt());
    }

    @Test
    void templatesFormatWithTheRootLocaleAndFailEarly(@TempDir Path folder) {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            FilepathTemplate template = new FilepathTemplate(folder + "/w.{epoch:02d}-{val_loss:.2f}.kiln");
            assertEquals(folder + "/w.03-0.81.kiln", template.format(Map.of("epoch", 3, "val_loss", 0.80970)));
        } finally {
            Locale.setDefault(saved);
        }
        var malformed = assertThrows(IllegalArgumentException.class, () -> new FilepathTemplate("ckpt-{epoch:02d"));
        assertTrue(malformed.getMessage().contains("malformed field"), malformed.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> new FilepathTemplate("x-{val_acc:.3f}").format(Map.of("epoch", 1)));
        assertTrue(missing.getMessage().startsWith("Failed to format this callback filepath: \"x-{val_acc:.3f}\""),
                missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.builder("m").saveFreq(-1));
        assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.builder("m").verbose(2).build());
    }

    @Test
    void saveFreqInBatchesCountsAcrossEpochsAsKerasDoes(@TempDir Path folder) {
        ModelCheckpoint checkpoint = ModelCheckpoint.builder(folder + "/m-{epoch}-{batch}.kiln").monitor("loss").saveFreq(3)
                .options(NO_FSYNC).out(out).build();
        checkpoint.setContext(model, new FitParameters(1, 2, 4));
        for (int epoch = 0; epoch < 2; epoch++) {
            checkpoint.onEpochBegin(epoch, Logs.empty());
            for (int batch = 0; batch < 4; batch++) {
                checkpoint.onTrainBatchEnd(batch, logs("loss", 0.5));
            }
            checkpoint.onEpochEnd(epoch, logs("loss", 0.5));
        }
        assertTrue(Files.exists(folder.resolve("m-1-3.kiln")), "after the third batch");
        assertTrue(Files.exists(folder.resolve("m-2-2.kiln")), "three batches later, counting across the epoch boundary");
        assertFalse(Files.exists(folder.resolve("m-2-4.kiln")));
    }

    @Test
    void autoModeMaximizesAccuracies(@TempDir Path folder) {
        ModelCheckpoint checkpoint = ModelCheckpoint.builder(folder + "/acc").monitor("val_accuracy").saveBestOnly(true).options(NO_FSYNC).out(out).build();
        checkpoint.setContext(model, new FitParameters(1, 2, 1));
        checkpoint.onEpochEnd(0, logs("val_accuracy", 0.6));
        checkpoint.onEpochEnd(1, logs("val_accuracy", 0.7));
        assertEquals(0.7, checkpoint.best(), 1e-12);
        ModelCheckpoint threshold = ModelCheckpoint.builder(folder + "/t").saveBestOnly(true).initialValueThreshold(0.5).options(NO_FSYNC).out(out)
                .build();
        threshold.setContext(model, new FitParameters(1, 1, 1));
        threshold.onEpochEnd(0, logs("val_loss", 0.6));
        assertFalse(Files.exists(folder.resolve("t")), "initialValueThreshold 0.5 is not beaten by 0.6");
    }

    private void epochs(ModelCheckpoint checkpoint, String key, double... values) {
        checkpoint.setContext(model, new FitParameters(1, values.length, 1));
        checkpoint.onTrainBegin(Logs.empty());
        for (int epoch = 0; epoch < values.length; epoch++) {
            checkpoint.onEpochBegin(epoch, Logs.empty());
            checkpoint.onEpochEnd(epoch, logs(key, values[epoch]));
        }
        checkpoint.onTrainEnd(Logs.empty());
    }

    @Test
    void weightsOnlyFilesLoadIntoABuiltModelWithShapeChecks(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("weights.kiln");
        epochs(ModelCheckpoint.builder(file.toString()).saveWeightsOnly(true).options(NO_FSYNC).out(out).build(), "val_loss", 0.5);
        Map<String, Object> metadata = ModelFile.readMetadata(file);
        assertEquals(true, metadata.get("weights_only"));
        assertEquals(null, metadata.get("optimizer"), "no optimizer state in a weights-only file");
        Sequential other = new Sequential(List.of(new Embedding(10, 3, true, "embedding"), new Lstm(2, false, "lstm"),
                new Dense(1, Activation.LINEAR, "dense")));
        other.build(0, new Rng(77));
        ModelFile.loadWeights(file, other);
        for (int p = 0; p < model.parameters().size(); p++) {
            assertArrayEquals(model.parameters().get(p).data(), other.parameters().get(p).data());
        }
        Sequential wider = new Sequential(List.of(new Embedding(10, 4, true, "embedding"), new Lstm(2, false, "lstm"),
                new Dense(1, Activation.LINEAR, "dense")));
        wider.build(0, new Rng(77));
        float[] before = wider.parameters().get(0).data().clone();
        var mismatch = assertThrows(CheckpointFormatException.class, () -> ModelFile.loadWeights(file, wider));
        assertTrue(mismatch.getMessage().contains("weights/embedding") && mismatch.getMessage().contains("[10, 3]")
                && mismatch.getMessage().contains("[10, 4]"), mismatch.getMessage());
        assertArrayEquals(before, wider.parameters().get(0).data(), "a refused load changes nothing");
        Sequential unbuilt = new Sequential(List.of(new Dense(1, Activation.LINEAR, "dense")));
        assertThrows(IllegalStateException.class, () -> ModelFile.loadWeights(file, unbuilt));
    }

    @Test
    void aRestartedRunReadsTheBestValueBackAndNeverReplacesABetterModel(@TempDir Path folder) throws IOException {
        Path best = folder.resolve("best_model");
        epochs(ModelCheckpoint.builder(best.toString()).saveBestOnly(true).options(NO_FSYNC).out(out).build(), "val_loss", 0.5);
        byte[] saved = Files.readAllBytes(best);
        ModelCheckpoint restarted = ModelCheckpoint.builder(best.toString()).saveBestOnly(true).verbose(1).options(NO_FSYNC)
                .out(out).build();
        epochs(restarted, "val_loss", 0.6, 0.55);
        assertEquals(0.5, restarted.best(), 0.0, "the value recorded in the file is the one to beat");
        assertArrayEquals(saved, Files.readAllBytes(best), "worse models do not replace the file");
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("already holds a model with val_loss 0.50000"));
        ModelCheckpoint again = ModelCheckpoint.builder(best.toString()).saveBestOnly(true).options(NO_FSYNC).out(out).build();
        epochs(again, "val_loss", 0.4);
        assertEquals(0.4, ModelFile.readCheckpointRecord(best).orElseThrow().value(), 0.0);

        Files.write(best, new byte[] {1, 2, 3});
        ModelCheckpoint overCorrupt = ModelCheckpoint.builder(best.toString()).saveBestOnly(true).options(NO_FSYNC).out(out).build();
        overCorrupt.setContext(model, new FitParameters(1, 1, 1));
        var refused = assertThrows(IllegalStateException.class, () -> overCorrupt.onTrainBegin(Logs.empty()));
        assertTrue(refused.getMessage().contains(best.toString()) && refused.getMessage().contains("not a readable Kiln model"),
                refused.getMessage());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(best), "an unreadable file is left for the user to look at");
    }

    @Test
    void retentionKeepsTopKLastNTheBestTheLatestAndProtectedFiles(@TempDir Path folder) {
        Path resumedFrom = folder.resolve("m-01.kiln");
        CheckpointOptions keep = NO_FSYNC.withRetention(Retention.keep(1, 2).protecting(resumedFrom));
        epochs(ModelCheckpoint.builder(folder + "/m-{epoch:02d}.kiln").options(keep).out(out).build(), "val_loss",
                0.5, 0.3, 0.6, 0.4, 0.8, 0.9);
        List<String> left = new java.util.ArrayList<>();
        for (int epoch = 1; epoch <= 6; epoch++) {
            if (Files.exists(folder.resolve(String.format(Locale.ROOT, "m-%02d.kiln", epoch)))) {
                left.add("m-0" + epoch);
            }
        }
        assertEquals(List.of("m-01", "m-02", "m-05", "m-06"), left,
                "protected m-01, best m-02 (0.3), last two m-05 and m-06; m-03 and m-04 deleted");
    }

    @Test
    void backgroundSavesAllLandAndAFailureIsReportedWithTheFile(@TempDir Path folder) throws IOException {
        CheckpointOptions async = NO_FSYNC.withAsync(true);
        epochs(ModelCheckpoint.builder(folder + "/a-{epoch}.kiln").options(async).out(out).build(), "val_loss", 0.5, 0.4, 0.3);
        for (int epoch = 1; epoch <= 3; epoch++) {
            assertTrue(ModelFile.load(folder.resolve("a-" + epoch + ".kiln"), ModelParts.engine()).model().isBuilt());
        }
        Path notAFolder = folder.resolve("plain-file");
        Files.write(notAFolder, new byte[] {0});
        ModelCheckpoint failing = ModelCheckpoint.builder(notAFolder + "/m.kiln").options(async).out(out).build();
        var failure = assertThrows(java.io.UncheckedIOException.class, () -> epochs(failing, "val_loss", 0.5));
        assertTrue(failure.getMessage().contains("background save of " + notAFolder + "/m.kiln failed"), failure.getMessage());
    }
}
