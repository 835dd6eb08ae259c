package dev.kiln.engine.metric;

import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.part.PartRegistry;

/** The engine's metrics, by Keras class name. */
public final class Metrics {
    private Metrics() {}

    /** A registry with every metric the engine has; add your own with {@code register}. */
    public static PartRegistry<Metric> registry() {
        return new PartRegistry<Metric>("metric")
                .register(BinaryAccuracy.TYPE, BinaryAccuracy::fromConfig)
                .register(CategoricalAccuracy.TYPE, CategoricalAccuracy::fromConfig)
                .register(SparseCategoricalAccuracy.TYPE, SparseCategoricalAccuracy::fromConfig)
                .register(TopKAccuracy.TYPE, config -> TopKAccuracy.fromConfig(config, false))
                .register(TopKAccuracy.SPARSE_TYPE, config -> TopKAccuracy.fromConfig(config, true))
                .register(MeanError.Kind.ABSOLUTE.type(), config -> MeanErrorMetric.fromConfig(config, MeanError.Kind.ABSOLUTE))
                .register(MeanError.Kind.SQUARED.type(), config -> MeanErrorMetric.fromConfig(config, MeanError.Kind.SQUARED))
                .register(Precision.TYPE, Precision::fromConfig)
                .register(Recall.TYPE, Recall::fromConfig)
                .register(Auc.TYPE, Auc::fromConfig)
                .register(F1Score.TYPE, F1Score::fromConfig);
    }
}
