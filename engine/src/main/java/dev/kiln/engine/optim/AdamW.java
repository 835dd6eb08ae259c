package dev.kiln.engine.optim;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;

import java.util.List;

/**
 * Keras' AdamW: Adam with decoupled weight decay (default 0.004): before each update
 * w -= w x weight_decay x learning rate, then Adam's rule. Slots as Adam's.
 */
public final class AdamW implements SteppedOptimizer {
    /** The Keras class name: the type of this optimizer's config and its registry key. */
    public static final String TYPE = "AdamW";
    /** Keras' default weight_decay for AdamW. */
    public static final double DEFAULT_WEIGHT_DECAY = 0.004;

    private final Adam adam;

    /** Keras' AdamW: Adam's arguments, the weight decay given in {@code options}. */
    public AdamW(LearningRateSchedule learningRate, double beta1, double beta2, double epsilon, boolean amsgrad,
                 OptimizerOptions options) {
        this.adam = new Adam(learningRate, beta1, beta2, epsilon, amsgrad, options);
    }

    /** Keras' defaults: weight decay 0.004, Adam's betas and epsilon. */
    public AdamW(double learningRate) {
        this(LearningRateSchedule.constant(learningRate), 0.9, 0.999, 1e-7, false,
                OptimizerOptions.named("adamw").withWeightDecay(DEFAULT_WEIGHT_DECAY));
    }

    /**
     * The optimizer its config describes, its learning-rate schedule rebuilt through {@code schedules}; an
     * unknown key or a bad value is an error naming it.
     */
    public static AdamW fromConfig(PartConfig config, PartRegistry<LearningRateSchedule> schedules) {
        config.requireOnly(Adam.keys(List.of("beta_1", "beta_2", "epsilon", "amsgrad")));
        return new AdamW(OptimizerSteps.learningRate(config, 0.001, schedules), config.getDouble("beta_1", 0.9, 0, 1),
                config.getDouble("beta_2", 0.999, 0, 1), config.getDouble("epsilon", 1e-7, 0, Double.MAX_VALUE),
                config.getBoolean("amsgrad", false), OptimizerOptions.fromConfig(config, "adamw", DEFAULT_WEIGHT_DECAY));
    }

    @Override
    public PartConfig config() {
        return adam.config(TYPE);
    }

    @Override
    public OptimizerSteps steps() {
        return adam.steps();
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, float learningRate, long t) {
        adam.update(w, g, slots, learningRate, t);
    }
}
