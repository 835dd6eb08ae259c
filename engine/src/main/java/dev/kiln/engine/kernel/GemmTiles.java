package dev.kiln.engine.kernel;

import java.lang.foreign.MemorySegment;

/** The register-blocked inner kernels of {@link Gemm}; implemented per width by {@link VectorGemmTiles}. */
interface GemmTiles {
    /** Rows of C one main kernel computes. */
    int ROWS = 4;
    /** Vectors of columns one main kernel computes. */
    int VECTORS = 4;

    /**
     * C[rows, width] = alpha * A[rows, kc] * B[kc, width], added to C when {@code accumulate},
     * for rows 4, 2 or 1 and width up to 4 vectors. A(i, p) is a[a0 + i*lda + p] (row-major: Gemm transposes A first if needed); B(p, j) is the float at index p*strip + j of packedB, where
     * strip = 4 vectors; C is row-major with leading dimension ldc. ({@link Gemm} applies a beta other than 0 or 1 beforehand: a
     * smaller epilogue keeps C2 from moving the accumulators to the heap.)
     */
    void tile(boolean accumulate, int rows, int width, int kc, float alpha, float[] a, int a0, int lda,
              MemorySegment packedB, float[] c, int c0, int ldc);

    /**
     * Copies rows [0, kc) x columns [0, width) of the row-major matrix at b[offset] (leading
     * dimension ldb) into packedB, row p at p*strip; width is at most one strip.
     */
    void packRows(float[] b, int offset, int ldb, int kc, int width, MemorySegment packedB);
}
