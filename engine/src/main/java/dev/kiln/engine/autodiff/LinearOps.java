package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Gemm;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

/** Matrix product, bias add and per-feature scaling, each with its backward rule beside it. */
final class LinearOps {
    private final OpContext context;

    LinearOps(OpContext context) {
        this.context = context;
    }

    /** [m, k] x [k, n] -> [m, n]. */
    Variable matmul(Variable a, Variable b) {
        OpContext.requireRank("matmul", a, 2);
        OpContext.requireRank("matmul", b, 2);
        int m = a.shape().dim(0);
        int k = a.shape().dim(1);
        int n = b.shape().dim(1);
        if (b.shape().dim(0) != k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ, " + a.shape() + " x " + b.shape());
        }
        Gemm gemm = context.kernels().gemm();
        // Leading dimensions are at least 1 even for empty matrices, as BLAS requires.
        int ldk = Math.max(1, k);
        int ldn = Math.max(1, n);
        Tensor value = Tensor.zeros(m, n);
        gemm.sgemm(false, false, m, n, k, 1f, a.data(), 0, ldk, b.data(), 0, ldn, 0f, value.data(), 0, ldn);
        Variable out = context.result(value, "matmul", a, b);
        context.onBackward(out, () -> {
            float[] dc = out.gradData();
            if (a.requiresGrad()) { // dA += dC * B^T
                gemm.sgemm(false, true, m, k, n, 1f, dc, 0, ldn, b.data(), 0, ldn, 1f, a.gradData(), 0, ldk);
            }
            if (b.requiresGrad()) { // dB += A^T * dC
                gemm.sgemm(true, false, k, n, m, 1f, a.data(), 0, ldk, dc, 0, ldn, 1f, b.gradData(), 0, ldn);
            }
        });
        return out;
    }

    /** x [..., f] + bias [f], the bias added to every row. */
    Variable addBias(Variable x, Variable bias) {
        Shape shape = x.shape();
        int features = shape.lastDim();
        if (bias.shape().rank() != 1 || bias.shape().dim(0) != features) {
            throw new IllegalArgumentException("addBias: bias shape " + bias.shape() + " does not match the last axis of "
                    + shape);
        }
        int rows = shape.rows();
        Tensor value = x.value().copy();
        context.kernels().arithmetic().addBiasRows(rows, features, bias.data(), 0, value.data(), 0, Math.max(1, features));
        Variable out = context.result(value, "addBias", x, bias);
        context.onBackward(out, () -> {
            float[] dy = out.gradData();
            if (x.requiresGrad()) {
                context.kernels().arithmetic().axpy(dy.length, 1f, dy, 0, x.gradData(), 0);
            }
            if (bias.requiresGrad()) {
                context.kernels().arithmetic().addColumnSums(rows, features, dy, 0, Math.max(1, features), bias.gradData(), 0);
            }
        });
        return out;
    }

    /** x [..., f] * scale [f], every row multiplied feature by feature (LayerNormalization's gamma). */
    Variable scaleColumns(Variable x, Variable scale) {
        Shape shape = x.shape();
        int features = shape.lastDim();
        if (scale.shape().rank() != 1 || scale.shape().dim(0) != features) {
            throw new IllegalArgumentException("scaleColumns: scale shape " + scale.shape() + " does not match the last axis of "
                    + shape);
        }
        int rows = shape.rows();
        float[] in = x.data();
        float[] factors = scale.data();
        Tensor value = Tensor.zeros(shape);
        for (int r = 0; r < rows; r++) {
            context.kernels().arithmetic().multiply(features, in, r * features, factors, 0, value.data(), r * features);
        }
        Variable out = context.result(value, "scaleColumns", x, scale);
        context.onBackward(out, () -> {
            float[] dy = out.gradData();
            if (x.requiresGrad()) { // dx += dy * scale, row by row
                float[] product = new float[features];
                float[] dx = x.gradData();
                for (int r = 0; r < rows; r++) {
                    context.kernels().arithmetic().multiply(features, dy, r * features, factors, 0, product, 0);
                    context.kernels().arithmetic().axpy(features, 1f, product, 0, dx, r * features);
                }
            }
            if (scale.requiresGrad()) { // dscale += column sums of dy * x, summed in double over many tokens
                double[] sums = new double[features];
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < features; j++) {
                        sums[j] += (double) dy[r * features + j] * in[r * features + j];
                    }
                }
                float[] dScale = scale.gradData();
                for (int j = 0; j < features; j++) {
                    dScale[j] += (float) sums[j];
                }
            }
        });
        return out;
    }
}
