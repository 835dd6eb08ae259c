package dev.kiln.checkpoint.model;

import dev.kiln.engine.optim.Optimizers;
import dev.kiln.engine.metric.Metrics;
import dev.kiln.engine.loss.Losses;
import dev.kiln.engine.part.PartRegistry;
import dev.kiln.engine.model.ModelParts;
import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.CellRnn;
import dev.kiln.engine.layer.Dropout;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.optim.AdamW;
import dev.kiln.engine.optim.LearningRateSchedule;
import dev.kiln.engine.optim.OptimizerOptions;
import dev.kiln.engine.optim.RmsProp;
import dev.kiln.engine.optim.Sgd;
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

    /** Save after 3 steps, load, train 3 more: bit-identical to 6 uninterrupted steps (Adam's moments and step restored). */
    @Test
    void continuingFromASavedModelEqualsTrainingWithoutInterruption(@TempDir Path folder) throws IOException {
        List<LabeledBatch> data = batches(1);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            Sequential uninterrupted = model(7);
            Adam adam = new Adam(0.01f);
            uninterrupted.compile(adam, BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            for (LabeledBatch batch : data) {
                uninterrupted.trainOnBatch(batch);
            }

            Sequential first = model(7);
            Adam firstAdam = new Adam(0.01f);
            first.compile(firstAdam, BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            for (LabeledBatch batch : data.subList(0, 3)) {
                first.trainOnBatch(batch);
            }
            Path file = folder.resolve("model.kiln");
            ModelFile.save(file, first, new AtomicFileWriter(true));

            ModelFile.Loaded loaded = ModelFile.load(file, ModelParts.engine());
            assertArrayEquals(ModelWeights.flattened(first), ModelWeights.flattened(loaded.model()), "weights as saved");
            assertEquals(3, loaded.optimizer().orElseThrow().iterations());
            loaded.model().compile(loaded.optimizer().orElseThrow(), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            assertArrayEquals(first.predict(data.get(0).inputs()).data(), loaded.model().predict(data.get(0).inputs()).data());
            for (LabeledBatch batch : data.subList(3, 6)) {
                loaded.model().trainOnBatch(batch);
            }
            assertArrayEquals(ModelWeights.flattened(uninterrupted), ModelWeights.flattened(loaded.model()), "resumed training = uninterrupted training");
            assertEquals(first.summary(), loaded.model().summary());
        }
    }

    @Test
    void unknownLayersAndWrongShapesAreNamed(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("model.kiln");
        ModelFile.save(file, model(1), new AtomicFileWriter(false));
        ModelParts noLayers = new ModelParts(new PartRegistry<>("layer"), Losses.registry(), Metrics.registry(), Optimizers.registry());
        var unknown = assertThrows(CheckpointFormatException.class, () -> ModelFile.load(file, noLayers));
        assertTrue(unknown.getMessage().contains("unknown layer type 'Embedding'"), unknown.getMessage());
        ModelFile.Loaded loaded = ModelFile.load(file, ModelParts.engine());
        assertTrue(loaded.optimizer().isEmpty());
        assertThrows(IllegalStateException.class, () -> loaded.compile(null), "no optimizer was saved");

        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential compiled = model(1);
            compiled.compile(new Adam(0.01f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            ModelFile.save(file, compiled, new AtomicFileWriter(false));
        }
        TensorFile.Contents contents = TensorFile.read(file);
        Path changed = folder.resolve("changed.kiln");
        TensorFile.write(changed, contents.metadata().replace("\"class_name\": \"BinaryCrossentropy\"", "\"class_name\": \"Focal\""),
                contents.tensors(), new AtomicFileWriter(false));
        var refused = assertThrows(CheckpointFormatException.class, () -> ModelFile.load(changed, ModelParts.engine()));
        assertTrue(refused.getMessage().startsWith(changed + ": metadata.compile.loss: unknown loss type 'Focal'; this registry knows"),
                refused.getMessage());
        String sparse = contents.metadata().replace("\"class_name\": \"BinaryCrossentropy\"",
                "\"class_name\": \"SparseCategoricalCrossentropy\"");
        TensorFile.write(changed, sparse, contents.tensors(), new AtomicFileWriter(false));
        var unknownKey = assertThrows(CheckpointFormatException.class, () -> ModelFile.load(changed, ModelParts.engine()));
        assertTrue(unknownKey.getMessage().endsWith("metadata.compile.loss: loss 'binary_crossentropy' (SparseCategoricalCrossentropy):"
                + " unknown key 'label_smoothing'; SparseCategoricalCrossentropy takes [name, reduction, from_logits]"),
                unknownKey.getMessage());
        TensorFile.write(changed, sparse.replaceAll(",\\s*\"label_smoothing\":\\s*0\\.0,\\s*\"axis\":\\s*-1", ""), contents.tensors(),
                new AtomicFileWriter(false));
        var oneClass = assertThrows(CheckpointFormatException.class, () -> ModelFile.load(changed, ModelParts.engine()));
        assertTrue(oneClass.getMessage().endsWith("metadata.compile.loss: SparseCategoricalCrossentropy needs a model output of at least"
                + " 2 classes, got 1 (for one output use BinaryCrossentropy)"), oneClass.getMessage());
    }

    /**
     * Every layer type and option, every optimizer with its options (clipping, weight decay,
     * momentum), a non-default loss and metric: configs, weights, optimizer state and predictions
     * survive; training continues exactly.
     */
    @Test
    void everyLayerAndOptimizerRoundTripsAndContinuesExactly(@TempDir Path folder) throws IOException {
        List<java.util.function.Supplier<Sequential>> architectures = List.of(
                () -> new Sequential(List.of(new Embedding(30, 5, true, "embedding"), new Dropout(0.2, 3, true, "spatial"),
                        new Lstm(3, false, "lstm"), new Dense(4, Activation.GELU, "dense"), new Dense(1, Activation.SIGMOID, "out"))),
                () -> new Sequential(List.of(new Embedding(30, 5, false, "embedding"),
                        new Bidirectional(new Lstm(3, false, "lstm"), "bidirectional"), new Dense(4, Activation.RELU, "dense"),
                        new Dropout(0.4, "dropout"), new Dense(1, Activation.LINEAR, "out"))),
                () -> new Sequential(List.of(new Embedding(30, 5, true, "embedding"),
                        new Bidirectional(new CellRnn(CellRnn.Kind.GRU, 3, false, true, "gru"), "sum", "bidirectional"),
                        new CellRnn(CellRnn.Kind.SIMPLE_RNN, 4, true, false, "simple_rnn"), new Dense(1, Activation.LINEAR, "out"))));
        List<java.util.function.Supplier<Optimizer>> optimizers = List.of(
                () -> new Adam(LearningRateSchedule.constant(0.01), 0.8, 0.99, 1e-6, false, OptimizerOptions.named("adam")),
                () -> new Adam(LearningRateSchedule.constant(0.01), 0.9, 0.999, 1e-7, true,
                        OptimizerOptions.named("amsgrad").withGlobalClipnorm(0.5)),
                () -> new AdamW(0.01),
                () -> new RmsProp(LearningRateSchedule.constant(0.01), 0.8, 0.5, 1e-6, true, OptimizerOptions.named("rms").withClipvalue(0.1)),
                () -> new Sgd(LearningRateSchedule.constant(0.05), 0.9, true, OptimizerOptions.named("sgd").withClipnorm(1)),
                () -> new Sgd(0.05));
        List<LabeledBatch> data = batches(3);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            for (var architecture : architectures) {
                for (var optimizer : optimizers) {
                    Sequential uninterrupted = architecture.get();
                    uninterrupted.build(0, new Rng(4));
                    uninterrupted.compile(optimizer.get(), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
                    data.forEach(uninterrupted::trainOnBatch);

                    Sequential first = architecture.get();
                    first.build(0, new Rng(4));
                    Optimizer firstOptimizer = optimizer.get();
                    first.compile(firstOptimizer, BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
                    data.subList(0, 2).forEach(first::trainOnBatch);
                    Path file = folder.resolve("round-trip.kiln");
                    ModelFile.save(file, first, new AtomicFileWriter(false));

                    ModelFile.Loaded loaded = ModelFile.load(file, ModelParts.engine());
                    for (int l = 0; l < first.layers().size(); l++) {
                        assertEquals(first.layers().get(l).config(), loaded.model().layers().get(l).config());
                    }
                    assertEquals(firstOptimizer.config(), loaded.optimizer().orElseThrow().config());
                    assertEquals(2, loaded.optimizer().orElseThrow().iterations());
                    assertEquals(first.loss().config(), loaded.loss().orElseThrow().config());
                    assertEquals(first.metrics().getFirst().config(), loaded.metrics().getFirst().config());
                    loaded.compile(Engine.on(pool)); // loss, metrics and optimizer as saved
                    assertArrayEquals(first.predict(data.get(0).inputs()).data(), loaded.model().predict(data.get(0).inputs()).data());
                    data.subList(2, data.size()).forEach(loaded.model()::trainOnBatch);
                    assertArrayEquals(ModelWeights.flattened(uninterrupted), ModelWeights.flattened(loaded.model()),
                            firstOptimizer.config() + " on " + first.layers().size() + " layers");
                }
            }
        }
        Sequential backwards = new Sequential(List.of(new Embedding(30, 5, true, "embedding"), new Lstm(4, true, "lstm"),
                new Dense(1, Activation.LINEAR, "out")));
        backwards.build(0, new Rng(9));
        Path file = folder.resolve("backwards.kiln");
        ModelFile.save(file, backwards, new AtomicFileWriter(false));
        Sequential loaded = ModelFile.load(file, ModelParts.engine()).model();
        assertEquals(backwards.layers().get(1).config(), loaded.layers().get(1).config(), "go_backwards survives");
        assertArrayEquals(ModelWeights.flattened(backwards), ModelWeights.flattened(loaded));

        // A model that could not predict (no vector per example) is refused when it is loaded, not at its first prediction.
        Sequential headless = new Sequential(List.of(new Embedding(30, 5, true, "embedding")));
        headless.build(0, new Rng(9));
        Path headlessFile = folder.resolve("headless.kiln");
        ModelFile.save(headlessFile, headless, new AtomicFileWriter(false));
        var refused = assertThrows(CheckpointFormatException.class, () -> ModelFile.load(headlessFile, ModelParts.engine()));
        assertEquals(headlessFile + ": the model outputs sequences of vectors; a model must end in one vector per example"
                + " (an LSTM without return_sequences or a global pooling layer, then Dense layers)", refused.getMessage());
    }

    /**
     * A model whose first layer does not decide its input (a Dense on vectors) keeps the input it
     * was built for, so it loads and predicts; a lying "input" section is refused by name.
     */
    @Test
    void aVectorInputModelKeepsItsInputWidth(@TempDir Path folder) throws IOException {
        Sequential model = new Sequential(List.of(new Dense(4, Activation.RELU, "dense"), new Dense(1, Activation.LINEAR, "out")));
        model.build(9, new dev.kiln.engine.random.Rng(5));
        Path file = folder.resolve("vectors.kiln");
        ModelFile.saveWeights(file, model, new AtomicFileWriter(false));
        Sequential loaded = ModelFile.load(file, ModelParts.engine()).model();
        float[] rows = new float[2 * 9];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (i % 7) * 0.25f - 0.5f;
        }
        dev.kiln.engine.layer.FeatureBatch batch = new dev.kiln.engine.layer.FeatureBatch(
                Variable.constant(dev.kiln.engine.tensor.Tensor.wrap(rows, 2, 9)));
        try (ComputePool pool = ComputePool.withThreads(1)) {
            model.compile(BinaryCrossentropy.fromLogits(), List.of(), Engine.on(pool));
            loaded.compile(BinaryCrossentropy.fromLogits(), List.of(), Engine.on(pool));
            assertArrayEquals(model.predict(batch).data(), loaded.predict(batch).data());
        }
        assertEquals("{width=9, steps=-1}", String.valueOf(ModelFile.readMetadata(file).get("input")));
    }
}
