package dev.kiln.checkpoint.callback;

/**
 * How a checkpoint callback writes (Keras' {@code options}, typed): whether each file is forced
 * to disk before it replaces the previous one, whether saving runs on a background thread (at
 * most one save in flight; training waits only when the previous save has not finished), and
 * which files to keep.
 */
public record CheckpointOptions(boolean fsync, boolean async, Retention retention) {

    /** Checks that a retention rule is given. */
    public CheckpointOptions {
        if (retention == null) {
            throw new IllegalArgumentException("retention must not be null; use Retention.keepAll()");
        }
    }

    /** fsync on, synchronous, keep every file. */
    public static CheckpointOptions defaults() {
        return new CheckpointOptions(true, false, Retention.keepAll());
    }

    /** These options with fsync on or off. */
    public CheckpointOptions withFsync(boolean on) {
        return new CheckpointOptions(on, async, retention);
    }

    /** These options with background saving on or off. */
    public CheckpointOptions withAsync(boolean on) {
        return new CheckpointOptions(fsync, on, retention);
    }

    /** These options with another retention rule. */
    public CheckpointOptions withRetention(Retention rule) {
        return new CheckpointOptions(fsync, async, rule);
    }
}
