package dev.kiln.engine.part;

/**
 * Anything a model is made of or trained with that a checkpoint saves and rebuilds by name: a
 * layer, a loss, a metric, an optimizer, a learning-rate schedule. Its {@link #config()} holds its
 * constructor arguments, and {@code config().type()} is the key under which a
 * {@link PartRegistry} recreates it, so a loader never needs to know the concrete class.
 */
public interface Part {

    /** Constructor arguments; {@code config().type()} is the registry key. */
    PartConfig config();
}
