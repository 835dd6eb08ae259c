package dev.kiln.engine.optim;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;

import java.util.List;

/**
 * Keras' RMSprop(rho, momentum, epsilon, centered): velocity = rho velocity + (1 - rho) g^2;
 * centered, also average = rho average + (1 - rho) g and the denominator velocity - average^2 + eps,
 * else velocity + eps; increment = lr g / sqrt(denominator); with momentum,
 * m = momentum m + increment and w -= m, else w -= increment. Slots: velocity (average, momentum).
 */
public final class RmsProp implements SteppedOptimizer {
    /** The Keras class name: the type of this optimizer's config and its registry key. */
    public static final String TYPE = "RMSprop";

    private final double rho; // as configured: saved and reloaded exactly
    private final float decay; // rho in float32
    private final float keep; // 1 - rho computed as Keras does: in double, then rounded
    private final float momentum;
    private final float epsilon;
    private final boolean centered;
    private final OptimizerSteps steps;

    /**
     * Keras' RMSprop(learning_rate, rho, momentum, epsilon, centered) with the common options; rho and momentum
     * in [0, 1).
     */
    public RmsProp(LearningRateSchedule learningRate, double rho, double momentum, double epsilon, boolean centered,
                   OptimizerOptions options) {
        if (!(rho >= 0 && rho < 1) || !(momentum >= 0 && momentum < 1) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("RMSprop: rho and momentum must be in [0, 1) and epsilon >= 0, got " + rho + ", "
                    + momentum + " and " + epsilon);
        }
        this.rho = rho;
        this.decay = (float) rho;
        this.keep = (float) (1 - rho);
        this.momentum = (float) momentum;
        this.epsilon = (float) epsilon;
        this.centered = centered;
        List<String> slots = new java.util.ArrayList<>(List.of("velocity"));
        if (centered) {
            slots.add("average_gradient");
        }
        if (momentum > 0) {
            slots.add("momentum");
        }
        this.steps = new OptimizerSteps(learningRate, options, slots);
    }

    /** Keras' defaults: rho 0.9, no momentum, epsilon 1e-7, not centered. */
    public RmsProp(double learningRate) {
        this(LearningRateSchedule.constant(learningRate), 0.9, 0, 1e-7, false, OptimizerOptions.named("rmsprop"));
    }

    /**
     * The optimizer its config describes, its learning-rate schedule rebuilt through {@code schedules}; an
     * unknown key or a bad value is an error naming it.
     */
    public static RmsProp fromConfig(PartConfig config, PartRegistry<LearningRateSchedule> schedules) {
        config.requireOnly(Adam.keys(List.of("rho", "momentum", "epsilon", "centered")));
        return new RmsProp(OptimizerSteps.learningRate(config, 0.001, schedules), config.getDouble("rho", 0.9, 0, 1),
                config.getDouble("momentum", 0, 0, 1), config.getDouble("epsilon", 1e-7, 0, Double.MAX_VALUE),
                config.getBoolean("centered", false), OptimizerOptions.fromConfig(config, "rmsprop", 0));
    }

    @Override
    public PartConfig config() {
        return steps.options().config(TYPE, steps.schedule()).put("rho", rho).put("momentum", (double) momentum)
                .put("epsilon", (double) epsilon).put("centered", centered).build();
    }

    @Override
    public OptimizerSteps steps() {
        return steps;
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, float learningRate, long t) {
        float[] velocity = slots[0];
        float[] average = centered ? slots[1] : null;
        float[] m = momentum > 0 ? slots[slots.length - 1] : null;
        for (int i = 0; i < w.length; i++) {
            velocity[i] = decay * velocity[i] + keep * g[i] * g[i];
            float denominator;
            if (centered) {
                average[i] = decay * average[i] + keep * g[i];
                denominator = velocity[i] - average[i] * average[i] + epsilon;
            } else {
                denominator = velocity[i] + epsilon;
            }
            float increment = learningRate * g[i] / (float) Math.sqrt(denominator);
            if (m != null) {
                m[i] = momentum * m[i] + increment;
                w[i] -= m[i];
            } else {
                w[i] -= increment;
            }
        }
    }

}
