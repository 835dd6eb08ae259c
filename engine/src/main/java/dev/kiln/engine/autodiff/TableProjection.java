package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;

import java.util.function.Consumer;

/**
 * The table rewrite of a recurrent direction's input projection, when its inputs are rows of an
 * embedding table E [vocabulary, features] (exact: a token's projection depends only on its id).
 * Forward computes P = E W + b once, one row per vocabulary entry, and copies each token's row of
 * P instead of a per-token GEMM; backward adds each token's projection gradient into S[id] in a
 * fixed order, then dW = E^T S and dE = S W^T, GEMMs of vocabulary size instead of token count.
 * Shared by the LSTM ({@link LstmDirection}) and the GRU and SimpleRNN ({@link CellDirection}).
 */
final class TableProjection {
    private final Kernels kernels;
    private final StepBuffers.Claim buffers;
    private final float[] table;
    private final int[] ids;
    private final int vocabulary;
    private final int features;
    private final float[] kernel;
    private final int width;
    private final Consumer<float[]> finish;

    /**
     * For {@code rows} projected by {@code kernel} [features, width]; {@code finish} is applied to
     * P once computed (the LSTM doubles its candidate block there: see {@code LstmCell}).
     */
    TableProjection(Kernels kernels, StepBuffers.Claim buffers, EmbeddingRows rows, float[] kernel, int width,
                    Consumer<float[]> finish) {
        this.kernels = kernels;
        this.buffers = buffers;
        this.table = rows.table().data();
        this.ids = rows.ids();
        this.vocabulary = rows.table().shape().dim(0);
        this.features = rows.table().shape().dim(1);
        this.kernel = kernel;
        this.width = width;
        this.finish = finish;
    }

    /** P = E W + b, from the step buffers' cache or computed into it. The caller must not write to it. */
    float[] projected(float[] bias) {
        return buffers.projections().projection(table, kernel, bias, vocabulary * width, projected -> {
            kernels.gemm().sgemm(false, false, vocabulary, width, features, 1f, table, 0, Math.max(1, features), kernel, 0,
                    width, 0f, projected, 0, width);
            kernels.arithmetic().addBiasRows(vocabulary, width, bias, 0, projected, 0, width);
            finish.accept(projected);
        });
    }

    /** Copies the rows of P of tokens tokenRow[r0 .. r0 + rows) to {@code target} at {@code at}, in that order. */
    void copyRows(float[] projected, int[] tokenRow, int r0, int rows, float[] target, int at) {
        for (int row = 0; row < rows; row++) {
            System.arraycopy(projected, ids[tokenRow[r0 + row]] * width, target, at + row * width, width);
        }
    }

    /** Floats in the embedding table (and in its gradient). */
    int tableSize() {
        return vocabulary * features;
    }

    /** A zeroed S [vocabulary, width] from the step buffers. */
    float[] zeroedPerEntry() {
        return buffers.zeros(vocabulary * width);
    }

    /**
     * S[id] += the gradient rows at {@code gradient[from + row * width]} of tokens
     * tokenRow[r0 .. r0 + rows), in row order (a fixed order: the same sums on any thread count).
     */
    void scatter(float[] gradient, int from, int[] tokenRow, int r0, int rows, float[] perEntry) {
        for (int row = 0; row < rows; row++) {
            kernels.arithmetic().axpy(width, 1f, gradient, from + row * width, perEntry, ids[tokenRow[r0 + row]] * width);
        }
    }

    /** dW += E^T S and dE += S W^T; a null array is not wanted. */
    void addGradients(float[] perEntry, float[] dKernel, float[] dTable) {
        if (dKernel != null) {
            WeightGradientProduct dW = new WeightGradientProduct(buffers, dKernel, features, width);
            dW.add(kernels, vocabulary, table, 0, Math.max(1, features), perEntry, 0, width);
            dW.writeBack();
        }
        if (dTable != null) {
            kernels.gemm().sgemm(false, true, vocabulary, features, width, 1f, perEntry, 0, width, kernel, 0, width, 1f,
                    dTable, 0, Math.max(1, features));
        }
    }
}
