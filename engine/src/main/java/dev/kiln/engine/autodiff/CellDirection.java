package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Gemm;
import dev.kiln.engine.kernel.Kernels;

import java.util.Arrays;

/**
 * One direction of a GRU or SimpleRNN over one batch, on real tokens only ({@link TimeMajorLayout}):
 * the input projection of all tokens as one GEMM (or, in table mode, rows of the embedding
 * table's projection: see {@link TableProjection}), then per step the recurrent product of the
 * running rows by U, packed once per batch, and the cell's element-wise part; backward replays the
 * steps in reverse, then computes the input-side gradients as GEMMs. Its arrays come from the step
 * buffers, so a training step allocates them once. (The LSTM has its own, more tuned direction.)
 */
final class CellDirection {
    private final Kernels kernels;
    private final StepBuffers.Claim buffers;
    private final RecurrentCell cell;
    private final TimeMajorLayout layout;
    private final int[] lengths;
    private final float[] values;
    /** Table mode: the embedding table's projection; null otherwise. */
    private final TableProjection table;
    private final int features;
    private final int units;
    private final int width;
    private final float[] kernel;
    private final float[] recurrentKernel;
    // Saved by forward() for backward(): time-major rows.
    private float[] inputs;
    private float[] recurrentProducts;
    private float[] hidden;
    private float[] saved;

    CellDirection(Kernels kernels, StepBuffers.Claim buffers, RecurrentCell cell, RecurrentInput input, int[] lengths,
                  int[] offsets, float[] kernel, float[] recurrentKernel, int units, boolean backwards) {
        this.kernels = kernels;
        this.buffers = buffers;
        this.cell = cell;
        this.layout = new TimeMajorLayout(lengths, offsets, backwards);
        this.lengths = lengths;
        this.features = input.features();
        this.units = units;
        this.width = cell.gates() * units;
        this.kernel = kernel;
        this.recurrentKernel = recurrentKernel;
        this.table = input.table() == null ? null : new TableProjection(kernels, buffers, input.table(), kernel, width);
        this.values = table == null ? input.values().data() : null;
    }

    /**
     * Runs the forward pass and writes h into columns [column, column + units) of {@code out}
     * (rows of {@code outWidth}): after each token at that token's row with {@code returnSequences},
     * else each sequence's final h at its row (an empty sequence keeps zeros).
     */
    void forward(float[] inputBias, float[] recurrentBias, boolean returnSequences, float[] out, int outWidth, int column) {
        Gemm gemm = kernels.gemm();
        int tokens = layout.tokens;
        // Every row of these is written before it is read.
        float[] projection = buffers.floats(tokens * width);
        if (table != null) {
            table.copyRows(table.projected(inputBias), layout.tokenRow, 0, tokens, projection, 0);
        } else {
            inputs = buffers.floats(tokens * features);
            for (int row = 0; row < tokens; row++) {
                System.arraycopy(values, layout.tokenRow[row] * features, inputs, row * features, features);
            }
            gemm.sgemm(false, false, tokens, width, features, 1f, inputs, 0, Math.max(1, features), kernel, 0, width, 0f,
                    projection, 0, width);
            kernels.arithmetic().addBiasRows(tokens, width, inputBias, 0, projection, 0, width);
        }
        recurrentProducts = buffers.floats(tokens * width);
        hidden = buffers.floats(tokens * units);
        saved = buffers.floats(tokens * cell.saved() * units);
        float[] zeros = buffers.zeros(layout.steps == 0 ? 0 : layout.active[0] * units);
        Gemm.PackedMatrix packedU = gemm.pack(false, units, width, recurrentKernel, 0, width);
        for (int t = 0; t < layout.steps; t++) {
            int rows = layout.active[t];
            int start = layout.rowStart[t];
            float[] previous = t == 0 ? zeros : hidden;
            int previousOff = t == 0 ? 0 : layout.rowStart[t - 1] * units;
            gemm.sgemm(false, rows, 1f, previous, previousOff, units, packedU, 0f, recurrentProducts, start * width, width);
            if (recurrentBias != null) {
                kernels.arithmetic().addBiasRows(rows, width, recurrentBias, 0, recurrentProducts, start * width, width);
            }
            cell.forward(rows, units, projection, start * width, recurrentProducts, start * width, previous, previousOff, hidden,
                    start * units, saved, start * cell.saved() * units);
        }
        writeOutput(returnSequences, out, outWidth, column);
    }

