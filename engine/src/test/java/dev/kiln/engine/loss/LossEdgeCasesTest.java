package dev.kiln.engine.loss;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.metric.Metrics;
import dev.kiln.engine.metric.Predictions;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartConfigException;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the fixture cannot hold: NaN outputs and targets, and configs a file might carry. */
class LossEdgeCasesTest {
    private static final Ops OPS = new Ops(Kernels.preferred(ComputePool.singleThreaded()), Tape.inference());

    private static float loss(Loss loss, float[] outputs, float[] targets) {
        int width = 2;
        int n = outputs.length / width;
        float[] weights = new float[n];
        Arrays.fill(weights, 1f);
        Variable x = Variable.constant(Tensor.wrap(outputs, n, width));
        return OPS.exampleLoss(x, loss, targets, loss.targetWidth(width), weights, n).value().item();
    }

    /** A NaN output is not hidden: every loss is NaN, so TerminateOnNaN and users can see it. */
    @Test
    void aNanOutputGivesANanLoss() {
        for (String type : Losses.registry().types()) {
            Loss loss = Losses.registry().create(PartConfig.builder("loss", type).build());
            float[] targets = loss.targetWidth(2) == 1 ? new float[] {1, 0} : new float[] {1, 0, 0, 1};
            float value = loss(loss, new float[] {Float.NaN, 0.5f, 0.2f, 0.4f}, targets);
            assertTrue(Float.isNaN(value), type + " gave " + value);
        }
    }

    /** A target a loss cannot take is refused, naming the example: never a silent NaN. */
    @Test
    void badTargetsAreNamed() {
        var nan = assertThrows(IllegalArgumentException.class, () -> loss(MeanError.squared(), new float[] {1, 2, 3, 4},
                new float[] {1, Float.NaN, 0, 0}));
        assertEquals("example 0 of the batch: the target is NaN", nan.getMessage());
        var label = assertThrows(IllegalArgumentException.class, () -> loss(new CategoricalCrossentropy(true), new float[] {1, 2, 3, 4},
                new float[] {0, 1, 2, 0}));
        assertEquals("example 1 of the batch: categorical cross-entropy takes targets in [0, 1] (one-hot rows), got 2.0",
                label.getMessage());
    }

    /** Metrics see NaN outputs as Keras' comparisons do (NaN is above no threshold) and stay finite. */
    @Test
    void metricsStayFiniteOnNanOutputs() {
        for (String type : Metrics.registry().types()) {
            Metric metric = Metrics.registry().create(PartConfig.builder("metric", type).build());
            boolean sparse = type.startsWith("Sparse");
            metric.update(new Predictions(new float[] {Float.NaN, 0.2f, 0.9f, 0.1f}, 2, sparse ? new float[] {0, 1}
                    : new float[] {1, 0, 0, 1}, sparse ? 1 : 2, new float[] {1, 1}));
            double result = metric.result();
            boolean regression = type.equals("MeanAbsoluteError") || type.equals("MeanSquaredError");
            assertTrue(regression ? Double.isNaN(result) : Double.isFinite(result), type + " gave " + result);
        }
    }

    /** A config from a file with an unknown key or a value out of range names the part, the key and what is allowed. */
    @Test
    void configsAreValidated() {
        var unknown = assertThrows(PartConfigException.class, () -> Losses.registry().create(
                PartConfig.builder("loss", "Huber").put("delta", 1.0).put("gamma", 2.0).build()));
        assertEquals("loss (Huber): unknown key 'gamma'; Huber takes [name, reduction, delta]", unknown.getMessage());
        var reduction = assertThrows(PartConfigException.class, () -> Losses.registry().create(
                PartConfig.builder("loss", "MeanSquaredError").put("reduction", "sum").build()));
        assertEquals("loss (MeanSquaredError): 'reduction' is \"sum\"; allowed: one of [sum_over_batch_size]", reduction.getMessage());
        var range = assertThrows(PartConfigException.class, () -> Metrics.registry().create(
                PartConfig.builder("metric", "AUC").put("num_thresholds", 2).build()));
        assertTrue(range.getMessage().startsWith("metric (AUC): 'num_thresholds' is 2; allowed: an integer from 3"), range.getMessage());
        var type = assertThrows(PartConfigException.class, () -> Losses.registry().create(PartConfig.builder("loss", "Focal").build()));
        assertTrue(type.getMessage().startsWith("unknown loss type 'Focal'; this registry knows [BinaryCrossentropy"), type.getMessage());
    }
}
