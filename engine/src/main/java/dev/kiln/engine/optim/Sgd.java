package dev.kiln.engine.optim;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;

import java.util.List;

/**
 * Keras' SGD(momentum, nesterov): without momentum w -= lr g; with it the velocity
 * m = momentum m - lr g, then w += m, or with nesterov w += momentum m - lr g. Slot: momentum
 * (only when momentum > 0).
 */
public final class Sgd implements SteppedOptimizer {
    /** The Keras class name: the type of this optimizer's config and its registry key. */
    public static final String TYPE = "SGD";

    private final float momentum;
    private final boolean nesterov;
    private final OptimizerSteps steps;

    /** Keras' SGD(learning_rate, momentum, nesterov) with the common options; momentum in [0, 1]. */
    public Sgd(LearningRateSchedule learningRate, double momentum, boolean nesterov, OptimizerOptions options) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("SGD: momentum must be in [0, 1], got " + momentum);
        }
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
        this.steps = new OptimizerSteps(learningRate, options, momentum > 0 ? List.of("momentum") : List.of());
    }

    /** Plain gradient descent. */
    public Sgd(double learningRate) {
        this(LearningRateSchedule.constant(learningRate), 0, false, OptimizerOptions.named("SGD"));
    }

    /**
     * The optimizer its config describes, its learning-rate schedule rebuilt through {@code schedules}; an
     * unknown key or a bad value is an error naming it.
     */
    public static Sgd fromConfig(PartConfig config, PartRegistry<LearningRateSchedule> schedules) {
        config.requireOnly(Adam.keys(List.of("momentum", "nesterov")));
        return new Sgd(OptimizerSteps.learningRate(config, 0.01, schedules), config.getDouble("momentum", 0, 0, 1),
                config.getBoolean("nesterov", false), OptimizerOptions.fromConfig(config, "SGD", 0));
    }

    @Override
    public PartConfig config() {
        return steps.options().config(TYPE, steps.schedule()).put("momentum", (double) momentum).put("nesterov", nesterov)
                .build();
    }

    @Override
    public OptimizerSteps steps() {
        return steps;
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, float learningRate, long t) {
        if (momentum == 0) {
            for (int i = 0; i < w.length; i++) {
                w[i] -= learningRate * g[i];
            }
            return;
        }
        float[] m = slots[0];
        for (int i = 0; i < w.length; i++) {
            m[i] = momentum * m[i] - learningRate * g[i];
            w[i] += nesterov ? momentum * m[i] - learningRate * g[i] : m[i];
        }
    }

}
