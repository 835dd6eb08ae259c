package dev.kiln.engine.loss;

import dev.kiln.engine.part.PartRegistry;

/** The engine's losses, by Keras class name. */
public final class Losses {
    private Losses() {}

    /** A registry with every loss the engine has; add your own with {@code register}. */
    public static PartRegistry<Loss> registry() {
        return new PartRegistry<Loss>("loss")
                .register(BinaryCrossentropy.TYPE, BinaryCrossentropy::fromConfig)
                .register(CategoricalCrossentropy.TYPE, CategoricalCrossentropy::fromConfig)
                .register(SparseCategoricalCrossentropy.TYPE, SparseCategoricalCrossentropy::fromConfig)
                .register(MeanError.Kind.SQUARED.type(), config -> MeanError.fromConfig(config, MeanError.Kind.SQUARED))
                .register(MeanError.Kind.ABSOLUTE.type(), config -> MeanError.fromConfig(config, MeanError.Kind.ABSOLUTE))
                .register(Huber.TYPE, Huber::fromConfig);
    }
}
