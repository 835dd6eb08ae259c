package dev.kiln.engine.callback;

import dev.kiln.engine.part.PartState;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keras' ReduceLROnPlateau: when the monitored value has not improved (by more than min_delta) for
 * {@code patience} epochs, multiply the learning rate by {@code factor} (not below min_lr), then
 * wait {@code cooldown} epochs before counting again. Mode AUTO minimizes unless the name contains
 * "acc" (Keras' rule for this callback). Its counters are part of an exact resume; the learning
 * rate itself is saved with the optimizer.
 */
public final class ReduceLROnPlateau implements StatefulCallback {
    private final String monitor;
    private final double factor;
    private final int patience;
    private final boolean maximize;
    private final double minDelta;
    private final int cooldown;
    private final double minLearningRate;
    private final int verbose;
    private final PrintStream out;

    private TrainingContext context;
    private double best;
    private int wait;
    private int cooldownCounter;

    private ReduceLROnPlateau(Builder b) {
        this.monitor = b.monitor;
        this.factor = b.factor;
        this.patience = b.patience;
        this.maximize = b.mode.maximizes(monitor, name -> name.contains("acc"));
        this.minDelta = b.minDelta;
        this.cooldown = b.cooldown;
        this.minLearningRate = b.minLearningRate;
        this.verbose = b.verbose;
        this.out = b.out;
    }

    /** Keras' defaults (factor 0.1, patience 10, min_delta 1e-4, no cooldown, min_lr 0) unless set. */
    public static Builder builder(String monitor) {
        return new Builder(monitor);
    }

    @Override
    public void setContext(TrainingContext context, FitParameters parameters) {
        this.context = context;
    }

    @Override
    public void onTrainBegin(Logs logs) {
        best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        wait = 0;
        cooldownCounter = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Logs logs) {
        Double current = logs.get(monitor);
        if (current == null) {
            out.println("WARNING: Learning rate reduction is conditioned on metric `" + monitor
                    + "` which is not available. Available metrics are: " + String.join(",", logs.asMap().keySet()));
            return;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (maximize ? current > best + minDelta : current < best - minDelta) {
            best = current;
            wait = 0;
        } else if (cooldownCounter == 0) {
            wait++;
            if (wait >= patience) {
                double old = context.learningRate();
                if (old > minLearningRate) {
                    double reduced = Math.max(old * factor, minLearningRate);
                    context.setLearningRate(reduced);
                    if (verbose > 0) {
                        out.println(String.format(Locale.ROOT, "Epoch %d: ReduceLROnPlateau reducing learning rate to %s.",
                                epoch + 1, reduced));
                    }
                    cooldownCounter = cooldown;
                    wait = 0;
                }
            }
        }
    }

    @Override
    public String stateName() {
        return "ReduceLROnPlateau/" + monitor;
    }

    @Override
    public PartState saveState() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("best", PartState.storable(best));
        values.put("wait", wait);
        values.put("cooldown_counter", cooldownCounter);
        return new PartState(values);
    }

    @Override
    public void restoreState(PartState state) {
        best = state.getDouble("best");
        wait = state.getInt("wait");
        cooldownCounter = state.getInt("cooldown_counter");
    }

    /** ReduceLROnPlateau's options, Keras' defaults unless set. */
    public static final class Builder {
        private final String monitor;
        private double factor = 0.1;
        private int patience = 10;
        private Mode mode = Mode.AUTO;
        private double minDelta = 1e-4;
        private int cooldown;
        private double minLearningRate;
        private int verbose;
        private PrintStream out = System.out;

        private Builder(String monitor) {
            this.monitor = monitor;
        }

        /** The learning rate is multiplied by this (in (0, 1); default 0.1). */
        public Builder factor(double value) {
            if (!(value > 0 && value < 1)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in (0, 1), got " + value);
            }
            factor = value;
            return this;
        }

        /** Epochs without improvement before the rate is reduced (default 10). */
        public Builder patience(int epochs) {
            if (epochs < 0) {
                throw new IllegalArgumentException("ReduceLROnPlateau: patience must be >= 0, got " + epochs);
            }
            patience = epochs;
            return this;
        }

        /** Whether lower or higher is better (default AUTO: higher when the name contains "acc"). */
        public Builder mode(Mode value) {
            mode = value;
            return this;
        }

        /** A change smaller than this does not count as an improvement (default 1e-4). */
        public Builder minDelta(double delta) {
            minDelta = delta;
            return this;
        }

        /** Epochs to wait after a reduction before counting again. */
        public Builder cooldown(int epochs) {
            if (epochs < 0) {
                throw new IllegalArgumentException("ReduceLROnPlateau: cooldown must be >= 0, got " + epochs);
            }
            cooldown = epochs;
            return this;
        }

        /** The learning rate never goes below this. */
        public Builder minLearningRate(double rate) {
            if (!(rate >= 0)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: min_lr must be >= 0, got " + rate);
            }
            minLearningRate = rate;
            return this;
        }

        /** 1 prints each reduction (default 0). */
        public Builder verbose(int level) {
            verbose = level;
            return this;
        }

        /** Where messages go (default standard output). */
        public Builder out(PrintStream stream) {
            out = stream;
            return this;
        }

        /** The callback with these options. */
        public ReduceLROnPlateau build() {
            return new ReduceLROnPlateau(this);
        }
    }
}
