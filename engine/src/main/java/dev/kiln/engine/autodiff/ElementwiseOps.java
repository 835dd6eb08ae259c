package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Activations;
import dev.kiln.engine.kernel.Arithmetic;
import dev.kiln.engine.tensor.Tensor;

/** Same-shape arithmetic and the activations, each with its backward rule beside it. */
final class ElementwiseOps {
    private final OpContext context;
    private final Arithmetic arithmetic;
    private final Activations activations;

    ElementwiseOps(OpContext context) {
        this.context = context;
        this.arithmetic = context.kernels().arithmetic();
        this.activations = context.kernels().activations();
    }

    Variable add(Variable a, Variable b) {
        OpContext.requireSameShape("add", a, b);
        Tensor value = Tensor.zeros(a.shape());
        arithmetic.add(value.size(), a.data(), 0, b.data(), 0, value.data(), 0);
        Variable out = context.result(value, "add", a, b);
        context.onBackward(out, () -> {
            accumulate(a, 1f, out.gradData());
            accumulate(b, 1f, out.gradData());
        });
        return out;
    }

    Variable subtract(Variable a, Variable b) {
        OpContext.requireSameShape("subtract", a, b);
        Tensor value = b.value().copy();
        arithmetic.scaleInPlace(value.size(), -1f, value.data(), 0);
        arithmetic.axpy(value.size(), 1f, a.data(), 0, value.data(), 0);
        Variable out = context.result(value, "subtract", a, b);
        context.onBackward(out, () -> {
            accumulate(a, 1f, out.gradData());
            accumulate(b, -1f, out.gradData());
        });
        return out;
    }

    Variable multiply(Variable a, Variable b) {
        OpContext.requireSameShape("multiply", a, b);
        int n = a.value().size();
        Tensor value = Tensor.zeros(a.shape());
        arithmetic.multiply(n, a.data(), 0, b.data(), 0, value.data(), 0);
        Variable out = context.result(value, "multiply", a, b);
        context.onBackward(out, () -> {
            float[] dy = out.gradData();
            float[] product = new float[n];
            if (a.requiresGrad()) { // dA += dY * B
                arithmetic.multiply(n, dy, 0, b.data(), 0, product, 0);
                arithmetic.axpy(n, 1f, product, 0, a.gradData(), 0);
            }
            if (b.requiresGrad()) { // dB += dY * A
                arithmetic.multiply(n, dy, 0, a.data(), 0, product, 0);
                arithmetic.axpy(n, 1f, product, 0, b.gradData(), 0);
            }
        });
        return out;
    }

    Variable sigmoid(Variable x) {
        Tensor y = Tensor.zeros(x.shape());
        activations.sigmoid(y.size(), x.data(), 0, y.data(), 0);
        Variable out = context.result(y, "sigmoid", x);
        context.onBackward(out, () ->
                activations.sigmoidBackward(y.size(), y.data(), 0, out.gradData(), 0, x.gradData(), 0));
        return out;
    }

    Variable tanh(Variable x) {
        Tensor y = Tensor.zeros(x.shape());
        activations.tanh(y.size(), x.data(), 0, y.data(), 0);
        Variable out = context.result(y, "tanh", x);
        context.onBackward(out, () ->
                activations.tanhBackward(y.size(), y.data(), 0, out.gradData(), 0, x.gradData(), 0));
        return out;
    }

    Variable relu(Variable x) {
        Tensor y = Tensor.zeros(x.shape());
        activations.relu(y.size(), x.data(), 0, y.data(), 0);
        Variable out = context.result(y, "relu", x);
        context.onBackward(out, () ->
                activations.reluBackward(y.size(), x.data(), 0, out.gradData(), 0, x.gradData(), 0));
        return out;
    }

    private void accumulate(Variable input, float sign, float[] dy) {
        if (input.requiresGrad()) {
            arithmetic.axpy(dy.length, sign, dy, 0, input.gradData(), 0);
        }
    }
}
