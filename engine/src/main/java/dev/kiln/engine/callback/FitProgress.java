package dev.kiln.engine.callback;

import dev.kiln.engine.part.PartState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running fit's progress as callbacks that back it up see it: the current {@link FitPosition}
 * and the state of every {@link StatefulCallback}. A backup callback asks, during
 * {@code onTrainBegin}, to {@link #resumeFrom resume} from a saved position; the fit then gives
 * the saved states back to the callbacks and continues with the batch after the saved one.
 */
public final class FitProgress {
    private final List<Callback> callbacks;
    private volatile FitPosition position;
    private FitPosition resumePosition;
    private Map<String, PartState> resumeStates = Map.of();

    /** Made by the fit loop with its callbacks, starting at {@code start}. */
    public FitProgress(List<Callback> callbacks, FitPosition start) {
        this.callbacks = List.copyOf(callbacks);
        this.position = start;
        Map<String, StatefulCallback> names = new LinkedHashMap<>();
        for (StatefulCallback callback : statefulCallbacks()) {
            if (names.put(callback.stateName(), callback) != null) {
                throw new IllegalArgumentException("two callbacks store their state as '" + callback.stateName()
                        + "'; give each a distinct name");
            }
        }
    }

    /** The position after the last finished batch (or epoch). */
    public FitPosition position() {
        return position;
    }

    /** The fit loop moves the position on after each batch and each epoch. */
    public void advanceTo(FitPosition next) {
        position = next;
    }

    /** Every stateful callback's current state, by state name. */
    public Map<String, PartState> callbackStates() {
        Map<String, PartState> states = new LinkedHashMap<>();
        for (StatefulCallback callback : statefulCallbacks()) {
            states.put(callback.stateName(), callback.saveState());
        }
        return states;
    }

    /** Asks the fit to continue from {@code saved}, giving the callbacks these states; call it in onTrainBegin. */
    public void resumeFrom(FitPosition saved, Map<String, PartState> states) {
        this.resumePosition = saved;
        this.resumeStates = Map.copyOf(states);
    }

    /**
     * Applies a requested resume after every callback's onTrainBegin: restores each stateful
     * callback that has a saved state and returns the position to continue from, or null.
     */
    public FitPosition applyResume() {
        if (resumePosition == null) {
            return null;
        }
        for (StatefulCallback callback : statefulCallbacks()) {
            PartState state = resumeStates.get(callback.stateName());
            if (state != null) {
                callback.restoreState(state);
            }
        }
        position = resumePosition;
        return resumePosition;
    }

    private List<StatefulCallback> statefulCallbacks() {
        return callbacks.stream().filter(StatefulCallback.class::isInstance).map(StatefulCallback.class::cast).toList();
    }
}
