package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.StepPhases;
import dev.kiln.engine.autodiff.StepPhases.LstmLayer;
import dev.kiln.engine.autodiff.StepPhases.Phase;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Step phases time each LSTM layer apart (what the benchmarks' per-layer breakdown reads): a
 * stacked model's two layers, keyed by their shapes in the order they run, each with forward and
 * backward time that add up exactly to the LSTM walls; reset clears them.
 */
class LstmLayerPhasesTest {

    @Test
    void aStackedModelsLayersAreTimedApartAndAddUpToTheLstmWalls() {
        StepPhases phases = StepPhases.measuring();
        Sequential model = new Sequential(List.of(new Embedding(20, 5, true, "embedding"),
                new Bidirectional(new Lstm(4, false, true, "lstm"), "bidirectional"),
                new Lstm(3, false, "lstm_1"), new Dense(1, Activation.LINEAR, "dense")));
        model.build(0, new Rng(3));
        LabeledBatch batch = new LabeledBatch(TokenBatch.ofRows(new int[][] {{1, 2, 3}, {4}, {}, {5, 6, 7, 8, 9}}),
                new float[] {1, 0, 1, 0});
        try (ComputePool pool = ComputePool.withThreads(2)) {
            model.compile(new Adam(0.01), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()),
                    Engine.on(pool).withPhases(phases));
            model.trainOnBatch(batch);
            model.trainOnBatch(batch);
        }
        Map<LstmLayer, double[]> layers = phases.lstmLayerMillis();
        assertEquals(List.of(new LstmLayer(true, 5, 4), new LstmLayer(false, 8, 3)), List.copyOf(layers.keySet()));
        assertEquals("bidirectional, 5 inputs, 4 units", new LstmLayer(true, 5, 4).toString());
        double forward = 0;
        double backward = 0;
        for (double[] millis : layers.values()) {
            assertTrue(millis[0] > 0 && millis[1] > 0, millis[0] + " / " + millis[1]);
            forward += millis[0];
            backward += millis[1];
        }
        assertEquals(phases.millis(Phase.LSTM_FORWARD_WALL), forward, 1e-9);
        assertEquals(phases.millis(Phase.LSTM_BACKWARD_WALL), backward, 1e-9);

        phases.reset();
        assertTrue(phases.lstmLayerMillis().isEmpty());
        assertTrue(StepPhases.off().lstmLayerMillis().isEmpty());
    }
}
