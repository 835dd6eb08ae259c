package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras' Mean: the running sum of weight x value over the running sum of weights. It is the state
 * of every averaging metric and of the epoch's loss (each batch's loss weighted by its size).
 */
public final class WeightedMean {
    private double total;
    private double count;

    /** A mean of nothing yet (result 0). */
    public WeightedMean() {}

    /** Adds {@code value} with {@code weight}. */
    public void add(double value, double weight) {
        total += value * weight;
        count += weight;
    }

    /** total / count, or 0 when nothing was added. */
    public double result() {
        return count == 0 ? 0 : total / count;
    }

    /** Back to a mean of nothing. */
    public void reset() {
        total = 0;
        count = 0;
    }

    /** The running total and count, for a checkpoint. */
    public PartState state() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("total", PartState.storable(total));
        values.put("count", count);
        return new PartState(values);
    }

    /** Continues from a state saved by {@link #state()}; a negative or NaN count is an error. */
    public void restore(PartState state) {
        double savedCount = state.getDouble("count");
        if (!(savedCount >= 0)) {
            throw new IllegalArgumentException("saved state value 'count' should be >= 0, found " + savedCount);
        }
        total = state.getDouble("total");
        count = savedCount;
    }
}
