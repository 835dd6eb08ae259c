package dev.kiln.engine.optim;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;

import java.util.List;

/**
 * Keras' Adagrad: accumulator += g^2 (starting at initial_accumulator_value, default 0.1), then
 * w -= lr g / sqrt(accumulator + epsilon). Slot: accumulator.
 */
public final class Adagrad implements SteppedOptimizer {
    /** Keras' class name. */
    public static final String TYPE = "Adagrad";

    private final float initialAccumulator;
    private final float epsilon;
    private final OptimizerSteps steps;

    /** Adagrad with these settings (Keras' names: initial_accumulator_value, epsilon). */
    public Adagrad(LearningRateSchedule learningRate, double initialAccumulator, double epsilon, OptimizerOptions options) {
        if (!(initialAccumulator >= 0) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("Adagrad: initial_accumulator_value and epsilon must be >= 0, got "
                    + initialAccumulator + " and " + epsilon);
        }
        this.initialAccumulator = (float) initialAccumulator;
        this.epsilon = (float) epsilon;
        this.steps = new OptimizerSteps(learningRate, options, List.of("accumulator"), this.initialAccumulator);
    }

    /** Keras' defaults: initial_accumulator_value 0.1, epsilon 1e-7. */
    public Adagrad(double learningRate) {
        this(LearningRateSchedule.constant(learningRate), 0.1, 1e-7, OptimizerOptions.named("adagrad"));
    }

    /** The optimizer a saved config describes, its learning-rate schedule read through {@code schedules}. */
    public static Adagrad fromConfig(PartConfig config, PartRegistry<LearningRateSchedule> schedules) {
        config.requireOnly(Adam.keys(List.of("initial_accumulator_value", "epsilon")));
        return new Adagrad(OptimizerSteps.learningRate(config, 0.001, schedules),
                config.getDouble("initial_accumulator_value", 0.1, 0, Double.MAX_VALUE),
                config.getDouble("epsilon", 1e-7, 0, Double.MAX_VALUE), OptimizerOptions.fromConfig(config, "adagrad", 0));
    }

    @Override
    public PartConfig config() {
        return steps.options().config(TYPE, steps.schedule()).put("initial_accumulator_value", (double) initialAccumulator)
                .put("epsilon", (double) epsilon).build();
    }

    @Override
    public OptimizerSteps steps() {
        return steps;
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, float learningRate, long t) {
        float[] accumulator = slots[0];
        for (int i = 0; i < w.length; i++) {
            accumulator[i] += g[i] * g[i];
            w[i] -= learningRate * g[i] / (float) Math.sqrt(accumulator[i] + epsilon);
        }
    }
}
