package dev.kiln.engine.model;

import dev.kiln.engine.callback.CsvLogger;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.callback.LambdaCallback;
import dev.kiln.engine.callback.ReduceLROnPlateau;
import dev.kiln.engine.callback.TerminateOnNaN;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.loss.SparseCategoricalCrossentropy;
import dev.kiln.engine.metric.MeanErrorMetric;
import dev.kiln.engine.metric.Predictions;
import dev.kiln.engine.metric.SparseCategoricalAccuracy;
import dev.kiln.engine.metric.TopKAccuracy;
import dev.kiln.engine.optim.Sgd;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training core beyond the seed task: other heads, sample and class weights, the new callbacks. */
class TrainingCoreTest {

    /** A linear model on 2 features: small enough that every number below can be checked by hand. */
    private static Sequential linear(int outputs, long seed) {
        Sequential model = new Sequential(List.of(new Dense(outputs, Activation.LINEAR, "dense")));
        model.build(2, new Rng(seed));
        return model;
    }

    private static LabeledBatch batch(float[][] features, float[] targets) {
        float[] flat = new float[features.length * 2];
        for (int i = 0; i < features.length; i++) {
            flat[2 * i] = features[i][0];
            flat[2 * i + 1] = features[i][1];
        }
        return new LabeledBatch(new FeatureBatch(Variable.constant(Tensor.wrap(flat, features.length, 2))), targets);
    }

    private static final float[][] X = {{1, 0}, {0, 1}, {1, 1}, {-1, 2}};

