package dev.kiln.engine.callback;

/**
 * Hooks into {@code fit}, called in this order: train begin; per epoch: epoch begin, per batch
 * (batch begin, batch end), epoch end; train end. Epochs and batches are 0-based, as in Keras.
 * Every method does nothing by default.
 */
public interface Callback {

    /** Called once before training with the model and the run's parameters. */
    default void setContext(TrainingContext context, FitParameters parameters) {}

    /** Called once when fit starts, before the first epoch (logs empty). */
    default void onTrainBegin(Logs logs) {}

    /** Called once when fit ends, with the last epoch's logs. */
    default void onTrainEnd(Logs logs) {}

    /** Called before epoch {@code epoch} (0-based) trains (logs empty). */
    default void onEpochBegin(int epoch, Logs logs) {}

    /** Called after epoch {@code epoch}, with its training means and, when fit validates, the val_ values. */
    default void onEpochEnd(int epoch, Logs logs) {}

    /** Called before batch {@code batch} (0-based, within the epoch) trains (logs empty). */
    default void onTrainBatchBegin(int batch, Logs logs) {}

    /** Called after batch {@code batch} trained, with the epoch's running loss and metrics so far. */
    default void onTrainBatchEnd(int batch, Logs logs) {}
}
