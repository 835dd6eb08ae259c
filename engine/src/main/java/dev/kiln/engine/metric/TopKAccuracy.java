package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' TopKCategoricalAccuracy(k) (one-hot targets) and SparseTopKCategoricalAccuracy(k) (class
 * index targets): 1 when the target class is among the k largest outputs, ties counting in its
 * favour (TensorFlow's in_top_k).
 */
public final class TopKAccuracy implements ExampleMetric {
    /** Keras' class name with one-hot targets. */
    public static final String TYPE = "TopKCategoricalAccuracy";
    /** Keras' class name with class-index targets. */
    public static final String SPARSE_TYPE = "SparseTopKCategoricalAccuracy";

    private final boolean sparse;
    private final int k;
    private final String name;
    private final WeightedMean mean = new WeightedMean();

    /** @param sparse targets are class indices (else one-hot rows) */
    public TopKAccuracy(boolean sparse, int k, String name) {
        if (k < 1) {
            throw new IllegalArgumentException((sparse ? SPARSE_TYPE : TYPE) + ": k must be >= 1, got " + k);
        }
        this.sparse = sparse;
        this.k = k;
        this.name = name;
    }

    /** The metric a saved config describes; {@code sparse} for SparseTopKCategoricalAccuracy. */
    public static TopKAccuracy fromConfig(PartConfig config, boolean sparse) {
        config.requireOnly(List.of("name", "k"));
        return new TopKAccuracy(sparse, config.getInt("k", 5, 1, Integer.MAX_VALUE),
                config.getName(sparse ? "sparse_top_k_categorical_accuracy" : "top_k_categorical_accuracy"));
    }

    @Override
    public PartConfig config() {
        return Metric.config(sparse ? SPARSE_TYPE : TYPE, name).put("k", k).build();
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
        int target = sparse ? (int) batch.targets()[i * batch.targetWidth()] : CategoricalAccuracy.targetClass(batch, i);
        return batch.inTopK(i, target, k) ? 1 : 0;
    }
}
