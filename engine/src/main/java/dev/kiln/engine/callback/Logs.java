package dev.kiln.engine.callback;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metric values by name in insertion order, Keras 2 style: loss, accuracy, val_loss,
 * val_accuracy. A snapshot handed to callbacks; it never changes after it is made.
 */
public final class Logs {
    private final Map<String, Double> values;

    private Logs(Map<String, Double> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Logs with no values. */
    public static Logs empty() {
        return new Logs(new LinkedHashMap<>());
    }

    /** Logs holding a copy of {@code values}, in their iteration order. */
    public static Logs of(Map<String, Double> values) {
        return new Logs(new LinkedHashMap<>(values));
    }

    /** These logs plus {@code more}, appended in order (a later value replaces an earlier one). */
    public Logs with(Map<String, Double> more) {
        Map<String, Double> merged = new LinkedHashMap<>(values);
        merged.putAll(more);
        return new Logs(merged);
    }

    /** The value, or null when absent (callbacks decide what a missing metric means). */
    public Double get(String name) {
        return values.get(name);
    }

    /** The values by name, in order (unmodifiable). */
    public Map<String, Double> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
