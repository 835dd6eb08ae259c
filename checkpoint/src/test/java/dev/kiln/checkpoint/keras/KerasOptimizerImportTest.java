package dev.kiln.checkpoint.keras;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Keras file's Adam state made Kiln's: training continues one step from it as NumPy computes
 * Keras' step from the file's m, v and iterations (keras_adam_step_reference.py wrote the
 * fixture); other states are left out with a note saying why.
 */
class KerasOptimizerImportTest {
    private static final Path FIXTURE = Path.of("src/test/resources/reference/keras-adam-step.json");

    @Test
    void oneStepFromTheImportedAdamStateIsKerasStep() throws IOException {
        KerasImport imported = KerasModelFile.load(SharedFiles.path("keras-files/aura-imdb-embed-gap-k3.keras"));
        assertEquals("optimizer state imported: Adam after 800 iterations (learning rate 0.001, m and v of 5 weights); training"
                + " continues from it", imported.notes().getLast());
        Optimizer adam = imported.optimizer().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> fixture = (Map<String, Object>) JsonReader.parse(Files.readString(FIXTURE), FIXTURE.toString());
        int[][] rows = new int[3][256];
        for (int i = 0; i < 3; i++) {
            for (int t = 0; t < 256; t++) {
                rows[i][t] = (int) (((long) i * 7919 + (long) t * 104729 + 1) % 10000);
            }
        }
        List<Variable> parameters = imported.model().parameters();
        try (ComputePool pool = ComputePool.singleThreaded()) {
            imported.model().compile(adam, new BinaryCrossentropy(false, 0), List.of(), Engine.on(pool));
            imported.model().trainOnBatch(new LabeledBatch(TokenBatch.ofRows(rows), new float[] {1, 0, 1}));
        }
        assertEquals(801, adam.saveState().getLong("iterations"));
        List<List<Number>> embedding = list(fixture.get("embedding"));
        List<List<Number>> embeddingBefore = list(fixture.get("embedding_before"));
        List<Number> ids = first(fixture.get("embedding_rows"));
        for (int r = 0; r < ids.size(); r++) {
            int row = ids.get(r).intValue();
            assertStep("embedding row " + row, embeddingBefore.get(r), embedding.get(r), parameters.getFirst().data(), row * 16);
        }
        List<List<Number>> dense = list(fixture.get("dense"));
        List<List<Number>> denseBefore = list(fixture.get("dense_before"));
        assertTrue(!embedding.getFirst().equals(embeddingBefore.getFirst()), "a row the batch uses moves");
        for (int p = 0; p < 4; p++) {
            assertTrue(!dense.get(p).equals(denseBefore.get(p)), "NumPy's step moves " + parameters.get(p + 1).name());
            assertStep(parameters.get(p + 1).name(), denseBefore.get(p), dense.get(p), parameters.get(p + 1).data(), 0);
        }
    }

    /** Kiln's weight after the step against NumPy's, and the step itself to 1e-4 of the largest step of the tensor. */
    private static void assertStep(String what, List<Number> before, List<Number> after, float[] kiln, int offset) {
        double largest = 0;
        for (int i = 0; i < after.size(); i++) {
            largest = Math.max(largest, Math.abs(after.get(i).doubleValue() - before.get(i).doubleValue()));
        }
        for (int i = 0; i < after.size(); i++) {
            double numpyStep = after.get(i).doubleValue() - before.get(i).doubleValue();
            double kilnStep = kiln[offset + i] - before.get(i).doubleValue();
            assertTrue(Math.abs(kilnStep - numpyStep) <= 1e-4 * largest + 1e-7, what + "[" + i + "]: Kiln's step " + kilnStep
                    + ", NumPy's " + numpyStep);
        }
    }

    @Test
    void aStateKilnWouldNotStepAsKerasIsLeftOutSayingWhy() throws IOException {
        KerasImport spam = KerasModelFile.load(SharedFiles.path("keras-files/spam-mlp-k3.keras"));
        assertTrue(spam.optimizer().isEmpty());
        assertEquals("the file's optimizer state (2 variables under optimizer/vars) is not imported: its optimizer is \"RMSprop\";"
                + " Kiln imports Adam's state; a fresh optimizer is used when training starts", spam.notes().getLast());
        KerasImport mlp = KerasModelFile.load(SharedFiles.path("keras-files/mlp-k2.h5"));
        assertEquals("the file holds no optimizer state; a fresh optimizer is used when training starts", mlp.notes().getLast());
        KerasImport weightsOnly = KerasModelFile.load(SharedFiles.path("keras-files/emoji-lstm2-k3.weights.h5"),
                SharedFiles.path("keras-files/emoji-lstm2.model.json"));
        assertTrue(weightsOnly.optimizer().isEmpty());
        assertEquals("the file's optimizer state (18 variables under optimizer/vars) is not imported: the file does not say which"
                + " optimizer it belongs to (no compile or training config); a fresh optimizer is used when training starts",
                weightsOnly.notes().getLast());
    }

    /** tf.keras 2.11's Adam (class Custom>Adam) under /optimizer_weights, matched with the weights by name. */
    @Test
    void kerasTwosAdamStateIsMatchedByWeightName() throws IOException {
        KerasImport imported = KerasModelFile.load(SharedFiles.path("keras-files/sentiment-embed-gap-k2-hdf5.keras"));
        assertTrue(imported.notes().getLast().startsWith("optimizer state imported: Adam after "), imported.notes().getLast());
        Optimizer adam = imported.optimizer().orElseThrow();
        assertEquals(3 * 2, adam.saveState().tensors().size());
        assertTrue(adam.saveState().tensors().keySet().containsAll(imported.model().parameters().stream()
                .flatMap(p -> java.util.stream.Stream.of("m/" + p.name(), "v/" + p.name())).toList()));
    }

    @SuppressWarnings("unchecked")
    private static List<List<Number>> list(Object value) {
        return (List<List<Number>>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Number> first(Object value) {
        return (List<Number>) value;
    }
}
