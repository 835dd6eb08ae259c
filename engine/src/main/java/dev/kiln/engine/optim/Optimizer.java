package dev.kiln.engine.optim;

import dev.kiln.engine.autodiff.Variable;

import java.util.List;

/** Updates parameters from their accumulated gradients, then clears the gradients. */
public interface Optimizer {

    /** One update step over {@code parameters} (their order must be the same every step). */
    void step(List<Variable> parameters);

    /** Steps taken so far (Keras' "iterations"). */
    long iterations();

    float learningRate();
}
