package dev.kiln.engine.optim;

import dev.kiln.engine.part.PartConfig;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Keras' CosineDecay: from the rate r, r ((1 - alpha) (1 + cos(pi s / decay_steps)) / 2 + alpha)
 * with s clamped at decay_steps. With a warmup target the rate first rises linearly from
 * initial_learning_rate to it over warmup_steps, and the decay then starts from the target
 * (decay_steps counting after the warmup, alpha a fraction of the target).
 */
public record CosineDecay(double initialLearningRate, long decaySteps, double alpha, OptionalDouble warmupTarget,
                          long warmupSteps) implements LearningRateSchedule {
    /** The Keras class name: the type of this schedule's config and its registry key. */
    public static final String TYPE = "CosineDecay";

    /**
     * Checks Keras' ranges: initial rate at least 0, decay_steps at least 1, alpha in [0, 1], warmup_steps at
     * least 0.
     */
    public CosineDecay {
        if (!(initialLearningRate >= 0) || decaySteps < 1 || !(alpha >= 0 && alpha <= 1) || warmupSteps < 0) {
            throw new IllegalArgumentException("CosineDecay needs initial_learning_rate >= 0, decay_steps >= 1, alpha in [0, 1]"
                    + " and warmup_steps >= 0, got " + initialLearningRate + ", " + decaySteps + ", " + alpha + " and " + warmupSteps);
        }
    }

    /** Decay from {@code initialLearningRate} over {@code decaySteps}, no warmup. */
    public CosineDecay(double initialLearningRate, long decaySteps, double alpha) {
        this(initialLearningRate, decaySteps, alpha, OptionalDouble.empty(), 0);
    }

    /** The schedule its config describes; an unknown key or a bad value is an error naming it. */
    public static CosineDecay fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps"));
        OptionalDouble target = config.values().containsKey("warmup_target")
                ? OptionalDouble.of(config.getDouble("warmup_target", 0, Double.MAX_VALUE)) : OptionalDouble.empty();
        return new CosineDecay(config.getDouble("initial_learning_rate", 0, Double.MAX_VALUE),
                config.getInt("decay_steps", 1, Integer.MAX_VALUE), config.getDouble("alpha", 0, 0, 1), target,
                config.getInt("warmup_steps", 0, 0, Integer.MAX_VALUE));
    }

    @Override
    public PartConfig config() {
        PartConfig.Builder builder = PartConfig.builder("schedule", TYPE).put("initial_learning_rate", initialLearningRate)
                .put("decay_steps", (int) decaySteps).put("alpha", alpha);
        warmupTarget.ifPresent(target -> builder.put("warmup_target", target));
        return builder.put("warmup_steps", (int) warmupSteps).build();
    }

    @Override
    public double at(long step) {
        if (warmupTarget.isEmpty()) {
            return decayed(Math.min(step, decaySteps), initialLearningRate);
        }
        double target = warmupTarget.getAsDouble();
        long s = Math.min(step, decaySteps + warmupSteps);
        if (s < warmupSteps) {
            return (target - initialLearningRate) * s / warmupSteps + initialLearningRate;
        }
        return decayed(s - warmupSteps, target);
    }

    private double decayed(long s, double from) {
        return from * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * s / decaySteps)) + alpha);
    }
}
