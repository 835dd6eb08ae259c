package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;

/**
 * A recurrent direction's dU += H_prev^T d(hU) (H_prev = 0 at the first step) and the gradient of
 * the bias added with hU (column sums), one chunk of time-major rows at a time while they are in
 * cache: a GEMM per step packed its few rows each time, and one over the whole batch read
 * megabytes back from memory (both slower). The product is formed transposed, dU^T += d(hU)^T
 * H_prev, into a copy of dU^T written back by {@link #finish}: the GEMM packs its B operand, and
 * H_prev [rows, units] is a quarter of d(hU) [rows, 4 units] (packing d(hU) took 3 % of a seed
 * model's training step, JFR). Every element is the same multiply-adds in the same order, so the
 * result is the same bit for bit. A null array is not wanted.
 */
final class ChunkRecurrentGradients {
    private final Kernels kernels;
    private final TimeMajorLayout layout;
    private final float[] hidden;
    private final int units;
    private final int width;
    private final float[] dRecurrent;
    private final float[] dBias;
    /** Room for a chunk's previous-step rows of h. */
    private final float[] previousHidden;
    /** dU^T [width, units], added to chunk by chunk. */
    private final float[] transposedDRecurrent;

    /** For a direction whose forward pass saved {@code hidden} (time-major rows of {@code units}); U is [units, width]. */
    ChunkRecurrentGradients(Kernels kernels, StepBuffers.Claim buffers, TimeMajorLayout layout, float[] hidden, int units,
                            int width, float[] dRecurrent, float[] dBias) {
        this.kernels = kernels;
        this.layout = layout;
        this.hidden = hidden;
        this.units = units;
        this.width = width;
        this.dRecurrent = dRecurrent;
        this.dBias = dBias;
        this.previousHidden = dRecurrent == null ? null : buffers.floats(layout.chunkCapacity() * units);
        this.transposedDRecurrent = dRecurrent == null ? null : buffers.floats(width * units);
        if (dRecurrent != null) {
            transpose(dRecurrent, units, width, transposedDRecurrent);
        }
    }

    /** Chunk {@code chunk}'s share, from its rows of d(hU) (row r at (r - first row) * width). */
    void addChunk(int chunk, float[] dProduct) {
        int r0 = layout.chunkRow(chunk);
        int rows = layout.chunkRow(chunk + 1) - r0;
        if (dRecurrent != null) {
            layout.previousRows(chunk, hidden, units, previousHidden);
            kernels.gemm().sgemm(true, false, width, units, rows, 1f, dProduct, 0, width, previousHidden, 0, units, 1f,
                    transposedDRecurrent, 0, units);
        }
        if (dBias != null) {
            kernels.arithmetic().addColumnSums(rows, width, dProduct, 0, width, dBias, 0);
        }
    }

    /** After the last chunk: dU^T written back into dU. */
    void finish() {
        if (dRecurrent != null) {
            transpose(transposedDRecurrent, width, units, dRecurrent);
        }
    }

    /** {@code target} [columns, rows] = {@code source} [rows, columns]^T. */
    private static void transpose(float[] source, int rows, int columns, float[] target) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                target[c * rows + r] = source[r * columns + c];
            }
        }
    }
}
