package dev.kiln.engine.callback;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Keras' LambdaCallback: a callback made of functions, for one-off hooks:
 * {@code LambdaCallback.builder().onEpochEnd((epoch, logs) -> ...).build()}. Unset hooks do nothing.
 */
public final class LambdaCallback implements Callback {
    private final Consumer<Logs> trainBegin;
    private final Consumer<Logs> trainEnd;
    private final BiConsumer<Integer, Logs> epochBegin;
    private final BiConsumer<Integer, Logs> epochEnd;
    private final BiConsumer<Integer, Logs> batchBegin;
    private final BiConsumer<Integer, Logs> batchEnd;

    private LambdaCallback(Builder b) {
        this.trainBegin = b.trainBegin;
        this.trainEnd = b.trainEnd;
        this.epochBegin = b.epochBegin;
        this.epochEnd = b.epochEnd;
        this.batchBegin = b.batchBegin;
        this.batchEnd = b.batchEnd;
    }

    /** A builder whose hooks all do nothing until set. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void onTrainBegin(Logs logs) {
        trainBegin.accept(logs);
    }

    @Override
    public void onTrainEnd(Logs logs) {
        trainEnd.accept(logs);
    }

    @Override
    public void onEpochBegin(int epoch, Logs logs) {
        epochBegin.accept(epoch, logs);
    }

    @Override
    public void onEpochEnd(int epoch, Logs logs) {
        epochEnd.accept(epoch, logs);
    }

    @Override
    public void onTrainBatchBegin(int batch, Logs logs) {
        batchBegin.accept(batch, logs);
    }

    @Override
    public void onTrainBatchEnd(int batch, Logs logs) {
        batchEnd.accept(batch, logs);
    }

    /** The hooks; each defaults to doing nothing. */
    public static final class Builder {
        private Consumer<Logs> trainBegin = logs -> { };
        private Consumer<Logs> trainEnd = logs -> { };
        private BiConsumer<Integer, Logs> epochBegin = (epoch, logs) -> { };
        private BiConsumer<Integer, Logs> epochEnd = (epoch, logs) -> { };
        private BiConsumer<Integer, Logs> batchBegin = (batch, logs) -> { };
        private BiConsumer<Integer, Logs> batchEnd = (batch, logs) -> { };

        /** Called once before training. */
        public Builder onTrainBegin(Consumer<Logs> hook) {
            trainBegin = hook;
            return this;
        }

        /** Called once after training. */
        public Builder onTrainEnd(Consumer<Logs> hook) {
            trainEnd = hook;
            return this;
        }

        /** Called at each epoch's start with its 0-based index. */
        public Builder onEpochBegin(BiConsumer<Integer, Logs> hook) {
            epochBegin = hook;
            return this;
        }

        /** Called at each epoch's end with its logs. */
        public Builder onEpochEnd(BiConsumer<Integer, Logs> hook) {
            epochEnd = hook;
            return this;
        }

        /** Called before each training batch. */
        public Builder onTrainBatchBegin(BiConsumer<Integer, Logs> hook) {
            batchBegin = hook;
            return this;
        }

        /** Called after each training batch with the running logs. */
        public Builder onTrainBatchEnd(BiConsumer<Integer, Logs> hook) {
            batchEnd = hook;
            return this;
        }

        /** The callback with the hooks set so far. */
        public LambdaCallback build() {
            return new LambdaCallback(this);
        }
    }
}
