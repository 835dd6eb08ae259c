package dev.kiln.engine.optim;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.part.PartState;

import java.util.List;

/**
 * An optimizer built on {@link OptimizerSteps}: it supplies its update rule, and the step count,
 * the learning rate, the slots and the saved state follow from its steps.
 */
public interface SteppedOptimizer extends Optimizer {

    /** The step machinery this optimizer runs its rule in. */
    OptimizerSteps steps();

    /**
     * The update of one parameter at step t (1-based). Called for several parameters at once from
     * the pool's threads: it may write only {@code w} and its {@code slots}.
     */
    void update(float[] w, float[] g, float[][] slots, float learningRate, long t);

    @Override
    default void step(List<Variable> parameters) {
        steps().step(parameters, this::update);
    }

    @Override
    default void step(List<Variable> parameters, ComputePool pool) {
        steps().step(parameters, this::update, pool);
    }

    @Override
    default void build(List<Variable> parameters) {
        steps().build(parameters);
    }

    @Override
    default long iterations() {
        return steps().iterations();
    }

    @Override
    default double learningRate() {
        return steps().learningRate();
    }

    @Override
    default void setLearningRate(double rate) {
        steps().setLearningRate(rate);
    }

    @Override
    default PartState saveState() {
        return steps().saveState();
    }

    @Override
    default void restoreState(PartState state) {
        steps().restoreState(state);
    }
}
