package dev.kiln.engine.autodiff;

/**
 * Where a 1-D convolution or pooling window reads and writes, sequence by sequence: Keras' output lengths for
 * "valid" (floor((L - dilation (k - 1) - 1) / stride) + 1, at least 0) and "same" (ceil(L / stride),
 * zero padding split as TensorFlow splits it, the smaller half on the left), and the packed
 * offsets of the outputs (contiguous, in sequence order).
 */
public final class Conv1dGeometry {
    private final int kernelSize;
    private final int stride;
    private final int dilation;
    private final int[] padLeft;
    private final int[] outputLengths;
    private final int[] outputOffsets;

    private Conv1dGeometry(int kernelSize, int stride, int dilation, int[] padLeft, int[] outputLengths, int[] outputOffsets) {
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.dilation = dilation;
        this.padLeft = padLeft;
        this.outputLengths = outputLengths;
        this.outputOffsets = outputOffsets;
    }

    /** The geometry for sequences of {@code lengths}; kernel size, stride and dilation at least 1. */
    public static Conv1dGeometry of(int[] lengths, int kernelSize, int stride, int dilation, boolean same) {
        if (kernelSize < 1 || stride < 1 || dilation < 1) {
            throw new IllegalArgumentException("conv1d needs kernel size, stride and dilation >= 1, got "
                    + kernelSize + ", " + stride + " and " + dilation);
        }
        long span = (long) (kernelSize - 1) * dilation + 1; // the receptive field of one output step
        int[] padLeft = new int[lengths.length];
        int[] outputLengths = new int[lengths.length];
        int[] outputOffsets = new int[lengths.length];
        int next = 0;
        for (int s = 0; s < lengths.length; s++) {
            int length = lengths[s];
            if (same) {
                int out = (int) ((length + (long) stride - 1) / stride);
                long total = Math.max((long) (out - 1) * stride + span - length, 0);
                outputLengths[s] = out;
                padLeft[s] = (int) (total / 2);
            } else {
                outputLengths[s] = length < span ? 0 : (int) ((length - span) / stride + 1);
            }
            outputOffsets[s] = next;
            next = Math.addExact(next, outputLengths[s]);
        }
        return new Conv1dGeometry(kernelSize, stride, dilation, padLeft, outputLengths, outputOffsets);
    }

    /** The kernel's taps. */
    public int kernelSize() {
        return kernelSize;
    }

    /** Steps between output positions. */
    public int stride() {
        return stride;
    }

    /** Steps between taps. */
    public int dilation() {
        return dilation;
    }

    /** Each output sequence's length. */
    public int[] outputLengths() {
        return outputLengths;
    }

    /** Each output sequence's first row. */
    public int[] outputOffsets() {
        return outputOffsets;
    }

    /** The output's row count: the sum of the output lengths. */
    public int outputTokens() {
        int last = outputLengths.length - 1;
        return last < 0 ? 0 : outputOffsets[last] + outputLengths[last];
    }

    /** The zero steps before sequence {@code s} (0 for "valid"). */
    int padLeft(int s) {
        return padLeft[s];
    }

    /** One tap of one output step: the input row it reads, the output row it serves and which tap it is. */
    @FunctionalInterface
    interface Tap {
        void at(int inputRow, int outputRow, int tap);
    }

    /**
     * Every tap of every output step that reads a real step of sequences packed as {@code lengths}
     * and {@code offsets}, in order of sequence, output step and tap; taps in the padding are skipped.
     */
    void forEachTap(int[] lengths, int[] offsets, Tap tap) {
        for (int s = 0; s < lengths.length; s++) {
            for (int t = 0; t < outputLengths[s]; t++) {
                int start = t * stride - padLeft[s];
                for (int j = 0; j < kernelSize; j++) {
                    int step = start + j * dilation;
                    if (step >= 0 && step < lengths[s]) {
                        tap.at(offsets[s] + step, outputOffsets[s] + t, j);
                    }
                }
            }
        }
    }
}
