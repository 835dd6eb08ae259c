package dev.kiln.engine.model;

import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.FitParameters;
import dev.kiln.engine.callback.FitPosition;
import dev.kiln.engine.callback.FitProgress;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.callback.TrainingStateSaver;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.data.DatasetIterator;
import dev.kiln.engine.optim.Optimizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras 2's fit: per epoch, reset the metrics; for each batch take a step and update the running
 * loss and accuracy with the predictions made before the update; then validate on the first
 * validationSteps batches of the validation data (from its start, every epoch); then the epoch's
 * callbacks, in order: the user's, History, the progress bar, and last the state savers
 * (BackupAndRestore). Epoch n trains on pass n of the data ({@link Dataset#iterator(long)}), so a
 * fit resumed mid-epoch (a saver asks for it in onTrainBegin) replays the same batches. Every
 * pass is closed when its loop ends, however it ends, so no prefetch thread outlives it.
 */
final class FitLoop {
    private final Sequential model;
    private final ShardedStep step;
    private final Optimizer optimizer;

    FitLoop(Sequential model, ShardedStep step, Optimizer optimizer) {
        this.model = model;
        this.step = step;
        this.optimizer = optimizer;
    }

    History run(Dataset<LabeledBatch> train, int epochs, Dataset<LabeledBatch> validation, int validationSteps,
                List<Callback> userCallbacks, int initialEpoch, Callback progressBar) {
        if (epochs < 1 || initialEpoch < 0 || initialEpoch >= epochs) {
            throw new IllegalArgumentException("fit needs 0 <= initialEpoch < epochs, got initialEpoch " + initialEpoch
                    + " and epochs " + epochs);
        }
        if (validation != null && validationSteps < 1) {
            throw new IllegalArgumentException("validationSteps must be >= 1, got " + validationSteps);
        }
        History history = new History();
        List<Callback> callbacks = inCallOrder(userCallbacks, history, progressBar);
        FitProgress progress = new FitProgress(callbacks, FitPosition.startOf(initialEpoch));
        FitParameters parameters = new FitParameters(progressBar == null ? 0 : 1, epochs, train.cardinality());
        model.clearStopRequest();
        model.attach(progress);
        try {
            for (Callback callback : callbacks) {
                callback.setContext(model, parameters);
            }
            callbacks.forEach(c -> c.onTrainBegin(Logs.empty()));
            FitPosition resumed = progress.applyResume();
            FitPosition start = resumed != null ? resumed : FitPosition.startOf(initialEpoch);
            Logs epochLogs = Logs.empty();
            for (int epoch = start.epoch(); epoch < epochs && !model.stopRequested(); epoch++) {
                int current = epoch;
                callbacks.forEach(c -> c.onEpochBegin(current, Logs.empty()));
                epochLogs = trainEpoch(train, epoch == start.epoch() ? start : FitPosition.startOf(epoch), callbacks, progress);
                if (validation != null) {
                    epochLogs = epochLogs.with(prefixed(model.evaluate(validation, validationSteps)));
                }
                Logs logs = epochLogs;
                progress.advanceTo(FitPosition.startOf(epoch + 1));
                callbacks.forEach(c -> c.onEpochEnd(current, logs));
            }
            Logs last = epochLogs;
            callbacks.forEach(c -> c.onTrainEnd(last));
            return history;
        } finally {
            model.attach(null);
            step.releaseBuffers(); // a model that is done training keeps no step memory
        }
    }

    /** The user's callbacks, then History and the progress bar; state savers last of all, so they see the others' updates. */
    private static List<Callback> inCallOrder(List<Callback> userCallbacks, History history, Callback progressBar) {
        List<Callback> ordered = new ArrayList<>();
        userCallbacks.stream().filter(c -> !(c instanceof TrainingStateSaver)).forEach(ordered::add);
        ordered.add(history);
        if (progressBar != null) {
            ordered.add(progressBar);
        }
        userCallbacks.stream().filter(TrainingStateSaver.class::isInstance).forEach(ordered::add);
        return ordered;
    }

    /** Trains on pass {@code from.epoch()} of the data, from batch {@code from.batchesDone()} on. */
    private Logs trainEpoch(Dataset<LabeledBatch> train, FitPosition from, List<Callback> callbacks, FitProgress progress) {
        int epoch = from.epoch();
        RunningMean loss = new RunningMean();
        loss.restore(from.lossSum(), from.examples());
        BinaryAccuracy accuracy = new BinaryAccuracy();
        accuracy.restore(from.correct(), from.examples());
        try (DatasetIterator<LabeledBatch> batches = train.iterator(epoch)) {
            for (int skipped = 0; skipped < from.batchesDone(); skipped++) {
                if (!batches.hasNext()) {
                    throw new IllegalStateException("cannot resume at batch " + from.batchesDone() + " of epoch " + (epoch + 1)
                            + ": the training data yields only " + skipped + " batches per epoch");
                }
                batches.next();
            }
            int index = from.batchesDone();
            Logs logs = metrics(loss.result(), accuracy.result());
            while (batches.hasNext()) {
                LabeledBatch batch = batches.next();
                int current = index;
                callbacks.forEach(c -> c.onTrainBatchBegin(current, Logs.empty()));
                ShardedStep.Result result = step.train(batch, optimizer);
                loss.add(result.loss(), batch.size());
                accuracy.update(result.logits(), batch.labels());
                logs = metrics(loss.result(), accuracy.result());
                index++;
                progress.advanceTo(new FitPosition(epoch, index, loss.total(), loss.count(), accuracy.correct()));
                Logs batchLogs = logs;
                callbacks.forEach(c -> c.onTrainBatchEnd(current, batchLogs));
            }
            if (index == 0) {
                throw new IllegalStateException("the training data yielded no batches in epoch " + (epoch + 1));
            }
            return logs;
        }
    }

    static Logs metrics(double loss, double accuracy) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", loss);
        values.put("accuracy", accuracy);
        return Logs.of(values);
    }

    private static Map<String, Double> prefixed(Logs logs) {
        Map<String, Double> renamed = new LinkedHashMap<>();
        logs.asMap().forEach((name, value) -> renamed.put("val_" + name, value));
        return renamed;
    }
}
