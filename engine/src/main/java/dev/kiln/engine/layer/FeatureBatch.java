package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Variable;

/** One vector per example: {@code values} is [batch, features]. */
public record FeatureBatch(Variable values) implements LayerValue {

    /** Checks that the values are a matrix. */
    public FeatureBatch {
        if (values.shape().rank() != 2) {
            throw new IllegalArgumentException("FeatureBatch values must be [batch, features], got " + values.shape());
        }
    }

    @Override
    public int batchSize() {
        return values.shape().dim(0);
    }

    /** Rows [from, to) as a constant (slicing is for splitting inputs, which take no gradient). */
    @Override
    public FeatureBatch slice(int from, int to) {
        int batch = batchSize();
        if (from < 0 || to > batch || from > to) {
            throw new IllegalArgumentException("FeatureBatch.slice(" + from + ", " + to + ") outside a batch of " + batch);
        }
        int features = values.shape().dim(1);
        float[] rows = java.util.Arrays.copyOfRange(values.data(), from * features, to * features);
        return new FeatureBatch(Variable.constant(dev.kiln.engine.tensor.Tensor.wrap(rows, to - from, features)));
    }
}
