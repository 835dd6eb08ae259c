package dev.kiln.engine.part;

/**
 * A part whose progress changes as it is used (a metric's sums, an optimizer's moments) and must
 * survive a checkpoint: exact resume saves {@link #saveState()} and gives it back to a part made
 * from the same config through {@link #restoreState}.
 */
public interface Stateful {

    /** The current state; tensors may be the part's own (copy them with {@link PartState#detached()} to keep them). */
    PartState saveState();

    /** Continues from a saved state; a state this part cannot take is an IllegalArgumentException naming the value. */
    void restoreState(PartState state);
}
