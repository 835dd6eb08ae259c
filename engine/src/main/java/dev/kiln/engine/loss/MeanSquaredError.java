package dev.kiln.engine.loss;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/** Keras' MeanSquaredError: the mean of (output - target)^2 over an example's outputs. */
public final class MeanSquaredError implements Loss {
    /** The Keras class name: the type of this loss's config and its registry key. */
    public static final String TYPE = "MeanSquaredError";

    private final String name;

    /** The loss with this name (kept in its config). */
    public MeanSquaredError(String name) {
        this.name = name;
    }

    /** The loss named mean_squared_error, as in Keras. */
    public MeanSquaredError() {
        this("mean_squared_error");
    }

    /** The loss its config describes; an unknown key is an error naming it. */
    public static MeanSquaredError fromConfig(PartConfig config) {
        Loss.requireKeys(config, List.of());
        return new MeanSquaredError(config.getName("mean_squared_error"));
    }

    @Override
    public PartConfig config() {
        return Loss.config(TYPE, name).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double example(float[] outputs, int outputOffset, int width, float[] targets, int targetOffset, float[] gradient,
                          int gradientOffset) {
        return ErrorMean.of(outputs, outputOffset, width, targets, targetOffset, gradient, gradientOffset, e -> e * e, e -> 2 * e);
    }
}
