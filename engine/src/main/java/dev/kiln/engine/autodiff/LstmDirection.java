package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Gemm;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.kernel.LstmCell;

import static dev.kiln.engine.autodiff.StepPhases.Phase.INPUT_SIDE;
import static dev.kiln.engine.autodiff.StepPhases.Phase.RECURRENCE_BACKWARD;
import static dev.kiln.engine.autodiff.StepPhases.Phase.RECURRENCE_FORWARD;
import static dev.kiln.engine.autodiff.StepPhases.Phase.WEIGHT_GRADIENTS;

/**
 * One direction of the fused LSTM over one batch: the forward pass, and the backward pass through
 * time from the state it saved. Only real tokens are computed.
 *
 * <p>Layout: sequences are ordered by length, longest first, and their tokens laid out time-major,
 * so the sequences still running at step t are always the first active[t] rows of the state and
 * step t's rows are contiguous. The input projection is one GEMM per chunk of steps; each step
 * adds h.U for its active rows (U packed once) and runs the vectorized cell. A finished sequence's
 * rows are never touched again, so its final h stays in place. Backward replays the steps in
 * reverse from the saved gates, cell states and tanh(c), and after each chunk computes that
 * chunk's weight gradients as three GEMMs.
 *
 * <p>Table mode, when the inputs are rows of an embedding table E: see {@link TableProjection}.
 * The input's gradient is then E's, not the values'.
 */
final class LstmDirection {
    private final Kernels kernels;
    private final float[] values;
    private final int features;
    private final int units;
    private final int width;
    private final float[] kernel;
    private final float[] recurrentKernel;
    private final int[] order;
    private final int[] active;
    private final int[] rowStart;
    private final int[] tokenRow;
    private final int tokens;
    private final TimeMajorLayout layout;
    /** Table mode: the embedding table's projection; null otherwise. */
    private final TableProjection table;
    /** Where this direction's working arrays come from (reused from step to step). */
    private final StepBuffers.Claim buffers;
    private final StepPhases phases;
    // Saved by forward() for backward(): time-major rows. The inputs are not: backward gathers
    // each chunk's again (a whole-batch copy was megabytes more written and read per step).
    private float[] gates;
    private float[] cells;
    private float[] squashed;
    private float[] hidden;

    /** A direction over {@code input}: the token vectors, or in table mode the table and each token's id. */
    LstmDirection(Kernels kernels, StepBuffers.Claim buffers, StepPhases phases, RecurrentInput input, int[] lengths, int[] offsets,
                  float[] kernel, float[] recurrentKernel, int units, boolean backwards) {
        this.buffers = buffers;
        this.phases = phases;
        this.kernels = kernels;
        this.width = 4 * units;
        this.table = input.table() == null ? null : new TableProjection(kernels, buffers, input.table(), kernel, width,
                projected -> LstmCell.doubleCandidates(projected.length / width, units, projected, 0, width));
        this.values = table == null ? input.values().data() : null;
        this.features = input.features();
        this.units = units;
        this.kernel = kernel;
        this.recurrentKernel = recurrentKernel;
        layout = new TimeMajorLayout(lengths, offsets, backwards);
        order = layout.order;
        active = layout.active;
        rowStart = layout.rowStart;
        tokens = layout.tokens;
        tokenRow = layout.tokenRow;
    }

    /**
     * Runs the forward pass and writes h into {@code out}: with {@code returnSequences}, the h
     * after each token at that token's row; otherwise each sequence's final h at its row (an empty
     * sequence keeps zeros). Columns [column, column + units) of rows of width {@code outWidth}.
     */
    void forward(float[] bias, boolean returnSequences, SharedOutput out, int outWidth, int column) {
        Gemm gemm = kernels.gemm();
        long began = phases.start();
        // P once per batch in table mode: the other shards of the step find it in the cache.
        ChunkProjection projection = projection(bias, true);
        phases.stop(INPUT_SIDE, began);
        // Every row of these is written before it is read: no zeroing needed.
        gates = buffers.floats(tokens * width);
        cells = buffers.floats(tokens * units);
        squashed = buffers.floats(tokens * units);
        hidden = buffers.floats(tokens * units);
        Gemm.PackedMatrix packedU = gemm.pack(false, units, width, doubledCandidates(recurrentKernel, units), 0, width);
        for (int chunk = 0; chunk + 1 < layout.chunkStart.length; chunk++) {
            began = phases.start();
            projection.project(chunk, gates, layout.chunkRow(chunk) * width);
            phases.stop(INPUT_SIDE, began);
            began = phases.start();
            recurrence(layout.chunkStart[chunk], layout.chunkStart[chunk + 1], packedU);
            phases.stop(RECURRENCE_FORWARD, began);
        }
        layout.writeOutput(hidden, units, returnSequences, out.array(), outWidth, column);
    }

