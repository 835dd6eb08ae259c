package dev.kiln.engine.model;

import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.data.Dataset;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * What {@link Sequential#fit} does besides the training data, Keras' fit arguments as an immutable
 * builder: {@code FitOptions.epochs(10).validation(test, 30).callbacks(best, stop)}. Unset options
 * are empty: no validation, no callbacks, no progress bar, no class weights, from epoch 0.
 */
public final class FitOptions {
    private final int epochs;
    private final int initialEpoch;
    private final Optional<Dataset<LabeledBatch>> validation;
    private final OptionalInt validationSteps;
    private final List<Callback> callbacks;
    private final Optional<Callback> progress;
    private final Map<Integer, Double> classWeight;

    private FitOptions(int epochs, int initialEpoch, Optional<Dataset<LabeledBatch>> validation, OptionalInt validationSteps,
                       List<Callback> callbacks, Optional<Callback> progress, Map<Integer, Double> classWeight) {
        if (epochs < 1 || initialEpoch < 0 || initialEpoch >= epochs) {
            throw new IllegalArgumentException("fit needs 0 <= initial epoch < epochs, got initial epoch " + initialEpoch
                    + " and epochs " + epochs);
        }
        if (validationSteps.isPresent() && validationSteps.getAsInt() < 1) {
            throw new IllegalArgumentException("validation steps must be >= 1, got " + validationSteps.getAsInt());
        }
        this.epochs = epochs;
        this.initialEpoch = initialEpoch;
        this.validation = validation;
        this.validationSteps = validationSteps;
        this.callbacks = List.copyOf(callbacks);
        this.progress = progress;
        this.classWeight = Collections.unmodifiableMap(new TreeMap<>(classWeight));
    }

    /** Train for {@code epochs} epochs (counting from 0, so a resumed run names the same total). */
    public static FitOptions epochs(int epochs) {
        return new FitOptions(epochs, 0, Optional.empty(), OptionalInt.empty(), List.of(), Optional.empty(), Map.of());
    }

    /** Start at this 0-based epoch (Keras' initial_epoch). */
    public FitOptions initialEpoch(int epoch) {
        return new FitOptions(epochs, epoch, validation, validationSteps, callbacks, progress, classWeight);
    }

    /** Evaluate on all of {@code data} at the end of every epoch (logged as val_loss, val_accuracy...). */
    public FitOptions validation(Dataset<LabeledBatch> data) {
        return new FitOptions(epochs, initialEpoch, Optional.of(data), OptionalInt.empty(), callbacks, progress, classWeight);
    }

    /** Evaluate on the first {@code steps} batches of {@code data} at the end of every epoch. */
    public FitOptions validation(Dataset<LabeledBatch> data, int steps) {
        return new FitOptions(epochs, initialEpoch, Optional.of(data), OptionalInt.of(steps), callbacks, progress, classWeight);
    }

    /** The callbacks, called in this order (state savers such as BackupAndRestore run after all others). */
    public FitOptions callbacks(Callback... chosen) {
        return callbacks(List.of(chosen));
    }

    /** The callbacks as a list, as {@link #callbacks(Callback...)}. */
    public FitOptions callbacks(List<Callback> chosen) {
        return new FitOptions(epochs, initialEpoch, validation, validationSteps, chosen, progress, classWeight);
    }

    /** A progress display (Keras' verbose=1), e.g. {@code ProgressBar.toStandardOutput()}. */
    public FitOptions progress(Callback bar) {
        return new FitOptions(epochs, initialEpoch, validation, validationSteps, callbacks, Optional.of(bar), classWeight);
    }

    /**
     * Keras' class_weight: each example's loss and metrics are weighted by its class's weight (times
     * its sample weight). The class is the label (0/1), the class index, or a one-hot row's argmax;
     * a class without a weight has weight 1.
     */
    public FitOptions classWeight(Map<Integer, Double> weights) {
        return new FitOptions(epochs, initialEpoch, validation, validationSteps, callbacks, progress, weights);
    }

    /** The number of epochs to reach, counting from 0. */
    public int epochs() {
        return epochs;
    }

    /** The 0-based epoch to start at. */
    public int initialEpoch() {
        return initialEpoch;
    }

    /** The data to evaluate on after each epoch, if any. */
    public Optional<Dataset<LabeledBatch>> validation() {
        return validation;
    }

    /** Batches of the validation data per evaluation; empty for all of them. */
    public OptionalInt validationSteps() {
        return validationSteps;
    }

    /** The callbacks, in calling order. */
    public List<Callback> callbacks() {
        return callbacks;
    }

    /** The progress display, if any. */
    public Optional<Callback> progress() {
        return progress;
    }

    /** The weight of each class index, empty when not set. */
    public Map<Integer, Double> classWeight() {
        return classWeight;
    }
}
