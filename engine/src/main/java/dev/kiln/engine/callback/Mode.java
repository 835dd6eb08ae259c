package dev.kiln.engine.callback;

import java.util.Arrays;
import java.util.Locale;

/** Whether a monitored value should go down (MIN) or up (MAX); AUTO decides from its name. */
public enum Mode {
    /** MAX for names ending in acc, accuracy or auc, MIN otherwise (Keras' rule). */
    AUTO,
    /** Lower is better. */
    MIN,
    /** Higher is better. */
    MAX;

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
