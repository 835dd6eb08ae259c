package dev.kiln.benchmarks;

import dev.kiln.engine.model.FitOptions;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.data.DatasetIterator;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.autodiff.InputProjection;
import dev.kiln.engine.autodiff.StepPhases;
import dev.kiln.engine.autodiff.StepPhases.Phase;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.Texts;
import dev.kiln.nlp.demo.Architecture;
import dev.kiln.nlp.demo.ImdbData;
import dev.kiln.nlp.demo.SeedModel;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.stream.Collectors;

/**
 * The seed workflow's cost end to end, on the real IMDB data, as the demo runs it: tokenizing
 * inside the model, batches of 64 shuffled with a buffer of 10,000. Reports one full training
 * epoch (or the first {@code --steps} batches) - seconds, ms per step (median and mean), real
 * tokens per second, naive GFLOPS (393 kFLOP per real token, what a training step of the masked
 * BiLSTM costs without the table projection, so the table path can exceed the machine's peak;
 * 639 kFLOP for the stacked model) and their fraction of this machine's FMA peak measured in the
 * same run - and inference over the whole test split in reviews per second. {@code --model
 * stacked} measures the tutorial's stacked model instead of the seed model (the same batches, the
 * same output lines, labelled "stacked model"). {@code --export FILE} writes the measured batches
 * (ids, lengths, labels) for the PyTorch peer (benchmarks/pytorch-peer).
 * {@code --input-projection auto|table|per_token} forces how the recurrent layer projects the embeddings and
 * {@code --shard-size} how many examples a shard holds. {@code --ab} measures, alternately on the
 * same batches in this JVM ({@code --rounds} rounds each, 2 unless told), the engine's configuration
 * before issue 12 (per-token projection, shards of 16) and its default now (the table projection,
 * shards of 64), and prints the ratios (seed model). {@code --compare-models} trains the seed model and the tutorial's
 * stacked one alternately on the same batches (rounds likewise) and prints the stacked/seed epoch ratio.
 * Both print each round's ratio, that of the rounds' totals and that of the runs' median step
 * times: on a noisy machine one round's ratio moves by a tenth.
 * Every training run also prints where a step's time went. Before the measured runs, every
 * configuration trains rounds of a few steps until the JIT has settled (see {@link #warmUp}).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.kiln.benchmarks.EndToEndHarness
 *     [--data PATH] [--threads 2] [--steps N] [--export FILE] [--seed 42] [--input-projection auto]
 *     [--shard-size 64] [--model seed|stacked | --ab | --compare-models] [--rounds 2]</pre>
 */
public final class EndToEndHarness {
    /** The seed model's naive training FLOPs per real token: 3 x 2 directions x 2 x (64 + 64) x 256. */
    static final double TRAIN_FLOP_PER_TOKEN = 393e3;
    /** The stacked model's: the seed's first layer plus 3 x 2 directions x 2 x (128 + 32) x 128 for BiLSTM(32). */
    static final double STACKED_TRAIN_FLOP_PER_TOKEN = 639e3;
    private static final int BATCH = 64;
    private static final int WARMUP_STEPS = 15;
    private static final int WARMUP_PREDICTIONS = 5;
    /** Warm-up rounds end when one adds less than this much JIT compilation time (or after the most rounds). */
    private static final long WARMUP_SETTLED_MS = 100;
    private static final int WARMUP_MAX_ROUNDS = 6;

    private EndToEndHarness() {}

    private static final String USAGE = """
            EndToEndHarness: the seed workflow end to end on the real IMDB data (one training epoch, then
            inference over the test split), with naive GFLOPS against this machine's FMA peak.
              --data PATH                 the IMDB archive or folder (../shared/datasets/imdb/aclImdb_v1_labeled.tar.gz)
              --threads N                 threads, the caller included (2)
              --steps N                   only the epoch's first N batches (all)
              --seed N                    the shuffle's seed (42)
              --model seed|stacked        the model measured (seed)
              --input-projection auto|table|per_token    how the first recurrent layer projects (auto)
              --shard-size N              examples per shard (64)
              --ab                        the engine before issue 12 and now, alternately (seed model)
              --compare-models            the seed and the stacked model, alternately
              --rounds N                  rounds of --ab or --compare-models (2)
              --export FILE               write the measured batches for benchmarks/pytorch-peer""";

