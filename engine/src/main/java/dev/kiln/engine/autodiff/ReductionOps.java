package dev.kiln.engine.autodiff;

import dev.kiln.engine.tensor.Tensor;

/** Sums to a scalar and the losses, each with its backward rule beside it. */
final class ReductionOps {
    private final OpContext context;

    ReductionOps(OpContext context) {
        this.context = context;
    }

    Variable sum(Variable x) {
        return scaledSum(x, 1f, "sum");
    }

    Variable mean(Variable x) {
        int n = x.value().size();
        if (n == 0) {
            throw new IllegalArgumentException("mean of an empty tensor " + x.shape());
        }
        return scaledSum(x, 1f / n, "mean");
    }

    private Variable scaledSum(Variable x, float scale, String operation) {
        float total = context.kernels().reductions().sum(x.value().size(), x.data(), 0) * scale;
        Variable out = context.result(Tensor.scalar(total), operation, x);
        context.onBackward(out, () -> {
            float[] dx = x.gradData();
            float dy = out.gradData()[0] * scale;
            for (int i = 0; i < dx.length; i++) {
                dx[i] += dy;
            }
        });
        return out;
    }

    /**
     * Keras' "sum_over_batch_size" reduction of an example-wise loss: the sum over these examples
     * of weight x loss, divided by {@code denominator} (the whole batch's size when this is one
     * shard of it). Outputs [n, width]; {@code targets} holds targetWidth values per example. The
     * gradient of each example is computed with its loss and scaled in the backward pass.
     */
    Variable exampleLoss(Variable outputs, ExampleLoss loss, float[] targets, int targetWidth, float[] weights,
                         int denominator) {
        OpContext.requireRank("loss", outputs, 2);
        int n = outputs.shape().dim(0);
        int width = outputs.shape().dim(1);
        if (denominator < 1 || targets.length != n * targetWidth || weights.length != n) {
            throw new IllegalArgumentException("loss: " + n + " examples need " + n * targetWidth + " targets and " + n
                    + " weights and a denominator >= 1; got " + targets.length + ", " + weights.length + " and " + denominator);
        }
        float[] x = outputs.data();
        float[] gradient = new float[n * width];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double value;
            try {
                value = loss.example(x, i * width, width, targets, i * targetWidth, gradient, i * width);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("example " + i + " of the batch: " + e.getMessage(), e);
            }
            total += weights[i] * value;
            for (int j = i * width; j < (i + 1) * width; j++) {
                gradient[j] *= weights[i];
            }
        }
        Variable out = context.result(Tensor.scalar((float) (total / denominator)), "loss", outputs);
        context.onBackward(out, () -> {
            float scale = out.gradData()[0] / denominator;
            float[] dx = outputs.gradData();
            for (int j = 0; j < dx.length; j++) {
                dx[j] += gradient[j] * scale;
            }
        });
        return out;
    }
}