    /** Keras' class_weight is a sample weight per class: the loss of fit's step equals evaluate's with those weights. */
    @Test
    void classWeightsWeighEachExampleByItsClass() {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            LabeledBatch plain = batch(X, new float[] {0, 2, 1, 2});
            Sequential model = linear(3, 1);
            model.compile(new Sgd(1e-9), new SparseCategoricalCrossentropy(true), List.of(new SparseCategoricalAccuracy("accuracy")),
                    Engine.on(pool));
            double weighted = model.evaluate(Dataset.fromList(List.of(plain.withWeights(new float[] {0.5f, 3f, 1f, 3f}))))
                    .get("loss");
            History history = model.fit(Dataset.fromList(List.of(plain)),
                    FitOptions.epochs(1).classWeight(Map.of(0, 0.5, 2, 3.0)));
            assertEquals(weighted, history.history().get("loss").getFirst(), 1e-6, "class 1 keeps weight 1");
            double unweighted = model.evaluate(Dataset.fromList(List.of(plain))).get("loss");
            assertTrue(Math.abs(weighted - unweighted) > 1e-3, "the weights change the loss");
        }
    }

    /** A regression head: MSE as the loss, MAE as a metric, both against values computed here. */
    @Test
    void regressionLossAndMetricMatchTheirFormulas() {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential model = linear(1, 2);
            model.compile(new Sgd(0.01), MeanError.squared(), List.of(MeanErrorMetric.absolute("mae")), Engine.on(pool));
            float[] targets = {3, -1, 0.5f, 7};
            LabeledBatch data = batch(X, targets);
            float[] predictions = model.predict(data.inputs()).data();
            double squares = 0;
            double absolutes = 0;
            for (int i = 0; i < targets.length; i++) {
                squares += Math.pow(predictions[i] - targets[i], 2);
                absolutes += Math.abs(predictions[i] - targets[i]);
            }
            var logs = model.evaluate(Dataset.fromList(List.of(data)));
            assertEquals(squares / 4, logs.get("loss"), 1e-5);
            assertEquals(absolutes / 4, logs.get("mae"), 1e-5);
            assertEquals(List.of("loss", "mae"), List.copyOf(logs.asMap().keySet()));
        }
    }

    /** Top-k counts ties in the target's favour (TensorFlow's in_top_k); argmax takes the first of ties. */
    @Test
    void topKAndArgmaxTies() {
        Predictions tied = new Predictions(new float[] {0.3f, 0.3f, 0.3f, 0.1f}, 4, new float[] {2}, 1, new float[] {1});
        assertTrue(tied.inTopK(0, 2, 2), "three equal scores are all in the top 2");
        assertFalse(tied.inTopK(0, 3, 3), "three larger scores: not in the top 3");
        assertEquals(0, tied.argmax(0));
        TopKAccuracy top2 = new TopKAccuracy(true, 2, "top2");
        top2.update(tied);
        assertEquals(1, top2.result());
    }

    /** TerminateOnNaN ends the fit after the batch whose loss is not finite; later batches never run. */
    @Test
    void terminateOnNanStopsAfterTheBadBatch() {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential model = linear(1, 3);
            model.compile(new Sgd(0.01), MeanError.squared(), List.of(), Engine.on(pool));
            List<LabeledBatch> batches = List.of(batch(X, new float[] {1, 2, 3, 4}), batch(X, new float[] {1, Float.POSITIVE_INFINITY, 3, 4}),
                    batch(X, new float[] {1, 2, 3, 4}));
            List<Integer> seen = new ArrayList<>();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            model.fit(Dataset.fromList(batches), FitOptions.epochs(3).callbacks(
                    new TerminateOnNaN(new PrintStream(text, true, StandardCharsets.UTF_8)),
                    LambdaCallback.builder().onTrainBatchEnd((batch, logs) -> seen.add(batch)).build()));
            assertEquals(List.of(0, 1), seen);
            assertTrue(text.toString(StandardCharsets.UTF_8).contains("Batch 1: Invalid loss, terminating training"));
        }
    }

    /** ReduceLROnPlateau with Keras' counting: patience, factor, cooldown, min_lr; the optimizer's rate changes. */
    @Test
    void reduceLearningRateOnAPlateau() {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential model = linear(1, 4);
            model.compile(new Sgd(0.1), MeanError.squared(), List.of(), Engine.on(pool));
            ReduceLROnPlateau callback = ReduceLROnPlateau.builder("val_loss").patience(1).factor(0.5).cooldown(2)
                    .minLearningRate(0.03).out(new PrintStream(new ByteArrayOutputStream())).build();
            callback.setContext(model, null);
            callback.onTrainBegin(null);
            double[] valLoss = {1.0, 1.0, 1.0, 1.0, 0.5, 0.6, 0.7};
            List<Double> rates = new ArrayList<>();
            for (int epoch = 0; epoch < valLoss.length; epoch++) {
                callback.onEpochEnd(epoch, dev.kiln.engine.callback.Logs.of(Map.of("val_loss", valLoss[epoch])));
                rates.add(model.learningRate());
            }
            // epoch 1: no improvement for patience 1: halve, cooldown 2; epoch 2: cooling down (the counter
            // is decremented first, as Keras does); epoch 3: halved again, but not below min_lr 0.03;
            // epochs 4-6: an improvement, then the rate is at min_lr and stays.
            assertEquals(List.of(0.1, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03), rates);
        }
    }

    /** A CSV row per epoch as it ends, Keras' header; a new fit replaces the file, append continues it. */
    @Test
    void csvLoggerWritesARowPerEpoch(@TempDir Path dir) throws IOException {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential model = linear(1, 5);
            model.compile(new Sgd(0.01), MeanError.squared(), List.of(MeanErrorMetric.absolute("mae")), Engine.on(pool));
            Dataset<LabeledBatch> data = Dataset.fromList(List.of(batch(X, new float[] {1, 2, 3, 4})));
            Path file = dir.resolve("logs/log.csv");
            History first = model.fit(data, FitOptions.epochs(2).validation(data).callbacks(new CsvLogger(file)));
            List<String> lines = Files.readAllLines(file);
            assertEquals("epoch,loss,mae,val_loss,val_mae", lines.getFirst());
            assertEquals(3, lines.size());
            assertEquals("1," + first.history().get("loss").get(1) + "," + first.history().get("mae").get(1) + ","
                    + first.history().get("val_loss").get(1) + "," + first.history().get("val_mae").get(1), lines.get(2));
            model.fit(data, FitOptions.epochs(3).initialEpoch(2).callbacks(new CsvLogger(file, ",", true)));
            lines = Files.readAllLines(file);
            assertEquals(4, lines.size(), "appended");
            assertTrue(lines.get(3).startsWith("2,"));
            assertTrue(lines.get(3).endsWith(",NA,NA"), "no validation this time: " + lines.get(3));
            model.fit(data, FitOptions.epochs(1).callbacks(new CsvLogger(file)));
            assertEquals(2, Files.readAllLines(file).size(), "replaced");
        }
    }

    /** A loss that cannot score the model's output is named at the first step. */
    @Test
    void aLossThatDoesNotFitTheOutputIsNamed() {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential model = linear(1, 6);
            model.compile(new Sgd(0.01), new SparseCategoricalCrossentropy(true), List.of(), Engine.on(pool));
            var error = assertThrows(IllegalArgumentException.class, () -> model.trainOnBatch(batch(X, new float[] {0, 1, 0, 1})));
            assertEquals("SparseCategoricalCrossentropy needs a model output of at least 2 classes, got 1 (for one output use"
                    + " BinaryCrossentropy)", error.getMessage());
            Sequential three = linear(3, 6);
            three.compile(new Sgd(0.01), new SparseCategoricalCrossentropy(true), List.of(), Engine.on(pool));
            var label = assertThrows(IllegalArgumentException.class, () -> three.trainOnBatch(batch(X, new float[] {0, 1, 3, 1})));
            assertTrue(label.getMessage().contains("example 2 of the batch: the target must be a class index from 0 to 2, got 3.0"),
                    label.getMessage());
        }
    }
}
