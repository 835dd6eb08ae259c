package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;

/**
 * A weight gradient G [rows, columns] += A^T B (A [k, rows], B [k, columns]: inputs and output
 * gradients over k tokens), formed whichever way packs less. The GEMM packs its B operand and reads
 * a transposed A where it lies, so when G has fewer rows than columns the sum runs as G^T += B^T A
 * in a copy of G^T, written back by {@link #writeBack}, and packs A: for dU = H_prev^T d(hU),
 * H_prev [tokens, units] instead of d(hU) [tokens, 4 units] (packing d(hU) took 3 % of a seed
 * model's training step, JFR). Every element is the same multiply-adds in the same order either way
 * (a product's factors commute exactly), so the result is the same bit for bit. Nothing else may
 * add to the gradient between the copy and the write-back: one operation's backward pass owns it.
 */
final class WeightGradientProduct {
    private final float[] gradient;
    private final int rows;
    private final int columns;
    /** G^T [columns, rows] when the sum runs transposed; null otherwise. */
    private final float[] transposed;

    /** For {@code gradient} [rows, columns]; a transposed copy comes from {@code buffers} when one is used. */
    WeightGradientProduct(StepBuffers.Claim buffers, float[] gradient, int rows, int columns) {
        this.gradient = gradient;
        this.rows = rows;
        this.columns = columns;
        this.transposed = rows < columns ? buffers.floats(rows * columns) : null;
        if (transposed != null) {
            transpose(gradient, rows, columns, transposed);
        }
    }

    /** G += A^T B over {@code k} rows: A at {@code a[aOff]} with rows {@code lda} apart, B likewise. */
    void add(Kernels kernels, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb) {
        if (transposed != null) {
            kernels.gemm().sgemm(true, false, columns, rows, k, 1f, b, bOff, ldb, a, aOff, lda, 1f, transposed, 0,
                    Math.max(1, rows));
        } else {
            kernels.gemm().sgemm(true, false, rows, columns, k, 1f, a, aOff, lda, b, bOff, ldb, 1f, gradient, 0,
                    Math.max(1, columns));
        }
    }

    /** After the last {@link #add}: the sums in the gradient. */
    void writeBack() {
        if (transposed != null) {
            transpose(transposed, columns, rows, gradient);
        }
    }

    private static void transpose(float[] source, int sourceRows, int sourceColumns, float[] target) {
        for (int r = 0; r < sourceRows; r++) {
            for (int c = 0; c < sourceColumns; c++) {
                target[c * sourceRows + r] = source[r * sourceColumns + c];
            }
        }
    }
}
