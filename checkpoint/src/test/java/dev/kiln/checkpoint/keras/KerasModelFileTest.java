package dev.kiln.checkpoint.keras;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.tensor.Tensor;
import dev.kiln.engine.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every whole-model file in /work/shared/keras-files either loads with its weights, predicting what
 * an independent NumPy forward pass computes (src/test/python/keras_forward_reference.py wrote the
 * fixture), or is refused naming why.
 */
class KerasModelFileTest {
    private static final Path FIXTURE = Path.of("src/test/resources/reference/keras-forward.json");

    /** The files that load, with the parameter count Keras saved (PROVENANCE.md). */
    private static final Map<String, Long> LOADS = Map.of(
            "mlp-k2.h5", 7_114L,
            "spam-mlp-k3.keras", 820_897L,
            "aura-imdb-embed-gap-k3.keras", 160_289L,
            "sentiment-embed-gap-k2-hdf5.keras", 160_017L,
            "embed-conv1d-k2.h5", 76_785L);

    /** The whole-model files refused, with the start of the message after the file name. */
    private static final Map<String, String> REFUSED = Map.of(
            "hostile-npz-pickle.keras", ": two entries are named 'model.weights.npz'; a zip with duplicate names is refused,"
                    + " since readers disagree on which one is meant (a way hostile archives hide content)",
            "imdb-simplernn-unbuilt-k3.keras", "!model.weights.h5: holds no weights: the model was saved before it was built (never"
                    + " trained or called), so there is nothing to load",
            "lambda-seq-k2.h5", ": model_config: layers[1] 'lambda_1' (Lambda): Kiln has no layer for Keras' Lambda",
            // A Functional model (class_name Model) of BiLSTM > Activation > BiLSTM > Activation, with Keras 2's hard_sigmoid.
            "bilstm2-tfkeras.h5", ": model_config: 'class_name' is \"Model\"; Kiln supports only \"Sequential\" (Kiln builds"
                    + " Sequential models; a Functional model's layers need not form a chain)");

    /** Weights-only files and the companion JSON: not whole models, left to the config + weights path. */
    private static final Set<String> NOT_MODELS = Set.of("emoji-lstm2-k2-weights.h5", "emoji-lstm2-k3.weights.h5",
            "emoji-lstm2.model.json", "expected-summary.json", "PROVENANCE.md", "LICENSES");

    @Test
    void everyModelFileOfTheCorpusIsCovered() throws IOException {
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.list(SharedFiles.path("keras-files"))) {
            files.forEach(f -> seen.add(f.getFileName().toString()));
        }
        Set<String> covered = new TreeSet<>(LOADS.keySet());
        covered.addAll(REFUSED.keySet());
        covered.addAll(NOT_MODELS);
        assertEquals(covered, seen);
    }

    @Test
    void theLoadableFilesPredictWhatNumPyComputesFromTheirWeights() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> fixture = (Map<String, Object>) JsonReader.parse(Files.readString(FIXTURE), FIXTURE.toString());
        assertEquals(LOADS.keySet(), fixture.keySet());
        for (Map.Entry<String, Long> file : LOADS.entrySet()) {
            KerasImport imported = KerasModelFile.load(SharedFiles.path("keras-files/" + file.getKey()));
            assertEquals(file.getValue(), imported.model().parameterCount(), file.getKey());
            @SuppressWarnings("unchecked")
            Map<String, Object> expected = (Map<String, Object>) fixture.get(file.getKey());
            int examples = ((Number) expected.get("examples")).intValue();
            int size = ((Number) expected.get("size")).intValue();
            LayerValue input = expected.get("input").equals("vectors") ? vectors(examples, size)
                    : ids(examples, size, ((Number) expected.get("steps")).intValue());
            float[] predicted;
            try (ComputePool pool = ComputePool.singleThreaded()) {
                imported.model().compile(MeanError.squared(), List.of(), Engine.on(pool));
                predicted = imported.model().predict(input).data();
            }
            @SuppressWarnings("unchecked")
            List<List<Number>> outputs = (List<List<Number>>) expected.get("outputs");
            int width = outputs.getFirst().size();
            assertEquals(examples * width, predicted.length, file.getKey());
            for (int i = 0; i < examples; i++) {
                for (int j = 0; j < width; j++) {
                    double want = outputs.get(i).get(j).doubleValue();
                    double got = predicted[i * width + j];
                    assertTrue(Math.abs(got - want) <= 1e-5 * Math.max(Math.abs(want), 1e-3),
                            file.getKey() + " example " + i + " output " + j + ": Kiln " + got + ", NumPy " + want);
                }
            }
        }
    }

    @Test
    void theOtherModelFilesAreRefusedNamingWhy() {
        for (Map.Entry<String, String> file : REFUSED.entrySet()) {
            Path path = SharedFiles.path("keras-files/" + file.getKey());
            IOException refused = assertThrows(IOException.class, () -> KerasModelFile.load(path), file.getKey());
            assertTrue(refused.getMessage().startsWith(path + file.getValue()), refused.getMessage());
        }
    }

    /** The same vectors as keras_forward_reference.py: float32(sin(0.37 (i + 1) + 0.011 j)). */
    private static LayerValue vectors(int examples, int width) {
        float[] data = new float[examples * width];
        for (int i = 0; i < examples; i++) {
            for (int j = 0; j < width; j++) {
                data[i * width + j] = (float) Math.sin(0.37 * (i + 1) + 0.011 * j);
            }
        }
        return new FeatureBatch(Variable.constant(Tensor.wrap(data, examples, width)));
    }

    /** The same token ids as keras_forward_reference.py: (i 7919 + t 104729 + 1) mod vocabulary, every step kept (mask_zero false). */
    private static LayerValue ids(int examples, int vocabulary, int steps) {
        int[][] rows = new int[examples][steps];
        for (int i = 0; i < examples; i++) {
            for (int t = 0; t < steps; t++) {
                rows[i][t] = (int) (((long) i * 7919 + (long) t * 104729 + 1) % vocabulary);
            }
        }
        return TokenBatch.ofRows(rows);
    }

    @Test
    void kerasNamesWeightGroupsInSnakeCase() {
        assertEquals("global_average_pooling1d", KerasModelFile.snakeCase("GlobalAveragePooling1D"));
        assertEquals("simple_rnn", KerasModelFile.snakeCase("SimpleRNN"));
        assertEquals("conv1d", KerasModelFile.snakeCase("Conv1D"));
        assertEquals("layer_normalization", KerasModelFile.snakeCase("LayerNormalization"));
        assertEquals("lstm", KerasModelFile.snakeCase("LSTM"));
    }
}
