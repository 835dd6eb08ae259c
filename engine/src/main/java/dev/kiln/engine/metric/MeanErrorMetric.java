package dev.kiln.engine.metric;

import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' MeanSquaredError and MeanAbsoluteError metrics: the weighted mean over examples of the
 * loss of the same name (Keras wraps the loss function the same way).
 */
public final class MeanErrorMetric implements ExampleMetric {
    private final MeanError.Kind kind;
    private final String name;
    private final MeanError error;
    private final WeightedMean mean = new WeightedMean();
    private float[] unusedGradient = new float[0];

    /** A metric of {@code kind} logged as {@code name}. */
    public MeanErrorMetric(MeanError.Kind kind, String name) {
        this.kind = kind;
        this.name = name;
        this.error = new MeanError(kind, name);
    }

    /** MeanAbsoluteError logged as {@code name} (Keras' "mae" in compile(metrics=["mae"])). */
    public static MeanErrorMetric absolute(String name) {
        return new MeanErrorMetric(MeanError.Kind.ABSOLUTE, name);
    }

    /** MeanSquaredError logged as {@code name}. */
    public static MeanErrorMetric squared(String name) {
        return new MeanErrorMetric(MeanError.Kind.SQUARED, name);
    }

    /** The metric a saved config of {@code kind} describes. */
    public static MeanErrorMetric fromConfig(PartConfig config, MeanError.Kind kind) {
        config.requireOnly(List.of("name"));
        return new MeanErrorMetric(kind, config.getName(kind.defaultName()));
    }

    @Override
    public PartConfig config() {
        return Metric.config(kind.type(), name).build();
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
        if (unusedGradient.length < width) {
            unusedGradient = new float[width];
        }
        return error.example(batch.outputs(), i * width, width, batch.targets(), i * batch.targetWidth(), unusedGradient, 0);
    }
}
