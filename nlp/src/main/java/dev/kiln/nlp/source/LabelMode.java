package dev.kiln.nlp.source;

import java.util.Locale;

/**
 * How class labels become a model's targets: Keras' {@code label_mode} of
 * {@code text_dataset_from_directory}.
 */
public enum LabelMode {
    /** The class index as one target (for sparse categorical crossentropy); the default. */
    INT,
    /** A one-hot row as wide as there are classes (for categorical crossentropy). */
    CATEGORICAL,
    /** The class index, 0 or 1, as one target (for binary crossentropy); only with exactly 2 classes. */
    BINARY;

    /** The mode Keras names {@code name} ("int", "categorical" or "binary"); another name is an error listing these. */
    public static LabelMode fromKerasName(String name) {
        for (LabelMode mode : values()) {
            if (mode.kerasName().equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("label_mode must be \"int\", \"categorical\" or \"binary\", got \"" + name + "\"");
    }

    /** Keras' name of this mode: "int", "categorical" or "binary". */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** How many targets an example has with {@code classes} classes. */
    public int width(int classes) {
        return this == CATEGORICAL ? classes : 1;
    }
}
