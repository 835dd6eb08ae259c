package dev.kiln.engine.metric;

import dev.kiln.engine.part.Part;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.Stateful;

/**
 * A running measure of a model's predictions, Keras style: {@link #update} with each batch,
 * {@link #result} at any time, {@link #reset} at each epoch's start. Its state (running sums) is
 * saved and restored by exact resume; its {@link #config()} rebuilds it through
 * {@link Metrics#registry()}. {@link #name()} is the key in the logs ("accuracy", "val_auc").
 */
public interface Metric extends Part, Stateful {

    /** The name in logs and histories. */
    String name();

    /** Adds a batch of predictions to the running state. */
    void update(Predictions batch);

    /** The value over everything since the last reset (0 before any update, as Keras). */
    double result();

    /** Forgets every update (Keras' reset_state), as at the start of each epoch. */
    void reset();

    /** A metric config with its name, ready for the metric's own keys. */
    static PartConfig.Builder config(String type, String name) {
        return PartConfig.builder("metric", type).put("name", name);
    }
}
