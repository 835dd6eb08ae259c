package dev.kiln.engine.optim;

import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' PiecewiseConstantDecay: values[0] up to and including boundaries[0], values[i] after
 * boundaries[i - 1] up to and including boundaries[i], the last value after the last boundary.
 */
public record PiecewiseConstantDecay(List<Long> boundaries, List<Double> values) implements LearningRateSchedule {
    /** The Keras class name: the type of this schedule's config and its registry key. */
    public static final String TYPE = "PiecewiseConstantDecay";

    /**
     * Copies the lists and checks them: one more value than boundaries, boundaries increasing, values finite and
     * above 0.
     */
    public PiecewiseConstantDecay {
        boundaries = List.copyOf(boundaries);
        values = List.copyOf(values);
        if (values.size() != boundaries.size() + 1) {
            throw new IllegalArgumentException("PiecewiseConstantDecay needs one more value than boundaries, got "
                    + values.size() + " values and " + boundaries.size() + " boundaries");
        }
        for (int i = 1; i < boundaries.size(); i++) {
            if (boundaries.get(i) <= boundaries.get(i - 1)) {
                throw new IllegalArgumentException("PiecewiseConstantDecay boundaries must increase, got " + boundaries);
            }
        }
        for (double value : values) {
            if (!(value > 0 && Double.isFinite(value))) {
                throw new IllegalArgumentException("PiecewiseConstantDecay values must be > 0, got " + values);
            }
        }
    }

    /** The schedule its config describes; an unknown key or a bad value is an error naming it. */
    public static PiecewiseConstantDecay fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "boundaries", "values"));
        List<Long> boundaries = config.getNumbers("boundaries").stream().map(number -> {
            if (number != Math.rint(number) || number < 0) {
                throw config.invalid("boundaries", config.values().get("boundaries"), "a list of whole step counts >= 0");
            }
            return number.longValue();
        }).toList();
        return new PiecewiseConstantDecay(boundaries, config.getNumbers("values"));
    }

    @Override
    public PartConfig config() {
        return PartConfig.builder("schedule", TYPE).put("boundaries", boundaries).put("values", values).build();
    }

    @Override
    public double at(long step) {
        for (int i = 0; i < boundaries.size(); i++) {
            if (step <= boundaries.get(i)) {
                return values.get(i);
            }
        }
        return values.getLast();
    }
}
