package dev.kiln.checkpoint.callback;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.model.CheckpointRecord;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.checkpoint.model.ModelSnapshot;
import dev.kiln.engine.part.PartState;
import dev.kiln.engine.callback.FitParameters;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.callback.Mode;
import dev.kiln.engine.callback.StatefulCallback;
import dev.kiln.engine.callback.TrainingContext;
import dev.kiln.engine.model.Sequential;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Keras' ModelCheckpoint: saves the model (architecture, weights, optimizer state; or the weights
 * only) at the end of every epoch or every N batches, or with saveBestOnly only when the
 * monitored value improves strictly. mode AUTO follows Keras 2: max when the monitor's name
 * contains "acc" or starts with "fmeasure", min otherwise. verbose 1 prints Keras' messages
 * ("Epoch 1: val_loss improved from inf to 0.80970, saving model to best_model"). The best value
 * lives on the instance and is not reset between fits, as in Keras.
 *
 * <p>Beyond Keras: a NaN is never "best"; a missing monitored value never saves (a warning says
 * so); each file records the monitored value, and with saveBestOnly and a fixed filepath the
 * value in an existing file is read back when training begins, so a restarted run never replaces
 * a better model with a worse one; files are written crash-safely ({@link AtomicFileWriter});
 * {@link CheckpointOptions} choose fsync, background saving and {@link Retention}.
 */
public final class ModelCheckpoint implements StatefulCallback {
    private final FilepathTemplate filepath;
    private final String monitor;
    private final int verbose;
    private final boolean saveBestOnly;
    private final boolean saveWeightsOnly;
    private final boolean maximize;
    private final int saveEveryBatches;  // 0 = every epoch
    private final CheckpointOptions options;
    private final AtomicFileWriter writer;
    private final PrintStream out;
    private final List<Retention.SavedFile> saved = new ArrayList<>();
    private final AsyncSaver saver;
    private double best;
    private boolean bestReadBack;
    private Sequential model;
    private int batchesSinceSave;
    private int lastBatch = -1;
    private int currentEpoch;
    private long sequence;

