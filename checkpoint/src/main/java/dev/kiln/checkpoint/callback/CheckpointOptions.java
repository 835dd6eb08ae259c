package dev.kiln.checkpoint.callback;

/**
 * How a checkpoint callback writes (Keras' {@code options}, typed): whether each file is forced
 * to disk before it replaces the previous one, whether saving runs on a background thread (at
 * most one save in flight; training waits only when the previous save has not finished), and
 * which files to keep.
 */
public record CheckpointOptions(boolean fsync, boolean async, Retention retention) {

    public CheckpointOptions {
        if (retention == null) {
            throw new IllegalArgumentException("retention must not be null; use Retention.keepAll()");
        }
    }

    /** fsync on, synchronous, keep every file. */
    public static CheckpointOptions defaults() {
        return new CheckpointOptions(true, false, Retention.keepAll());
    }

    public CheckpointOptions withFsync(boolean on) {
        return new CheckpointOptions(on, async, retention);
    }

    public CheckpointOptions withAsync(boolean on) {
        return new CheckpointOptions(fsync, on, retention);
    }

    public CheckpointOptions withRetention(Retention rule) {
        return new CheckpointOptions(fsync, async, rule);
    }
}
