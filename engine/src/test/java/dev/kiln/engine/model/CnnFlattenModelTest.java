package dev.kiln.engine.model;

import dev.kiln.engine.callback.History;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Conv1D;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Flatten;
import dev.kiln.engine.layer.MaxPooling1D;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Embedding(mask_zero=False) -> Conv1D -> MaxPooling1D -> Flatten -> Dense(1), built from the
 * library API for rows of 12 ids, learns where a marker stands: label 1 when id 7 is in the first
 * half of the row. Flatten keeps the positions, so the loss falls well below chance's (ln 2).
 */
class CnnFlattenModelTest {
    private static final int STEPS = 12;

    @Test
    void theCnnHeadTrainsAndItsLossFalls() {
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential model = new Sequential(List.of(new Embedding(20, 6, false, "embedding"),
                    new Conv1D(8, 3, 1, 1, true, Activation.RELU, "conv1d"), new MaxPooling1D(2, "max_pooling1d"),
                    new Flatten("flatten"), new Dense(1, Activation.LINEAR, "dense")));
            model.build(ValueSpec.input(0, STEPS), ParameterSource.initial(new Rng(4)));
            model.compile(new Adam(0.01), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            Dataset<LabeledBatch> train = Dataset.fromList(markerInFirstHalf(1, 320, 32));
            double before = model.evaluate(train).get("loss");
            History history = model.fit(train, FitOptions.epochs(4));
            List<Double> losses = history.history().get("loss");
            double after = model.evaluate(train).get("loss");
            assertTrue(losses.getLast() < losses.getFirst() && after < 0.5 * before && after < 0.3,
                    "loss before " + before + ", per epoch " + losses + ", after " + after);
        }
    }

    /** Rows of ids 1..19 (7 only where placed), half with a 7 in the first half (label 1), half with one in the second. */
    private static List<LabeledBatch> markerInFirstHalf(long seed, int examples, int batchSize) {
        Random random = new Random(seed);
        List<LabeledBatch> batches = new ArrayList<>();
        for (int start = 0; start < examples; start += batchSize) {
            int[][] rows = new int[batchSize][STEPS];
            float[] labels = new float[batchSize];
            for (int i = 0; i < batchSize; i++) {
                for (int t = 0; t < STEPS; t++) {
                    rows[i][t] = 1 + random.nextInt(18);
                    rows[i][t] += rows[i][t] >= 7 ? 1 : 0; // never 7 by chance
                }
                labels[i] = random.nextInt(2);
                rows[i][random.nextInt(STEPS / 2) + (labels[i] == 1 ? 0 : STEPS / 2)] = 7;
            }
            batches.add(new LabeledBatch(TokenBatch.ofRows(rows), labels));
        }
        return batches;
    }
}
