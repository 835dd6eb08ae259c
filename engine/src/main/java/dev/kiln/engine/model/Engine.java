package dev.kiln.engine.model;

import dev.kiln.engine.autodiff.InputProjection;
import dev.kiln.engine.autodiff.StepPhases;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;

import java.util.Objects;

/**
 * Where a model computes: the kernels (with their thread pool), the shard size a batch is split
 * into, and how a recurrent layer fed by an Embedding projects its inputs. The shard size, not the thread
 * count, decides the arithmetic, so results are bit-identical on 1, 2 or 16 threads.
 */
public record Engine(Kernels kernels, int shardSize, InputProjection inputProjection, StepPhases phases) {
    /**
     * A batch of 64 is one shard: the two LSTM directions already give two parallel tasks, and
     * one shard computes the table projection once per batch and runs the recurrence on 64 rows
     * (with 16-example shards a step took 12-16 % longer on 2 threads, alternated in one session).
     * More threads want smaller shards; the results change with the shard size, not the threads.
     */
    public static final int DEFAULT_SHARD_SIZE = 64;

    /** Checks the shard size (at least 1) and that nothing is null. */
    public Engine {
        if (shardSize < 1) {
            throw new IllegalArgumentException("shard size must be >= 1, got " + shardSize);
        }
        Objects.requireNonNull(inputProjection, "inputProjection");
        Objects.requireNonNull(phases, "phases");
    }

    /**
     * The CPU's widest vectors on {@code pool}, default shards, and the input projection chosen
     * per batch by its cost ({@link InputProjection#AUTO}: the table path for the seed model).
     */
    public static Engine on(ComputePool pool) {
        return new Engine(Kernels.preferred(pool), DEFAULT_SHARD_SIZE, InputProjection.AUTO, StepPhases.off());
    }

    /** The same engine with another shard size. */
    public Engine withShardSize(int size) {
        return new Engine(kernels, size, inputProjection, phases);
    }

    /** The same engine with the input projection forced (or AUTO). */
    public Engine withInputProjection(InputProjection projection) {
        return new Engine(kernels, shardSize, projection, phases);
    }

    /** The same engine with the phases of every training step timed into {@code phases} (benchmarks). */
    public Engine withPhases(StepPhases phases) {
        return new Engine(kernels, shardSize, inputProjection, phases);
    }

    /**
     * Shards for evaluation and prediction: at least 64 examples. With no gradients to reduce,
     * bigger shards only mean more rows per recurrent step (better GEMMs), and the LSTM's two
     * directions still give two parallel tasks.
     */
    public int inferenceShardSize() {
        return Math.max(shardSize, 64);
    }

    /** The thread pool the kernels split work over. */
    public ComputePool pool() {
        return kernels.pool();
    }
}
