package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Conv1D;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.GlobalPooling1D;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerNormalization;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.MaxPooling1D;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.ModelParts;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GlobalAveragePooling1D, GlobalMaxPooling1D, LayerNormalization (every center/scale option and
 * a non-default epsilon), Dense on sequences, Conv1D ("valid" and "same", a stride, a dilation;
 * after an unmasked Embedding, as Keras requires) and MaxPooling1D ("valid" with Keras' default
 * strides, "same" with stride 1) through ModelFile: trained a little, saved,
 * loaded with {@code ModelParts.engine()}, the configs, weights (gamma and beta included),
 * summary and predictions are the same, and training continues bit-identically. The batches mask
 * id 0 and hold empty sequences.
 */
class SequenceLayersRoundTripTest {

    private static final List<Supplier<List<Layer>>> ARCHITECTURES = List.of(
            () -> List.of(new Embedding(30, 6, true, "embedding"), GlobalPooling1D.average("global_average_pooling1d"),
                    new LayerNormalization("layer_normalization"), new Dense(1, Activation.LINEAR, "dense")),
            () -> List.of(new Embedding(30, 6, true, "embedding"), GlobalPooling1D.max("global_max_pooling1d"),
                    new LayerNormalization(0.01, false, true, "layer_normalization"), new Dense(1, Activation.LINEAR, "dense")),
            () -> List.of(new Embedding(30, 6, true, "embedding"), new Dense(5, Activation.TANH, "dense"),
                    new LayerNormalization(1e-3, true, false, "layer_normalization"), GlobalPooling1D.max("global_max_pooling1d"),
                    new Dense(1, Activation.LINEAR, "dense_1")),
            () -> List.of(new Embedding(30, 6, true, "embedding"), new Dense(4, Activation.RELU, "dense"),
                    new LayerNormalization(0.1, false, false, "layer_normalization"), GlobalPooling1D.average("global_average_pooling1d"),
                    new Dense(3, Activation.GELU, "dense_1"), new Dense(1, Activation.LINEAR, "dense_2")),
            () -> List.of(new Embedding(30, 6, false, "embedding"), new Lstm(4, false, true, "lstm"),
                    new Dense(3, Activation.LINEAR, "dense"), new LayerNormalization("layer_normalization"),
                    GlobalPooling1D.average("global_average_pooling1d"), new Dense(1, Activation.LINEAR, "dense_1")),
            () -> List.of(new Embedding(30, 6, false, "embedding"), new Conv1D(5, 3, 1, 1, false, Activation.RELU, "conv1d"),
                    GlobalPooling1D.max("global_max_pooling1d"), new Dense(1, Activation.LINEAR, "dense")),
            () -> List.of(new Embedding(30, 6, false, "embedding"), new Conv1D(4, 2, 2, 1, true, Activation.TANH, "conv1d"),
                    new Conv1D(3, 2, 1, 2, true, Activation.LINEAR, "conv1d_1"),
                    GlobalPooling1D.average("global_average_pooling1d"), new Dense(1, Activation.LINEAR, "dense")),
            () -> List.of(new Embedding(30, 6, false, "embedding"), new Conv1D(5, 3, 1, 1, true, Activation.RELU, "conv1d"),
                    new MaxPooling1D(2, "max_pooling1d"), GlobalPooling1D.max("global_max_pooling1d"),
                    new Dense(1, Activation.LINEAR, "dense")),
            () -> List.of(new Embedding(30, 6, false, "embedding"), new MaxPooling1D(3, 1, true, "max_pooling1d"),
                    GlobalPooling1D.average("global_average_pooling1d"), new Dense(1, Activation.LINEAR, "dense")));