    public static void main(String[] args) throws IOException {
        HarnessOptions options = HarnessOptions.parse(args, USAGE,
                Set.of("--data", "--threads", "--steps", "--seed", "--model", "--input-projection", "--shard-size",
                        "--rounds", "--export"),
                Set.of("--ab", "--compare-models"));
        Path data = Path.of(options.value("--data", "../shared/datasets/imdb/aclImdb_v1_labeled.tar.gz"));
        int threads = options.count("--threads", 2);
        int steps = options.count("--steps", 0);
        long seed = options.number("--seed", 42);
        Optional<String> export = options.value("--export");
        InputProjection projection = InputProjection.named(options.value("--input-projection", "auto"));
        boolean ab = options.flag("--ab");
        boolean compareModels = options.flag("--compare-models");
        int rounds = options.count("--rounds", 2);
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        Architecture architecture = architecture(options.value("--model", "seed"));
        if (architecture != Architecture.SEED && (ab || compareModels)) {
            throw new IllegalArgumentException("--ab and --compare-models run the seed model; drop --model");
        }
        int shardSize = options.count("--shard-size", Engine.DEFAULT_SHARD_SIZE);
        try (ComputePool pool = ComputePool.withThreads(threads)) {
            ImdbData imdb = ImdbData.load(data, 0, System.out);
            TextVectorization encoder = SeedModel.adaptedVectorizer(1000, imdb.trainTexts(), pool);
            Dataset<LabeledBatch> epoch = imdb.training(BATCH, 10_000, seed);
            List<LabeledBatch> measured = new ArrayList<>();
            try (DatasetIterator<LabeledBatch> first = epoch.iterator(0)) {
                first.forEachRemaining(measured::add);
            }
            if (steps > 0) {
                measured = measured.subList(0, Math.min(steps, measured.size()));
            }
            List<int[][]> encoded = measured.stream().map(batch -> realTokens(encoder, batch)).toList();
            long tokens = encoded.stream().flatMap(Arrays::stream).mapToLong(ids -> ids.length).sum();
            if (export.isPresent()) {
                export(Path.of(export.get()), encoded, measured);
            }
            double peak = PeakFlops.measure(threads);
            Configuration chosen = architecture == Architecture.SEED
                    ? new Configuration(projection.keyword(), projection, shardSize, Architecture.SEED)
                    : new Configuration("stacked model, " + projection.keyword(), projection, shardSize, Architecture.STACKED);
            Configuration stacked = new Configuration("stacked model, " + projection.keyword(), projection, shardSize,
                    Architecture.STACKED);
            warmUp(encoder, seed, pool, measured, compareModels ? List.of(Architecture.SEED, Architecture.STACKED)
                    : List.of(architecture));
            List<Configuration> pair = ab ? List.of(Configuration.BEFORE, Configuration.FUSED)
                    : compareModels ? List.of(chosen, stacked) : List.of(chosen);
            List<Configuration> runs = new ArrayList<>();
            for (int round = 0; round < (pair.size() == 2 ? rounds : 1); round++) {
                runs.addAll(pair);
            }
            Map<Configuration, List<double[]>> results = new HashMap<>();
            for (Configuration run : runs) {
                StepPhases phases = StepPhases.measuring();
                Engine engine = run.engine(pool).withPhases(phases);
                Sequential model = SeedModel.build(encoder, seed, run.architecture());
                model.compile(new Adam(1e-4f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), engine);
                StepTimer timer = new StepTimer();
                long start = System.nanoTime();
                model.fit(Dataset.fromList(measured), FitOptions.epochs(1).callbacks(List.of(timer)));
                double seconds = (System.nanoTime() - start) / 1e9;
                double flopPerToken = run.architecture() == Architecture.SEED ? TRAIN_FLOP_PER_TOKEN : STACKED_TRAIN_FLOP_PER_TOKEN;
                double gflops = flopPerToken * tokens / seconds / 1e9;
                String label = " [" + run.name() + "]";
                System.out.printf(Locale.ROOT, "kiln train%s: %d steps in %.2f s = %.1f ms/step (median %.1f ms), %,.0f real tokens/s, "
                                + "%.1f GFLOPS naive (%.0f kFLOP per real token) = %.1f%% of the %.0f GFLOPS FMA peak on %d threads%n",
                        label, measured.size(), seconds, 1e3 * seconds / measured.size(), timer.median(),
                        tokens / seconds, gflops, flopPerToken / 1e3, 100 * gflops / peak, peak, threads);
                printBreakdown(phases, 1e3 * seconds / measured.size(), measured.size(), label);
                phases.reset();
                long inferenceStart = System.nanoTime();
                int reviews = inference(imdb, model);
                double inferenceSeconds = (System.nanoTime() - inferenceStart) / 1e9;
                double reviewsPerSecond = reviews / inferenceSeconds;
                System.out.printf(Locale.ROOT, "kiln inference%s: %,d test reviews in %.2f s = %,.0f reviews/s on %d threads%n",
                        label, reviews, inferenceSeconds, reviewsPerSecond, threads);
                System.out.printf(Locale.ROOT, "  inference s: %.2f = LSTM %.2f + tokenizing, embedding and dense %.2f"
                                + " + reading and batching the reviews %.2f%n", inferenceSeconds,
                        phases.millis(Phase.LSTM_FORWARD_WALL) / 1e3,
                        (phases.millis(Phase.MODEL_WALL) - phases.millis(Phase.LSTM_FORWARD_WALL)) / 1e3,
                        inferenceSeconds - (phases.millis(Phase.MODEL_WALL) + phases.millis(Phase.OPTIMIZER_WALL)) / 1e3);
                results.computeIfAbsent(run, r -> new ArrayList<>()).add(new double[] {seconds, reviewsPerSecond, timer.median()});
            }
            if (compareModels) {
                printRatios("models", "stacked/seed", results.get(stacked), results.get(chosen));
            }
            if (ab) {
                printRatios("ab", "fused/before", results.get(Configuration.FUSED), results.get(Configuration.BEFORE));
            }
        }
    }

