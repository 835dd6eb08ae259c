package com.example.firstmodel;

import dev.kiln.engine.callback.History;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.FitOptions;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Trains a tiny model to tell whether a sequence of token ids contains the id 7. */
public final class FirstModel {
    private static final int MARKER = 7;

    /** A sequence of ids from 1 to 9 and its label: 1 when the marker occurs in it. */
    private record Example(int[] ids, float label) {}

    public static void main(String[] args) {
        Dataset<LabeledBatch> train = Dataset.fromList(examples(new Rng(1), 512)).shuffle(512, 7).batch(32)
                .map(FirstModel::labeled);
        Dataset<LabeledBatch> test = Dataset.fromList(examples(new Rng(2), 256)).batch(64).map(FirstModel::labeled);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            Sequential model = new Sequential(List.of(
                    new Embedding(10, 8, true, "embedding"),   // ids 1..9; id 0 would be padding
                    new Lstm(16, false, "lstm"),
                    new Dense(1, Activation.LINEAR, "dense"))); // one logit per sequence
            model.build(0, new Rng(42));                       // the same seed gives the same weights
            model.compile(new Adam(0.01), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()),
                    Engine.on(pool));
            History history = model.fit(train, FitOptions.epochs(8).validation(test));
            System.out.print(model.summary());
            System.out.printf("val_accuracy: %.3f%n", history.history().get("val_accuracy").getLast());
            Tensor logits = model.predict(TokenBatch.ofRows(new int[][] {{3, 7, 2}, {4, 5, 6, 1}}));
            System.out.printf("logit of [3, 7, 2]: %+.2f, of [4, 5, 6, 1]: %+.2f%n", logits.get(0), logits.get(1));
        }
    }

    /** {@code count} sequences of 1 to 10 ids, half of them with the marker somewhere. */
    private static List<Example> examples(Rng rng, int count) {
        List<Example> examples = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            int[] ids = new int[1 + rng.nextInt(10)];
            for (int t = 0; t < ids.length; t++) {
                do {
                    ids[t] = 1 + rng.nextInt(9);
                } while (ids[t] == MARKER);
            }
            boolean marked = rng.nextInt(2) == 1;
            if (marked) {
                ids[rng.nextInt(ids.length)] = MARKER;
            }
            examples.add(new Example(ids, marked ? 1f : 0f));
        }
        return examples;
    }

    private static LabeledBatch labeled(List<Example> batch) {
        int[][] rows = new int[batch.size()][];
        float[] labels = new float[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            rows[i] = batch.get(i).ids();
            labels[i] = batch.get(i).label();
        }
        return new LabeledBatch(TokenBatch.ofRows(rows), labels);
    }
}
