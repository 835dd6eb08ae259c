package dev.kiln.engine.loss;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' CategoricalCrossentropy(from_logits, label_smoothing): one-hot (or soft) targets, one per
 * output, smoothed to t (1 - s) + s / classes; the loss is -sum t log softmax(x) from logits, or
 * on the row renormalized and clipped from probabilities.
 */
public final class CategoricalCrossentropy implements Loss {
    /** The Keras class name: the type of this loss's config and its registry key. */
    public static final String TYPE = "CategoricalCrossentropy";

    private final boolean fromLogits;
    private final double labelSmoothing;
    private final String name;

    /** Keras' CategoricalCrossentropy(from_logits, label_smoothing); label smoothing must be in [0, 1]. */
    public CategoricalCrossentropy(boolean fromLogits, double labelSmoothing, String name) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("CategoricalCrossentropy: label_smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.fromLogits = fromLogits;
        this.labelSmoothing = labelSmoothing;
        this.name = name;
    }

    /** Without label smoothing, named categorical_crossentropy. */
    public CategoricalCrossentropy(boolean fromLogits) {
        this(fromLogits, 0, "categorical_crossentropy");
    }

    /**
     * The loss its config describes (Keras' keys, axis -1 only); an unknown key or a bad value is an error
     * naming it.
     */
    public static CategoricalCrossentropy fromConfig(PartConfig config) {
        Loss.requireKeys(config, List.of("from_logits", "label_smoothing", "axis"));
        config.getInt("axis", -1, -1, -1);
        return new CategoricalCrossentropy(config.getBoolean("from_logits", false),
                config.getDouble("label_smoothing", 0, 0, 1), config.getName("categorical_crossentropy"));
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

    @Override
    public void requireOutputWidth(int outputWidth) {
        if (outputWidth < 2) {
            throw new IllegalArgumentException(TYPE + " needs a model output of at least 2 classes, got " + outputWidth
                    + " (for one output use BinaryCrossentropy)");
        }
    }

    @Override
    public double example(float[] outputs, int outputOffset, int width, float[] targets, int targetOffset, float[] gradient,
                          int gradientOffset) {
        for (int j = 0; j < width; j++) {
            float t = targets[targetOffset + j];
            if (!(t >= 0f && t <= 1f)) {
                throw new IllegalArgumentException("categorical cross-entropy takes targets in [0, 1] (one-hot rows), got " + t);
            }
        }
        double keep = 1 - labelSmoothing;
        double spread = labelSmoothing / width;
        return CrossEntropy.of(fromLogits, outputs, outputOffset, width, j -> targets[targetOffset + j] * keep + spread,
                gradient, gradientOffset);
    }

    @Override
    public OutputMeaning outputMeaning() {
        return fromLogits ? OutputMeaning.CLASS_LOGITS : OutputMeaning.CLASS_PROBABILITIES;
    }
}
