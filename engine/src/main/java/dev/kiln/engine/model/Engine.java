package dev.kiln.engine.model;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;

/**
 * Where a model computes: the kernels (with their thread pool) and the shard size a batch is
 * split into. The shard size, not the thread count, decides the arithmetic, so results are
 * bit-identical on 1, 2 or 16 threads.
 */
public record Engine(Kernels kernels, int shardSize) {
    public static final int DEFAULT_SHARD_SIZE = 16;

    public Engine {
        if (shardSize < 1) {
            throw new IllegalArgumentException("shard size must be >= 1, got " + shardSize);
        }
    }

    /** The CPU's widest vectors on {@code pool}, default shards. */
    public static Engine on(ComputePool pool) {
        return new Engine(Kernels.preferred(pool), DEFAULT_SHARD_SIZE);
    }

    /** The same engine with another shard size. */
    public Engine withShardSize(int size) {
        return new Engine(kernels, size);
    }

    /**
     * Shards for evaluation and prediction: at least 64 examples. With no gradients to reduce,
     * bigger shards only mean more rows per recurrent step (better GEMMs), and the LSTM's two
     * directions still give two parallel tasks.
     */
    public int inferenceShardSize() {
        return Math.max(shardSize, 64);
    }

    public ComputePool pool() {
        return kernels.pool();
    }
}
