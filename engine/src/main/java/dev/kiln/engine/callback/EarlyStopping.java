package dev.kiln.engine.callback;

import dev.kiln.engine.tensor.Tensor;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Stops training when a monitored value stops improving, counting exactly as Keras 2 does: at
 * each epoch end wait += 1; a strict improvement (by more than minDelta) sets best and resets
 * wait to 0 (only if it also beats the baseline, when one is set); otherwise training stops
 * once wait >= patience and epoch > 0. Epochs before startFromEpoch are not counted. With
 * restoreBestWeights the best epoch's weights are put back when it stops early.
 */
public final class EarlyStopping implements StatefulCallback {
    private final String monitor;
    private final double minDelta;
    private final int patience;
    private final boolean maximize;
    private final Double baseline;
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

    /** Keras' arguments; {@code baseline} may be null. Messages (verbose > 0) go to {@code out}. */
    public EarlyStopping(String monitor, double minDelta, int patience, Mode mode, Double baseline,
                         boolean restoreBestWeights, int startFromEpoch, int verbose, PrintStream out) {
        if (patience < 0) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
        }
        if (startFromEpoch < 0) {
            throw new IllegalArgumentException("EarlyStopping: startFromEpoch must be >= 0, got " + startFromEpoch);
        }
        this.monitor = monitor;
        this.minDelta = Math.abs(minDelta);
        this.patience = patience;
        this.maximize = switch (mode) {
            case MIN -> false;
            case MAX -> true;
            // Keras 2's EarlyStopping rule: max if the name ends with acc, accuracy or auc.
            case AUTO -> monitor.endsWith("acc") || monitor.endsWith("accuracy") || monitor.endsWith("auc");
        };
        this.baseline = baseline;
        this.restoreBestWeights = restoreBestWeights;
        this.startFromEpoch = startFromEpoch;
        this.verbose = verbose;
        this.out = out;
    }

    /** EarlyStopping(monitor, patience) with Keras' other defaults. */
    public EarlyStopping(String monitor, int patience) {
        this(monitor, 0, patience, Mode.AUTO, null, false, 0, 0, System.out);
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
            bestWeights = context.weightsSnapshot();
        }
        wait++;
        if (isImprovement(current, best)) {
            best = current;
            bestEpoch = epoch;
            if (restoreBestWeights) {
                bestWeights = context.weightsSnapshot();
            }
            if (baseline == null || isImprovement(current, baseline)) {
                wait = 0;
            }
            return;
        }
        if (wait >= patience && epoch > 0) {
            stoppedEpoch = epoch;
            context.requestStop();
            if (restoreBestWeights && bestWeights != null) {
                if (verbose > 0) {
                    out.println("Restoring model weights from the end of the best epoch: " + (bestEpoch + 1) + ".");
                }
                context.restoreWeights(bestWeights);
            }
        }
    }

    @Override
    public void onTrainEnd(Logs logs) {
        if (stoppedEpoch > 0 && verbose > 0) {
            out.println(String.format(Locale.ROOT, "Epoch %d: early stopping", stoppedEpoch + 1));
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
    public CallbackState saveState() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("wait", wait);
        values.put("stopped_epoch", stoppedEpoch);
        values.put("best", CallbackState.storable(best));
        values.put("best_epoch", bestEpoch);
        values.put("has_best_weights", bestWeights != null);
        return new CallbackState(values, bestWeights == null ? List.of() : bestWeights);
    }

    @Override
    public void restoreState(CallbackState state) {
        wait = state.getInt("wait");
        stoppedEpoch = state.getInt("stopped_epoch");
        best = state.getDouble("best");
        bestEpoch = state.getInt("best_epoch");
        bestWeights = state.getBoolean("has_best_weights") ? List.copyOf(state.tensors()) : null;
    }

    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    public int bestEpoch() {
        return bestEpoch;
    }

    public double best() {
        return best;
    }

    public int waitCount() {
        return wait;
    }
}
