package dev.kiln.engine.model;

import dev.kiln.engine.layer.LayerValue;

import java.util.Arrays;

/**
 * A batch of model inputs with each example's targets ({@code targetWidth} values: a 0/1 label,
 * a class index, a one-hot row, regression values) and its sample weight (Keras' sample_weight:
 * it multiplies the example's loss and its weight in the metrics).
 */
public record LabeledBatch(LayerValue inputs, float[] targets, int targetWidth, float[] weights) {

    /** Checks that there are targetWidth targets and one weight per example. */
    public LabeledBatch {
        int size = inputs.batchSize();
        if (targetWidth < 1 || targets.length != (long) size * targetWidth) {
            throw new IllegalArgumentException("a batch of " + size + " inputs has " + targets.length + " targets; with "
                    + targetWidth + " per example it needs " + (long) size * targetWidth);
        }
        if (weights.length != size) {
            throw new IllegalArgumentException("a batch of " + size + " inputs has " + weights.length + " sample weights");
        }
    }

    /** One target per example, every sample weight 1. */
    public LabeledBatch(LayerValue inputs, float[] labels) {
        this(inputs, labels, 1);
    }

    /** {@code targetWidth} targets per example (a one-hot row, say), every sample weight 1. */
    public LabeledBatch(LayerValue inputs, float[] targets, int targetWidth) {
        this(inputs, targets, targetWidth, ones(inputs.batchSize()));
    }

    /** The number of examples. */
    public int size() {
        return weights.length;
    }

    /** The same batch with these sample weights. */
    public LabeledBatch withWeights(float[] sampleWeights) {
        return new LabeledBatch(inputs, targets, targetWidth, sampleWeights);
    }

    /** Examples [from, to). */
    public LabeledBatch slice(int from, int to) {
        return new LabeledBatch(inputs.slice(from, to), Arrays.copyOfRange(targets, from * targetWidth, to * targetWidth),
                targetWidth, Arrays.copyOfRange(weights, from, to));
    }

    private static float[] ones(int n) {
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        return ones;
    }
}
