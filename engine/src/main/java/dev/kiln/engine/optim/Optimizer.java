package dev.kiln.engine.optim;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.part.Part;
import dev.kiln.engine.part.Stateful;

import java.util.List;

/**
 * Updates parameters from their accumulated gradients, then clears the gradients. An optimizer is
 * a part: rebuilt from its {@link #config()} by {@link Optimizers#registry()}, its step count and
 * slots saved and restored as its state ({@link OptimizerSteps} does both for the engine's own).
 */
public interface Optimizer extends Part, Stateful {

    /** One update step over {@code parameters} (the same ones, in the same order, every step). */
    void step(List<Variable> parameters);

    /**
     * The same step, its parameters' updates spread over {@code pool}: each parameter is updated on
     * one thread, as it would be on one, so the result does not depend on the thread count. An
     * optimizer without a parallel form steps on the calling thread.
     */
    default void step(List<Variable> parameters, ComputePool pool) {
        step(parameters);
    }

    /**
     * Creates the optimizer's slots for {@code parameters}, or checks restored ones against them
     * (a loader calls it so a saved state that does not fit fails at load, not at the first step).
     */
    void build(List<Variable> parameters);

    /** Steps taken so far (Keras' "iterations"). */
    long iterations();

    /** The learning rate the next step uses (a schedule's value at {@link #iterations()}). */
    double learningRate();

    /** Sets a constant learning rate (ReduceLROnPlateau, LearningRateScheduler); refused when it follows a schedule. */
    void setLearningRate(double rate);
}
