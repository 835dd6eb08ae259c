package dev.kiln.engine.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Working arrays that one training or inference step after another reuses, instead of
 * allocating tens of megabytes per step (an LSTM keeps its gates and states for the backward
 * pass). A step's operations {@link #claim} a {@link Claim} each, in the order they run, and
 * take their arrays from it in a fixed order; {@link #rewind} starts the next step over the same
 * arrays. The same model on batches of other sizes claims the same sequence, so arrays only
 * grow, to the largest batch seen. Each LSTM's table projection is kept in a
 * {@link ProjectionCache}, which the shards of a model share. {@link #release} drops them all.
 *
 * <p>Not thread-safe: one step at a time, and each claim is used by one thread at a time (claim
 * on the thread that runs the operation, before handing parts of it to others).
 * {@link #none()} allocates fresh arrays every time, for callers that run one step.
 */
public final class StepBuffers {
    private final boolean reuse;
    private final List<Claim> claims = new ArrayList<>();
    private final ProjectionCache projections;
    private int next;

    private StepBuffers(boolean reuse, ProjectionCache projections) {
        this.reuse = reuse;
        this.projections = projections;
    }

    /** Buffers kept from step to step, with a projection cache of their own. */
    public static StepBuffers reused() {
        return reused(ProjectionCache.keeping());
    }

    /** Buffers kept from step to step, sharing {@code projections} with the other shards of the same model. */
    public static StepBuffers reused(ProjectionCache projections) {
        return new StepBuffers(true, projections);
    }

    /** No reuse: every claim is new, and so is every array it hands out. */
    public static StepBuffers none() {
        return new StepBuffers(false, ProjectionCache.keeping());
    }

    /** The next claim of this step. */
    public Claim claim() {
        if (!reuse) {
            return new Claim(projections); // kept by nobody: its arrays are new
        }
        if (next == claims.size()) {
            claims.add(new Claim(projections));
        }
        Claim claim = claims.get(next++);
        claim.rewind();
        return claim;
    }

    /** Starts a new step: the next claims hand out the same arrays again. */
    public void rewind() {
        next = 0;
    }

    /** Drops every array (a model that stops training should not keep its step's memory). */
    public void release() {
        claims.clear();
        projections.clear();
        next = 0;
    }

    /** Bytes held, for tests and reports. */
    public long bytesHeld() {
        long bytes = 0;
        for (Claim claim : claims) {
            for (float[] array : claim.arrays) {
                bytes += 4L * array.length;
            }
        }
        return bytes;
    }

    /** One operation's arrays for one step, handed out in the order it asks for them. */
    public static final class Claim {
        private final ProjectionCache projections;
        private final List<float[]> arrays = new ArrayList<>();
        private int next;

        private Claim(ProjectionCache projections) {
            this.projections = projections;
        }

        /** The step buffers' projection cache. */
        ProjectionCache projections() {
            return projections;
        }

        private void rewind() {
            next = 0;
        }

        /** An array of at least {@code size} floats whose contents are left over from earlier steps. */
        float[] floats(int size) {
            if (next == arrays.size()) {
                arrays.add(new float[size]);
            } else if (arrays.get(next).length < size) {
                // Some headroom, so a slowly growing batch does not reallocate every step.
                arrays.set(next, new float[size + size / 8]);
            }
            return arrays.get(next++);
        }

        /** An array of at least {@code size} floats whose first {@code size} are zero. */
        float[] zeros(int size) {
            float[] array = floats(size);
            Arrays.fill(array, 0, size, 0f);
            return array;
        }
    }
}