    /**
     * The forward pass when no backward pass follows (prediction, evaluation): nothing is kept per
     * token, as the LSTM's. The state is one row per sorted sequence, updated in place, and a
     * chunk's input projections live in a buffer of one chunk's rows, so memory is bounded by the
     * batch and the chunk, not by the tokens. The same sums as {@link #forward}.
     */
    void forwardOnly(float[] inputBias, float[] recurrentBias, boolean returnSequences, float[] out, int outWidth, int column) {
        Gemm gemm = kernels.gemm();
        int batch = layout.order.length;
        int capacity = layout.chunkCapacity();
        float[] chunkInputs = table == null ? buffers.floats(capacity * Math.max(1, features)) : null;
        float[] chunkProjection = buffers.floats(capacity * width);
        float[] products = buffers.floats(batch * width);
        float[] scratch = buffers.floats(batch * cell.saved() * units);
        float[] h = buffers.floats(batch * units); // written at step 0 before it is read
        float[] zeros = buffers.zeros(batch * units);
        Gemm.PackedMatrix packedU = gemm.pack(false, units, width, recurrentKernel, 0, width);
        // Kept across batches while E, W and b stay the same (the cache checks).
        float[] projected = table == null ? null : table.projected(inputBias);
        for (int chunk = 0; chunk + 1 < layout.chunkStart.length; chunk++) {
            int r0 = layout.chunkRow(chunk);
            int rows = layout.chunkRow(chunk + 1) - r0;
            if (projected != null) {
                table.copyRows(projected, layout.tokenRow, r0, rows, chunkProjection, 0);
            } else {
                for (int row = 0; row < rows; row++) {
                    System.arraycopy(values, layout.tokenRow[r0 + row] * features, chunkInputs, row * features, features);
                }
                gemm.sgemm(false, false, rows, width, features, 1f, chunkInputs, 0, Math.max(1, features), kernel, 0, width, 0f,
                        chunkProjection, 0, width);
                kernels.arithmetic().addBiasRows(rows, width, inputBias, 0, chunkProjection, 0, width);
            }
            for (int t = layout.chunkStart[chunk]; t < layout.chunkStart[chunk + 1]; t++) {
                int active = layout.active[t];
                float[] previous = t == 0 ? zeros : h;
                gemm.sgemm(false, active, 1f, previous, 0, units, packedU, 0f, products, 0, width);
                if (recurrentBias != null) {
                    kernels.arithmetic().addBiasRows(active, width, recurrentBias, 0, products, 0, width);
                }
                // In place: each element of h is read before it is written.
                cell.forward(active, units, chunkProjection, (layout.rowStart[t] - r0) * width, products, 0, previous, 0, h, 0,
                        scratch, 0);
                if (returnSequences) {
                    for (int j = 0; j < active; j++) {
                        System.arraycopy(h, j * units, out, layout.tokenRow[layout.rowStart[t] + j] * outWidth + column, units);
                    }
                }
            }
        }
        if (!returnSequences) {
            for (int j = 0; j < batch; j++) {
                if (lengths[layout.order[j]] > 0) {
                    System.arraycopy(h, j * units, out, layout.order[j] * outWidth + column, units);
                }
            }
        }
    }

    /**
     * One chunk's dU += H_prev^T dhu (H_prev = 0 at the first step) and recurrent-bias gradient, as
     * one GEMM over its rows while they are in cache: a GEMM per step packed its few rows each time,
     * and one over the whole batch read 11 MB of dhu back from memory (both slower).
     */
    private void chunkRecurrentGradients(int chunk, float[] dProduct, float[] previousHidden, float[] dRecurrent,
                                         float[] dRecurrentBias) {
        int r0 = layout.chunkRow(chunk);
        int rows = layout.chunkRow(chunk + 1) - r0;
        if (dRecurrent != null) {
            for (int t = layout.chunkStart[chunk]; t < layout.chunkStart[chunk + 1]; t++) {
                int at = (layout.rowStart[t] - r0) * units;
                if (t == 0) {
                    Arrays.fill(previousHidden, at, at + layout.active[t] * units, 0f);
                } else {
                    System.arraycopy(hidden, layout.rowStart[t - 1] * units, previousHidden, at, layout.active[t] * units);
                }
            }
            kernels.gemm().sgemm(true, false, units, width, rows, 1f, previousHidden, 0, units, dProduct, 0, width, 1f,
                    dRecurrent, 0, width);
        }
        if (dRecurrentBias != null) {
            kernels.arithmetic().addColumnSums(rows, width, dProduct, 0, width, dRecurrentBias, 0);
        }
    }

