package dev.kiln.engine.model;

import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.FitParameters;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.optim.Optimizer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras 2's fit: per epoch, reset the metrics; for each batch take a step and update the running
 * loss and accuracy with the predictions made before the update; then validate on the first
 * validationSteps batches of the validation data (from its start, every epoch); then the epoch's
 * callbacks, in order: the user's, History, the progress bar.
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
                List<Callback> userCallbacks, int initialEpoch, Callback progress) {
        if (epochs < 1 || initialEpoch < 0 || initialEpoch >= epochs) {
            throw new IllegalArgumentException("fit needs 0 <= initialEpoch < epochs, got initialEpoch " + initialEpoch
                    + " and epochs " + epochs);
        }
        if (validation != null && validationSteps < 1) {
            throw new IllegalArgumentException("validationSteps must be >= 1, got " + validationSteps);
        }
        History history = new History();
        List<Callback> callbacks = new ArrayList<>(userCallbacks);
        callbacks.add(history);
        if (progress != null) {
            callbacks.add(progress);
        }
        FitParameters parameters = new FitParameters(progress == null ? 0 : 1, epochs, train.cardinality());
        for (Callback callback : callbacks) {
            callback.setContext(model, parameters);
        }
        model.clearStopRequest();
        callbacks.forEach(c -> c.onTrainBegin(Logs.empty()));
        Logs epochLogs = Logs.empty();
        for (int epoch = initialEpoch; epoch < epochs; epoch++) {
            int current = epoch;
            callbacks.forEach(c -> c.onEpochBegin(current, Logs.empty()));
            epochLogs = trainEpoch(train, epoch, callbacks);
            if (validation != null) {
                epochLogs = epochLogs.with(prefixed(model.evaluate(validation, validationSteps)));
            }
            Logs logs = epochLogs;
            callbacks.forEach(c -> c.onEpochEnd(current, logs));
            if (model.stopRequested()) {
                break;
            }
        }
        Logs last = epochLogs;
        callbacks.forEach(c -> c.onTrainEnd(last));
        return history;
    }

    private Logs trainEpoch(Dataset<LabeledBatch> train, int epoch, List<Callback> callbacks) {
        RunningMean loss = new RunningMean();
        BinaryAccuracy accuracy = new BinaryAccuracy();
        Iterator<LabeledBatch> batches = train.iterator();
        int index = 0;
        Logs logs = Logs.empty();
        while (batches.hasNext()) {
            LabeledBatch batch = batches.next();
            int current = index;
            callbacks.forEach(c -> c.onTrainBatchBegin(current, Logs.empty()));
            ShardedStep.Result result = step.run(batch, true);
            optimizer.step(model.parameters());
            loss.add(result.loss(), batch.size());
            accuracy.update(result.logits(), batch.labels());
            logs = metrics(loss.result(), accuracy.result());
            Logs batchLogs = logs;
            callbacks.forEach(c -> c.onTrainBatchEnd(current, batchLogs));
            index++;
        }
        if (index == 0) {
            throw new IllegalStateException("the training data yielded no batches in epoch " + (epoch + 1));
        }
        return logs;
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
