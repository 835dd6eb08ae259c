package dev.kiln.checkpoint.callback;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.FitParameters;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.callback.Mode;
import dev.kiln.engine.callback.TrainingContext;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keras' ModelCheckpoint: saves the model (architecture, weights, optimizer state) at the end of
 * every epoch or every N batches, or with saveBestOnly only when the monitored value improves
 * strictly. mode AUTO follows Keras 2: max when the monitor's name contains "acc" or starts with
 * "fmeasure", min otherwise. verbose 1 prints Keras' messages ("Epoch 1: val_loss improved from
 * inf to 0.80970, saving model to best_model"). The best value lives on the instance and is not
 * reset between fits, as in Keras.
 *
 * <p>Beyond Keras: a NaN is never "best"; a missing monitored value never saves (a warning says
 * so, as Keras 2); files are written crash-safely ({@link AtomicFileWriter}), fsync optional.
 */
public final class ModelCheckpoint implements Callback {
    private final FilepathTemplate filepath;
    private final String monitor;
    private final int verbose;
    private final boolean saveBestOnly;
    private final boolean maximize;
    private final int saveEveryBatches;  // 0 = every epoch
    private final AtomicFileWriter writer;
    private final PrintStream out;
    private double best;
    private Sequential model;
    private int batchesSinceSave;
    private int lastBatch = -1;
    private int currentEpoch;

    /**
     * @param saveEveryBatches 0 for save_freq='epoch', or N to consider saving every N training batches
     * @param initialValueThreshold the best value to beat from the start, or null for +-infinity
     */
    public ModelCheckpoint(String filepath, String monitor, int verbose, boolean saveBestOnly, Mode mode,
                           int saveEveryBatches, Double initialValueThreshold, boolean fsync, PrintStream out) {
        if (saveEveryBatches < 0) {
            throw new IllegalArgumentException("Unrecognized save_freq: " + saveEveryBatches
                    + ". Expected save_freq are \"epoch\" (0 here) or a positive number of batches");
        }
        if (verbose < 0 || verbose > 1) {
            throw new IllegalArgumentException("ModelCheckpoint verbose must be 0 or 1, got " + verbose);
        }
        this.filepath = new FilepathTemplate(filepath);
        this.monitor = monitor;
        this.verbose = verbose;
        this.saveBestOnly = saveBestOnly;
        this.maximize = switch (mode) {
            case MIN -> false;
            case MAX -> true;
            case AUTO -> monitor.contains("acc") || monitor.startsWith("fmeasure");
        };
        this.saveEveryBatches = saveEveryBatches;
        this.writer = new AtomicFileWriter(fsync);
        this.out = out;
        this.best = initialValueThreshold != null ? initialValueThreshold
                : (maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    }

    /** ModelCheckpoint(filepath, save_best_only=saveBestOnly) with Keras' other defaults (monitor val_loss, verbose 0). */
    public ModelCheckpoint(String filepath, boolean saveBestOnly) {
        this(filepath, "val_loss", 0, saveBestOnly, Mode.AUTO, 0, null, true, System.out);
    }

    public double best() {
        return best;
    }

    @Override
    public void setContext(TrainingContext context, FitParameters parameters) {
        if (!(context instanceof Sequential sequential)) {
            throw new IllegalArgumentException("ModelCheckpoint saves Sequential models; got " + context.getClass().getSimpleName());
        }
        this.model = sequential;
    }

    @Override
    public void onEpochBegin(int epoch, Logs logs) {
        currentEpoch = epoch;
    }

    @Override
    public void onTrainBatchEnd(int batch, Logs logs) {
        if (saveEveryBatches == 0) {
            return;
        }
        // Keras counts batches across epochs: a batch index that did not grow means a new epoch.
        batchesSinceSave += batch <= lastBatch ? batch + 1 : batch - lastBatch;
        lastBatch = batch;
        if (batchesSinceSave >= saveEveryBatches) {
            batchesSinceSave = 0;
            consider(currentEpoch, batch, logs);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Logs logs) {
        if (saveEveryBatches == 0) {
            consider(epoch, -1, logs);
        }
    }

    private void consider(int epoch, int batch, Logs logs) {
        String path = path(epoch, batch, logs);
        if (!saveBestOnly) {
            message(String.format(Locale.ROOT, "%nEpoch %d: saving model to %s", epoch + 1, path));
            save(path);
            return;
        }
        Double current = logs.get(monitor);
        if (current == null) {
            out.println("WARNING: Can save best model only with " + monitor + " available, skipping.");
            return;
        }
        if (Double.isNaN(current)) {
            out.println("WARNING: " + monitor + " is NaN at epoch " + (epoch + 1) + "; a NaN is never the best, not saving.");
            return;
        }
        if (maximize ? current > best : current < best) {
            message(String.format(Locale.ROOT, "%nEpoch %d: %s improved from %s to %.5f, saving model to %s", epoch + 1, monitor,
                    python(best), current, path));
            best = current;
            save(path);
        } else {
            message(String.format(Locale.ROOT, "%nEpoch %d: %s did not improve from %s", epoch + 1, monitor, python(best)));
        }
    }

    private String path(int epoch, int batch, Logs logs) {
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("epoch", epoch + 1);
        if (batch >= 0) {
            values.put("batch", batch + 1);
        }
        values.putAll(logs.asMap());
        return filepath.format(values);
    }

    private void save(String path) {
        try {
            Adam adam = model.optimizer() instanceof Adam a ? a : null;
            ModelFile.save(Path.of(path), model, adam, writer);
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint could not save " + path + ": " + e.getMessage(), e);
        }
    }

    private void message(String text) {
        if (verbose > 0) {
            out.println(text);
        }
    }

    /** Python's rendering of the best value: inf, -inf, or %.5f. */
    private static String python(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.5f", value);
    }
}
