package dev.kiln.engine.callback;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Predicate;

/** Whether a monitored value should go down (MIN) or up (MAX); AUTO decides from its name. */
public enum Mode {
    /** Decided from the monitored value's name, by the callback's own Keras rule. */
    AUTO,
    /** Lower is better. */
    MIN,
    /** Higher is better. */
    MAX;

    /**
     * Whether higher values of {@code monitor} are better: MIN and MAX say so, AUTO asks
     * {@code autoRule} (each Keras callback has its own rule for "auto").
     */
    public boolean maximizes(String monitor, Predicate<String> autoRule) {
        return switch (this) {
            case MIN -> false;
            case MAX -> true;
            case AUTO -> autoRule.test(monitor);
        };
    }

    /** The mode Keras names "auto", "min" or "max"; another name is an error listing these. */
    public static Mode fromKerasName(String name) {
        for (Mode mode : values()) {
            if (mode.name().toLowerCase(Locale.ROOT).equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + name + "'; expected one of "
                + Arrays.stream(values()).map(m -> m.name().toLowerCase(Locale.ROOT)).toList());
    }
}
