package dev.kiln.engine.autodiff;

import dev.kiln.engine.tensor.Tensor;

import java.util.Arrays;

/** Sums to a scalar and the binary cross-entropy loss, each with its backward rule beside it. */
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
     * Mean binary cross-entropy of logits against 0/1 labels, in the stable form
     * {@code max(x, 0) - x*z + log(1 + e^-|x|)} (Keras' from_logits=True). Logits of shape [batch]
     * or [batch, 1]. A NaN logit gives a NaN loss (it is not hidden); labels must be in [0, 1].
     * Gradient: (sigmoid(x) - z) / batch.
     */
    Variable binaryCrossEntropyWithLogits(Variable logits, float[] labels) {
        if (labels.length == 0) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: empty batch");
        }
        return binaryCrossEntropyWithLogits(logits, labels, labels.length);
    }

    /** The same loss summed over this batch and divided by {@code denominator} (a shard's share of a batch mean). */
    Variable binaryCrossEntropyWithLogits(Variable logits, float[] labels, int denominator) {
        if (denominator < 1) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: denominator must be >= 1, got " + denominator);
        }
        int batch = logits.shape().rank() == 0 ? 1 : logits.shape().dim(0);
        if (logits.value().size() != batch || (logits.shape().rank() == 2 && logits.shape().dim(1) != 1)
                || logits.shape().rank() > 2) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: logits must have shape [batch] or [batch, 1], got "
                    + logits.shape());
        }
        if (labels.length != batch) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: " + labels.length
                    + " labels for a batch of " + batch + " logits");
        }

        for (int i = 0; i < batch; i++) {
            if (!(labels[i] >= 0f && labels[i] <= 1f)) {
                throw new IllegalArgumentException("binaryCrossEntropyWithLogits: label " + labels[i] + " at index " + i
                        + " is not in [0, 1]");
            }
        }
        float[] x = logits.data();
        float[] softplus = new float[batch];
        context.kernels().activations().softplus(batch, x, 0, softplus, 0);
        double total = 0;
        for (int i = 0; i < batch; i++) {
            total += softplus[i] - x[i] * labels[i];
        }
        float[] labelCopy = Arrays.copyOf(labels, batch);
        Variable out = context.result(Tensor.scalar((float) (total / denominator)), "binaryCrossEntropy", logits);
        context.onBackward(out, () -> {
            float[] probabilities = new float[batch];
            context.kernels().activations().sigmoid(batch, x, 0, probabilities, 0);
            float scale = out.gradData()[0] / denominator;
            float[] dx = logits.gradData();
            for (int i = 0; i < batch; i++) {
                dx[i] += (probabilities[i] - labelCopy[i]) * scale;
            }
        });
        return out;
    }
}
