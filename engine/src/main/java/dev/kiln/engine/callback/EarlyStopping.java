package dev.kiln.engine.callback;

import dev.kiln.engine.part.PartState;
import dev.kiln.engine.tensor.Tensor;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Stops training when a monitored value stops improving, counting exactly as Keras does: at
 * each epoch end wait += 1; a strict improvement (by more than minDelta) sets best and resets
 * wait to 0 (only if it also beats the baseline, when one is set); otherwise training stops
 * once wait >= patience and epoch > 0. Epochs before startFromEpoch are not counted. With
 * restoreBestWeights the best epoch's weights are put back when training ends (Keras 3's rule:
 * whether or not it stopped early).
 */
public final class EarlyStopping implements StatefulCallback {
    private final String monitor;
    private final double minDelta;
    private final int patience;
    private final boolean maximize;
    private final OptionalDouble baseline;
    private final boolean restoreBestWeights;
    private final int startFromEpoch;
    private final int verbose;
    private final PrintStream out;

    private TrainingContext context;
    private int wait;
    private int stoppedEpoch;
    private double best;
    private int bestEpoch;
    private List<Tensor> bestWeights;

    private EarlyStopping(Builder b) {
        this.monitor = b.monitor;
        this.minDelta = Math.abs(b.minDelta);
        this.patience = b.patience;
        // Keras' rule for mode="auto": max if the name ends with acc, accuracy or auc.
        this.maximize = b.mode.maximizes(monitor, name -> name.endsWith("acc") || name.endsWith("accuracy") || name.endsWith("auc"));
        this.baseline = b.baseline;
        this.restoreBestWeights = b.restoreBestWeights;
        this.startFromEpoch = b.startFromEpoch;
        this.verbose = b.verbose;
        this.out = b.out;
    }

    /** EarlyStopping(monitor, patience) with Keras' other defaults. */
    public EarlyStopping(String monitor, int patience) {
        this(builder(monitor).patience(patience));
    }

    /** Keras' options beyond the monitored value, its defaults unless set: {@code EarlyStopping.builder("val_loss").patience(5).build()}. */
    public static Builder builder(String monitor) {
        return new Builder(monitor);
    }

    @Override
    public void setContext(TrainingContext context, FitParameters parameters) {
        this.context = context;
    }

    @Override
    public void onTrainBegin(Logs logs) {
        wait = 0;
        stoppedEpoch = 0;
        best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        bestEpoch = 0;
        bestWeights = null;
    }

    @Override
    public void onEpochEnd(int epoch, Logs logs) {
        Double current = logs.get(monitor);
        if (current == null) {
            out.println("WARNING: Early stopping conditioned on metric `" + monitor
                    + "` which is not available. Available metrics are: " + String.join(",", logs.asMap().keySet()));
            return;
        }
        if (epoch < startFromEpoch) {
            return;
        }
        if (restoreBestWeights && bestWeights == null) {
            bestWeights = context.weightsSnapshot(); // never improved yet: the current weights are the best
            bestEpoch = epoch;
        }
        wait++;
        if (isImprovement(current, best)) {
            best = current;
            bestEpoch = epoch;
            if (restoreBestWeights) {
                bestWeights = context.weightsSnapshot();
            }
            if (baseline.isEmpty() || isImprovement(current, baseline.getAsDouble())) {
                wait = 0;
            }
            return;
        }
        if (wait >= patience && epoch > 0) {
            stoppedEpoch = epoch;
            context.requestStop();
        }
    }

    /** Keras 3's rule: with restoreBestWeights the best epoch's weights come back when training ends, stopped early or not. */
    @Override
    public void onTrainEnd(Logs logs) {
        if (stoppedEpoch > 0 && verbose > 0) {
            out.println(String.format(Locale.ROOT, "Epoch %d: early stopping", stoppedEpoch + 1));
        }
        if (restoreBestWeights && bestWeights != null) {
            if (verbose > 0) {
                out.println("Restoring model weights from the end of the best epoch: " + (bestEpoch + 1) + ".");
            }
            context.restoreWeights(bestWeights);
        }
    }

    private boolean isImprovement(double current, double reference) {
        return maximize ? current - minDelta > reference : current + minDelta < reference;
    }

    @Override
    public String stateName() {
        return "EarlyStopping/" + monitor;
    }

    @Override
    public PartState saveState() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("wait", wait);
        values.put("stopped_epoch", stoppedEpoch);
        values.put("best", PartState.storable(best));
        values.put("best_epoch", bestEpoch);
        values.put("has_best_weights", bestWeights != null);
        return new PartState(values, PartState.numbered(bestWeights == null ? List.of() : bestWeights));
    }

    @Override
    public void restoreState(PartState state) {
        wait = state.getInt("wait");
        stoppedEpoch = state.getInt("stopped_epoch");
        best = state.getDouble("best");
        bestEpoch = state.getInt("best_epoch");
        bestWeights = state.getBoolean("has_best_weights") ? List.copyOf(state.tensors().values()) : null;
    }

    /** The 0-based epoch at which it stopped training, or 0 if it did not. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The 0-based epoch with the best monitored value so far. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best monitored value so far (an infinity before the first epoch). */
    public double best() {
        return best;
    }

    /** Epochs since the last improvement (Keras' wait). */
    public int waitCount() {
        return wait;
    }

    /** EarlyStopping's options, Keras' defaults unless set. */
    public static final class Builder {
        private final String monitor;
        private double minDelta;
        private int patience;
        private Mode mode = Mode.AUTO;
        private OptionalDouble baseline = OptionalDouble.empty();
        private boolean restoreBestWeights;
        private int startFromEpoch;
        private int verbose;
        private PrintStream out = System.out;

        private Builder(String monitor) {
            this.monitor = monitor;
        }

        /** A change smaller than this does not count as an improvement (default 0). */
        public Builder minDelta(double delta) {
            minDelta = delta;
            return this;
        }

        /** Epochs without improvement before stopping (default 0). */
        public Builder patience(int epochs) {
            if (epochs < 0) {
                throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + epochs);
            }
            patience = epochs;
            return this;
        }

        /** Whether lower or higher is better (default AUTO: higher for names ending in acc, accuracy, auc). */
        public Builder mode(Mode value) {
            mode = value;
            return this;
        }

        /** Keep waiting until the monitored value beats this baseline too. */
        public Builder baseline(double value) {
            baseline = OptionalDouble.of(value);
            return this;
        }

        /** Put the best epoch's weights back when training ends (default false). */
        public Builder restoreBestWeights(boolean on) {
            restoreBestWeights = on;
            return this;
        }

        /** Epochs to wait before counting at all (default 0). */
        public Builder startFromEpoch(int epoch) {
            if (epoch < 0) {
                throw new IllegalArgumentException("EarlyStopping: start_from_epoch must be >= 0, got " + epoch);
            }
            startFromEpoch = epoch;
            return this;
        }

        /** 1 prints when it stops and restores (default 0: silent). */
        public Builder verbose(int level) {
            verbose = level;
            return this;
        }

        /** Where messages go (default standard output). */
        public Builder out(PrintStream stream) {
            out = stream;
            return this;
        }

        /** An EarlyStopping with these options. */
        public EarlyStopping build() {
            return new EarlyStopping(this);
        }
    }
}