    /**
     * The forward pass when no backward pass will follow (prediction, evaluation): nothing is
     * kept per token. The state is one row per sorted sequence, updated in place (the sequences
     * running at a step are always the first rows), and a chunk's projections live in a buffer
     * the size of one chunk, so the whole pass stays in cache.
     */
    void forwardOnly(float[] bias, boolean returnSequences, SharedOutput out, int outWidth, int column) {
        Gemm gemm = kernels.gemm();
        LstmCell cell = kernels.lstmCell();
        int batch = order.length;
        // P kept across batches while E, W and b stay the same (the cache checks).
        ChunkProjection projection = projection(bias, false);
        float[] chunkGates = buffers.floats(layout.chunkCapacity() * width);
        // The state's rows are written at step 0 before they are read (no previous c, no h U).
        float[] h = buffers.floats(batch * units);
        float[] c = buffers.floats(batch * units);
        float[] squashedRow = buffers.floats(batch * units);
        Gemm.PackedMatrix packedU = gemm.pack(false, units, width, doubledCandidates(recurrentKernel, units), 0, width);
        float[] steps = returnSequences ? out.array() : null;
        for (int chunk = 0; chunk + 1 < layout.chunkStart.length; chunk++) {
            int r0 = layout.chunkRow(chunk);
            projection.project(chunk, chunkGates, 0);
            for (int t = layout.chunkStart[chunk]; t < layout.chunkStart[chunk + 1]; t++) {
                int active = this.active[t];
                int at = (rowStart[t] - r0) * width;
                if (t > 0) {
                    gemm.sgemm(false, active, 1f, h, 0, units, packedU, 1f, chunkGates, at, width);
                }
                // In place: each element of c and h is read before it is written.
                cell.forward(active, units, chunkGates, at, t > 0 ? c : null, 0, c, 0, squashedRow, 0, h, 0);
                if (returnSequences) {
                    layout.writeStep(t, h, units, steps, outWidth, column);
                }
            }
        }
        if (!returnSequences) {
            layout.writeFinalStates(h, units, out.array(), outWidth, column);
        }
    }

    /**
     * The input projection of a forward pass, its candidate block doubled for the cell (see
     * {@link LstmCell}): in table mode P is doubled once computed (the cache keeps it so), otherwise
     * the projection uses doubled copies of W and b.
     */
    private ChunkProjection projection(float[] bias, boolean intoBatch) {
        if (table != null) {
            return new ChunkProjection(kernels, buffers, layout, table, null, features, kernel, bias, width, intoBatch);
        }
        return new ChunkProjection(kernels, buffers, layout, null, values, features, doubledCandidates(kernel, features),
                doubledCandidates(bias, 1), width, intoBatch);
    }

    /** A copy of {@code rows} rows of gate columns (W's, U's or b) with the candidate block doubled. */
    private float[] doubledCandidates(float[] weights, int rows) {
        float[] copy = buffers.floats(rows * width);
        System.arraycopy(weights, 0, copy, 0, rows * width);
        LstmCell.doubleCandidates(rows, units, copy, 0, width);
        return copy;
    }

    /**
     * Room for this direction's part of the input gradient ({@link InputGradientSum}), for
     * {@link #backward}: in table mode the table's gradient, zeroed; otherwise a row per token,
     * each written by backward.
     */
    float[] inputGradientPart() {
        return InputGradientSum.part(buffers, table, tokens, features);
    }

    /** How this direction lays out the batch. */
    TimeMajorLayout layout() {
        return layout;
    }

