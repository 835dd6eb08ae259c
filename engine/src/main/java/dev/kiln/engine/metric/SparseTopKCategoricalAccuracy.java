package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/** Keras' SparseTopKCategoricalAccuracy(k): 1 when the target class index is among the k largest outputs (ties count in its favour). */
public final class SparseTopKCategoricalAccuracy implements ExampleMetric {
    /** The Keras class name: the type of this metric's config and its registry key. */
    public static final String TYPE = "SparseTopKCategoricalAccuracy";

    private final String name;
    private final int k;
    private final WeightedMean mean = new WeightedMean();

    /** The metric for {@code k} (at least 1), logged under {@code name}. */
    public SparseTopKCategoricalAccuracy(int k, String name) {
        if (k < 1) {
            throw new IllegalArgumentException("SparseTopKCategoricalAccuracy: k must be >= 1, got " + k);
        }
        this.k = k;
        this.name = name;
    }

    /** The metric its config describes; an unknown key or a bad value is an error naming it. */
    public static SparseTopKCategoricalAccuracy fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "k"));
        return new SparseTopKCategoricalAccuracy(config.getInt("k", 5, 1, Integer.MAX_VALUE), config.getName("sparse_top_k_categorical_accuracy"));
    }

    @Override
    public PartConfig config() {
        return Metric.config(TYPE, name).put("k", k).build();
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
        return batch.inTopK(i, (int) batch.targets()[i * batch.targetWidth()], k) ? 1 : 0;
    }
}
