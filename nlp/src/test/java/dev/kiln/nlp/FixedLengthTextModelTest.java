package dev.kiln.nlp;

import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Conv1D;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Flatten;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.MaxPooling1D;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.ModelParts;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CNN text model with a Flatten head, TextVectorization(output_sequence_length 6) ->
 * Embedding(mask_zero=False) -> Conv1D(3, 2) -> MaxPooling1D(2, same) -> Flatten -> Dense(1):
 * Keras' shapes in the summary, and through ModelFile the same configs, summary, weights and
 * predictions on raw text, training continuing bit-identically. Files edited to drop the fixed
 * length or to mask before MaxPooling1D or Flatten are refused at load, naming the layer.
 */
class FixedLengthTextModelTest {
    private static final List<String> TEXTS = List.of("a fine film", "a dull film", "fine acting and a fine plot",
            "dull and slow, a film too long by an hour", "fine");
    private static final float[] LABELS = {1, 0, 1, 0, 1};
    private static final ModelParts PARTS = ModelParts.engine().withLayer(TextVectorization.TYPE, TextVectorization::fromConfig);

    private static Sequential model(ComputePool pool, List<Layer> head) {
        TextVectorization vectorizer = new TextVectorization(50, Tokenizer.keras(), 6, "text_vectorization");
        vectorizer.adapt(TEXTS, pool);
        List<Layer> layers = new java.util.ArrayList<>(List.of(vectorizer,
                new Embedding(vectorizer.vocabularySize(), 4, false, "embedding")));
        layers.addAll(head);
        Sequential model = new Sequential(layers);
        model.build(0, new Rng(5));
        model.compile(new Adam(0.01), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
        return model;
    }

    private static List<Layer> cnnHead() {
        return List.of(new Conv1D(3, 2, 1, 1, false, Activation.RELU, "conv1d"), new MaxPooling1D(2, 2, true, "max_pooling1d"),
                new Flatten("flatten"), new Dense(1, Activation.LINEAR, "dense"));
    }

    @Test
    void theSummaryShowsTheFixedLengthAsKerasDoes() {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            String summary = model(pool, cnnHead()).summary();
            for (String row : List.of("(None, 6)  ", "(None, 6, 4)  ", "(None, 5, 3)  ", "(None, 3, 3)  ", "(None, 9)  ", "(None, 1)  ")) {
                assertTrue(summary.contains(row), row + " in\n" + summary);
            }
        }
    }

    @Test
    void savedAndLoadedItPredictsAndTrainsOnExactlyAsTheSavedOne(@TempDir Path folder) throws IOException {
        LabeledBatch batch = new LabeledBatch(Texts.of(TEXTS.toArray(String[]::new)), LABELS);
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential uninterrupted = model(pool, cnnHead());
            for (int step = 0; step < 4; step++) {
                uninterrupted.trainOnBatch(batch);
            }
            Sequential first = model(pool, cnnHead());
            first.trainOnBatch(batch);
            first.trainOnBatch(batch);
            Path file = folder.resolve("cnn.kiln");
            ModelFile.save(file, first, new AtomicFileWriter(false));
            Sequential again = ModelFile.load(file, PARTS).compile(Engine.on(pool));
            assertEquals(first.layers().stream().map(Layer::config).toList(), again.layers().stream().map(Layer::config).toList());
            assertEquals(first.summary(), again.summary());
            Texts texts = Texts.of("a fine film", "never seen words at all, far more than six of them", "");
            assertArrayEquals(first.predict(texts).data(), again.predict(texts).data());
            again.trainOnBatch(batch);
            again.trainOnBatch(batch);
            assertEquals(weights(uninterrupted), weights(again));
        }
    }

    private static List<List<Float>> weights(Sequential model) {
        return model.parameters().stream().map(Variable::data)
                .map(data -> { List<Float> values = new java.util.ArrayList<>(); for (float v : data) { values.add(v); } return values; })
                .toList();
    }

    @Test
    void aFileWithoutTheFixedLengthIsRefusedSayingWhy(@TempDir Path folder) throws IOException {
        CheckpointFormatException error = loadEdited(folder, cnnHead(), "\"output_sequence_length\":6", "\"output_sequence_length\":-1");
        assertTrue(error.getMessage().contains("layer 'flatten' (Flatten) needs sequences of one fixed length")
                && error.getMessage().contains("give TextVectorization an output_sequence_length"), error.getMessage());
    }

    @Test
    void aFileThatMasksBeforeMaxPoolingOrFlattenIsRefusedNamingIt(@TempDir Path folder) throws IOException {
        for (Layer layer : List.<Layer>of(new MaxPooling1D(2, "my_pool"), new Flatten("my_flatten"))) {
            List<Layer> head = layer instanceof Flatten ? List.of(layer, new Dense(1, Activation.LINEAR, "dense"))
                    : List.of(layer, new Flatten("flatten"), new Dense(1, Activation.LINEAR, "dense"));
            CheckpointFormatException error = loadEdited(folder, head, "\"mask_zero\":false", "\"mask_zero\":true");
            String type = layer.config().type();
            assertTrue(error.getMessage().endsWith("layer '" + layer.name() + "' (" + type + ") does not support masking, but was"
                    + " passed an input with a mask (from an Embedding with mask_zero=True or a layer that passes it on); use"
                    + " mask_zero=False before a " + type + ", as Keras requires"), error.getMessage());
        }
    }

    /** Saves the model with {@code head}, replaces {@code from} by {@code to} in its metadata and loads it: the refusal. */
    private static CheckpointFormatException loadEdited(Path folder, List<Layer> head, String from, String to) throws IOException {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Path file = folder.resolve("model.kiln");
            ModelFile.save(file, model(pool, head), new AtomicFileWriter(false));
            ModelFile.load(file, PARTS); // the file as saved loads
            TensorFile.Contents contents = TensorFile.read(file);
            String edited = contents.metadata().replaceAll("\\s", "").replace(from, to);
            assertNotEquals(contents.metadata().replaceAll("\\s", ""), edited);
            TensorFile.write(file, edited, contents.tensors(), new AtomicFileWriter(false));
            return assertThrows(CheckpointFormatException.class, () -> ModelFile.load(file, PARTS));
        }
    }
}
