package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Activations;
import dev.kiln.engine.kernel.Arithmetic;
import dev.kiln.engine.random.CounterRandom;
import dev.kiln.engine.tensor.Tensor;

import java.util.function.DoubleUnaryOperator;

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

    /**
     * y = f(x) element by element in double precision, rounded once to float; backward
     * dx += dy * f'(x). For the activations a Dense head takes (gelu, elu, ...), not the hot loops.
     */
    Variable map(Variable x, String operation, DoubleUnaryOperator f, DoubleUnaryOperator derivative) {
        float[] in = x.data();
        Tensor y = Tensor.zeros(x.shape());
        float[] out = y.data();
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) f.applyAsDouble(in[i]);
        }
        Variable result = context.result(y, operation, x);
        context.onBackward(result, () -> {
            float[] dy = result.gradData();
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) {
                dx[i] += (float) (dy[i] * derivative.applyAsDouble(in[i]));
            }
        });
        return result;
    }

    /**
     * Softmax over each row of [rows, width] (or its log with {@code log}), through a stable
     * log-sum-exp in double precision. Backward: dx = y (dy - sum(dy y)) for softmax,
     * dx = dy - softmax sum(dy) for log-softmax.
     */
    Variable softmax(Variable x, boolean log) {
        OpContext.requireRank(log ? "log_softmax" : "softmax", x, 2);
        int rows = x.shape().dim(0);
        int width = x.shape().dim(1);
        float[] in = x.data();
        Tensor y = Tensor.zeros(x.shape());
        float[] out = y.data();
        double[] probabilities = new double[in.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, in[r * width + j]);
            }
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += Math.exp(in[r * width + j] - max);
            }
            double logSum = max + Math.log(sum);
            for (int j = 0; j < width; j++) {
                int i = r * width + j;
                probabilities[i] = Math.exp(in[i] - logSum);
                out[i] = (float) (log ? in[i] - logSum : probabilities[i]);
            }
        }
        Variable result = context.result(y, log ? "log_softmax" : "softmax", x);
        context.onBackward(result, () -> {
            float[] dy = result.gradData();
            float[] dx = x.gradData();
            for (int r = 0; r < rows; r++) {
                double dot = 0;
                for (int j = 0; j < width; j++) {
                    int i = r * width + j;
                    dot += log ? dy[i] : dy[i] * probabilities[i];
                }
                for (int j = 0; j < width; j++) {
                    int i = r * width + j;
                    dx[i] += (float) (log ? dy[i] - probabilities[i] * dot : probabilities[i] * (dy[i] - dot));
                }
            }
        });
        return result;
    }

    Variable dropout(Variable x, float rate, long seed, int[] rowExample, int[] rowPosition, boolean perChannel) {
        if (!context.tape().isRecording() || rate == 0) {
            return x;
        }
        OpContext.requireRank("dropout", x, 2);
        int rows = x.shape().dim(0);
        int width = x.shape().dim(1);
        if (rowExample.length != rows || rowPosition.length != rows) {
            throw new IllegalArgumentException("dropout: " + rows + " rows need an example and a position each, got "
                    + rowExample.length + " and " + rowPosition.length);
        }
        StepNoise noise = context.noise();
        float scale = 1f / (1f - rate);
        float[] mask = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            long example = (long) noise.firstExample() + rowExample[r];
            long elementBase = perChannel ? 0 : (long) rowPosition[r] * width;
            for (int j = 0; j < width; j++) {
                boolean keep = CounterRandom.uniform(seed, noise.step(), example, elementBase + j) >= rate;
                mask[r * width + j] = keep ? scale : 0f;
            }
        }
        Tensor value = Tensor.zeros(x.shape());
        arithmetic.multiply(mask.length, x.data(), 0, mask, 0, value.data(), 0);
        Variable out = context.result(value, "dropout", x);
        context.onBackward(out, () -> {
            float[] product = new float[mask.length];
            arithmetic.multiply(mask.length, out.gradData(), 0, mask, 0, product, 0);
            arithmetic.axpy(mask.length, 1f, product, 0, x.gradData(), 0);
        });
        return out;
    }

    private void accumulate(Variable input, float sign, float[] dy) {
        if (input.requiresGrad()) {
            arithmetic.axpy(dy.length, sign, dy, 0, input.gradData(), 0);
        }
    }
}
