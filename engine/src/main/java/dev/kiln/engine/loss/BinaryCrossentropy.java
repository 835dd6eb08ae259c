package dev.kiln.engine.loss;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' BinaryCrossentropy(from_logits, label_smoothing), averaged over an example's outputs.
 * Targets in [0, 1] are smoothed to z (1 - s) + s / 2. From logits it is the stable
 * max(x, 0) - x z + log(1 + e^-|x|), with gradient sigmoid(x) - z; from probabilities the output is
 * clipped to Keras' float32 [1e-7, 1 - 1e-7] (gradient 0 where clipped) and the loss is -z log p - (1 - z) log(1 - p).
 */
public final class BinaryCrossentropy implements Loss {
    /** The Keras class name: the type of this loss's config and its registry key. */
    public static final String TYPE = "BinaryCrossentropy";
    /** Keras clips float32 probabilities to [1e-7, 1 - 1e-7], each bound rounded to float32 (the upper one is 1 - 2^-23). */
    static final double LOWEST = (float) 1e-7;
    static final double HIGHEST = (float) (1 - 1e-7);

    private final boolean fromLogits;
    private final double labelSmoothing;
    private final String name;

    /** Keras' BinaryCrossentropy(from_logits, label_smoothing), named binary_crossentropy. */
    public BinaryCrossentropy(boolean fromLogits, double labelSmoothing) {
        this(fromLogits, labelSmoothing, "binary_crossentropy");
    }

    /** The same with a name; label smoothing must be in [0, 1]. */
    public BinaryCrossentropy(boolean fromLogits, double labelSmoothing, String name) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("BinaryCrossentropy: label_smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.fromLogits = fromLogits;
        this.labelSmoothing = labelSmoothing;
        this.name = name;
    }

    /** BinaryCrossentropy(from_logits=True), the seed model's loss. */
    public static BinaryCrossentropy fromLogits() {
        return new BinaryCrossentropy(true, 0);
    }

    /**
     * The loss its config describes (Keras' keys, axis -1 only); an unknown key or a bad value is an error
     * naming it.
     */
    public static BinaryCrossentropy fromConfig(PartConfig config) {
        Loss.requireKeys(config, List.of("from_logits", "label_smoothing", "axis"));
        config.getInt("axis", -1, -1, -1);
        return new BinaryCrossentropy(config.getBoolean("from_logits", false), config.getDouble("label_smoothing", 0, 0, 1),
                config.getName("binary_crossentropy"));
    }

    @Override
    public PartConfig config() {
        return Loss.config(TYPE, name).put("from_logits", fromLogits).put("label_smoothing", labelSmoothing).put("axis", -1)
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    /** Whether outputs are logits (true) or probabilities. */
    @Override
    public double example(float[] outputs, int outputOffset, int width, float[] targets, int targetOffset, float[] gradient,
                          int gradientOffset) {
        double total = 0;
        for (int j = 0; j < width; j++) {
            float label = targets[targetOffset + j];
            if (!(label >= 0f && label <= 1f)) {
                throw new IllegalArgumentException("binary cross-entropy takes targets in [0, 1], got " + label);
            }
            double z = label * (1 - labelSmoothing) + 0.5 * labelSmoothing;
            double x = outputs[outputOffset + j];
            double derivative;
            if (fromLogits) {
                total += Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
                derivative = 1 / (1 + Math.exp(-x)) - z;
            } else {
                double p = Math.min(Math.max(x, LOWEST), HIGHEST);
                total += -z * Math.log(p) - (1 - z) * Math.log(1 - p);
                derivative = x == p ? -z / p + (1 - z) / (1 - p) : 0;
            }
            gradient[gradientOffset + j] = (float) (derivative / width);
        }
        return total / width;
    }

    @Override
    public OutputMeaning outputMeaning() {
        return fromLogits ? OutputMeaning.LOGITS : OutputMeaning.PROBABILITIES;
    }
}
