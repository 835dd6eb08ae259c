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

        public Builder onTrainBegin(Consumer<Logs> hook) {
            trainBegin = hook;
            return this;
        }

        public Builder onTrainEnd(Consumer<Logs> hook) {
            trainEnd = hook;
            return this;
        }

        public Builder onEpochBegin(BiConsumer<Integer, Logs> hook) {
            epochBegin = hook;
            return this;
        }

        public Builder onEpochEnd(BiConsumer<Integer, Logs> hook) {
            epochEnd = hook;
            return this;
        }

        public Builder onTrainBatchBegin(BiConsumer<Integer, Logs> hook) {
            batchBegin = hook;
            return this;
        }

        public Builder onTrainBatchEnd(BiConsumer<Integer, Logs> hook) {
            batchEnd = hook;
            return this;
        }

        public LambdaCallback build() {
            return new LambdaCallback(this);
        }
    }
}
