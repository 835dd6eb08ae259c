package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Gemm;
import dev.kiln.engine.kernel.Kernels;

/**
 * One direction of a GRU or SimpleRNN over one batch, on real tokens only ({@link TimeMajorLayout}):
 * the input projection of all tokens as one GEMM, then per step the recurrent product of the
 * running rows (a GEMM) and the cell's element-wise part; backward replays the steps in reverse,
 * then computes the input-side gradients as GEMMs. (The LSTM has its own, more tuned direction.)
 */
final class CellDirection {
    private final Kernels kernels;
    private final RecurrentCell cell;
    private final TimeMajorLayout layout;
    private final int[] lengths;
    private final int features;
    private final int units;
    private final int width;
    private final float[] kernel;
    private final float[] recurrentKernel;
    // Saved by forward() for backward(): time-major rows.
    private final float[] inputs;
    private float[] recurrentProducts;
    private float[] hidden;
    private float[] saved;

    CellDirection(Kernels kernels, RecurrentCell cell, float[] values, int features, int[] lengths, int[] offsets, float[] kernel,
                  float[] recurrentKernel, int units, boolean backwards) {
        this.kernels = kernels;
        this.cell = cell;
        this.layout = new TimeMajorLayout(lengths, offsets, backwards);
        this.lengths = lengths;
        this.features = features;
        this.units = units;
        this.width = cell.gates() * units;
        this.kernel = kernel;
        this.recurrentKernel = recurrentKernel;
        this.inputs = new float[layout.tokens * features];
        for (int row = 0; row < layout.tokens; row++) {
            System.arraycopy(values, layout.tokenRow[row] * features, inputs, row * features, features);
        }
    }

    /**
     * Runs the forward pass and writes h into columns [column, column + units) of {@code out}
     * (rows of {@code outWidth}): after each token at that token's row with {@code returnSequences},
     * else each sequence's final h at its row (an empty sequence keeps zeros).
     */
    void forward(float[] inputBias, float[] recurrentBias, boolean returnSequences, float[] out, int outWidth, int column) {
        Gemm gemm = kernels.gemm();
        int tokens = layout.tokens;
        float[] projection = new float[tokens * width];
        gemm.sgemm(false, false, tokens, width, features, 1f, inputs, 0, Math.max(1, features), kernel, 0, width, 0f, projection, 0,
                width);
        addRows(projection, tokens, inputBias);
        recurrentProducts = new float[tokens * width];
        hidden = new float[tokens * units];
        saved = new float[tokens * cell.saved() * units];
        float[] zeros = new float[layout.steps == 0 ? 0 : layout.active[0] * units];
        for (int t = 0; t < layout.steps; t++) {
            int rows = layout.active[t];
            int start = layout.rowStart[t];
            float[] previous = t == 0 ? zeros : hidden;
            int previousOff = t == 0 ? 0 : layout.rowStart[t - 1] * units;
            gemm.sgemm(false, false, rows, width, units, 1f, previous, previousOff, units, recurrentKernel, 0, width, 0f,
                    recurrentProducts, start * width, width);
            addRows(recurrentProducts, start, rows, recurrentBias);
            cell.forward(rows, units, projection, start * width, recurrentProducts, start * width, previous, previousOff, hidden,
                    start * units, saved, start * cell.saved() * units);
        }
        writeOutput(returnSequences, out, outWidth, column);
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

    /**
     * Back-propagates the output gradient (columns [column, column + units) of {@code dOut}, laid
     * out as forward's output) and adds the gradients into the arrays given; null arrays are not wanted.
     */
    void backward(float[] dOut, int outWidth, int column, boolean returnSequences, float[] dKernel, float[] dRecurrent,
                  float[] dInputBias, float[] dRecurrentBias, float[] dValues) {
        Gemm gemm = kernels.gemm();
        int tokens = layout.tokens;
        float[] dHidden = new float[tokens * units];
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
        float[] dProjection = new float[tokens * width];
        float[] dProduct = new float[layout.steps == 0 ? 0 : layout.active[0] * width];
        float[] zeros = new float[layout.steps == 0 ? 0 : layout.active[0] * units];
        for (int t = layout.steps - 1; t >= 0; t--) {
            int rows = layout.active[t];
            int start = layout.rowStart[t];
            boolean first = t == 0;
            int previousOff = first ? 0 : layout.rowStart[t - 1] * units;
            float[] previous = first ? zeros : hidden;
            cell.backward(rows, units, dHidden, start * units, previous, previousOff, recurrentProducts, start * width, saved,
                    start * cell.saved() * units, dProjection, start * width, dProduct, 0, first ? null : dHidden, previousOff);
            if (!first) { // dh_prev += dhu U^T; dU += h_prev^T dhu
                gemm.sgemm(false, true, rows, units, width, 1f, dProduct, 0, width, recurrentKernel, 0, width, 1f, dHidden,
                        previousOff, units);
                if (dRecurrent != null) {
                    gemm.sgemm(true, false, units, width, rows, 1f, hidden, previousOff, units, dProduct, 0, width, 1f, dRecurrent,
                            0, width);
                }
            }
            if (dRecurrentBias != null) {
                addColumnSums(dProduct, rows, dRecurrentBias);
            }
        }
        if (dKernel != null) {
            gemm.sgemm(true, false, features, width, tokens, 1f, inputs, 0, Math.max(1, features), dProjection, 0, width, 1f,
                    dKernel, 0, width);
        }
        if (dInputBias != null) {
            addColumnSums(dProjection, tokens, dInputBias);
        }
        if (dValues != null) {
            float[] dInputs = new float[tokens * features];
            gemm.sgemm(false, true, tokens, features, width, 1f, dProjection, 0, width, kernel, 0, width, 0f, dInputs, 0,
                    Math.max(1, features));
            for (int row = 0; row < tokens; row++) {
                kernels.arithmetic().axpy(features, 1f, dInputs, row * features, dValues, layout.tokenRow[row] * features);
            }
        }
    }

    private void addRows(float[] matrix, int rows, float[] bias) {
        addRows(matrix, 0, rows, bias);
    }

    /** Adds {@code bias} (width values, or nothing when null) to {@code rows} rows from row {@code start}. */
    private void addRows(float[] matrix, int start, int rows, float[] bias) {
        if (bias == null) {
            return;
        }
        for (int row = start; row < start + rows; row++) {
            kernels.arithmetic().axpy(width, 1f, bias, 0, matrix, row * width);
        }
    }

    private void addColumnSums(float[] matrix, int rows, float[] sums) {
        for (int row = 0; row < rows; row++) {
            kernels.arithmetic().axpy(width, 1f, matrix, row * width, sums, 0);
        }
    }
}
