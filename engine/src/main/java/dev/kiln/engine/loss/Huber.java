package dev.kiln.engine.loss;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' Huber(delta): per output, e^2 / 2 where |e| &lt;= delta, else delta (|e| - delta / 2), with
 * e = output - target; averaged over an example's outputs.
 */
public final class Huber implements Loss {
    /** The Keras class name: the type of this loss's config and its registry key. */
    public static final String TYPE = "Huber";

    private final double delta;
    private final String name;

    /** Keras' Huber(delta), delta finite and positive. */
    public Huber(double delta, String name) {
        if (!(delta > 0 && Double.isFinite(delta))) {
            throw new IllegalArgumentException("Huber: delta must be > 0, got " + delta);
        }
        this.delta = delta;
        this.name = name;
    }

    /** Keras' default: delta 1, named huber_loss. */
    public Huber() {
        this(1.0, "huber_loss");
    }

    /** The loss its config describes; an unknown key or a bad value is an error naming it. */
    public static Huber fromConfig(PartConfig config) {
        Loss.requireKeys(config, List.of("delta"));
        return new Huber(config.getDouble("delta", 1.0, Double.MIN_VALUE, Double.MAX_VALUE), config.getName("huber_loss"));
    }

    @Override
    public PartConfig config() {
        return Loss.config(TYPE, name).put("delta", delta).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double example(float[] outputs, int outputOffset, int width, float[] targets, int targetOffset, float[] gradient,
                          int gradientOffset) {
        return ErrorMean.of(outputs, outputOffset, width, targets, targetOffset, gradient, gradientOffset,
                e -> Math.abs(e) <= delta ? 0.5 * e * e : delta * (Math.abs(e) - 0.5 * delta),
                e -> Math.abs(e) <= delta ? e : delta * Math.signum(e));
    }
}
