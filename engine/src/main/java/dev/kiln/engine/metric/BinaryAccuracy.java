package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' BinaryAccuracy(threshold): per example, the share of its outputs on the right side of the
 * threshold (output > threshold predicts 1; a target > 0.5 is 1). With from_logits (a Kiln option:
 * Keras has none) the threshold applies to sigmoid(output), so a model that outputs logits is
 * scored by its probabilities: Keras' metrics=["accuracy"] with a from_logits loss thresholds the
 * raw logit at 0.5, i.e. probability 0.62, which is almost never what its user means.
 */
public final class BinaryAccuracy implements ExampleMetric {
    /** The Keras class name: the type of this metric's config and its registry key. */
    public static final String TYPE = "BinaryAccuracy";

    private final String name;
    private final double threshold;
    private final boolean fromLogits;
    private final float outputThreshold;
    private final WeightedMean mean = new WeightedMean();

    /**
     * Keras' BinaryAccuracy(threshold) with this name; with {@code fromLogits} the threshold applies to
     * sigmoid(output).
     */
    public BinaryAccuracy(String name, double threshold, boolean fromLogits) {
        boolean valid = fromLogits ? threshold > 0 && threshold < 1 : threshold >= 0 && threshold <= 1;
        if (!valid) {
            throw new IllegalArgumentException("BinaryAccuracy: threshold must be in [0, 1] (in (0, 1) with from_logits), got "
                    + threshold);
        }
        this.name = name;
        this.threshold = threshold;
        this.fromLogits = fromLogits;
        // sigmoid(x) > t  <=>  x > log(t / (1 - t)): compare the logit, no exponential per example
        this.outputThreshold = (float) (fromLogits ? Math.log(threshold / (1 - threshold)) : threshold);
    }

    /** The seed model's metric: "accuracy" on logits, probability > 0.5 (logit > 0). */
    public static BinaryAccuracy onLogits() {
        return new BinaryAccuracy("accuracy", 0.5, true);
    }

    /** The metric its config describes; an unknown key or a bad value is an error naming it. */
    public static BinaryAccuracy fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "threshold", "from_logits"));
        return new BinaryAccuracy(config.getName("binary_accuracy"), config.getDouble("threshold", 0.5, 0, 1),
                config.getBoolean("from_logits", false));
    }

    @Override
    public PartConfig config() {
        return Metric.config(TYPE, name).put("threshold", threshold).put("from_logits", fromLogits).build();
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
        int width = batch.width();
        int right = 0;
        for (int j = 0; j < width; j++) {
            boolean predicted = batch.outputs()[i * width + j] > outputThreshold;
            if (predicted == batch.targets()[i * batch.targetWidth() + j] > 0.5f) {
                right++;
            }
        }
        return (double) right / width;
    }
}
