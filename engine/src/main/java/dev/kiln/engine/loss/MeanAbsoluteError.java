package dev.kiln.engine.loss;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/** Keras' MeanAbsoluteError: the mean of |output - target| (gradient 0 at 0, as sign) over an example's outputs. */
public final class MeanAbsoluteError implements Loss {
    /** The Keras class name: the type of this loss's config and its registry key. */
    public static final String TYPE = "MeanAbsoluteError";

    private final String name;

    /** The loss with this name (kept in its config). */
    public MeanAbsoluteError(String name) {
        this.name = name;
    }

    /** The loss named mean_absolute_error, as in Keras. */
    public MeanAbsoluteError() {
        this("mean_absolute_error");
    }

    /** The loss its config describes; an unknown key is an error naming it. */
    public static MeanAbsoluteError fromConfig(PartConfig config) {
        Loss.requireKeys(config, List.of());
        return new MeanAbsoluteError(config.getName("mean_absolute_error"));
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
        return ErrorMean.of(outputs, outputOffset, width, targets, targetOffset, gradient, gradientOffset, e -> Math.abs(e), e -> Math.signum(e));
    }
}
