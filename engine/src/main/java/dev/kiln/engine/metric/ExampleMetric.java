package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartState;

/**
 * A metric that averages a value computed per example, weighted by the sample weights (Keras'
 * MeanMetricWrapper: accuracies, mean errors). An implementation computes {@link #example} and
 * holds a {@link WeightedMean}; updating, the result, reset and the saved state follow from them.
 */
public interface ExampleMetric extends Metric {

    /** The running mean this metric keeps. */
    WeightedMean mean();

    /** The value for example {@code i} of the batch. */
    double example(Predictions batch, int i);

    @Override
    default void update(Predictions batch) {
        for (int i = 0; i < batch.size(); i++) {
            mean().add(example(batch, i), batch.weights()[i]);
        }
    }

    @Override
    default double result() {
        return mean().result();
    }

    @Override
    default void reset() {
        mean().reset();
    }

    @Override
    default PartState saveState() {
        return mean().state();
    }

    @Override
    default void restoreState(PartState state) {
        mean().restore(state);
    }
}
