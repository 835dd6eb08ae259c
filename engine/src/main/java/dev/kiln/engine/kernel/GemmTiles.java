package dev.kiln.engine.kernel;

import java.lang.foreign.MemorySegment;

/** The register-blocked inner kernels of {@link Gemm}; implemented per width by {@link VectorGemmTiles}. */
interface GemmTiles {
    /**
     * Rows of C one kernel computes. 6 rows by 2 vectors keep 12 accumulators, 2 vectors of B and
     * a broadcast of A in registers: 15 of the 16 that AVX2 has (4 by 4 needed 21, and C2 spilled
     * 7 accumulators to the stack on every step of k).
     */
    int ROWS = 6;
    /**
     * Columns of a strip of packed B, the widest a kernel computes: 4 vectors where registers allow
     * (see {@link VectorGemmTiles}), otherwise 2.
     */
    int strip();

    /**
     * C[rows, width] = alpha * A[rows, kc] * B[kc, width], added to C when {@code accumulate},
     * for rows 1 to {@link #ROWS} and width up to {@link #strip()} columns. A is row-major,
     * A(i, p) = a[aOff + i*lda + p], whether it is the caller's matrix or a packed block, or with
     * {@code transposedA} stored transposed, A(i, p) = a[aOff + p*lda + i]; no row past
     * {@code rows} is read. B(p, j) is the float at index p*strip + j of packedB; C is
     * row-major with leading dimension ldc. ({@link Gemm} applies a beta other than 0 or 1
     * beforehand: a smaller epilogue keeps C2 from moving the accumulators to the heap.)
     */
    void tile(boolean accumulate, int rows, int width, int kc, float alpha, float[] a, int aOff, int lda,
              boolean transposedA, MemorySegment packedB, float[] c, int c0, int ldc);

    /**
     * As {@link #tile} for a row-major A whose rows lie anywhere in {@code a}: A(i, p) =
     * a[rowStarts[first + i] + kOffset + p].
     */
    void tileOfRows(boolean accumulate, int rows, int width, int kc, float alpha, float[] a, int[] rowStarts, int first,
                    int kOffset, MemorySegment packedB, float[] c, int c0, int ldc);

    /**
     * Copies rows [0, kc) x columns [0, width) of the row-major matrix at b[offset] (leading
     * dimension ldb) into packedB, row p at p*strip; width is at most one strip.
     */
    void packRows(float[] b, int offset, int ldb, int kc, int width, MemorySegment packedB);
}
