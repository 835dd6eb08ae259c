package dev.kiln.engine.autodiff;

import dev.kiln.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * 1-D max pooling over windows of packed sequences, with its backward rule beside it. The max
 * sees only real steps (Keras' "same" padding never wins a max), and the gradient goes to one
 * step per window and feature: the first that holds the max, as torch's max_pool1d and
 * TensorFlow's CPU MaxPoolGrad choose it.
 */
final class PoolingOps {
    private final OpContext context;

    PoolingOps(OpContext context) {
        this.context = context;
    }

    /** x [tokens, features] packed as {@code lengths}/{@code offsets} -> [geometry.outputTokens(), features]. */
    Variable maxPool1d(Variable x, int[] lengths, int[] offsets, Conv1dGeometry geometry) {
        SequenceOps.requirePacked("max pool", x, lengths, offsets);
        if (geometry.dilation() != 1) {
            throw new IllegalArgumentException("max pool: windows have no dilation, got " + geometry.dilation());
        }
        int features = x.shape().dim(1);
        float[] in = x.data();
        Tensor value = Tensor.zeros(geometry.outputTokens(), features);
        float[] y = value.data();
        int[] argmax = new int[y.length]; // the input element each output copies; -1 while its window has none
        Arrays.fill(argmax, -1);
        geometry.forEachTap(lengths, offsets, (input, output, tap) -> {
            for (int j = 0; j < features; j++) {
                int o = output * features + j;
                float v = in[input * features + j];
                if (argmax[o] < 0 || v > y[o] || Float.isNaN(v)) { // strictly greater: the first max keeps it; NaN wins (torch)
                    y[o] = v;
                    argmax[o] = input * features + j;
                }
            }
        });
        Variable out = context.result(value, "max pool", x);
        context.onBackward(out, () -> {
            float[] dy = out.gradData();
            float[] dx = x.gradData();
            for (int o = 0; o < dy.length; o++) {
                if (argmax[o] >= 0) {
                    dx[argmax[o]] += dy[o];
                }
            }
        });
        return out;
    }
}
