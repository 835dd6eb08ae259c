package dev.kiln.engine.optim;

import dev.kiln.engine.part.PartRegistry;

/** The engine's optimizers and learning-rate schedules, by Keras class name. */
public final class Optimizers {
    private Optimizers() {}

    /** A registry with every optimizer the engine has, reading learning-rate schedules through {@code schedules}. */
    public static PartRegistry<Optimizer> registry(PartRegistry<LearningRateSchedule> schedules) {
        return new PartRegistry<Optimizer>("optimizer")
                .register(Adam.TYPE, config -> Adam.fromConfig(config, schedules))
                .register(AdamW.TYPE, config -> AdamW.fromConfig(config, schedules))
                .register(Adagrad.TYPE, config -> Adagrad.fromConfig(config, schedules))
                .register(RmsProp.TYPE, config -> RmsProp.fromConfig(config, schedules))
                .register(Sgd.TYPE, config -> Sgd.fromConfig(config, schedules));
    }

    /** Every optimizer with the engine's schedules. */
    public static PartRegistry<Optimizer> registry() {
        return registry(schedules());
    }

    /** A registry with every learning-rate schedule the engine has. */
    public static PartRegistry<LearningRateSchedule> schedules() {
        return new PartRegistry<LearningRateSchedule>("schedule")
                .register(ExponentialDecay.TYPE, ExponentialDecay::fromConfig)
                .register(CosineDecay.TYPE, CosineDecay::fromConfig)
                .register(PiecewiseConstantDecay.TYPE, PiecewiseConstantDecay::fromConfig);
    }
}
