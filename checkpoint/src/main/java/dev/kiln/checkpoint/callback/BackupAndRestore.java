package dev.kiln.checkpoint.callback;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.checkpoint.model.ModelSnapshot;
import dev.kiln.checkpoint.model.TrainingState;
import dev.kiln.engine.callback.FitParameters;
import dev.kiln.engine.callback.FitProgress;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.callback.TrainingContext;
import dev.kiln.engine.callback.TrainingStateSaver;
import dev.kiln.engine.model.Sequential;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Keras' BackupAndRestore, exact: it saves the whole training state (weights, the optimizer's
 * state - Adam's moments and step -, the fit position inside the epoch with its running metric sums, every stateful
 * callback's state) to {@code dir/backup.kiln} at the end of every epoch or every N batches; when
 * a fit starts and a backup exists, the fit continues from it, mid-epoch included, and ends with
 * weights bit-identical to a run never interrupted (the data pipeline must be the same, with the
 * same seeds). The backup is deleted when training ends normally (Keras' delete_checkpoint).
 * Fit calls it after all other callbacks, so the state it saves includes their reaction.
 */
public final class BackupAndRestore implements TrainingStateSaver {
    /** The backup's file name inside the backup folder. */
    public static final String FILE_NAME = "backup.kiln";

    private final Path file;
    private final OptionalInt saveEveryBatches; // empty: at every epoch's end
    private final boolean deleteOnEnd;
    private final AtomicFileWriter writer;
    private final PrintStream out;
    private Sequential model;
    private long batchesPerEpoch;
    private long batchesSeen;

    private BackupAndRestore(Builder b) {
        this.file = b.dir.resolve(FILE_NAME);
        this.saveEveryBatches = b.saveEveryBatches;
        this.deleteOnEnd = b.deleteOnEnd;
        this.writer = new AtomicFileWriter(b.fsync);
        this.out = b.out;
    }

    /** BackupAndRestore(backup_dir) with Keras' defaults: every epoch, delete at the end; fsync on. */
    public BackupAndRestore(Path dir) {
        this(builder(dir));
    }

    /** Options beyond the folder, Keras' defaults unless set: {@code BackupAndRestore.builder(dir).saveFreq(100).build()}. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** The backup file: {@code dir/backup.kiln}. */
    public Path file() {
        return file;
    }

    @Override
    public void setContext(TrainingContext context, FitParameters parameters) {
        if (!(context instanceof Sequential sequential)) {
            throw new IllegalArgumentException("BackupAndRestore backs up Sequential models; got " + context.getClass().getSimpleName());
        }
        this.model = sequential;
        this.batchesPerEpoch = parameters.steps();
    }

    @Override
    public void onTrainBegin(Logs logs) {
        batchesSeen = 0;
        if (!Files.exists(file)) {
            return;
        }
        try {
            // Checked before anything is restored, so a refused backup leaves the model as it was.
            OptionalLong count = ModelFile.readBatchesPerEpoch(file);
            if (count.isEmpty()) {
                throw new IllegalStateException(file + " holds a model but no training state: it is not a backup");
            }
            if (count.getAsLong() != batchesPerEpoch) {
                throw new IllegalStateException(file + " was taken with " + count.getAsLong() + " batches per epoch; this fit has "
                        + batchesPerEpoch + ". The data pipeline changed, so resuming would not be exact; delete the backup"
                        + " to start over, or restore the pipeline.");
            }
            TrainingState state = ModelFile.restoreInto(file, model).orElseThrow();

            batchesSeen = state.backupBatches();
            FitProgress progress = model.fitProgress();
            progress.resumeFrom(state.position(), state.callbacks());
            if (state.stopRequested()) {
                model.requestStop();
            }
            out.println(String.format(Locale.ROOT, "BackupAndRestore: resuming from %s at epoch %d, batch %d (global step %d)",
                    file, state.position().epoch() + 1, state.position().batchesDone(), state.globalStep()));
        } catch (IOException e) {
            throw new UncheckedIOException("BackupAndRestore cannot resume from " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onTrainBatchEnd(int batch, Logs logs) {
        batchesSeen++;
        if (saveEveryBatches.isPresent() && batchesSeen % saveEveryBatches.getAsInt() == 0) {
            save();
        }
    }

    @Override
    public void onEpochEnd(int epoch, Logs logs) {
        if (saveEveryBatches.isEmpty()) {
            save();
        }
    }

    @Override
    public void onTrainEnd(Logs logs) {
        if (deleteOnEnd) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("BackupAndRestore could not delete " + file + " after training: " + e.getMessage(), e);
            }
        }
    }

    private void save() {
        FitProgress progress = model.fitProgress();
        TrainingState state = new TrainingState(progress.position(), model.stopRequested(), model.optimizer().orElseThrow().iterations(),
                batchesSeen, batchesPerEpoch, progress.callbackStates());
        ModelSnapshot snapshot = ModelSnapshot.view(model, false).with(state.metadata(), state.tensors());
        try {
            Files.createDirectories(file.getParent());
            ModelFile.write(file, snapshot, writer);
        } catch (IOException e) {
            throw new UncheckedIOException("BackupAndRestore could not save " + file + ": " + e.getMessage(), e);
        }
    }

    /** BackupAndRestore's options, Keras' defaults unless set. */
    public static final class Builder {
        private final Path dir;
        private OptionalInt saveEveryBatches = OptionalInt.empty();
        private boolean deleteOnEnd = true;
        private boolean fsync = true;
        private PrintStream out = System.out;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Back up every {@code batches} training batches (counted across epochs) instead of at each epoch's end. */
        public Builder saveFreq(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("BackupAndRestore save frequency must be >= 1 batch, got " + batches);
            }
            saveEveryBatches = OptionalInt.of(batches);
            return this;
        }

        /** Back up at each epoch's end (the default). */
        public Builder saveFreqEpoch() {
            saveEveryBatches = OptionalInt.empty();
            return this;
        }

        /** Whether to delete the backup when fit ends normally (Keras' delete_checkpoint, default true). */
        public Builder deleteOnEnd(boolean on) {
            deleteOnEnd = on;
            return this;
        }

        /** Whether each backup is forced to disk before it replaces the previous one (default true). */
        public Builder fsync(boolean on) {
            fsync = on;
            return this;
        }

        /** Where the resume message goes (default standard output). */
        public Builder out(PrintStream stream) {
            out = stream;
            return this;
        }

        /** A BackupAndRestore with these options. */
        public BackupAndRestore build() {
            return new BackupAndRestore(this);
        }
    }
}