    private ModelCheckpoint(Builder b) {
        if (b.saveEveryBatches < 0) {
            throw new IllegalArgumentException("Unrecognized save_freq: " + b.saveEveryBatches
                    + ". Expected save_freq are \"epoch\" or a positive number of batches");
        }
        if (b.verbose < 0 || b.verbose > 1) {
            throw new IllegalArgumentException("ModelCheckpoint verbose must be 0 or 1, got " + b.verbose);
        }
        this.filepath = new FilepathTemplate(b.filepath);
        this.monitor = b.monitor;
        this.verbose = b.verbose;
        this.saveBestOnly = b.saveBestOnly;
        this.saveWeightsOnly = b.saveWeightsOnly;
        this.maximize = b.mode.maximizes(monitor, name -> name.contains("acc") || name.startsWith("fmeasure"));
        this.saveEveryBatches = b.saveEveryBatches;
        this.options = b.options;
        this.writer = new AtomicFileWriter(options.fsync());
        this.saver = new AsyncSaver(options.async());
        this.out = b.out;
        this.best = b.initialValueThreshold != null ? b.initialValueThreshold
                : (maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    }

    /** ModelCheckpoint(filepath, save_best_only=saveBestOnly) with Keras' other defaults (monitor val_loss, verbose 0). */
    public ModelCheckpoint(String filepath, boolean saveBestOnly) {
        this(builder(filepath).saveBestOnly(saveBestOnly));
    }

    /** Keras' arguments by name; the defaults are Keras' (monitor val_loss, verbose 0, save_freq 'epoch', ...). */
    public static Builder builder(String filepath) {
        return new Builder(filepath);
    }

    /** The best monitored value so far (Keras' best): an infinity before any, or the initial value threshold. */
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
    public void onTrainBegin(Logs logs) {
        if (saveBestOnly && !filepath.hasFields() && !bestReadBack) {
            bestReadBack = true;
            readBackBest(Path.of(filepath.toString()));
        }
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

    /** Waits for a save still in flight and reports its failure. */
    @Override
    public void onTrainEnd(Logs logs) {
        saver.close();
    }

    private void consider(int epoch, int batch, Logs logs) {
        String path = path(epoch, batch, logs);
        Double current = logs.get(monitor);
        if (!saveBestOnly) {
            message(String.format(Locale.ROOT, "%nEpoch %d: saving model to %s", epoch + 1, path));
            save(path, epoch, batch, current == null ? Double.NaN : current);
            return;
        }
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
            save(path, epoch, batch, current);
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

    /** Writes the model (from a copy when saving in the background), then applies the retention rule. */
    private void save(String path, int epoch, int batch, double value) {
        CheckpointRecord record = new CheckpointRecord(monitor, maximize, value, epoch + 1,
                batch < 0 ? OptionalInt.empty() : OptionalInt.of(batch + 1));
        // A background save needs a copy: training changes the tensors while it writes.
        ModelSnapshot snapshot = (options.async() ? ModelSnapshot.capture(model, saveWeightsOnly)
                : ModelSnapshot.view(model, saveWeightsOnly)).with(record.metadata(), Map.of());
        Path target = Path.of(path);
        Retention.SavedFile file = new Retention.SavedFile(target, value, sequence++);
        saved.removeIf(f -> f.path().equals(target));
        saved.add(file);
        List<Retention.SavedFile> delete = options.retention().toDelete(saved, maximize);
        saved.removeAll(delete);
        saver.submit(path, () -> {
            ModelFile.write(target, snapshot, writer);
            for (Retention.SavedFile old : delete) {
                Files.deleteIfExists(old.path());
            }
        });
    }

    /** Takes the monitored value recorded in an existing best file as the value to beat. */
    private void readBackBest(Path file) {
        if (!Files.exists(file)) {
            return;
        }
        Optional<CheckpointRecord> record;
        try {
            record = ModelFile.readCheckpointRecord(file);
        } catch (IOException e) {
            throw new IllegalStateException("ModelCheckpoint: " + file + " exists but is not a readable Kiln model ("
                    + e.getMessage() + "); move it away or choose another filepath, so it is not overwritten blindly", e);
        }
        if (record.isEmpty() || !monitor.equals(record.get().monitor()) || Double.isNaN(record.get().value())) {
            out.println("WARNING: " + file + " records no " + monitor + " value; the first improvement on " + python(best)
                    + " will replace it.");
            return;
        }
        double stored = record.get().value();
        if (maximize ? stored > best : stored < best) {
            best = stored;
            message(String.format(Locale.ROOT, "ModelCheckpoint: %s already holds a model with %s %.5f; only a better one will replace it.",
                    file, monitor, stored));
        }
    }

    private void message(String text) {
        if (verbose > 0) {
            out.println(text);
        }
    }

    @Override
    public String stateName() {
        return "ModelCheckpoint/" + filepath;
    }

    @Override
    public PartState saveState() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("best", PartState.storable(best));
        values.put("best_read_back", bestReadBack);
        values.put("batches_since_save", batchesSinceSave);
        values.put("last_batch", lastBatch);
        values.put("sequence", sequence);
        values.put("saved_paths", saved.stream().map(f -> f.path().toString()).toList());
        values.put("saved_values", saved.stream().map(f -> PartState.storable(f.value())).toList());
        values.put("saved_sequences", saved.stream().map(Retention.SavedFile::sequence).toList());
        return new PartState(values);
    }

    @Override
    public void restoreState(PartState state) {
        best = state.getDouble("best");
        bestReadBack = state.getBoolean("best_read_back");
        batchesSinceSave = state.getInt("batches_since_save");
        lastBatch = state.getInt("last_batch");
        sequence = state.getLong("sequence");
        List<?> paths = state.getList("saved_paths");
        List<?> values = state.getList("saved_values");
        List<?> sequences = state.getList("saved_sequences");
        saved.clear();
        for (int i = 0; i < paths.size(); i++) {
            saved.add(new Retention.SavedFile(Path.of((String) paths.get(i)), PartState.number(values.get(i), "saved_values"),
                    ((Number) sequences.get(i)).longValue()));
        }
    }

    /** Python's rendering of the best value: inf, -inf, or %.5f. */
    private static String python(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.5f", value);
    }

    /** ModelCheckpoint's arguments, named as in Keras. */
    public static final class Builder {
        private final String filepath;
        private String monitor = "val_loss";
        private int verbose;
        private boolean saveBestOnly;
        private boolean saveWeightsOnly;
        private Mode mode = Mode.AUTO;
        private int saveEveryBatches;
        private Double initialValueThreshold;
        private CheckpointOptions options = CheckpointOptions.defaults();
        private PrintStream out = System.out;

        private Builder(String filepath) {
            this.filepath = filepath;
        }

        /** The logged value to watch (default val_loss). */
        public Builder monitor(String name) {
            this.monitor = name;
            return this;
        }

        /** 1 prints a message at each save or skip (default 0: silent). */
        public Builder verbose(int level) {
            this.verbose = level;
            return this;
        }

        /** Save only when the monitored value improves on the best so far (default false). */
        public Builder saveBestOnly(boolean on) {
            this.saveBestOnly = on;
            return this;
        }

        /** Save the weights without the compile and optimizer state (default false). */
        public Builder saveWeightsOnly(boolean on) {
            this.saveWeightsOnly = on;
            return this;
        }

        /** Whether lower or higher is better (default AUTO: higher for names ending in acc, accuracy, auc). */
        public Builder mode(Mode value) {
            this.mode = value;
            return this;
        }

        /** save_freq='epoch'. */
        public Builder saveFreqEpoch() {
            this.saveEveryBatches = 0;
            return this;
        }

        /** save_freq=N: consider saving every N training batches, counted across epochs. */
        public Builder saveFreq(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("Unrecognized save_freq: " + batches
                        + ". Expected save_freq are \"epoch\" or a positive number of batches");
            }
            this.saveEveryBatches = batches;
            return this;
        }

        /** The value the first save must beat (saveBestOnly), or null for +-infinity. */
        public Builder initialValueThreshold(Double value) {
            this.initialValueThreshold = value;
            return this;
        }

        /** How files are written and which are kept (default: fsync, in the foreground, keep all). */
        public Builder options(CheckpointOptions value) {
            this.options = value;
            return this;
        }

        /** Where messages and warnings go (System.out by default). */
        public Builder out(PrintStream stream) {
            this.out = stream;
            return this;
        }

        /** A ModelCheckpoint with these arguments; a malformed filepath fails here. */
        public ModelCheckpoint build() {
            return new ModelCheckpoint(this);
        }
    }
}
