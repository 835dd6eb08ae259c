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
    /** A gradient received as unsummed parts, kept so until something asks for the array. */
    private RowPartsGradient unsummed;

    private Variable(Tensor value, boolean requiresGrad, String name) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.name = name;
    }

    /** A trainable tensor: gradients flow into it. */
    public static Variable parameter(Tensor value, String name) {
        return new Variable(value, true, name);
    }

    /**
     * This parameter for one step's graph, adding its gradient straight into this parameter's own
     * array: a training step's first shard needs no array of its own to be summed afterwards.
     */
    public Variable sharingGradient() {
        Variable view = new Variable(value, requiresGrad, name);
        view.grad = grad();
        return view;
    }

    /** An input or other value that needs no gradient. */
    public static Variable constant(Tensor value) {
        return new Variable(value, false, "constant");
    }

    static Variable result(Tensor value, boolean requiresGrad, String operation) {
        return new Variable(value, requiresGrad, operation);
    }

    /** The value (the tensor itself, not a copy). */
    public Tensor value() {
        return value;
    }

    /** The value's shape. */
    public Shape shape() {
        return value.shape();
    }

    /** The value's elements (the array itself, not a copy). */
    public float[] data() {
        return value.data();
    }

    /** Whether gradients flow into this variable (parameters and results computed from them). */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** A parameter's name, or the operation that produced this value. */
    public String name() {
        return name;
    }

    /**
     * The gradient so far (zeros if nothing flowed in yet); null if this variable takes no gradient.
     * Parts a recurrent layer left unsummed are summed into it here. Synchronized: the parallel
     * directions of a recurrent layer make their input's gradient on whichever thread finishes first.
     */
    public synchronized Tensor grad() {
        if (!requiresGrad) {
            return null;
        }
        if (grad == null) {
            grad = Tensor.zeros(value.shape());
            if (unsummed != null) {
                unsummed.addInto(grad.data());
                unsummed = null;
            }
        }
        return grad;
    }

    /**
     * Adds {@code parts} to the gradient: kept unsummed if nothing has flowed in yet (a recurrent
     * layer below reads the rows from the parts, {@link GradientRows}), otherwise added into the array.
     */
    synchronized void addGradientParts(RowPartsGradient parts) {
        if (!requiresGrad) {
            return;
        }
        if (grad == null && unsummed == null) {
            unsummed = parts;
        } else {
            parts.addInto(grad().data());
        }
    }

    /** The gradient's unsummed parts, if that is all this variable has received (grad() sums them away); null otherwise. */
    synchronized RowPartsGradient unsummedGradient() {
        return unsummed;
    }

    /** The gradient's elements, for backward rules to add into. */
    float[] gradData() {
        return grad().data();
    }

    /** Sets the gradient to zero (the optimizer does this after each update). */
    public synchronized void zeroGrad() {
        unsummed = null;
        if (grad != null) {
            java.util.Arrays.fill(grad.data(), 0f);
        }
    }

    @Override
    public String toString() {
        return name + value.shape();
    }
}
