package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' MeanSquaredError and MeanAbsoluteError metrics: the weighted mean over examples of the
 * mean squared or absolute error of their outputs.
 */
public final class MeanErrorMetric implements ExampleMetric {
    /** Which error: squared or absolute, with Keras' class name and default name. */
    public enum Kind {
        SQUARED("MeanSquaredError", "mean_squared_error"), ABSOLUTE("MeanAbsoluteError", "mean_absolute_error");

        private final String type;
        private final String defaultName;

        Kind(String type, String defaultName) {
            this.type = type;
            this.defaultName = defaultName;
        }

        public String type() {
            return type;
        }
    }

    private final Kind kind;
    private final String name;
    private final WeightedMean mean = new WeightedMean();

    public MeanErrorMetric(Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    /** MeanAbsoluteError logged as {@code name} (Keras' "mae" in compile(metrics=["mae"])). */
    public static MeanErrorMetric absolute(String name) {
        return new MeanErrorMetric(Kind.ABSOLUTE, name);
    }

    /** MeanSquaredError logged as {@code name}. */
    public static MeanErrorMetric squared(String name) {
        return new MeanErrorMetric(Kind.SQUARED, name);
    }

    public static MeanErrorMetric fromConfig(PartConfig config, Kind kind) {
        config.requireOnly(List.of("name"));
        return new MeanErrorMetric(kind, config.getName(kind.defaultName));
    }

    @Override
    public PartConfig config() {
        return Metric.config(kind.type, name).build();
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
        double total = 0;
        for (int j = 0; j < batch.width(); j++) {
            double error = (double) batch.outputs()[i * batch.width() + j] - batch.targets()[i * batch.targetWidth() + j];
            total += kind == Kind.SQUARED ? error * error : Math.abs(error);
        }
        return total / batch.width();
    }
}
