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
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.metric.Predictions;
import dev.kiln.engine.metric.WeightedMean;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.part.PartState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' fit: per epoch, reset the metrics; for each batch take a step and update the running
 * loss and the metrics with the predictions made before the update; then validate (from the
 * validation data's start, every epoch); a stop requested at a batch's end ends the epoch there
 * (Keras 3); then the epoch's callbacks, in order: the user's,
 * History, the progress bar, and last the state savers (BackupAndRestore). Epoch n trains on pass
 * n of the data ({@link Dataset#iterator(long)}), so a fit resumed mid-epoch (a saver asks for it
 * in onTrainBegin) replays the same batches and continues the metrics from their saved state.
 * Every pass is closed when its loop ends, however it ends, so no prefetch thread outlives it.
 */
final class FitLoop {
    static final String LOSS = "loss";

    private final Sequential model;
    private final ShardedStep step;
    private final Optimizer optimizer;
    private final List<Metric> metrics;

    FitLoop(Sequential model, ShardedStep step, Optimizer optimizer, List<Metric> metrics) {
        this.model = model;
        this.step = step;
        this.optimizer = optimizer;
        this.metrics = metrics;
    }

    History run(Dataset<LabeledBatch> train, FitOptions options) {
        History history = new History();
        List<Callback> callbacks = inCallOrder(options.callbacks(), history, options.progress().orElse(null));
        int initialEpoch = options.initialEpoch();
        FitProgress progress = new FitProgress(callbacks, FitPosition.startOf(initialEpoch));
        FitParameters parameters = new FitParameters(options.progress().isPresent() ? 1 : 0, options.epochs(), train.cardinality());
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
            for (int epoch = start.epoch(); epoch < options.epochs() && !model.stopRequested(); epoch++) {
                int current = epoch;
                callbacks.forEach(c -> c.onEpochBegin(current, Logs.empty()));
                epochLogs = trainEpoch(train, epoch == start.epoch() ? start : FitPosition.startOf(epoch), callbacks, progress,
                        options.classWeight());
                if (options.validation().isPresent()) {
                    Logs validation = model.evaluate(options.validation().get(), options.validationSteps().orElse(-1));
                    epochLogs = epochLogs.with(prefixed(validation));
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
    private Logs trainEpoch(Dataset<LabeledBatch> train, FitPosition from, List<Callback> callbacks, FitProgress progress,
                            Map<Integer, Double> classWeight) {
        int epoch = from.epoch();
        WeightedMean loss = new WeightedMean();
        restore(loss, metrics, from);
        try (DatasetIterator<LabeledBatch> batches = train.iterator(epoch)) {
            for (int skipped = 0; skipped < from.batchesDone(); skipped++) {
                if (!batches.hasNext()) {
                    throw new IllegalStateException("cannot resume at batch " + from.batchesDone() + " of epoch " + (epoch + 1)
                            + ": the training data yields only " + skipped + " batches per epoch");
                }
                batches.next();
            }
            int index = from.batchesDone();
            Logs logs = logs(loss, metrics);
            while (batches.hasNext()) {
                LabeledBatch batch = ClassWeights.apply(batches.next(), classWeight);
                int current = index;
                callbacks.forEach(c -> c.onTrainBatchBegin(current, Logs.empty()));
                ShardedStep.Result result = step.train(batch, optimizer);
                update(loss, metrics, batch, result);
                logs = logs(loss, metrics);
                index++;
                progress.advanceTo(new FitPosition(epoch, index, states(loss, metrics)));
                Logs batchLogs = logs;
                callbacks.forEach(c -> c.onTrainBatchEnd(current, batchLogs));
                if (model.stopRequested()) {
                    break; // Keras 3 stops after the batch; the epoch still validates and ends
                }
            }
            if (index == 0) {
                throw new IllegalStateException("the training data yielded no batches in epoch " + (epoch + 1));
            }
            return logs;
        }
    }

    /** Adds a batch's loss (weighted by the batch size, as Keras' loss tracker) and predictions. */
    static void update(WeightedMean loss, List<Metric> metrics, LabeledBatch batch, ShardedStep.Result result) {
        loss.add(result.loss(), batch.size());
        Predictions predictions = new Predictions(result.outputs(), result.width(), batch.targets(),
                batch.targetWidth(), batch.weights());
        for (Metric metric : metrics) {
            metric.update(predictions);
        }
    }

    /** Keras' logs: the loss, then each metric by its name. */
    static Logs logs(WeightedMean loss, List<Metric> metrics) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put(LOSS, loss.result());
        for (Metric metric : metrics) {
            values.put(metric.name(), metric.result());
        }
        return Logs.of(values);
    }

    private static Map<String, PartState> states(WeightedMean loss, List<Metric> metrics) {
        Map<String, PartState> states = new LinkedHashMap<>();
        states.put(LOSS, loss.state());
        for (Metric metric : metrics) {
            states.put(metric.name(), metric.saveState());
        }
        return states;
    }

    /** Resets the loss and metrics, or continues them from a mid-epoch position's saved states. */
    private static void restore(WeightedMean loss, List<Metric> metrics, FitPosition from) {
        loss.reset();
        metrics.forEach(Metric::reset);
        if (from.batchesDone() == 0) {
            return;
        }
        loss.restore(saved(from, LOSS));
        for (Metric metric : metrics) {
            metric.restoreState(saved(from, metric.name()));
        }
    }

    private static PartState saved(FitPosition from, String name) {
        PartState state = from.metrics().get(name);
        if (state == null) {
            throw new IllegalStateException("cannot resume: the saved position has no state for the metric '" + name
                    + "' (it has " + from.metrics().keySet() + "); the model was compiled with other metrics");
        }
        return state;
    }

    private static Map<String, Double> prefixed(Logs logs) {
        Map<String, Double> renamed = new LinkedHashMap<>();
        logs.asMap().forEach((name, value) -> renamed.put("val_" + name, value));
        return renamed;
    }
}