    /** Steps [from, to): step t adds h_{t-1} U to its rows, then the cell turns them into gates, c and h. */
    private void recurrence(int from, int to, Gemm.PackedMatrix packedU) {
        Gemm gemm = kernels.gemm();
        LstmCell cell = kernels.lstmCell();
        for (int t = from; t < to; t++) {
            int rows = active[t];
            int row0 = rowStart[t];
            if (t > 0) {
                int previous = rowStart[t - 1];
                gemm.sgemm(false, rows, 1f, hidden, previous * units, units, packedU, 1f, gates, row0 * width, width);
                cell.forward(rows, units, gates, row0 * width, cells, previous * units, cells, row0 * units,
                        squashed, row0 * units, hidden, row0 * units);
            } else {
                cell.forward(rows, units, gates, 0, null, 0, cells, 0, squashed, 0, hidden, 0);
            }
        }
    }

    /**
     * Back-propagates the output gradient (columns [column, column + units) of {@code dOut}'s rows,
     * laid out as forward's output) and adds the gradients into the given arrays; a null array is not
     * wanted. {@code dInput} receives the direction's part of its input's gradient (see
     * {@link #inputGradientPart}): in table mode the embedding table's, added; otherwise each
     * time-major row's, written at row x features.
     */
    void backward(GradientRows dOut, int column, boolean returnSequences,
                  float[] dKernel, float[] dRecurrent, float[] dBias, float[] dInput) {
        Gemm gemm = kernels.gemm();
        LstmCell cell = kernels.lstmCell();
        int batch = order.length;
        // dh and dc per sorted sequence; dh starts as the output's gradient (final-state mode).
        float[] dh = buffers.zeros(batch * units);
        float[] dc = buffers.zeros(batch * units);
        if (!returnSequences) {
            for (int j = 0; j < batch; j++) {
                dOut.copyTo(order[j], column, units, dh, j * units);
            }
        }
        float[] dz = buffers.floats(layout.chunkCapacity() * width);
        // dz is both the input projection's gradient and h U's: the bias goes with the recurrent part.
        ChunkRecurrentGradients recurrentSide = new ChunkRecurrentGradients(kernels, buffers, layout, hidden, units, width,
                dRecurrent, dBias);
        ChunkInputGradients inputSide = new ChunkInputGradients(kernels, buffers, layout, table, values, features, kernel, width,
                dKernel, dInput);
        Gemm.PackedMatrix packedUt = gemm.pack(true, width, units, recurrentKernel, 0, width);
        for (int chunk = layout.chunkStart.length - 2; chunk >= 0; chunk--) {
            int r0 = layout.chunkRow(chunk);
            // dz rows of this chunk live at dz[(row - r0) * width].
            long began = phases.start();
            for (int t = layout.chunkStart[chunk + 1] - 1; t >= layout.chunkStart[chunk]; t--) {
                int rows = active[t];
                int row0 = rowStart[t];
                if (returnSequences) { // each step's h also feeds the output directly
                    for (int j = 0; j < rows; j++) {
                        dOut.addTo(tokenRow[row0 + j], column, units, dh, j * units);
                    }
                }
                int previous = t > 0 ? rowStart[t - 1] : 0;
                cell.backward(rows, units, gates, row0 * width, t > 0 ? cells : null, previous * units,
                        squashed, row0 * units, dh, 0, dc, 0, dz, (row0 - r0) * width);
                if (t > 0) { // dh_{t-1} = dz_t U^T for the rows still running
                    gemm.sgemm(false, rows, 1f, dz, (row0 - r0) * width, width, packedUt, 0f, dh, 0, units);
                }
            }
            phases.stop(RECURRENCE_BACKWARD, began);
            began = phases.start();
            inputSide.addChunk(chunk, dz);
            phases.stop(INPUT_SIDE, began);
            began = phases.start();
            recurrentSide.addChunk(chunk, dz);
            phases.stop(WEIGHT_GRADIENTS, began);
        }
        recurrentSide.finish();
        long began = phases.start();
        inputSide.finish();
        phases.stop(INPUT_SIDE, began);
    }
}
