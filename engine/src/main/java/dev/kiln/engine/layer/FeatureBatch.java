package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Variable;

/** One vector per example: {@code values} is [batch, features]. */
public record FeatureBatch(Variable values) implements LayerValue {

    public FeatureBatch {
        if (values.shape().rank() != 2) {
            throw new IllegalArgumentException("FeatureBatch values must be [batch, features], got " + values.shape());
        }
    }

    @Override
    public int batchSize() {
        return values.shape().dim(0);
    }
}
