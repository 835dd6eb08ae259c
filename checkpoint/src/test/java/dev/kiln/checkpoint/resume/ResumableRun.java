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
import dev.kiln.engine.layer.Dropout;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.callback.CsvLogger;
import dev.kiln.engine.callback.LearningRateScheduler;
import dev.kiln.engine.callback.ReduceLROnPlateau;
import dev.kiln.engine.loss.Huber;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.loss.SparseCategoricalCrossentropy;
import dev.kiln.engine.loss.CategoricalCrossentropy;
import dev.kiln.engine.metric.Auc;
import dev.kiln.engine.metric.CategoricalAccuracy;
import dev.kiln.engine.metric.MeanErrorMetric;
import dev.kiln.engine.metric.TopKAccuracy;
import dev.kiln.engine.optim.PiecewiseConstantDecay;
import dev.kiln.engine.metric.F1Score;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.metric.Precision;
import dev.kiln.engine.metric.Recall;
import dev.kiln.engine.metric.SparseCategoricalAccuracy;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.optim.AdamW;
import dev.kiln.engine.optim.CosineDecay;
import dev.kiln.engine.optim.ExponentialDecay;
import dev.kiln.engine.optim.LearningRateSchedule;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.optim.OptimizerOptions;
import dev.kiln.engine.optim.RmsProp;
import dev.kiln.engine.optim.Sgd;
import dev.kiln.engine.random.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One small, fully specified training run with checkpointing (shuffled synthetic sequences, an
 * LSTM model, EarlyStopping, ModelCheckpoint with saveBestOnly, BackupAndRestore every few
 * batches, and a {@link Setup} of loss, metrics, optimizer and callbacks), so tests can crash it and compare the resumed result with an uninterrupted one. Its
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
        return train(dir, threads, extra, backupEvery, batchSize, Setup.SEED);
    }

    /** The run with {@code setup}'s head, loss, metrics, optimizer and extra stateful callbacks. */
    public static Outcome train(Path dir, int threads, List<Callback> extra, int backupEvery, int batchSize, Setup setup) {
        try (ComputePool pool = ComputePool.withThreads(threads)) {
            Sequential model = new Sequential(setup.layers());
            model.build(0, new Rng(3));
            model.compile(setup.optimizer(), setup.loss(), setup.metrics(), Engine.on(pool));
            List<Callback> callbacks = new ArrayList<>(extra);
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            callbacks.add(EarlyStopping.builder("val_loss").patience(3).restoreBestWeights(true).out(quiet).build());
            callbacks.add(ModelCheckpoint.builder(dir.resolve("best.kiln").toString()).saveBestOnly(true)
                    .options(CheckpointOptions.defaults()).out(quiet).build());
            callbacks.addAll(setup.callbacks(dir, quiet));
            callbacks.add(BackupAndRestore.builder(dir.resolve("backup")).saveFreq(backupEvery).out(quiet).build());
            History history = model.fit(data(11, EXAMPLES, true, batchSize, setup), FitOptions.epochs(EPOCHS)
                    .validation(data(12, 24, false, BATCH, setup), 2).callbacks(callbacks).classWeight(setup.classWeight()));
            return new Outcome(model, history);
        }
    }

    /**
     * What a run trains with: the seed's parts, or others that each bring state to resume (an
     * optimizer's slots and schedule, metrics' running sums, callbacks' counters, a CSV log).
     */
    public enum Setup {
        /** Adam, binary cross-entropy on a logit, accuracy. */
        SEED,
        /** AdamW with a warming-up cosine schedule and clipnorm, Dropout; accuracy, AUC, precision, recall, F1; a CSV log. */
        ADAMW_COSINE,
        /** RMSprop (centered, momentum) with exponential decay; Huber on the 0/1 label as a value; MAE; a CSV log. */
        RMSPROP_HUBER,
        /**
         * SGD with nesterov momentum, SpatialDropout1D, a softmax over 3 classes with class weights;
         * LearningRateScheduler, ReduceLROnPlateau.
         */
        SGD_SOFTMAX,
        /** Adam with amsgrad and a piecewise constant rate; one-hot targets, label smoothing; categorical and top-k accuracy, MSE. */
        AMSGRAD_ONE_HOT;

        int outputs() {
            return this == SGD_SOFTMAX || this == AMSGRAD_ONE_HOT ? 3 : 1;
        }

        /** Embedding -> LSTM -> Dense; with Dropout after the LSTM, or SpatialDropout1D after the Embedding. */
        List<Layer> layers() {
            List<Layer> layers = new ArrayList<>(List.of(new Embedding(VOCABULARY, 6, true, "embedding")));
            if (this == SGD_SOFTMAX) {
                layers.add(new Dropout(0.2, 5, true, "spatial_dropout1d"));
            }
            layers.add(new Lstm(5, false, "lstm"));
            if (this == ADAMW_COSINE) {
                layers.add(new Dropout(0.3, 8, false, "dropout"));
            }
            layers.add(new Dense(outputs(), Activation.LINEAR, "dense"));
            return layers;
        }

        /** The targets of an example with label 0 or 1: the label, or its one-hot row over 3 classes. */
        float[] targets(float label) {
            if (this != AMSGRAD_ONE_HOT) {
                return new float[] {label};
            }
            float[] oneHot = new float[3];
            oneHot[(int) label] = 1;
            return oneHot;
        }

        Optimizer optimizer() {
            return switch (this) {
                case SEED -> new Adam(0.01);
                case ADAMW_COSINE -> new AdamW(new CosineDecay(0.001, 40, 0.1, OptionalDouble.of(0.02), 8), 0.9, 0.999, 1e-7, false,
                        OptimizerOptions.named("adamw").withWeightDecay(0.01).withClipnorm(1));
                case RMSPROP_HUBER -> new RmsProp(new ExponentialDecay(0.01, 10, 0.8, true), 0.9, 0.3, 1e-7, true,
                        OptimizerOptions.named("rmsprop").withGlobalClipnorm(2));
                case SGD_SOFTMAX -> new Sgd(LearningRateSchedule.constant(0.05), 0.9, true, OptimizerOptions.named("sgd"));
                case AMSGRAD_ONE_HOT -> new Adam(new PiecewiseConstantDecay(List.of(10L, 30L), List.of(0.02, 0.01, 0.005)), 0.9,
                        0.99, 1e-7, true, OptimizerOptions.named("adam").withClipvalue(0.5));
            };
        }

        Loss loss() {
            return switch (this) {
                case SEED, ADAMW_COSINE -> BinaryCrossentropy.fromLogits();
                case RMSPROP_HUBER -> new Huber(0.5, "huber");
                case SGD_SOFTMAX -> new SparseCategoricalCrossentropy(true);
                case AMSGRAD_ONE_HOT -> new CategoricalCrossentropy(true, 0.1, "cce");
            };
        }

        List<Metric> metrics() {
            return switch (this) {
                case SEED -> List.of(BinaryAccuracy.onLogits());
                case ADAMW_COSINE -> List.of(BinaryAccuracy.onLogits(), new Auc(20, "PR", "auc"), new Precision(0.5, "precision"),
                        new Recall(0.5, "recall"), new F1Score("micro", 0.5, "f1"));
                case RMSPROP_HUBER -> List.of(MeanErrorMetric.absolute("mae"));
                case SGD_SOFTMAX -> List.of(new SparseCategoricalAccuracy("accuracy"), new TopKAccuracy(true, 2, "top2"));
                case AMSGRAD_ONE_HOT -> List.of(new CategoricalAccuracy("accuracy"), new TopKAccuracy(false, 2, "top2"),
                        MeanErrorMetric.squared("mse"));
            };
        }

        List<Callback> callbacks(Path dir, PrintStream quiet) {
            return switch (this) {
                case SEED, AMSGRAD_ONE_HOT -> List.of();
                case ADAMW_COSINE, RMSPROP_HUBER -> List.of(new CsvLogger(dir.resolve("log.csv")));
                case SGD_SOFTMAX -> List.of(new LearningRateScheduler((epoch, rate) -> epoch == 0 ? rate : rate * 0.9),
                        ReduceLROnPlateau.builder("val_loss").patience(1).factor(0.5).cooldown(1).out(quiet).build());
            };
        }

        Map<Integer, Double> classWeight() {
            return this == SGD_SOFTMAX ? Map.of(0, 0.7, 1, 1.6) : Map.of();
        }
    }

    /** A finished run: the trained model and the History fit returned. */
    public record Outcome(Sequential model, History history) {}

    private static Dataset<LabeledBatch> data(long seed, int examples, boolean shuffle, int batchSize, Setup setup) {
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
        return examplesSet.batch(batchSize).map(batch -> toBatch(batch, setup)).prefetch(2);
    }

    private static LabeledBatch toBatch(List<Example> examples, Setup setup) {
        int width = setup.targets(0).length;
        float[] targets = new float[examples.size() * width];
        int[][] rows = new int[examples.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = examples.get(i).tokens();
            System.arraycopy(setup.targets(examples.get(i).label()), 0, targets, i * width, width);
        }
        float[] weights = new float[rows.length];
        java.util.Arrays.fill(weights, 1f);
        return new LabeledBatch(TokenBatch.ofRows(rows), targets, width, weights);
    }
}
