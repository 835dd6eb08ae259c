package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/** Keras' MeanAbsoluteError metric: the weighted mean over examples of the mean absolute error of their outputs. */
public final class MeanAbsoluteError implements ExampleMetric {
    /** The Keras class name: the type of this metric's config and its registry key. */
    public static final String TYPE = "MeanAbsoluteError";

    private final String name;
    private final WeightedMean mean = new WeightedMean();

    /** The metric, logged under {@code name}. */
    public MeanAbsoluteError(String name) {
        this.name = name;
    }

    /** The metric its config describes; an unknown key is an error naming it. */
    public static MeanAbsoluteError fromConfig(PartConfig config) {
        config.requireOnly(List.of("name"));
        return new MeanAbsoluteError(config.getName("mean_absolute_error"));
    }

    @Override
    public PartConfig config() {
        return Metric.config(TYPE, name).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public WeightedMean mean() {
        return mean;
    }

    @Override
    public double example(Predictions batch, int i) {
        double total = 0;
        for (int j = 0; j < batch.width(); j++) {
            double error = (double) batch.outputs()[i * batch.width() + j] - batch.targets()[i * batch.targetWidth() + j];
            total += Math.abs(error);
        }
        return total / batch.width();
    }
}
