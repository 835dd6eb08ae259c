package dev.kiln.checkpoint.callback;

import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.FitParameters;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.callback.Mode;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.LayerRegistry;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.model.BinaryCrossentropy;
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
        model.compile(new BinaryCrossentropy(), new Adam(0.01f), Engine.on(pool));
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
        assertTrue(ModelFile.load(best, LayerRegistry.withEngineLayers()).model().isBuilt());
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
}
