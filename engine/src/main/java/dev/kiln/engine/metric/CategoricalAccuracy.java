package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/** Keras' CategoricalAccuracy: 1 when the largest output is at the one-hot target's largest value (first of ties). */
public final class CategoricalAccuracy implements ExampleMetric {
    /** The Keras class name: the type of this metric's config and its registry key. */
    public static final String TYPE = "CategoricalAccuracy";

    private final String name;
    private final WeightedMean mean = new WeightedMean();

    /** The metric, logged under {@code name}. */
    public CategoricalAccuracy(String name) {
        this.name = name;
    }

    /** The metric its config describes; an unknown key is an error naming it. */
    public static CategoricalAccuracy fromConfig(PartConfig config) {
        config.requireOnly(List.of("name"));
        return new CategoricalAccuracy(config.getName("categorical_accuracy"));
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
        return batch.argmax(i) == targetClass(batch, i) ? 1 : 0;
    }

    /** The class of a one-hot target row: the index of its largest value (the first of ties). */
    static int targetClass(Predictions batch, int i) {
        return Predictions.argmax(batch.targets(), i * batch.targetWidth(), batch.targetWidth());
    }
}