    /**
     * Per round and for the rounds' totals: the ratio of training times and of inference rates,
     * {@code measured} over {@code reference} (each run: seconds, reviews per second).
     */
    private static void printRatios(String name, String ratio, List<double[]> measured, List<double[]> reference) {
        int rounds = measured.size();
        double seconds = 0;
        double referenceSeconds = 0;
        double rate = 0;
        double referenceRate = 0;
        for (int round = 0; round < rounds; round++) {
            double[] m = measured.get(round);
            double[] r = reference.get(round);
            printRatio(name + " round " + (round + 1), ratio, m[0], r[0], m[1], r[1]);
            seconds += m[0];
            referenceSeconds += r[0];
            rate += m[1] / rounds;
            referenceRate += r[1] / rounds;
        }
        printRatio(name + ", all " + rounds + " rounds (total time, mean rate)", ratio, seconds, referenceSeconds, rate,
                referenceRate);
        double medianStep = middle(measured);
        double referenceMedianStep = middle(reference);
        System.out.printf(Locale.ROOT, "%s, all %d rounds: median step %s %.3f (%.1f vs %.1f ms, the middle of the runs'"
                        + " median steps: a noisy spell moves it less than the epochs' totals)%n", name, rounds, ratio,
                medianStep / referenceMedianStep, medianStep, referenceMedianStep);
    }

    /** The median over runs of each run's median step time (ms). */
    private static double middle(List<double[]> runs) {
        return median(runs.stream().mapToDouble(run -> run[2]).toArray());
    }

    /** The middle value (the mean of the two middle ones for an even count). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int half = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }

    private static void printRatio(String label, String ratio, double seconds, double referenceSeconds, double rate,
                                   double referenceRate) {
        System.out.printf(Locale.ROOT, "%s: training %s time %.3f (%.2f vs %.2f s); inference %s reviews/s %.2f (%,.0f vs %,.0f)%n",
                label, ratio, seconds / referenceSeconds, seconds, referenceSeconds, ratio, rate / referenceRate, rate,
                referenceRate);
    }

    /** Which model runs, and how the engine runs it: the input projection and the training shard size. */
    private record Configuration(String name, InputProjection projection, int shardSize, Architecture architecture) {
        /** The engine's configuration when issue 12 was filed: every token's vector multiplied, 16-example shards. */
        static final Configuration BEFORE = new Configuration("before: per_token, shards of 16", InputProjection.PER_TOKEN, 16,
                Architecture.SEED);
        /** Today's default: the projection chosen by cost (the table here), 64-example shards. */
        static final Configuration FUSED = new Configuration("fused: auto, shards of " + Engine.DEFAULT_SHARD_SIZE,
                InputProjection.AUTO, Engine.DEFAULT_SHARD_SIZE, Architecture.SEED);

