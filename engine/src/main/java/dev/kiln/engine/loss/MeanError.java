package dev.kiln.engine.loss;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' MeanSquaredError and MeanAbsoluteError: the mean over an example's outputs of
 * (output - target)^2 or |output - target| (the absolute one's gradient is 0 at 0, as sign).
 */
public final class MeanError implements Loss {
    /** Which error: squared or absolute, with Keras' class name and default name. */
    public enum Kind {
        /** (output - target)^2: Keras' MeanSquaredError. */
        SQUARED("MeanSquaredError", "mean_squared_error"),
        /** |output - target|: Keras' MeanAbsoluteError. */
        ABSOLUTE("MeanAbsoluteError", "mean_absolute_error");

        private final String type;
        private final String defaultName;

        Kind(String type, String defaultName) {
            this.type = type;
            this.defaultName = defaultName;
        }

        /** Keras' class name of this kind of loss. */
        public String type() {
            return type;
        }

        /** Keras' default name of this loss. */
        public String defaultName() {
            return defaultName;
        }
    }

    private final Kind kind;
    private final String name;

    /** A loss of {@code kind} named {@code name}. */
    public MeanError(Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    /** MeanSquaredError() with Keras' name. */
    public static MeanError squared() {
        return new MeanError(Kind.SQUARED, Kind.SQUARED.defaultName);
    }

    /** MeanAbsoluteError() with Keras' name. */
    public static MeanError absolute() {
        return new MeanError(Kind.ABSOLUTE, Kind.ABSOLUTE.defaultName);
    }

    /** The loss a saved config of {@code kind} describes. */
    public static MeanError fromConfig(PartConfig config, Kind kind) {
        Loss.requireKeys(config, List.of());
        return new MeanError(kind, config.getName(kind.defaultName));
    }

    @Override
    public PartConfig config() {
        return Loss.config(kind.type, name).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double example(float[] outputs, int outputOffset, int width, float[] targets, int targetOffset, float[] gradient,
                          int gradientOffset) {
        return kind == Kind.SQUARED
                ? ErrorMean.of(outputs, outputOffset, width, targets, targetOffset, gradient, gradientOffset, e -> e * e, e -> 2 * e)
                : ErrorMean.of(outputs, outputOffset, width, targets, targetOffset, gradient, gradientOffset, Math::abs, Math::signum);
    }
}
