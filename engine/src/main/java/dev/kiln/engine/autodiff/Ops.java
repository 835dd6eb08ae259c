package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;

import java.util.List;

/**
 * The differentiable operations, bound to the kernels they compute with and the tape they record
 * on. Layers build their forward pass from these; each operation's backward rule sits beside
 * its forward code in one of the op families (linear, element-wise, structure, reductions).
 */
public final class Ops {
    private final Tape tape;
    private final Kernels kernels;
    private final LinearOps linear;
    private final ElementwiseOps elementwise;
    private final StructureOps structure;
    private final ReductionOps reductions;

    public Ops(Kernels kernels, Tape tape) {
        OpContext context = new OpContext(kernels, tape);
        this.tape = tape;
        this.kernels = kernels;
        this.linear = new LinearOps(context);
        this.elementwise = new ElementwiseOps(context);
        this.structure = new StructureOps(context);
        this.reductions = new ReductionOps(context);
    }

    public Tape tape() {
        return tape;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** [m, k] x [k, n] -> [m, n]. */
    public Variable matmul(Variable a, Variable b) {
        return linear.matmul(a, b);
    }

    /**
     * a + b: either the same shape, or b a row [f] broadcast over every row of a [..., f]
     * (the bias add). Anything else is an error naming both shapes.
     */
    public Variable add(Variable a, Variable b) {
        if (!a.shape().equals(b.shape()) && b.shape().rank() == 1 && a.shape().rank() >= 1
                && b.shape().dim(0) == a.shape().lastDim()) {
            return linear.addBias(a, b);
        }
        return elementwise.add(a, b);
    }

    public Variable subtract(Variable a, Variable b) {
        return elementwise.subtract(a, b);
    }

    public Variable multiply(Variable a, Variable b) {
        return elementwise.multiply(a, b);
    }

    public Variable sigmoid(Variable x) {
        return elementwise.sigmoid(x);
    }

    public Variable tanh(Variable x) {
        return elementwise.tanh(x);
    }

    public Variable relu(Variable x) {
        return elementwise.relu(x);
    }

    public Variable concat(List<Variable> parts) {
        return structure.concat(parts);
    }

    public Variable slice(Variable x, int from, int to) {
        return structure.slice(x, from, to);
    }

    public Variable gather(Variable table, int[] ids) {
        return structure.gather(table, ids);
    }

    public Variable sum(Variable x) {
        return reductions.sum(x);
    }

    public Variable mean(Variable x) {
        return reductions.mean(x);
    }

    public Variable binaryCrossEntropyWithLogits(Variable logits, float[] labels) {
        return reductions.binaryCrossEntropyWithLogits(logits, labels);
    }
}