    /** Batches of 8 rows of 0 to 9 ids from 0..29: id 0 is masked where the Embedding says so, and some rows are empty. */
    private static List<LabeledBatch> batches(long seed) {
        Rng rng = new Rng(seed);
        List<LabeledBatch> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            int[][] rows = new int[8][];
            float[] labels = new float[8];
            for (int i = 0; i < 8; i++) {
                rows[i] = new int[i == 3 ? 0 : rng.nextInt(10)];
                for (int t = 0; t < rows[i].length; t++) {
                    rows[i][t] = i == 5 ? 0 : rng.nextInt(30); // row 5: padding only
                }
                labels[i] = rng.nextInt(2);
            }
            batches.add(new LabeledBatch(TokenBatch.ofRows(rows), labels));
        }
        return batches;
    }

    private static Sequential compiled(Supplier<List<Layer>> architecture, ComputePool pool) {
        Sequential model = new Sequential(architecture.get());
        model.build(0, new Rng(11));
        model.compile(new Adam(0.01), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
        return model;
    }

    @Test
    void everyNewLayerAndOptionRoundTripsAndContinuesExactly(@TempDir Path folder) throws IOException {
        List<LabeledBatch> data = batches(5);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            for (Supplier<List<Layer>> architecture : ARCHITECTURES) {
                Sequential uninterrupted = compiled(architecture, pool);
                data.forEach(uninterrupted::trainOnBatch);

                Sequential first = compiled(architecture, pool);
                data.subList(0, 2).forEach(first::trainOnBatch);
                Path file = folder.resolve("model.kiln");
                ModelFile.save(file, first, new AtomicFileWriter(false));

                ModelFile.Loaded loaded = ModelFile.load(file, ModelParts.engine());
                Sequential again = loaded.model();
                String what = first.layers().stream().map(layer -> layer.config().toString()).toList().toString();
                for (int l = 0; l < first.layers().size(); l++) {
                    assertEquals(first.layers().get(l).config(), again.layers().get(l).config(), what);
                }
                assertEquals(first.parameters().stream().map(Variable::name).toList(), again.parameters().stream().map(Variable::name).toList());
                assertArrayEquals(ModelWeights.flattened(first), ModelWeights.flattened(again), what);
                assertEquals(first.summary(), again.summary());
                loaded.compile(Engine.on(pool));
                for (LabeledBatch batch : data) {
                    assertArrayEquals(first.predict(batch.inputs()).data(), again.predict(batch.inputs()).data(), what);
                }
                data.subList(2, data.size()).forEach(again::trainOnBatch);
                assertArrayEquals(ModelWeights.flattened(uninterrupted), ModelWeights.flattened(again), "resumed = uninterrupted: " + what);
            }
        }
    }

    @Test
    void filesWithAKerasOptionKilnDoesNotSupportOrAMissingGammaAreRefusedByName(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("model.kiln");
        Sequential model = new Sequential(ARCHITECTURES.getFirst().get());
        model.build(0, new Rng(1));
        ModelFile.save(file, model, new AtomicFileWriter(false));
        TensorFile.Contents contents = TensorFile.read(file);
        Path changed = folder.resolve("changed.kiln");

        TensorFile.write(changed, contents.metadata().replace("\"channels_last\"", "\"channels_first\""), contents.tensors(),
                new AtomicFileWriter(false));
        var format = assertThrows(CheckpointFormatException.class, () -> ModelFile.load(changed, ModelParts.engine()));
        assertTrue(format.getMessage().startsWith(changed + ": metadata.layers[1]"), format.getMessage());
        assertTrue(format.getMessage().endsWith("'data_format' is \"channels_first\"; allowed: one of [channels_last]"), format.getMessage());

        Map<String, Tensor> withoutGamma = new LinkedHashMap<>(contents.tensors());
        withoutGamma.remove("weights/layer_normalization/gamma");
        TensorFile.write(changed, contents.metadata(), withoutGamma, new AtomicFileWriter(false));
        var missing = assertThrows(CheckpointFormatException.class, () -> ModelFile.load(changed, ModelParts.engine()));
        assertEquals(changed + ": tensor weights/layer_normalization/gamma is missing; the model needs it with shape [6]",
                missing.getMessage());
    }
}
