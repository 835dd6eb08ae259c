package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Gemm;
import dev.kiln.engine.tensor.Tensor;

/**
 * 1-D convolution (cross-correlation, as Keras and torch compute it) over packed sequences, with
 * its backward rule beside it. The whole batch is unrolled into one column matrix (im2col: a row
 * per output step, the k taps' input vectors side by side, zeros where a tap falls in the padding)
 * so the forward pass and each gradient is a single GEMM: the kernel [k, in, out] is, row-major,
 * already the [k in, out] matrix those rows multiply.
 */
final class ConvolutionOps {
    private final OpContext context;

    ConvolutionOps(OpContext context) {
        this.context = context;
    }

    /** x [tokens, in] packed as {@code lengths}/{@code offsets}, kernel [k, in, out] -> [outputTokens, out]. */
    Variable conv1d(Variable x, int[] lengths, int[] offsets, Variable kernel, Conv1dGeometry geometry) {
        OpContext.requireRank("conv1d", x, 2);
        OpContext.requireRank("conv1d", kernel, 3);
        SequenceOps.requirePacked("conv1d", x, lengths, offsets);
        int channels = x.shape().dim(1);
        int taps = geometry.kernelSize();
        if (kernel.shape().dim(0) != taps || kernel.shape().dim(1) != channels) {
            throw new IllegalArgumentException("conv1d: kernel " + kernel.shape() + " does not fit " + taps
                    + " taps over " + channels + " input channels");
        }
        int filters = kernel.shape().dim(2);
        int rows = geometry.outputTokens();
        int width = taps * channels;
        float[] columns = im2col(x.data(), channels, lengths, offsets, geometry, rows);
        Gemm gemm = context.kernels().gemm();
        int ldw = Math.max(1, width);
        int ldf = Math.max(1, filters);
        Tensor value = Tensor.zeros(rows, filters);
        gemm.sgemm(false, false, rows, filters, width, 1f, columns, 0, ldw, kernel.data(), 0, ldf, 0f, value.data(), 0, ldf);
        Variable out = context.result(value, "conv1d", x, kernel);
        context.onBackward(out, () -> {
            float[] dy = out.gradData();
            if (kernel.requiresGrad()) { // dK += columns^T dy
                gemm.sgemm(true, false, width, filters, rows, 1f, columns, 0, ldw, dy, 0, ldf, 1f, kernel.gradData(), 0, ldf);
            }
            if (x.requiresGrad()) { // dColumns = dy K^T, then each tap's slice added back to the step it read
                float[] dColumns = new float[rows * width];
                gemm.sgemm(false, true, rows, width, filters, 1f, dy, 0, ldf, kernel.data(), 0, ldf, 0f, dColumns, 0, ldw);
                col2im(dColumns, x.gradData(), channels, lengths, offsets, geometry);
            }
        });
        return out;
    }

    /** Each tap's input vector copied to its slice of its output step's row; taps in the padding stay zero. */
    private static float[] im2col(float[] x, int channels, int[] lengths, int[] offsets, Conv1dGeometry geometry, int rows) {
        int taps = geometry.kernelSize();
        float[] columns = new float[rows * taps * channels];
        geometry.forEachTap(lengths, offsets, (input, output, tap) ->
                System.arraycopy(x, input * channels, columns, (output * taps + tap) * channels, channels));
        return columns;
    }

    /** Adds each tap's slice of {@code dColumns} back to the input step it read. */
    private void col2im(float[] dColumns, float[] dx, int channels, int[] lengths, int[] offsets, Conv1dGeometry geometry) {
        int taps = geometry.kernelSize();
        geometry.forEachTap(lengths, offsets, (input, output, tap) -> context.kernels().arithmetic().axpy(channels, 1f,
                dColumns, (output * taps + tap) * channels, dx, input * channels));
    }
}
