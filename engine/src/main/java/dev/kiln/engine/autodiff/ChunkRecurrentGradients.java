package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;

/**
 * A recurrent direction's dU += H_prev^T d(hU) (H_prev = 0 at the first step) and the gradient of
 * the bias added with hU (column sums), one chunk of time-major rows at a time while they are in
 * cache: a GEMM per step packed its few rows each time, and one over the whole batch read
 * megabytes back from memory (both slower). dU is summed by a {@link WeightGradientProduct}
 * and written back by {@link #finish}. A null array is not wanted.
 */
final class ChunkRecurrentGradients {
    private final Kernels kernels;
    private final TimeMajorLayout layout;
    private final float[] hidden;
    private final int units;
    private final int width;
    private final float[] dBias;
    /** Room for a chunk's previous-step rows of h. */
    private final float[] previousHidden;
    private final WeightGradientProduct dU;

    /** For a direction whose forward pass saved {@code hidden} (time-major rows of {@code units}); U is [units, width]. */
    ChunkRecurrentGradients(Kernels kernels, StepBuffers.Claim buffers, TimeMajorLayout layout, float[] hidden, int units,
                            int width, float[] dRecurrent, float[] dBias) {
        this.kernels = kernels;
        this.layout = layout;
        this.hidden = hidden;
        this.units = units;
        this.width = width;
        this.dBias = dBias;
        this.previousHidden = dRecurrent == null ? null : buffers.floats(layout.chunkCapacity() * units);
        this.dU = dRecurrent == null ? null : new WeightGradientProduct(buffers, dRecurrent, units, width);
    }

    /** Chunk {@code chunk}'s share, from its rows of d(hU) (row r at (r - first row) * width). */
    void addChunk(int chunk, float[] dProduct) {
        int r0 = layout.chunkRow(chunk);
        int rows = layout.chunkRow(chunk + 1) - r0;
        if (dU != null) {
            layout.previousRows(chunk, hidden, units, previousHidden);
            dU.add(kernels, rows, previousHidden, 0, units, dProduct, 0, width);
        }
        if (dBias != null) {
            kernels.arithmetic().addColumnSums(rows, width, dProduct, 0, width, dBias, 0);
        }
    }

    /** After the last chunk: dU written back. */
    void finish() {
        if (dU != null) {
            dU.writeBack();
        }
    }
}
