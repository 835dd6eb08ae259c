package dev.kiln.engine.model;

import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.EarlyStopping;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FitTest {
    private static final int VOCABULARY = 12;
    private static final int MARKER = 7;

    /** Label 1 iff the marker token occurs anywhere in the sequence; lengths 1..maxLength. */
    private static List<LabeledBatch> markerTask(long seed, int examples, int maxLength, int batchSize) {
        Rng rng = new Rng(seed);
        List<int[]> rows = new ArrayList<>();
        List<Float> labels = new ArrayList<>();
        for (int e = 0; e < examples; e++) {
            int length = 1 + rng.nextInt(maxLength);
            int[] row = new int[length];
            for (int t = 0; t < length; t++) {
                int token;
                do {
                    token = 1 + rng.nextInt(VOCABULARY - 1);
                } while (token == MARKER);
                row[t] = token;
            }
            boolean positive = rng.nextInt(2) == 1;
            if (positive) {
                row[rng.nextInt(length)] = MARKER;
            }
            rows.add(row);
            labels.add(positive ? 1f : 0f);
        }
        List<LabeledBatch> batches = new ArrayList<>();
        for (int start = 0; start < examples; start += batchSize) {
            int end = Math.min(examples, start + batchSize);
            float[] y = new float[end - start];
            for (int i = start; i < end; i++) {
                y[i - start] = labels.get(i);
            }
            batches.add(new LabeledBatch(TokenBatch.ofRows(rows.subList(start, end).toArray(int[][]::new)), y));
        }
        return batches;
    }

    private static Sequential seedArchitecture(int units, long seed) {
        Sequential model = new Sequential(List.of(
                new Embedding(VOCABULARY, 8, true, "embedding"),
                new Bidirectional(new Lstm(units, false, "lstm"), "bidirectional"),
                new Dense(8, Activation.RELU, "dense"),
                new Dense(1, Activation.LINEAR, "dense_1")));
        model.build(0, new Rng(seed));
        return model;
    }

    @Test
    void theSeedArchitectureLearnsAMarkerAnywhereInALongSequence() {
        try (ComputePool pool = ComputePool.withThreads(2)) {
            Sequential model = seedArchitecture(8, 1);
            model.compile(new Adam(0.02f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            Dataset<LabeledBatch> train = Dataset.fromList(markerTask(1, 1024, 30, 32));
            Dataset<LabeledBatch> test = Dataset.fromList(markerTask(2, 512, 30, 64));
            History history = model.fit(train, FitOptions.epochs(6).validation(test, 8));
            double accuracy = history.history().get("val_accuracy").getLast();
            assertTrue(accuracy >= 0.95, "validation accuracy " + accuracy + ", history " + history.history());
        }
    }

    /** Shards, not threads, decide the arithmetic: 1, 2 and 16 threads give the same bits. */
    @Test
    void trainingIsBitIdenticalOnAnyNumberOfThreads() {
        List<float[]> finals = new ArrayList<>();
        for (int threads : new int[] {1, 2, 16}) {
            try (ComputePool pool = ComputePool.withThreads(threads)) {
                Sequential model = seedArchitecture(4, 3);
                model.compile(new Adam(0.01f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool).withShardSize(4));
                Dataset<LabeledBatch> train = Dataset.fromList(markerTask(5, 96, 12, 24)).shuffle(50, 9);
                model.fit(train, FitOptions.epochs(2));
                List<Float> flat = new ArrayList<>();
                for (Tensor weights : model.weightsSnapshot()) {
                    for (float value : weights.data()) {
                        flat.add(value);
                    }
                }
                float[] values = new float[flat.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = flat.get(i);
                }
                finals.add(values);
            }
        }
        assertArrayEquals(finals.get(0), finals.get(1), "1 vs 2 threads");
        assertArrayEquals(finals.get(0), finals.get(2), "1 vs 16 threads");
    }

    /** Epoch loss and accuracy are means weighted by batch size of values from before each update. */
    @Test
    void epochLogsAreBatchWeightedRunningMeansInKerasOrder() {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential model = seedArchitecture(3, 4);
            model.compile(new Adam(0.01f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            List<LabeledBatch> batches = markerTask(6, 50, 8, 16); // batches of 16, 16, 16, 2
            List<Logs> perBatch = new ArrayList<>();
            List<Double> lossBeforeUpdate = new ArrayList<>();
            List<Double> accuracyBeforeUpdate = new ArrayList<>();
            Callback recorder = new Callback() {
                @Override
                public void onTrainBatchBegin(int batch, Logs logs) {
                    Logs before = model.evaluate(Dataset.fromList(List.of(batches.get(batch))), 1);
                    lossBeforeUpdate.add(before.get("loss"));
                    accuracyBeforeUpdate.add(before.get("accuracy"));
                }

                @Override
                public void onTrainBatchEnd(int batch, Logs logs) {
                    perBatch.add(logs);
                }
            };
            History history = model.fit(Dataset.fromList(batches), FitOptions.epochs(1).validation(Dataset.fromList(batches), 2).callbacks(List.of(recorder)));
            double weighted = 0;
            double right = 0;
            for (int b = 0; b < batches.size(); b++) {
                weighted += lossBeforeUpdate.get(b) * batches.get(b).size();
                right += accuracyBeforeUpdate.get(b) * batches.get(b).size();
            }
            assertEquals(weighted / 50, history.history().get("loss").get(0), 1e-6);
            // the recorder's evaluations inside the epoch leave the running accuracy alone
            assertEquals(right / 50, history.history().get("accuracy").get(0), 1e-12);
            assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(history.history().keySet()));
            assertEquals(perBatch.getLast().get("loss"), history.history().get("loss").get(0));
            double validation = model.evaluate(Dataset.fromList(batches), 2).get("loss");
            assertEquals(validation, history.history().get("val_loss").get(0), 1e-12, "validation = first 2 batches");
        }
    }

    @Test
    void earlyStoppingEndsFitAndHistoryHasOneEntryPerEpochRun() {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential model = seedArchitecture(3, 7);
            model.compile(new Adam(1e-9f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool)); // too small to improve
            Dataset<LabeledBatch> data = Dataset.fromList(markerTask(8, 32, 6, 16));
            History history = model.fit(data, FitOptions.epochs(10).validation(data, 1).callbacks(List.of(new EarlyStopping("val_loss", 2))));
            assertTrue(history.epochs().size() < 10, "stopped early: " + history.epochs());
        }
    }

    @Test
    void clearErrorsForMisuse() {
        Sequential model = seedArchitecture(3, 7);
        Dataset<LabeledBatch> data = Dataset.fromList(markerTask(8, 4, 3, 4));
        var notCompiled = assertThrows(IllegalStateException.class, () -> model.fit(data, FitOptions.epochs(1)));
        assertTrue(notCompiled.getMessage().contains("compile the model"), notCompiled.getMessage());
        try (ComputePool pool = ComputePool.singleThreaded()) {
            model.compile(new Adam(0.01f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            var empty = assertThrows(IllegalStateException.class,
                    () -> model.fit(Dataset.fromList(List.of()), FitOptions.epochs(1)));
            assertEquals("the training data yielded no batches in epoch 1", empty.getMessage());
            var epochs = assertThrows(IllegalArgumentException.class, () -> model.fit(data, FitOptions.epochs(2).initialEpoch(2)));
            assertTrue(epochs.getMessage().contains("initial epoch 2 and epochs 2"), epochs.getMessage());
        }
        var labels = assertThrows(IllegalArgumentException.class,
                () -> new LabeledBatch(TokenBatch.ofRows(new int[][] {{1}, {2}}), new float[] {1f}));
        assertEquals("a batch of 2 inputs has 1 targets; with 1 per example it needs 2", labels.getMessage());
        var duplicate = assertThrows(IllegalArgumentException.class, () -> new Sequential(List.of(
                new Dense(1, Activation.LINEAR, "dense"), new Dense(1, Activation.LINEAR, "dense"))));
        assertTrue(duplicate.getMessage().contains("two layers are named 'dense'"), duplicate.getMessage());
    }
}
