package dev.kiln.engine.callback;

import dev.kiln.engine.part.PartState;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a fit is: the epoch it is in, how many of that epoch's batches are done, and the running
 * state of the epoch's metrics so far, by log name ("loss", "accuracy", ...). A fit resumed from
 * a position continues with the next batch and ends exactly as the uninterrupted run would have.
 *
 * @param epoch       the 0-based epoch
 * @param batchesDone batches of that epoch already trained on (0 at an epoch's start)
 * @param metrics     each training metric's state after those batches (empty at an epoch's start)
 */
public record FitPosition(int epoch, int batchesDone, Map<String, PartState> metrics) {

    /** Checks the position and copies the metrics' states. */
    public FitPosition {
        if (epoch < 0 || batchesDone < 0) {
            throw new IllegalArgumentException("not a fit position: epoch " + epoch + ", batchesDone " + batchesDone);
        }
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The start of an epoch. */
    public static FitPosition startOf(int epoch) {
        return new FitPosition(epoch, 0, Map.of());
    }
}