    private void writeOutput(boolean returnSequences, float[] out, int outWidth, int column) {
        if (returnSequences) {
            for (int row = 0; row < layout.tokens; row++) {
                System.arraycopy(hidden, row * units, out, layout.tokenRow[row] * outWidth + column, units);
            }
            return;
        }
        for (int j = 0; j < layout.order.length; j++) {
            int sequence = layout.order[j];
            if (lengths[sequence] > 0) {
                System.arraycopy(hidden, layout.lastRow(lengths[sequence], j) * units, out, sequence * outWidth + column, units);
            }
        }
    }

    /** A zeroed array of at least {@code size} floats from this direction's buffers, for its input gradient. */
    float[] zeroedBuffer(int size) {
        return buffers.zeros(size);
    }

    /**
     * Back-propagates the output gradient (columns [column, column + units) of {@code dOut}, laid
     * out as forward's output) and adds the gradients into the arrays given; null arrays are not
     * wanted. {@code dInput} receives the gradient of the direction's input: the value rows, or in
     * table mode the embedding table.
     */
    void backward(float[] dOut, int outWidth, int column, boolean returnSequences, float[] dKernel, float[] dRecurrent,
                  float[] dInputBias, float[] dRecurrentBias, float[] dInput) {
        Gemm gemm = kernels.gemm();
        int tokens = layout.tokens;
        float[] dHidden = buffers.zeros(tokens * units);
        if (returnSequences) {
            for (int row = 0; row < tokens; row++) {
                System.arraycopy(dOut, layout.tokenRow[row] * outWidth + column, dHidden, row * units, units);
            }
        } else {
            for (int j = 0; j < layout.order.length; j++) {
                int sequence = layout.order[j];
                if (lengths[sequence] > 0) {
                    System.arraycopy(dOut, sequence * outWidth + column, dHidden, layout.lastRow(lengths[sequence], j) * units, units);
                }
            }
        }
        // Every row of these is written by the cell before it is read; dhu per chunk, rows at (row - r0) * width.
        float[] dProjection = buffers.floats(tokens * width);
        int capacity = layout.chunkCapacity();
        float[] dProduct = buffers.floats(capacity * width);
        float[] previousHidden = dRecurrent == null ? null : buffers.floats(capacity * units);
        float[] zeros = buffers.zeros(layout.steps == 0 ? 0 : layout.active[0] * units);
        Gemm.PackedMatrix packedUt = gemm.pack(true, width, units, recurrentKernel, 0, width);
        for (int chunk = layout.chunkStart.length - 2; chunk >= 0; chunk--) {
            int r0 = layout.chunkRow(chunk);
            for (int t = layout.chunkStart[chunk + 1] - 1; t >= layout.chunkStart[chunk]; t--) {
                int rows = layout.active[t];
                int start = layout.rowStart[t];
                boolean first = t == 0;
                int previousOff = first ? 0 : layout.rowStart[t - 1] * units;
                float[] previous = first ? zeros : hidden;
                cell.backward(rows, units, dHidden, start * units, previous, previousOff, recurrentProducts, start * width, saved,
                        start * cell.saved() * units, dProjection, start * width, dProduct, (start - r0) * width,
                        first ? null : dHidden, previousOff);
                if (!first) { // dh_prev += dhu U^T
                    gemm.sgemm(false, rows, 1f, dProduct, (start - r0) * width, width, packedUt, 1f, dHidden, previousOff, units);
                }
            }
            chunkRecurrentGradients(chunk, dProduct, previousHidden, dRecurrent, dRecurrentBias);
        }
        if (dInputBias != null) {
            kernels.arithmetic().addColumnSums(tokens, width, dProjection, 0, width, dInputBias, 0);
        }
        if (table != null) {
            if (dKernel != null || dInput != null) {
                float[] perEntry = table.zeroedPerEntry();
                table.scatter(dProjection, 0, layout.tokenRow, 0, tokens, perEntry);
                table.addGradients(perEntry, dKernel, dInput);
            }
            return;
        }
        if (dKernel != null) {
            gemm.sgemm(true, false, features, width, tokens, 1f, inputs, 0, Math.max(1, features), dProjection, 0, width, 1f,
                    dKernel, 0, width);
        }
        if (dInput != null) {
            float[] dInputs = buffers.floats(tokens * Math.max(1, features));
            gemm.sgemm(false, true, tokens, features, width, 1f, dProjection, 0, width, kernel, 0, width, 0f, dInputs, 0,
                    Math.max(1, features));
            for (int row = 0; row < tokens; row++) {
                kernels.arithmetic().axpy(features, 1f, dInputs, row * features, dInput, layout.tokenRow[row] * features);
            }
        }
    }
}
