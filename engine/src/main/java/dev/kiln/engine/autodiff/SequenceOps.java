package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Arithmetic;
import dev.kiln.engine.tensor.Tensor;

/**
 * Reductions over the steps of packed sequences (values [tokens, features], sequence s at rows
 * offsets[s] .. offsets[s]+lengths[s]) to one vector per sequence, each with its backward rule
 * beside it. Only real steps exist, so the mean and the max see no padding; an empty sequence
 * gives zeros and passes no gradient.
 */
final class SequenceOps {
    private final OpContext context;
    private final Arithmetic arithmetic;

    SequenceOps(OpContext context) {
        this.context = context;
        this.arithmetic = context.kernels().arithmetic();
    }

    /** The mean of each sequence's steps: [batch, features]. Backward: each step gets dy / length. */
    Variable mean(Variable values, int[] lengths, int[] offsets) {
        requirePacked("sequence mean", values, lengths, offsets);
        int features = values.shape().dim(1);
        float[] x = values.data();
        Tensor value = Tensor.zeros(lengths.length, features);
        float[] y = value.data();
        for (int s = 0; s < lengths.length; s++) {
            for (int t = 0; t < lengths[s]; t++) {
                arithmetic.axpy(features, 1f, x, (offsets[s] + t) * features, y, s * features);
            }
            if (lengths[s] > 0) {
                arithmetic.scaleInPlace(features, 1f / lengths[s], y, s * features);
            }
        }
        Variable out = context.result(value, "sequence mean", values);
        context.onBackward(out, () -> {
            float[] dy = out.gradData();
            float[] dx = values.gradData();
            for (int s = 0; s < lengths.length; s++) {
                for (int t = 0; t < lengths[s]; t++) {
                    arithmetic.axpy(features, 1f / lengths[s], dy, s * features, dx, (offsets[s] + t) * features);
                }
            }
        });
        return out;
    }

    /**
     * The largest value of each feature over each sequence's steps: [batch, features]. Backward:
     * the gradient goes to the steps that hold the max, split evenly when several do (as
     * TensorFlow's and torch's reduce-max gradients are), so a repeated token is not favoured.
     */
    Variable max(Variable values, int[] lengths, int[] offsets) {
        requirePacked("sequence max", values, lengths, offsets);
        int features = values.shape().dim(1);
        float[] x = values.data();
        Tensor value = Tensor.zeros(lengths.length, features);
        float[] y = value.data();
        int[] holders = new int[y.length]; // how many steps hold each max
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] == 0) {
                continue;
            }
            int first = offsets[s] * features;
            System.arraycopy(x, first, y, s * features, features);
            for (int t = 1; t < lengths[s]; t++) {
                for (int j = 0; j < features; j++) {
                    y[s * features + j] = Math.max(y[s * features + j], x[first + t * features + j]); // NaN wins
                }
            }
            for (int t = 0; t < lengths[s]; t++) {
                for (int j = 0; j < features; j++) {
                    if (x[first + t * features + j] == y[s * features + j]) {
                        holders[s * features + j]++;
                    }
                }
            }
        }
        Variable out = context.result(value, "sequence max", values);
        context.onBackward(out, () -> {
            float[] dy = out.gradData();
            float[] dx = values.gradData();
            for (int s = 0; s < lengths.length; s++) {
                int first = offsets[s] * features;
                for (int t = 0; t < lengths[s]; t++) {
                    for (int j = 0; j < features; j++) {
                        int i = s * features + j;
                        if (x[first + t * features + j] == y[i]) {
                            dx[first + t * features + j] += dy[i] / holders[i];
                        }
                    }
                }
            }
        });
        return out;
    }

    static void requirePacked(String operation, Variable values, int[] lengths, int[] offsets) {
        OpContext.requireRank(operation, values, 2);
        requireSequences(operation, values.shape().dim(0), values.shape(), lengths, offsets);
    }

    /**
     * Checks that every sequence (offsets[s], lengths[s]) lies inside {@code tokens} rows; errors
     * name the rows as {@code what} (the values' shape, say).
     */
    static void requireSequences(String operation, int tokens, Object what, int[] lengths, int[] offsets) {
        if (lengths.length != offsets.length) {
            throw new IllegalArgumentException(operation + ": " + lengths.length + " lengths but " + offsets.length + " offsets");
        }
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] < 0 || offsets[s] < 0 || offsets[s] > tokens - lengths[s]) {
                throw new IllegalArgumentException(operation + ": sequence " + s + " (offset " + offsets[s] + ", length "
                        + lengths[s] + ") lies outside the " + tokens + " rows of " + what);
            }
        }
    }
}
