package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Gemm;
import dev.kiln.engine.kernel.Kernels;

/**
 * A recurrent direction's input projection xw = x W + b, one chunk of time-major rows at a time
 * ({@link TimeMajorLayout#chunkStart}), for the LSTM's direction and the GRU's and SimpleRNN's: in
 * table mode the rows of P = E W + b ({@link TableProjection}), otherwise the chunk's input rows,
 * read where they lie by a GEMM of gathered rows ({@link Gemm#sgemmGatheredA}), times W packed once
 * per pass (packing it per chunk cost a tenth of the GEMMs' time, profiled). Copied together first,
 * a stacked model's second layer spent 1.1-1.6 thread-ms per step on the copies and saved less
 * than that in the GEMMs (temporary timers). A target far larger than the cache (a whole batch's rows)
 * gets the GEMM's result by one sequential copy from a chunk buffer: stored straight into rows not
 * in cache, the GEMM's tiles waited on memory (JMH, a stacked model's training step, with this and
 * the same copy for dX in the backward pass: 2.5 ms, 4 %, shorter on average over six alternated
 * pairs of runs; five of them 1.6 to 8.7 ms shorter, one 1.9 ms longer).
 */
final class ChunkProjection {
    private final Kernels kernels;
    private final TimeMajorLayout layout;
    private final float[] bias;
    private final int width;
    /** Table mode: P, and where it came from; null otherwise. */
    private final TableProjection table;
    private final float[] projected;
    /** Per-token mode: the value rows, where each of a chunk's rows starts in them, and W packed. */
    private final float[] values;
    private final int features;
    private final int[] chunkRowStarts;
    private final Gemm.PackedMatrix packedW;
    /** Per-token mode into a whole batch's rows: where the GEMM writes before the copy; null otherwise. */
    private final float[] chunkOutputs;

    /**
     * For a direction reading {@code table} (or, when it is null, the {@code values} rows of
     * {@code features}), with kernel W [features, width] and {@code bias}. In table mode P comes
     * from the step buffers' cache, computed once per batch and weights version. {@code intoBatch}:
     * the targets are a whole batch's rows rather than a buffer of one chunk.
     */
    ChunkProjection(Kernels kernels, StepBuffers.Claim buffers, TimeMajorLayout layout, TableProjection table, float[] values,
                    int features, float[] kernel, float[] bias, int width, boolean intoBatch) {
        this.kernels = kernels;
        this.layout = layout;
        this.bias = bias;
        this.width = width;
        this.table = table;
        this.values = values;
        this.features = features;
        this.projected = table == null ? null : table.projected(bias);
        this.chunkRowStarts = table == null ? new int[layout.chunkCapacity()] : null;
        this.packedW = table == null ? kernels.gemm().pack(false, features, width, kernel, 0, width) : null;
        this.chunkOutputs = table == null && intoBatch ? buffers.floats(layout.chunkCapacity() * width) : null;
    }

    /** Writes chunk {@code chunk}'s projections to {@code target} from {@code at}, row after row (rows of width). */
    void project(int chunk, float[] target, int at) {
        int r0 = layout.chunkRow(chunk);
        int rows = layout.chunkRow(chunk + 1) - r0;
        if (projected != null) {
            table.copyRows(projected, layout.tokenRow, r0, rows, target, at);
            return;
        }
        layout.rowStarts(features, r0, rows, chunkRowStarts);
        float[] out = chunkOutputs == null ? target : chunkOutputs;
        int outAt = chunkOutputs == null ? at : 0;
        kernels.gemm().sgemmGatheredA(rows, 1f, values, chunkRowStarts, packedW, 0f, out, outAt, width);
        // The bias added on the way out of the chunk buffer (in place when the GEMM wrote the target).
        kernels.arithmetic().addBiasRows(rows, width, bias, 0, out, outAt, width, target, at, width);
    }
}
