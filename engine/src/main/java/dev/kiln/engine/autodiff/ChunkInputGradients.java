package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Gemm;
import dev.kiln.engine.kernel.Kernels;

/**
 * A recurrent direction's input-side gradients, one chunk of time-major rows at a time, from the
 * chunk's gradient of its input projection xw = x W + b: the counterpart of {@link ChunkProjection},
 * for the LSTM's direction and the GRU's and SimpleRNN's. Per token, dW += X^T dxw (the chunk's
 * inputs gathered again) and dX = dxw W^T, written per time-major row through a chunk buffer in
 * cache (see {@link ChunkProjection}); in table mode dxw is added into S[id] per token, and
 * {@link #finish} adds dW = E^T S and dE = S W^T ({@link TableProjection}). A null array is not wanted.
 */
final class ChunkInputGradients {
    private final Kernels kernels;
    private final TimeMajorLayout layout;
    private final TableProjection table;
    private final float[] values;
    private final int features;
    private final int width;
    private final float[] dKernel;
    private final float[] dInput;
    /** Table mode: S [vocabulary, width]. */
    private final float[] perEntry;
    /** Per-token mode: room for a chunk's inputs (for dW) and for its rows of dX, and W^T packed once. */
    private final float[] chunkInputs;
    private final float[] chunkDx;
    private final Gemm.PackedMatrix packedWt;
    /** Per-token mode: dW's sum over the chunks. */
    private final WeightGradientProduct dW;

    /**
     * For a direction reading {@code table} (or, when it is null, the {@code values} rows of
     * {@code features}) through kernel W [features, width]. {@code dInput}: in table mode E's
     * gradient, added to; otherwise the direction's input-gradient rows, time-major, written.
     */
    ChunkInputGradients(Kernels kernels, StepBuffers.Claim buffers, TimeMajorLayout layout, TableProjection table,
                        float[] values, int features, float[] kernel, int width, float[] dKernel, float[] dInput) {
        this.kernels = kernels;
        this.layout = layout;
        this.table = table;
        this.values = values;
        this.features = features;
        this.width = width;
        this.dKernel = dKernel;
        this.dInput = dInput;
        int capacity = layout.chunkCapacity();
        boolean perToken = table == null;
        this.perEntry = !perToken && (dKernel != null || dInput != null) ? table.zeroedPerEntry() : null;
        this.chunkInputs = perToken && dKernel != null ? buffers.floats(capacity * Math.max(1, features)) : null;
        this.dW = chunkInputs != null ? new WeightGradientProduct(buffers, dKernel, features, width) : null;
        this.chunkDx = perToken && dInput != null ? buffers.floats(capacity * Math.max(1, features)) : null;
        this.packedWt = chunkDx != null ? kernels.gemm().pack(true, width, features, kernel, 0, width) : null;
    }

    /** Chunk {@code chunk}'s share, from its rows of dxw (row r at (r - first row) * width). */
    void addChunk(int chunk, float[] dxw) {
        int r0 = layout.chunkRow(chunk);
        int rows = layout.chunkRow(chunk + 1) - r0;
        if (perEntry != null) {
            table.scatter(dxw, 0, layout.tokenRow, r0, rows, perEntry);
        }
        if (chunkInputs != null) { // dW += X^T dxw
            layout.gather(values, features, r0, rows, chunkInputs);
            dW.add(kernels, rows, chunkInputs, 0, Math.max(1, features), dxw, 0, width);
        }
        if (chunkDx != null) { // dX = dxw W^T, the chunk's rows, copied in one pass (see ChunkProjection)
            kernels.gemm().sgemm(false, rows, 1f, dxw, 0, width, packedWt, 0f, chunkDx, 0, Math.max(1, features));
            System.arraycopy(chunkDx, 0, dInput, r0 * features, rows * features);
        }
    }

    /** After the last chunk: dW written back, and in table mode the table's gradients. */
    void finish() {
        if (dW != null) {
            dW.writeBack();
        }
        if (perEntry != null) {
            table.addGradients(perEntry, dKernel, dInput);
        }
    }
}
