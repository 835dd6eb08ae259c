package dev.kiln.engine.model;

import dev.kiln.engine.layer.LayerValue;

/** A batch of model inputs with one 0/1 label per example. */
public record LabeledBatch(LayerValue inputs, float[] labels) {

    public LabeledBatch {
        if (inputs.batchSize() != labels.length) {
            throw new IllegalArgumentException("a batch of " + inputs.batchSize() + " inputs has " + labels.length + " labels");
        }
    }

    public int size() {
        return labels.length;
    }

    /** Examples [from, to). */
    public LabeledBatch slice(int from, int to) {
        return new LabeledBatch(inputs.slice(from, to), java.util.Arrays.copyOfRange(labels, from, to));
    }
}
