package dev.kiln.engine.optim;

import dev.kiln.engine.part.PartConfig;

import java.util.List;
import java.util.OptionalDouble;

/**
 * What every Keras optimizer takes besides its own hyper-parameters: its name, gradient clipping
 * (clipnorm per parameter, clipvalue per element, or global_clipnorm over all parameters; at most
 * one of them, as Keras) and decoupled weight decay (w -= w x weight_decay x learning rate, before
 * the update). Unset options are empty, and absent from a saved config (Keras' None).
 */
public record OptimizerOptions(String name, OptionalDouble clipnorm, OptionalDouble clipvalue, OptionalDouble globalClipnorm,
                               double weightDecay) {
    static final List<String> KEYS = List.of("name", "learning_rate", "clipnorm", "clipvalue", "global_clipnorm",
            "weight_decay");

    /** Checks Keras' rules: at most one clipping, each bound finite and above 0, weight decay finite and at least 0. */
    public OptimizerOptions {
        int clippings = (clipnorm.isPresent() ? 1 : 0) + (clipvalue.isPresent() ? 1 : 0) + (globalClipnorm.isPresent() ? 1 : 0);
        if (clippings > 1) {
            throw new IllegalArgumentException("an optimizer takes at most one of clipnorm, clipvalue and global_clipnorm");
        }
        for (OptionalDouble clip : List.of(clipnorm, clipvalue, globalClipnorm)) {
            if (clip.isPresent() && !(clip.getAsDouble() > 0 && Double.isFinite(clip.getAsDouble()))) {
                throw new IllegalArgumentException("a gradient clipping bound must be > 0, got " + clip.getAsDouble());
            }
        }
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        }
    }

    /** No clipping, no weight decay. */
    public static OptimizerOptions named(String name) {
        return new OptimizerOptions(name, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), 0);
    }

    /** These options with clipnorm: each parameter's gradient rescaled to at most this L2 norm. */
    public OptimizerOptions withClipnorm(double bound) {
        return new OptimizerOptions(name, OptionalDouble.of(bound), clipvalue, globalClipnorm, weightDecay);
    }

    /** These options with clipvalue: each gradient element clipped to [-bound, bound]. */
    public OptimizerOptions withClipvalue(double bound) {
        return new OptimizerOptions(name, clipnorm, OptionalDouble.of(bound), globalClipnorm, weightDecay);
    }

    /** These options with global_clipnorm: all gradients rescaled together to at most this L2 norm. */
    public OptimizerOptions withGlobalClipnorm(double bound) {
        return new OptimizerOptions(name, clipnorm, clipvalue, OptionalDouble.of(bound), weightDecay);
    }

    /** These options with decoupled weight decay. */
    public OptimizerOptions withWeightDecay(double decay) {
        return new OptimizerOptions(name, clipnorm, clipvalue, globalClipnorm, decay);
    }

    /** The options of a saved config, with Keras' defaults for absent keys. */
    static OptimizerOptions fromConfig(PartConfig config, String defaultName, double defaultWeightDecay) {
        return new OptimizerOptions(config.getName(defaultName), optional(config, "clipnorm"), optional(config, "clipvalue"),
                optional(config, "global_clipnorm"), config.getDouble("weight_decay", defaultWeightDecay, 0, Double.MAX_VALUE));
    }

    /** An optimizer config with these options and {@code learningRate}, ready for the optimizer's own keys. */
    PartConfig.Builder config(String type, LearningRateSchedule learningRate) {
        PartConfig.Builder builder = PartConfig.builder("optimizer", type).put("name", name);
        if (learningRate.isConstant()) {
            builder.put("learning_rate", learningRate.at(0));
        } else {
            builder.put("learning_rate", learningRate.config());
        }
        clipnorm.ifPresent(bound -> builder.put("clipnorm", bound));
        clipvalue.ifPresent(bound -> builder.put("clipvalue", bound));
        globalClipnorm.ifPresent(bound -> builder.put("global_clipnorm", bound));
        return builder.put("weight_decay", weightDecay);
    }

    private static OptionalDouble optional(PartConfig config, String key) {
        return config.values().containsKey(key) ? OptionalDouble.of(config.getDouble(key, Double.MIN_VALUE, Double.MAX_VALUE))
                : OptionalDouble.empty();
    }
}
