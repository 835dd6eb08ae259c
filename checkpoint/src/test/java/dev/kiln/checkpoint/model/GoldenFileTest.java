package dev.kiln.checkpoint.model;

import dev.kiln.engine.model.ModelParts;
import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A version-1 model file checked into the test resources must stay loadable by every later
 * build, with the same predictions. Regenerate it only on purpose (a format change that keeps
 * reading v1 must still pass this test with the old file): {@code -Dkiln.golden.write=true}.
 */
class GoldenFileTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/model-v1.kiln");
    private static final int[][] INPUT = {{3, 1, 4, 1, 5}, {9, 2, 6}, {}};
    /** The logits the golden model gave when the file was written. */
    private static final float[] EXPECTED_LOGITS = {0.026329469f, 0.01665327f, 0.012680903f};

    @Test
    void theGoldenV1FileLoadsAndPredictsAsWhenItWasWritten() throws IOException {
        if (Boolean.getBoolean("kiln.golden.write")) {
            write();
        }
        TensorFile.Layout layout = TensorFile.inspect(GOLDEN);
        assertEquals(1, layout.formatVersion());
        ModelFile.Loaded loaded = ModelFile.load(GOLDEN, ModelParts.engine());
        assertEquals(2, loaded.optimizer().orElseThrow().iterations());
        try (ComputePool pool = ComputePool.singleThreaded()) {
            loaded.model().compile(loaded.optimizer().orElseThrow(), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            float[] logits = loaded.model().predict(TokenBatch.ofRows(INPUT)).data();
            assertArrayEquals(EXPECTED_LOGITS, logits, 1e-6f, Arrays.toString(logits));
        }
    }

    private static void write() throws IOException {
        Sequential model = new Sequential(List.of(
                new Embedding(12, 4, true, "embedding"),
                new Bidirectional(new Lstm(3, false, "lstm"), "bidirectional"),
                new Dense(4, Activation.RELU, "dense"),
                new Dense(1, Activation.LINEAR, "dense_1")));
        model.build(0, new Rng(2026));
        Adam adam = new Adam(0.01f);
        try (ComputePool pool = ComputePool.singleThreaded()) {
            model.compile(adam, BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            LabeledBatch batch = new LabeledBatch(TokenBatch.ofRows(new int[][] {{1, 2, 3}, {4, 5}}), new float[] {1, 0});
            model.trainOnBatch(batch);
            model.trainOnBatch(batch);
            System.out.println("golden logits: " + Arrays.toString(model.predict(TokenBatch.ofRows(INPUT)).data()));
        }
        Files.createDirectories(GOLDEN.getParent());
        ModelFile.save(GOLDEN, model, new AtomicFileWriter(true));
    }
}
