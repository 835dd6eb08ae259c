package dev.kiln.engine.callback;

/**
 * Hooks into {@code fit}, called in this order: train begin; per epoch: epoch begin, per batch
 * (batch begin, batch end), epoch end; train end. Epochs and batches are 0-based, as in Keras.
 * Every method does nothing by default.
 */
public interface Callback {

    /** Called once before training with the model and the run's parameters. */
    default void setContext(TrainingContext context, FitParameters parameters) {}

    default void onTrainBegin(Logs logs) {}

    default void onTrainEnd(Logs logs) {}

    default void onEpochBegin(int epoch, Logs logs) {}

    default void onEpochEnd(int epoch, Logs logs) {}

    default void onTrainBatchBegin(int batch, Logs logs) {}

    default void onTrainBatchEnd(int batch, Logs logs) {}
}
