package dev.kiln.engine.autodiff;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The table projections P = E W + b of a model's recurrent directions (an LSTM's with its
 * candidate block doubled, as its cell takes it), kept from one call to the next: the shards of
 * a training batch share one P per direction (their weights are the same), and inference
 * batches reuse it while the weights stay the same. Each entry keeps a copy of the
 * E, W and b it was computed from and is recomputed as soon as any of them differs (after an
 * optimizer step, a load, a restore or any other write), so no caller has to announce a change;
 * comparing costs one pass over E and W, a small fraction of computing P. Recomputing reuses the
 * entry's arrays, so a training step allocates nothing here.
 *
 * <p>Thread-safe: shards of one batch may ask at once; they get the same array, computed once.
 * Each entry has its own lock, so the directions of a bidirectional layer compute their P at the
 * same time (one lock for the cache made the second direction wait for the first's GEMM).
 * Steps run one after another (a step's P is never recomputed while that step still reads it).
 */
public final class ProjectionCache {
    private final Map<float[], Entry> byKernel = new IdentityHashMap<>();

    private ProjectionCache() {}

    /** An empty cache, to be shared by every shard of a model's steps. */
    public static ProjectionCache keeping() {
        return new ProjectionCache();
    }

    /**
     * P for these weights ({@code size} floats): the kept array if E, W and b are unchanged, else
     * the kept (or a new) array after {@code compute} has written P into it. The caller must not
     * write to it.
     */
    float[] projection(float[] table, float[] kernel, float[] bias, int size, Consumer<float[]> compute) {
        Entry entry;
        synchronized (byKernel) {
            entry = byKernel.computeIfAbsent(kernel, k -> new Entry());
        }
        synchronized (entry) {
            return entry.projection(table, kernel, bias, size, compute);
        }
    }

    /** One direction's P and copies of the E, W and b it was computed from. */
    private static final class Entry {
        private float[] table;
        private float[] kernel;
        private float[] bias;
        private float[] projection;

        private float[] projection(float[] table, float[] kernel, float[] bias, int size, Consumer<float[]> compute) {
            boolean sized = projection != null && projection.length == size;
            if (!sized || !Arrays.equals(this.table, table) || !Arrays.equals(this.kernel, kernel)
                    || !Arrays.equals(this.bias, bias)) {
                if (!sized) {
                    projection = new float[size];
                }
                compute.accept(projection);
                this.table = copyInto(this.table, table);
                this.kernel = copyInto(this.kernel, kernel);
                this.bias = copyInto(this.bias, bias);
            }
            return projection;
        }
    }

    private static float[] copyInto(float[] target, float[] source) {
        if (target == null || target.length != source.length) {
            return source.clone();
        }
        System.arraycopy(source, 0, target, 0, source.length);
        return target;
    }

    /** Drops every entry. */
    public void clear() {
        synchronized (byKernel) {
            byKernel.clear();
        }
    }
}
