package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartState;

import java.util.List;

/**
 * Keras' Precision(thresholds): TP / (TP + FP) over every output, an output above the threshold (default
 * 0.5) predicted positive, a non-zero target positive; 0 while the denominator is 0. One threshold
 * (Keras also takes a list, which gives a vector Kiln's scalar logs cannot hold).
 */
public final class Precision implements Metric {
    /** The Keras class name: the type of this metric's config and its registry key. */
    public static final String TYPE = "Precision";

    private final String name;
    private final double threshold;
    private final ThresholdCounts counts;

    /** Keras' Precision(thresholds) with one threshold and this name. */
    public Precision(double threshold, String name) {
        this.name = name;
        this.threshold = threshold;
        this.counts = new ThresholdCounts(threshold);
    }

    /** Keras' default: threshold 0.5, named precision. */
    public Precision() {
        this(0.5, "precision");
    }

    /** The metric its config describes; an unknown key or a bad value is an error naming it. */
    public static Precision fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "thresholds"));
        return new Precision(config.getDouble("thresholds", 0.5, 0, 1), config.getName("precision"));
    }

    @Override
    public PartConfig config() {
        return Metric.config(TYPE, name).put("thresholds", threshold).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void update(Predictions batch) {
        counts.update(batch);
    }

    @Override
    public double result() {
        return counts.precision();
    }

    @Override
    public void reset() {
        counts.reset();
    }

    @Override
    public PartState saveState() {
        return counts.state();
    }

    @Override
    public void restoreState(PartState state) {
        counts.restore(state);
    }
}
