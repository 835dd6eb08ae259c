package dev.kiln.engine.loss;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' SparseCategoricalCrossentropy(from_logits): each example's target is its class index
 * (0 to classes - 1, stored as a float), and the loss is -log p of that class: from logits through
 * a stable log-softmax, from probabilities on the row renormalized and clipped.
 */
public final class SparseCategoricalCrossentropy implements Loss {
    /** The Keras class name: the type of this loss's config and its registry key. */
    public static final String TYPE = "SparseCategoricalCrossentropy";

    private final boolean fromLogits;
    private final String name;

    /** Keras' SparseCategoricalCrossentropy(from_logits) with this name (kept in its config). */
    public SparseCategoricalCrossentropy(boolean fromLogits, String name) {
        this.fromLogits = fromLogits;
        this.name = name;
    }

    /** Named sparse_categorical_crossentropy, as in Keras. */
    public SparseCategoricalCrossentropy(boolean fromLogits) {
        this(fromLogits, "sparse_categorical_crossentropy");
    }

    /** The loss its config describes (Keras' keys); an unknown key or a bad value is an error naming it. */
    public static SparseCategoricalCrossentropy fromConfig(PartConfig config) {
        Loss.requireKeys(config, List.of("from_logits"));
        return new SparseCategoricalCrossentropy(config.getBoolean("from_logits", false),
                config.getName("sparse_categorical_crossentropy"));
    }

    @Override
    public PartConfig config() {
        return Loss.config(TYPE, name).put("from_logits", fromLogits).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int targetWidth(int outputWidth) {
        return 1;
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
        int label = classIndex(targets[targetOffset], width);
        return CrossEntropy.of(fromLogits, outputs, outputOffset, width, j -> j == label ? 1 : 0, gradient, gradientOffset);
    }

    /** A target that names one of {@code classes} classes: a whole number from 0 to classes - 1. */
    public static int classIndex(float target, int classes) {
        if (!(target >= 0 && target < classes && target == Math.rint(target))) {
            throw new IllegalArgumentException("the target must be a class index from 0 to " + (classes - 1) + ", got " + target);
        }
        return (int) target;
    }

    @Override
    public OutputMeaning outputMeaning() {
        return fromLogits ? OutputMeaning.CLASS_LOGITS : OutputMeaning.CLASS_PROBABILITIES;
    }
}
