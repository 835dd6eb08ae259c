package dev.kiln.engine.optim;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/** Keras' ExponentialDecay: lr0 x decay_rate^(step / decay_steps), the exponent floored with staircase; no clamping. */
public record ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase)
        implements LearningRateSchedule {
    /** The Keras class name: the type of this schedule's config and its registry key. */
    public static final String TYPE = "ExponentialDecay";

    /** Checks Keras' ranges: initial rate and decay rate above 0, decay_steps at least 1. */
    public ExponentialDecay {
        if (!(initialLearningRate > 0) || decaySteps < 1 || !(decayRate > 0)) {
            throw new IllegalArgumentException("ExponentialDecay needs initial_learning_rate > 0, decay_steps >= 1 and"
                    + " decay_rate > 0, got " + initialLearningRate + ", " + decaySteps + " and " + decayRate);
        }
    }

    /** The schedule its config describes; an unknown key or a bad value is an error naming it. */
    public static ExponentialDecay fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "initial_learning_rate", "decay_steps", "decay_rate", "staircase"));
        return new ExponentialDecay(config.getDouble("initial_learning_rate", Double.MIN_VALUE, Double.MAX_VALUE),
                config.getInt("decay_steps", 1, Integer.MAX_VALUE), config.getDouble("decay_rate", Double.MIN_VALUE, Double.MAX_VALUE),
                config.getBoolean("staircase", false));
    }

    @Override
    public PartConfig config() {
        return PartConfig.builder("schedule", TYPE).put("initial_learning_rate", initialLearningRate)
                .put("decay_steps", (int) decaySteps).put("decay_rate", decayRate).put("staircase", staircase).build();
    }

    @Override
    public double at(long step) {
        double exponent = (double) step / decaySteps;
        return initialLearningRate * Math.pow(decayRate, staircase ? Math.floor(exponent) : exponent);
    }
}
