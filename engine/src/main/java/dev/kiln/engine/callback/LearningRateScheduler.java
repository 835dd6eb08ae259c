package dev.kiln.engine.callback;

import dev.kiln.engine.part.PartState;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras' LearningRateScheduler: at each epoch's start the learning rate becomes
 * {@code schedule(epoch, current rate)}. The rate it sets is saved with the optimizer; it also
 * remembers the last epoch it set the rate for, so a fit resumed in the middle of an epoch does
 * not apply that epoch's step a second time (a schedule relative to the current rate would
 * otherwise compound).
 */
public final class LearningRateScheduler implements StatefulCallback {

    /** The rate for a 0-based epoch, given the current one. */
    @FunctionalInterface
    public interface Schedule {
        /** The learning rate for 0-based {@code epoch}, given the rate in use. */
        double rate(int epoch, double current);
    }

    private final Schedule schedule;
    private final int verbose;
    private final PrintStream out;
    private TrainingContext context;
    private int appliedEpoch = -1;

    /** Sets the rate from {@code schedule} at each epoch's start; verbose > 0 prints each new rate to {@code out}. */
    public LearningRateScheduler(Schedule schedule, int verbose, PrintStream out) {
        this.schedule = schedule;
        this.verbose = verbose;
        this.out = out;
    }

    /** Sets the rate from {@code schedule} at each epoch's start, silently. */
    public LearningRateScheduler(Schedule schedule) {
        this(schedule, 0, System.out);
    }

    @Override
    public void setContext(TrainingContext context, FitParameters parameters) {
        this.context = context;
    }

    @Override
    public void onTrainBegin(Logs logs) {
        appliedEpoch = -1;
    }

    @Override
    public void onEpochBegin(int epoch, Logs logs) {
        if (epoch <= appliedEpoch) {
            return; // a resumed epoch: its rate was set before the backup and restored with the optimizer
        }
        appliedEpoch = epoch;
        double rate = schedule.rate(epoch, context.learningRate());
        if (!(rate > 0 && Double.isFinite(rate))) {
            throw new IllegalArgumentException("LearningRateScheduler: the schedule gave " + rate + " for epoch " + (epoch + 1)
                    + "; a learning rate must be > 0");
        }
        context.setLearningRate(rate);
        if (verbose > 0) {
            out.println(String.format(Locale.ROOT, "Epoch %d: LearningRateScheduler setting learning rate to %s.", epoch + 1, rate));
        }
    }

    @Override
    public String stateName() {
        return "LearningRateScheduler";
    }

    @Override
    public PartState saveState() {
        return new PartState(Map.of("applied_epoch", appliedEpoch));
    }

    @Override
    public void restoreState(PartState state) {
        appliedEpoch = state.getInt("applied_epoch");
    }
}
