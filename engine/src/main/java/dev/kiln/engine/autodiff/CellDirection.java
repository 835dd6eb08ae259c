package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Gemm;
import dev.kiln.engine.kernel.Kernels;

/**
 * One direction of a GRU or SimpleRNN over one batch, on real tokens only, in chunks of about
 * {@link TimeMajorLayout#CHUNK_ROWS} rows as the LSTM's ({@link LstmDirection}): a chunk's input
 * projection ({@link ChunkProjection}) just before its steps; each step adds the running rows'
 * product by U, packed once per batch, and runs the cell's element-wise part. Backward replays a
 * chunk's steps in reverse, then computes that chunk's weight and input gradients as GEMMs while
 * its rows are in cache. Only what backward needs is kept per token (the recurrent products, h
 * and the cell's saved values); its arrays come from the step buffers, so a training step
 * allocates them once, and prediction keeps nothing per token ({@link #forwardOnly}).
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
        this.table = input.table() == null ? null : new TableProjection(kernels, buffers, input.table(), kernel, width, p -> { });
        this.values = table == null ? input.values().data() : null;
    }

    /**
     * Runs the forward pass and writes h into columns [column, column + units) of {@code out}
     * (rows of {@code outWidth}): after each token at that token's row with {@code returnSequences},
     * else each sequence's final h at its row (an empty sequence keeps zeros).
     */
    void forward(float[] inputBias, float[] recurrentBias, boolean returnSequences, SharedOutput out, int outWidth, int column) {
        int tokens = layout.tokens;
        ChunkProjection projection = new ChunkProjection(kernels, buffers, layout, table, values, features, kernel, inputBias, width, false);
        float[] xw = buffers.floats(layout.chunkCapacity() * width); // a chunk's projections, row r at (r - r0) * width
        // Every row of these is written before it is read.
        recurrentProducts = buffers.floats(tokens * width);
        hidden = buffers.floats(tokens * units);
        saved = buffers.floats(tokens * cell.saved() * units);
        float[] zeros = buffers.zeros(layout.steps == 0 ? 0 : layout.active[0] * units);
        Gemm.PackedMatrix packedU = kernels.gemm().pack(false, units, width, recurrentKernel, 0, width);
        for (int chunk = 0; chunk + 1 < layout.chunkStart.length; chunk++) {
            int r0 = layout.chunkRow(chunk);
            projection.project(chunk, xw, 0);
            for (int t = layout.chunkStart[chunk]; t < layout.chunkStart[chunk + 1]; t++) {
                int rows = layout.active[t];
                int start = layout.rowStart[t];
                float[] previous = t == 0 ? zeros : hidden;
                int previousOff = t == 0 ? 0 : layout.rowStart[t - 1] * units;
                recurrentProduct(rows, previous, previousOff, packedU, recurrentBias, recurrentProducts, start * width);
                cell.forward(rows, units, xw, (start - r0) * width, recurrentProducts, start * width, previous, previousOff,
                        hidden, start * units, saved, start * cell.saved() * units);
            }
        }
        layout.writeOutput(hidden, units, returnSequences, out.array(), outWidth, column);
    }

    /**
     * The forward pass when no backward pass follows (prediction, evaluation): nothing is kept per
     * token, as the LSTM's. The state is one row per sorted sequence, updated in place, so memory
     * is bounded by the batch and the chunk, not by the tokens. The same sums as {@link #forward}.
     */
    void forwardOnly(float[] inputBias, float[] recurrentBias, boolean returnSequences, SharedOutput out, int outWidth, int column) {
        int batch = layout.order.length;
        ChunkProjection projection = new ChunkProjection(kernels, buffers, layout, table, values, features, kernel, inputBias, width, false);
        float[] xw = buffers.floats(layout.chunkCapacity() * width); // a chunk's projections, row r at (r - r0) * width
        float[] products = buffers.floats(batch * width);
        float[] scratch = buffers.floats(batch * cell.saved() * units);
        float[] h = buffers.floats(batch * units); // written at step 0 before it is read
        float[] zeros = buffers.zeros(batch * units);
        Gemm.PackedMatrix packedU = kernels.gemm().pack(false, units, width, recurrentKernel, 0, width);
        float[] steps = returnSequences ? out.array() : null;
        for (int chunk = 0; chunk + 1 < layout.chunkStart.length; chunk++) {
            int r0 = layout.chunkRow(chunk);
            projection.project(chunk, xw, 0);
            for (int t = layout.chunkStart[chunk]; t < layout.chunkStart[chunk + 1]; t++) {
                int active = layout.active[t];
                float[] previous = t == 0 ? zeros : h;
                recurrentProduct(active, previous, 0, packedU, recurrentBias, products, 0);
                // In place: each element of h is read before it is written.
                cell.forward(active, units, xw, (layout.rowStart[t] - r0) * width, products, 0, previous, 0, h, 0, scratch, 0);
                if (returnSequences) {
                    layout.writeStep(t, h, units, steps, outWidth, column);
                }
            }
        }
        if (!returnSequences) {
            layout.writeFinalStates(h, units, out.array(), outWidth, column);
        }
    }

    /** hu = h_prev U + b_recurrent for {@code rows} rows, into {@code target} at {@code at} (no bias when null). */
    private void recurrentProduct(int rows, float[] previous, int previousOff, Gemm.PackedMatrix packedU, float[] recurrentBias,
                                  float[] target, int at) {
        kernels.gemm().sgemm(false, rows, 1f, previous, previousOff, units, packedU, 0f, target, at, width);
        if (recurrentBias != null) {
            kernels.arithmetic().addBiasRows(rows, width, recurrentBias, 0, target, at, width);
        }
    }

    /** A zeroed array of at least {@code size} floats from this direction's buffers. */
    float[] zeroedBuffer(int size) {
        return buffers.zeros(size);
    }

    /**
     * Room for this direction's part of the input gradient ({@link InputGradientSum}), for
     * {@link #backward}: in table mode the table's gradient, zeroed; otherwise a row per token,
     * each written by backward.
     */
    float[] inputGradientPart() {
        return InputGradientSum.part(buffers, table, layout.tokens, features);
    }

    /** How this direction lays out the batch. */
    TimeMajorLayout layout() {
        return layout;
    }

    /**
     * Back-propagates the output gradient (columns [column, column + units) of {@code dOut}'s rows,
     * laid out as forward's output) and adds the gradients into the arrays given; null arrays are not
     * wanted. {@code dInput} receives the direction's part of its input's gradient (see
     * {@link #inputGradientPart}): in table mode the embedding table's, added; otherwise each
     * time-major row's, written at row x features.
     */
    void backward(GradientRows dOut, int column, boolean returnSequences, float[] dKernel, float[] dRecurrent,
                  float[] dInputBias, float[] dRecurrentBias, float[] dInput) {
        Gemm gemm = kernels.gemm();
        int tokens = layout.tokens;
        // Every row is written with returnSequences; otherwise only the last ones, the rest start at zero.
        float[] dHidden = returnSequences ? buffers.floats(tokens * units) : buffers.zeros(tokens * units);
        if (returnSequences) {
            for (int row = 0; row < tokens; row++) {
                dOut.copyTo(layout.tokenRow[row], column, units, dHidden, row * units);
            }
        } else {
            for (int j = 0; j < layout.order.length; j++) {
                int sequence = layout.order[j];
                if (lengths[sequence] > 0) {
                    dOut.copyTo(sequence, column, units, dHidden, layout.lastRow(lengths[sequence], j) * units);
                }
            }
        }
        // A chunk's dL/dxw and dL/dhu, row r at (r - first row) * width, each written by the cell before it is read.
        int capacity = layout.chunkCapacity();
        float[] dProjection = buffers.floats(capacity * width);
        float[] dProduct = buffers.floats(capacity * width);
        ChunkRecurrentGradients recurrentSide = new ChunkRecurrentGradients(kernels, buffers, layout, hidden, units, width,
                dRecurrent, dRecurrentBias);
        float[] zeros = buffers.zeros(layout.steps == 0 ? 0 : layout.active[0] * units);
        ChunkInputGradients inputSide = new ChunkInputGradients(kernels, buffers, layout, table, values, features, kernel, width,
                dKernel, dInput);
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
                        start * cell.saved() * units, dProjection, (start - r0) * width, dProduct, (start - r0) * width,
                        first ? null : dHidden, previousOff);
                if (!first) { // dh_prev += dhu U^T
                    gemm.sgemm(false, rows, 1f, dProduct, (start - r0) * width, width, packedUt, 1f, dHidden, previousOff, units);
                }
            }
            recurrentSide.addChunk(chunk, dProduct);
            if (dInputBias != null) {
                kernels.arithmetic().addColumnSums(layout.chunkRow(chunk + 1) - r0, width, dProjection, 0, width, dInputBias, 0);
            }
            inputSide.addChunk(chunk, dProjection);
        }
        inputSide.finish();
        recurrentSide.finish();
    }
}
