package dev.kiln.benchmarks;

import dev.kiln.engine.autodiff.InputProjection;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One training step of the seed, the stacked or the GRU model (batch 64 unless batchSize says, IMDB-like lengths; forward,
 * backward, Adam) and inference on the same batches. Sample-time mode, so JMH reports the median
 * (p0.50). Each call takes the next of 16 pre-built batches, so the figures average over the
 * length distribution.
 * Effective GFLOPS = 393 kFLOP (seed) x real tokens per batch / step time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class TrainingStepBenchmark {
    @Param({"1", "2"})
    public int threads;

    /** How the recurrent layer projects the embeddings: auto (the engine's default), table or per_token. */
    @Param({"auto"})
    public String projection;

    /** seed (the default), stacked (the tutorial's second model) or gru (the seed model with a GRU). */
    @Param({"seed"})
    public String model;

    /** Examples per batch: 64 as the demo trains; 1 is a single review's prediction (every step one row). */
    @Param({"64"})
    public int batchSize;

    List<LabeledBatch> batches;
    Sequential network;
    ComputePool pool;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        batches = ImdbLikeBatches.batches(11, 16, batchSize);
        pool = ComputePool.withThreads(threads);
        network = ImdbLikeBatches.compiledModel(model, pool, InputProjection.named(projection));
        long tokens = batches.stream().mapToLong(ImdbLikeBatches::tokens).sum();
        System.out.printf("%n# real tokens per batch: %.0f (mean over %d batches)%n", (double) tokens / batches.size(),
                batches.size());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public double trainStep() {
        LabeledBatch batch = batches.get(next++ & 15);
        return network.trainOnBatch(batch);
    }

    @Benchmark
    public float[] predictBatch() {
        LabeledBatch batch = batches.get(next++ & 15);
        return network.predict(batch.inputs()).data();
    }
}
