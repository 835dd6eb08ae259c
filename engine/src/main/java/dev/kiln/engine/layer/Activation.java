package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The activations a Dense layer can apply, by their Keras names. */
public enum Activation {
    /** x itself. */
    LINEAR,
    /** max(x, 0). */
    RELU,
    /** 1 / (1 + e^-x). */
    SIGMOID,
    /** tanh(x). */
    TANH;

    /** {@code x} through this activation, recorded on {@code ops}' tape. */
    public Variable apply(Ops ops, Variable x) {
        return switch (this) {
            case LINEAR -> x;
            case RELU -> ops.relu(x);
            case SIGMOID -> ops.sigmoid(x);
            case TANH -> ops.tanh(x);
        };
    }

    /** The Keras name: "linear", "relu", ... */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every Keras name this build knows, in declaration order. */
    public static List<String> kerasNames() {
        return Arrays.stream(values()).map(Activation::kerasName).toList();
    }

    /** Parses a Keras name; unknown names are rejected with the list of valid ones. */
    public static Activation fromKerasName(String name) {
        for (Activation activation : values()) {
            if (activation.kerasName().equals(name)) {
                return activation;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Activation::kerasName).toList());
    }
}