        Engine engine(ComputePool pool) {
            return Engine.on(pool).withInputProjection(projection).withShardSize(shardSize);
        }
    }

    /**
     * Where a step's time went: wall time of the model's passes, of the update and of the rest;
     * inside the model, the shards' time (added over shards, which run in parallel) of the LSTM
     * and of everything else; inside the LSTM, each part's thread time (its two directions run at once).
     */
    private static void printBreakdown(StepPhases phases, double stepMillis, int steps, String label) {
        double model = phases.millis(Phase.MODEL_WALL) / steps;
        double optimizer = phases.millis(Phase.OPTIMIZER_WALL) / steps;
        double lstmForward = phases.millis(Phase.LSTM_FORWARD_WALL) / steps;
        double lstmBackward = phases.millis(Phase.LSTM_BACKWARD_WALL) / steps;
        double shards = phases.millis(Phase.SHARDS) / steps;
        System.out.printf(Locale.ROOT, "  step%s, wall ms: %.1f = model forward and backward %.1f + gradient sum and Adam %.1f"
                + " + data and callbacks %.1f%n", label, stepMillis, model, optimizer, stepMillis - model - optimizer);
        System.out.printf(Locale.ROOT, "  shards' ms per step (added over shards): %.1f = LSTM forward %.1f + LSTM backward %.1f"
                + " + embedding, dense and loss %.1f%n", shards, lstmForward, lstmBackward, shards - lstmForward - lstmBackward);
        System.out.printf(Locale.ROOT, "  LSTM thread ms per step (both directions): input side %.1f, recurrence forward %.1f,"
                        + " recurrence backward %.1f, recurrent weight gradients %.1f%n",
                phases.millis(Phase.INPUT_SIDE) / steps, phases.millis(Phase.RECURRENCE_FORWARD) / steps,
                phases.millis(Phase.RECURRENCE_BACKWARD) / steps, phases.millis(Phase.WEIGHT_GRADIENTS) / steps);
        System.out.println("  LSTM layers' wall ms per step (added over shards): " + phases.lstmLayerMillis().entrySet().stream()
                .map(layer -> String.format(Locale.ROOT, "%s: forward %.2f, backward %.2f", layer.getKey(),
                        layer.getValue()[0] / steps, layer.getValue()[1] / steps))
                .collect(Collectors.joining("; ")));
    }

    /** Predicts the whole test split (tokenizing included); returns the number of reviews. */
    private static int inference(ImdbData imdb, Sequential model) {
        int reviews = 0;
        try (DatasetIterator<LabeledBatch> test = imdb.testing(BATCH).iterator()) {
            while (test.hasNext()) {
                reviews += model.predict(test.next().inputs()).data().length;
            }
        }
        return reviews;
    }

