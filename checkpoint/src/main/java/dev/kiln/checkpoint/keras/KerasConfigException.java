package dev.kiln.checkpoint.keras;

import java.io.IOException;

/**
 * A Keras config Kiln cannot turn into a model: the message names the file (when read from one),
 * the layer (its index in the config's layer list, its name and Keras class), the key, the value
 * found and what Kiln supports, in words.
 */
public final class KerasConfigException extends IOException {
    private static final long serialVersionUID = 1L; // an IOException is Serializable; Kiln never serializes it

    /** An error whose message is shown as it is. */
    public KerasConfigException(String message) {
        super(message);
    }
}
