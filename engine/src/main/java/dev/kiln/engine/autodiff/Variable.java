package dev.kiln.engine.autodiff;

import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

/**
 * A node of the computation: a value and, when it takes part in differentiation, the gradient
 * of the loss with respect to it. Gradients are accumulated (+=), so a value used in two places
 * receives the sum of both contributions. A parameter keeps its gradient across steps until the
 * optimizer (or {@link #zeroGrad}) clears it.
 */
public final class Variable {
    private final Tensor value;
    private final boolean requiresGrad;
    private final String name;
    private Tensor grad;

    private Variable(Tensor value, boolean requiresGrad, String name) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.name = name;
    }

    /** A trainable tensor: gradients flow into it. */
    public static Variable parameter(Tensor value, String name) {
        return new Variable(value, true, name);
    }

    /** An input or other value that needs no gradient. */
    public static Variable constant(Tensor value) {
        return new Variable(value, false, "constant");
    }

    static Variable result(Tensor value, boolean requiresGrad, String operation) {
        return new Variable(value, requiresGrad, operation);
    }

    public Tensor value() {
        return value;
    }

    public Shape shape() {
        return value.shape();
    }

    public float[] data() {
        return value.data();
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public String name() {
        return name;
    }

    /** The gradient so far (zeros if nothing flowed in yet); null if this variable takes no gradient. */
    public Tensor grad() {
        if (!requiresGrad) {
            return null;
        }
        if (grad == null) {
            grad = Tensor.zeros(value.shape());
        }
        return grad;
    }

    /** The gradient's elements, for backward rules to add into. */
    float[] gradData() {
        return grad().data();
    }

    public void zeroGrad() {
        if (grad != null) {
            java.util.Arrays.fill(grad.data(), 0f);
        }
    }

    @Override
    public String toString() {
        return name + value.shape();
    }
}
