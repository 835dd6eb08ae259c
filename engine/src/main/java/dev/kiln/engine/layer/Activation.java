package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ScalarMath;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The activations a Dense layer can apply, by their Keras names and with Keras 3's formulas and
 * defaults: relu, sigmoid and tanh run on the vector kernels; softmax and log_softmax over each
 * example's outputs; the others element by element in double precision (gelu is the exact,
 * erf-based one: Keras' approximate=False; leaky_relu's slope is 0.2; elu's alpha 1; selu's
 * constants Keras').
 */
public enum Activation {
    /** x. */
    LINEAR,
    /** max(x, 0). */
    RELU,
    /** 1 / (1 + e^-x). */
    SIGMOID,
    /** tanh(x). */
    TANH,
    /** e^x / sum e^x over each example's outputs. */
    SOFTMAX,
    /** The logarithm of the softmax, computed stably. */
    LOG_SOFTMAX,
    /** x Phi(x), Phi the normal distribution function (Keras' exact gelu). */
    GELU,
    /** x sigmoid(x) (Keras' silu, also called swish). */
    SILU,
    /** log(1 + e^x). */
    SOFTPLUS,
    /** x / (1 + |x|). */
    SOFTSIGN,
    /** x for x > 0, else e^x - 1. */
    ELU,
    /** scale * elu(x) with Keras' alpha and scale (self-normalizing). */
    SELU,
    /** e^x. */
    EXPONENTIAL,
    /** x for x > 0, else 0.2 x. */
    LEAKY_RELU,
    /** min(max(x, 0), 6). */
    RELU6,
    /** relu6(x + 3) / 6 (Keras 3's hard_sigmoid). */
    HARD_SIGMOID,
    /**
     * clip(0.2 x + 0.5, 0, 1): Keras 2's hard_sigmoid (its LSTM's default recurrent activation in
     * Keras 2.0 to 2.3), which Keras 3 replaced by relu6(x + 3) / 6 under the same name. Kiln names
     * it "hard_sigmoid_keras2" so that the two are never confused; a Keras 2 config's hard_sigmoid
     * is read as this one.
     */
    HARD_SIGMOID_KERAS2,
    /** x tanh(softplus(x)). */
    MISH;

    private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SELU_SCALE = 1.0507009873554804934193349852946;
    private static final double LEAKY_SLOPE = 0.2;

    /** This activation applied to {@code x} through {@code ops} (recorded for the backward pass). */
    public Variable apply(Ops ops, Variable x) {
        String name = kerasName();
        return switch (this) {
            case LINEAR -> x;
            case RELU -> ops.relu(x);
            case SIGMOID -> ops.sigmoid(x);
            case TANH -> ops.tanh(x);
            case SOFTMAX -> ops.softmax(x);
            case LOG_SOFTMAX -> ops.logSoftmax(x);
            case GELU -> ops.map(x, name, v -> 0.5 * v * (1 + ScalarMath.erf(v / Math.sqrt(2))),
                    v -> 0.5 * (1 + ScalarMath.erf(v / Math.sqrt(2))) + v * Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI));
            case SILU -> ops.map(x, name, v -> v * sigmoid(v), v -> sigmoid(v) * (1 + v * (1 - sigmoid(v))));
            case SOFTPLUS -> ops.map(x, name, Activation::softplus, Activation::sigmoid);
            case SOFTSIGN -> ops.map(x, name, v -> v / (1 + Math.abs(v)), v -> 1 / ((1 + Math.abs(v)) * (1 + Math.abs(v))));
            case ELU -> ops.map(x, name, v -> v > 0 ? v : Math.expm1(v), v -> v > 0 ? 1 : Math.exp(v));
            case SELU -> ops.map(x, name, v -> SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)),
                    v -> SELU_SCALE * (v > 0 ? 1 : SELU_ALPHA * Math.exp(v)));
            case EXPONENTIAL -> ops.map(x, name, Math::exp, Math::exp);
            case LEAKY_RELU -> ops.map(x, name, v -> v > 0 ? v : LEAKY_SLOPE * v, v -> v > 0 ? 1 : LEAKY_SLOPE);
            case RELU6 -> ops.map(x, name, v -> Math.min(Math.max(v, 0), 6), v -> v > 0 && v < 6 ? 1 : 0);
            case HARD_SIGMOID -> ops.map(x, name, v -> Math.min(Math.max(v + 3, 0), 6) / 6, v -> v > -3 && v < 3 ? 1.0 / 6 : 0);
            case HARD_SIGMOID_KERAS2 -> ops.map(x, name, v -> Math.min(Math.max(0.2 * v + 0.5, 0), 1),
                    v -> v > -2.5 && v < 2.5 ? 0.2 : 0);
            case MISH -> ops.map(x, name, v -> v * Math.tanh(softplus(v)), v -> {
                double t = Math.tanh(softplus(v));
                return t + v * (1 - t * t) * sigmoid(v);
            });
        };
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private static double softplus(double v) {
        return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }

    /** The Keras name: "linear", "relu", ... */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every Keras name this build knows, in declaration order ("swish" is read as silu). */
    public static List<String> kerasNames() {
        List<String> names = new java.util.ArrayList<>(Arrays.stream(values()).map(Activation::kerasName).toList());
        names.add("swish");
        return names;
    }

    /** Parses a Keras name; unknown names are rejected with the list of valid ones. */
    public static Activation fromKerasName(String name) {
        if (name.equals("swish")) {
            return SILU; // Keras' other name for it
        }
        for (Activation activation : values()) {
            if (activation.kerasName().equals(name)) {
                return activation;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'; expected one of " + kerasNames());
    }
}