    /**
     * Trains a throwaway model of every configuration and architecture a few steps, as the measured
     * runs do, and again until the JIT has settled, so the measured runs start with compiled code.
     * Warm-up steps once ran without step phases and outside fit: the measured run's first timer
     * then deoptimized the LSTM's backward pass, which ran in C1's code for most of a second and was
     * compiled again during the measured epoch (-XX:+PrintCompilation). C2 compiling the kernels
     * during a measured epoch takes CPU from its threads (on 2 cores, up to a second per epoch in
     * the first measured run after 15 warm-up steps, stalls of about a millisecond in the middle of
     * LSTM steps), which made first rounds slower than second ones.
     */
    private static void warmUp(TextVectorization encoder, long seed, ComputePool pool, List<LabeledBatch> batches,
            List<Architecture> architectures) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit.isCompilationTimeMonitoringSupported();
        long compiled = timed ? jit.getTotalCompilationTime() : 0;
        for (int round = 0; round < WARMUP_MAX_ROUNDS; round++) {
            for (Architecture architecture : architectures) {
                for (Configuration configuration : List.of(Configuration.BEFORE, Configuration.FUSED)) {
                    Sequential model = SeedModel.build(encoder, seed + 1, architecture);
                    // The same code paths as the measured runs (fit with its callbacks, step phases
                    // on, predict): a path first taken in a measured run is compiled there.
                    model.compile(new Adam(1e-4f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()),
                            configuration.engine(pool).withPhases(StepPhases.measuring()));
                    List<LabeledBatch> steps = batches.subList(0, Math.min(WARMUP_STEPS, batches.size()));
                    model.fit(Dataset.fromList(steps), FitOptions.epochs(1).callbacks(List.of(new StepTimer())));
                    for (LabeledBatch batch : steps.subList(0, Math.min(WARMUP_PREDICTIONS, steps.size()))) {
                        model.predict(batch.inputs());
                    }
                }
            }
            if (!timed) {
                return;
            }
            long now = jit.getTotalCompilationTime();
            long added = now - compiled;
            compiled = now;
            if (added < WARMUP_SETTLED_MS || round + 1 == WARMUP_MAX_ROUNDS) {
                System.out.printf("warm-up: %d round(s) of %d steps per configuration; the last added %d ms of JIT compilation%n",
                        round + 1, WARMUP_STEPS, added);
                return;
            }
        }
    }

    /** The architecture a --model value names: seed or stacked. */
    private static Architecture architecture(String name) {
        for (Architecture architecture : Architecture.values()) {
            if (architecture.name().toLowerCase(Locale.ROOT).equals(name)) {
                return architecture;
            }
        }
        throw new IllegalArgumentException("--model expects seed or stacked, got '" + name + "'");
    }

    /** Little-endian: int steps; per batch: int size, int tokens, int[size] lengths, int[tokens] ids, float[size] labels. */
    private static void export(Path file, List<int[][]> encoded, List<LabeledBatch> batches) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ints(batches.size()));
            for (int b = 0; b < batches.size(); b++) {
                LabeledBatch batch = batches.get(b);
                int[][] rows = encoded.get(b);
                int tokens = Arrays.stream(rows).mapToInt(r -> r.length).sum();
                out.write(ints(rows.length, tokens));
                out.write(ints(Arrays.stream(rows).mapToInt(r -> r.length).toArray()));
                out.write(ints(Arrays.stream(rows).flatMapToInt(Arrays::stream).toArray()));
                ByteBuffer labels = ByteBuffer.allocate(4 * rows.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float label : batch.targets()) {
                    labels.putFloat(label);
                }
                out.write(labels.array());
            }
        }
        System.out.println("exported " + batches.size() + " batches to " + file);
    }

    /** Each review's ids without padding (encodeBatch pads to the longest review, as Keras does). */
    private static int[][] realTokens(TextVectorization encoder, LabeledBatch batch) {
        return ((Texts) batch.inputs()).texts().stream().map(encoder::encode).toArray(int[][]::new);
    }

    private static byte[] ints(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putInt(value);
        }
        return buffer.array();
    }

    /** Wall time of every training batch, for the median. */
    private static final class StepTimer implements Callback {
        private final List<Double> millis = new ArrayList<>();
        private long began;

        @Override
        public void onTrainBatchBegin(int batch, Logs logs) {
            began = System.nanoTime();
        }

        @Override
        public void onTrainBatchEnd(int batch, Logs logs) {
            millis.add((System.nanoTime() - began) / 1e6);
        }

        double median() {
            return EndToEndHarness.median(millis.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    /** The FMA-chain peak of PeakFlopsBenchmark on every thread at once: one second of warm-up, one measured. */
    static final class PeakFlops {
        static double measure(int threads) {
            DoubleAdder steps = new DoubleAdder();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    PeakFlopsBenchmark kernel = new PeakFlopsBenchmark();
                    float sink = 0;
                    long warm = System.nanoTime() + 1_000_000_000L;
                    while (System.nanoTime() < warm) {
                        sink += kernel.fmaChains();
                    }
                    long start = System.nanoTime();
                    long calls = 0;
                    while (System.nanoTime() - start < 1_000_000_000L) {
                        sink += kernel.fmaChains();
                        calls++;
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    steps.add(calls * (double) PeakFlopsBenchmark.STEPS / seconds + (sink == 42 ? 1e-9 : 0));
                }));
            }
            for (Thread worker : workers) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return steps.sum() * PeakFlopsBenchmark.flopsPerStep() / 1e9; // chain steps per second, all threads
        }
    }
}
