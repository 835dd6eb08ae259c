package dev.kiln.engine.callback;

import dev.kiln.engine.part.Stateful;

/**
 * A callback whose progress must survive a restart: BackupAndRestore stores {@link #saveState()}
 * with the model and gives it back through {@link #restoreState} after {@code onTrainBegin}, so
 * a resumed fit counts, compares and saves exactly as the uninterrupted one.
 */
public interface StatefulCallback extends Callback, Stateful {

    /** A name unique among a fit's callbacks, under which the state is stored. */
    String stateName();
}
