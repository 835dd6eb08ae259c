package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/** Keras' SparseCategoricalAccuracy: 1 when the largest output (first of ties) is the target class index. */
public final class SparseCategoricalAccuracy implements ExampleMetric {
    /** The Keras class name: the type of this metric's config and its registry key. */
    public static final String TYPE = "SparseCategoricalAccuracy";

    private final String name;
    private final WeightedMean mean = new WeightedMean();

    /** The metric, logged under {@code name}. */
    public SparseCategoricalAccuracy(String name) {
        this.name = name;
    }

    /** The metric its config describes; an unknown key is an error naming it. */
    public static SparseCategoricalAccuracy fromConfig(PartConfig config) {
        config.requireOnly(List.of("name"));
        return new SparseCategoricalAccuracy(config.getName("sparse_categorical_accuracy"));
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
        return batch.argmax(i) == batch.targets()[i * batch.targetWidth()] ? 1 : 0;
    }
}
