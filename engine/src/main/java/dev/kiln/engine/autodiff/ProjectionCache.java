package dev.kiln.engine.autodiff;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The table projections P = E W + b of a model's LSTM directions, kept across inference batches:
 * while the weights stay the same, every batch would compute the same P. Each entry keeps a
 * copy of the E, W and b it was computed from and is recomputed as soon as any of them differs
 * (after an optimizer step, a load, a restore or any other write), so no caller has to announce
 * a change. Comparing costs one pass over E and W, a small fraction of computing P.
 * Thread-safe: shards of one batch may ask at once; they get the same array, computed once.
 * Part of {@link StepBuffers}, which releases it with the rest.
 */
final class ProjectionCache {
    private final boolean keep;
    private final Map<float[], Entry> byKernel = new IdentityHashMap<>();

    ProjectionCache(boolean keep) {
        this.keep = keep;
    }

    private static final class Entry {
        float[] table;
        float[] kernel;
        float[] bias;
        float[] projection;
    }

    /**
     * P for these weights: the cached array if E, W and b are unchanged, else {@code compute}'s
     * result (which the cache keeps, so the caller must not write to it).
     */
    synchronized float[] projection(float[] table, float[] kernel, float[] bias, Supplier<float[]> compute) {
        if (!keep) {
            return compute.get();
        }
        Entry entry = byKernel.computeIfAbsent(kernel, k -> new Entry());
        if (entry.projection == null || !Arrays.equals(entry.table, table) || !Arrays.equals(entry.kernel, kernel)
                || !Arrays.equals(entry.bias, bias)) {
            entry.projection = compute.get();
            entry.table = table.clone();
            entry.kernel = kernel.clone();
            entry.bias = bias.clone();
        }
        return entry.projection;
    }

    /** Drops every entry. */
    synchronized void clear() {
        byKernel.clear();
    }
}
