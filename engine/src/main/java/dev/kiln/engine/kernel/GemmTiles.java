package dev.kiln.engine.kernel;

import java.lang.foreign.MemorySegment;

/** The register-blocked inner kernels of {@link Gemm}; implemented per width by {@link VectorGemmTiles}. */
interface GemmTiles {
    /** Rows of C one main kernel computes. */
    int ROWS = 4;
    /** Vectors of columns one main kernel computes. */
    int VECTORS = 4;

    /**
     * C[rows, width] += alpha * A[rows, kc] * B[kc, width], for rows 4 or 1 and width up to 4
     * vectors. A(i, p) is a[a0 + i*lda + p] (row-major: Gemm transposes A first if needed); B(p, j) is the float at index p*strip + j of packedB, where
     * strip = 4 vectors; C is row-major with leading dimension ldc. (Accumulating keeps the epilogue small enough for C2 to compile it
     * without moving vectors to the heap; {@link Gemm} applies beta beforehand.)
     */
    void tile(int rows, int width, int kc, float alpha, float[] a, int a0, int lda,
              MemorySegment packedB, float[] c, int c0, int ldc);
}
