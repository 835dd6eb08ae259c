package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.LayerRegistry;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.model.BinaryCrossentropy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFileTest {

    private static Sequential model(long seed) {
        Sequential model = new Sequential(List.of(
                new Embedding(30, 6, true, "embedding"),
                new Bidirectional(new Lstm(5, false, "lstm"), "bidirectional"),
                new Dense(4, Activation.RELU, "dense"),
                new Dense(1, Activation.LINEAR, "dense_1")));
        model.build(0, new Rng(seed));
        return model;
    }

    private static List<LabeledBatch> batches(long seed) {
        Rng rng = new Rng(seed);
        List<LabeledBatch> batches = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            int[][] rows = new int[8][];
            float[] labels = new float[8];
            for (int i = 0; i < 8; i++) {
                rows[i] = new int[1 + rng.nextInt(12)];
                for (int t = 0; t < rows[i].length; t++) {
                    rows[i][t] = 1 + rng.nextInt(29);
                }
                labels[i] = rng.nextInt(2);
            }
            batches.add(new LabeledBatch(TokenBatch.ofRows(rows), labels));
        }
        return batches;
    }

    private static float[] weights(Sequential model) {
        List<Float> all = new ArrayList<>();
        for (Variable parameter : model.parameters()) {
            for (float value : parameter.data()) {
                all.add(value);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    /** Save after 3 steps, load, train 3 more: bit-identical to 6 uninterrupted steps (Adam's moments and step restored). */
    @Test
    void continuingFromASavedModelEqualsTrainingWithoutInterruption(@TempDir Path folder) throws IOException {
        List<LabeledBatch> data = batches(1);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            Sequential uninterrupted = model(7);
            Adam adam = new Adam(0.01f);
            uninterrupted.compile(new BinaryCrossentropy(), adam, Engine.on(pool));
            for (LabeledBatch batch : data) {
                uninterrupted.trainOnBatch(batch);
            }

            Sequential first = model(7);
            Adam firstAdam = new Adam(0.01f);
            first.compile(new BinaryCrossentropy(), firstAdam, Engine.on(pool));
            for (LabeledBatch batch : data.subList(0, 3)) {
                first.trainOnBatch(batch);
            }
            Path file = folder.resolve("model.kiln");
            ModelFile.save(file, first, firstAdam, new AtomicFileWriter(true));

            ModelFile.Loaded loaded = ModelFile.load(file, LayerRegistry.withEngineLayers());
            assertArrayEquals(weights(first), weights(loaded.model()), "weights as saved");
            assertEquals(3, loaded.optimizer().iterations());
            loaded.model().compile(new BinaryCrossentropy(), loaded.optimizer(), Engine.on(pool));
            assertArrayEquals(first.predict(data.get(0).inputs()), loaded.model().predict(data.get(0).inputs()));
            for (LabeledBatch batch : data.subList(3, 6)) {
                loaded.model().trainOnBatch(batch);
            }
            assertArrayEquals(weights(uninterrupted), weights(loaded.model()), "resumed training = uninterrupted training");
            assertEquals(first.summary(), loaded.model().summary());
        }
    }

    @Test
    void unknownLayersAndWrongShapesAreNamed(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("model.kiln");
        ModelFile.save(file, model(1), null, new AtomicFileWriter(false));
        var unknown = assertThrows(CheckpointFormatException.class, () -> ModelFile.load(file, new LayerRegistry()));
        assertTrue(unknown.getMessage().contains("unknown layer type 'Embedding'"), unknown.getMessage());
        ModelFile.Loaded loaded = ModelFile.load(file, LayerRegistry.withEngineLayers());
        assertEquals(null, loaded.optimizer());
    }
}
