package dev.kiln.engine.optim;

import dev.kiln.engine.part.Part;
import dev.kiln.engine.part.PartConfig;

/**
 * The learning rate as a function of the optimizer's step count (Keras' LearningRateSchedule);
 * a constant rate is the schedule {@link #constant}. A schedule is a part: saved by its config
 * inside its optimizer's, rebuilt through {@link Optimizers#schedules()}.
 */
public interface LearningRateSchedule extends Part {

    /** The rate for the step taken after {@code step} steps (Keras calls the schedule with iterations). */
    double at(long step);

    /** Whether this is a fixed number (saved as that number, Keras' way), not a schedule config. */
    default boolean isConstant() {
        return false;
    }

    /** A fixed rate, which must be finite and above 0. */
    static LearningRateSchedule constant(double rate) {
        return new Constant(rate);
    }

    /** A fixed learning rate. */
    record Constant(double rate) implements LearningRateSchedule {
        /** Checks that the rate is finite and above 0. */
        public Constant {
            if (!(rate > 0 && Double.isFinite(rate))) {
                throw new IllegalArgumentException("learning rate must be > 0, got " + rate);
            }
        }

        @Override
        public double at(long step) {
            return rate;
        }

        @Override
        public boolean isConstant() {
            return true;
        }

        @Override
        public PartConfig config() {
            return PartConfig.builder("schedule", "Constant").put("value", rate).build();
        }
    }
}
