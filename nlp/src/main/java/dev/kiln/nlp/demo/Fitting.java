package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.callback.BackupAndRestore;
import dev.kiln.checkpoint.callback.ModelCheckpoint;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.EarlyStopping;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.callback.ProgressBar;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.model.FitOptions;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.nlp.plot.HistoryFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The seed's fit call: train on the shuffled train split, validate on the first
 * validationSteps batches of the test split, with EarlyStopping(val_loss, patience) and
 * ModelCheckpoint(checkpoint, save_best_only) (and BackupAndRestore when asked); then the History
 * as CSV and charts, and the evaluation on the whole test split.
 */
final class Fitting {
    private Fitting() {}

    /** {@code extra} callbacks run after EarlyStopping and ModelCheckpoint (a test's recorder). */
    static History fit(Sequential model, ImdbData data, TrainSettings settings, Path checkpoint, int initialEpoch, int epochs,
                       List<Callback> extra, PrintStream out) {
        return fit(model, data.training(settings.batchSize(), settings.shuffleBuffer(), settings.seed(), settings.target()),
                data.testing(settings.batchSize(), settings.target()), OptionalInt.of(settings.validationSteps()), settings,
                checkpoint, initialEpoch, epochs, extra, out);
    }

    /**
     * The fit on any data: {@code training} (cut to --steps-per-epoch batches when given), validated
     * on {@code validationSteps} batches of {@code validation} (empty: all of it).
     */
    static History fit(Sequential model, Dataset<LabeledBatch> training, Dataset<LabeledBatch> validation, OptionalInt validationSteps,
                       TrainSettings settings, Path checkpoint, int initialEpoch, int epochs, List<Callback> extra, PrintStream out) {
        List<Callback> callbacks = new ArrayList<>();
        callbacks.add(EarlyStopping.builder("val_loss").patience(settings.patience()).verbose(1).out(out).build());
        ModelCheckpoint.Builder checkpointing = ModelCheckpoint.builder(checkpoint.toString()).saveBestOnly(true).verbose(1).out(out);
        callbacks.add((settings.saveFreq() == 0 ? checkpointing.saveFreqEpoch() : checkpointing.saveFreq(settings.saveFreq())).build());
        callbacks.addAll(extra);
        if (settings.backupDir() != null) {
            callbacks.add(BackupAndRestore.builder(settings.backupDir()).out(out).build());
        }
        FitOptions options = FitOptions.epochs(epochs).initialEpoch(initialEpoch).callbacks(callbacks)
                .progress(new ProgressBar(out, System.console() != null, System::nanoTime));
        options = validationSteps.isPresent() ? options.validation(validation, validationSteps.getAsInt())
                : options.validation(validation);
        return model.fit(settings.stepsPerEpoch() > 0 ? training.take(settings.stepsPerEpoch()) : training, options);
    }

    static void writeHistory(History history, Path folder, String prefix, PrintStream out) throws IOException {
        List<Path> files = HistoryFiles.write(history, folder, prefix);
        out.println("History written: " + String.join(", ", files.stream().map(Path::toString).toList()));
    }

    /** The loss and metrics on every review of the test split (all 25,000 unless --limit or --quick). */
    static Logs evaluateOnTestSplit(Sequential model, ImdbData data, TrainSettings settings, String what, PrintStream out) {
        return evaluate(model, data.testing(settings.batchSize(), settings.target()), what + " on the test split",
                data.test().size(), "reviews", out);
    }

    /** The loss and metrics on all of {@code data}, {@code examples} of them (-1: counted from the batches). */
    static Logs evaluate(Sequential model, Dataset<LabeledBatch> data, String what, long examples, String noun, PrintStream out) {
        long start = System.nanoTime();
        long[] counted = new long[1];
        Logs logs = model.evaluate(data.map(batch -> {
            counted[0] += batch.size();
            return batch;
        }));
        double seconds = (System.nanoTime() - start) / 1e9;
        long n = examples >= 0 ? examples : counted[0];
        out.printf(Locale.ROOT, "%s (%,d %s, %.1f s, %,.0f %s/s): %s%n", what, n, noun, seconds, n / seconds, noun,
                formatted(logs.asMap()));
        return logs;
    }

    /** "loss 0.3512 - accuracy 0.8650", Keras' order. */
    static String formatted(Map<String, Double> logs) {
        return logs.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.4f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(" - "));
    }
}
