package dev.kiln.checkpoint.resume;

import dev.kiln.engine.model.FitOptions;
import dev.kiln.checkpoint.callback.BackupAndRestore;
import dev.kiln.checkpoint.callback.CheckpointOptions;
import dev.kiln.checkpoint.callback.ModelCheckpoint;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.EarlyStopping;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.callback.Mode;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One small, fully specified training run with checkpointing (shuffled synthetic sequences, an
 * LSTM model, EarlyStopping, ModelCheckpoint with saveBestOnly, BackupAndRestore every few
 * batches), so tests can crash it and compare the resumed result with an uninterrupted one. Its
 * {@code main} is the child JVM of the kill test: {@code ResumableRun DIR}, then it writes
 * {@code DIR/final.kiln} and prints DONE.
 */
public final class ResumableRun {
    public static final int EPOCHS = 6;
    private static final int EXAMPLES = 96;
    private static final int BATCH = 8;
    private static final int VOCABULARY = 12;

    private record Example(int[] tokens, float label) {}

    private ResumableRun() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Sequential model = train(dir, threads, List.of(), 1).model();
        ModelFile.saveWeights(dir.resolve("final.kiln"), model, new AtomicFileWriter(true));
        System.out.println("DONE");
    }

    /**
     * Trains (or resumes) the run with its checkpoints in {@code dir}; {@code extra} callbacks run
     * too (a test's crash trigger); {@code backupEvery} batches between backups.
     */
    public static Outcome train(Path dir, int threads, List<Callback> extra, int backupEvery) {
        return train(dir, threads, extra, backupEvery, BATCH);
    }

    /** The same run with another batch size: another data pipeline (a backup of the first must be refused). */
    public static Outcome train(Path dir, int threads, List<Callback> extra, int backupEvery, int batchSize) {
        try (ComputePool pool = ComputePool.withThreads(threads)) {
            Sequential model = new Sequential(List.of(new Embedding(VOCABULARY, 6, true, "embedding"), new Lstm(5, false, "lstm"),
                    new Dense(1, Activation.LINEAR, "dense")));
            model.build(0, new Rng(3));
            model.compile(new Adam(0.01f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            List<Callback> callbacks = new ArrayList<>(extra);
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            callbacks.add(EarlyStopping.builder("val_loss").patience(3).restoreBestWeights(true).out(quiet).build());
            callbacks.add(ModelCheckpoint.builder(dir.resolve("best.kiln").toString()).saveBestOnly(true)
                    .options(CheckpointOptions.defaults()).out(quiet).build());
            callbacks.add(BackupAndRestore.builder(dir.resolve("backup")).saveFreq(backupEvery).out(quiet).build());
            History history = model.fit(data(11, EXAMPLES, true, batchSize), FitOptions.epochs(EPOCHS).validation(data(12, 24, false, BATCH), 2).callbacks(callbacks));
            return new Outcome(model, history);
        }
    }

    /** A finished run: the trained model and the History fit returned. */
    public record Outcome(Sequential model, History history) {}

    private static Dataset<LabeledBatch> data(long seed, int examples, boolean shuffle, int batchSize) {
        Rng rng = new Rng(seed);
        List<Example> list = new ArrayList<>();
        for (int e = 0; e < examples; e++) {
            int[] tokens = new int[1 + rng.nextInt(9)];
            boolean positive = rng.nextInt(2) == 1;
            for (int t = 0; t < tokens.length; t++) {
                tokens[t] = 1 + rng.nextInt(VOCABULARY - 2);
            }
            if (positive) {
                tokens[rng.nextInt(tokens.length)] = VOCABULARY - 1;
            }
            list.add(new Example(tokens, positive ? 1 : 0));
        }
        Dataset<Example> examplesSet = Dataset.fromList(list);
        if (shuffle) {
            examplesSet = examplesSet.shuffle(40, 99);
        }
        return examplesSet.batch(batchSize).map(ResumableRun::toBatch).prefetch(2);
    }

    private static LabeledBatch toBatch(List<Example> examples) {
        float[] labels = new float[examples.size()];
        int[][] rows = new int[examples.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = examples.get(i).tokens();
            labels[i] = examples.get(i).label();
        }
        return new LabeledBatch(TokenBatch.ofRows(rows), labels);
    }
}
