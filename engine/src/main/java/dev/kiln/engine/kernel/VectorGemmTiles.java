package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;

/**
 * The SGEMM micro-kernels, one copy per vector width ({@link Specialization}). The main kernel
 * keeps a 4-row by 4-vector tile of C in 16 registers while it streams a strip of B: per step of
 * k it loads 4 vectors of B and broadcasts 4 elements of A into 16 FMAs. Narrower strips use
 * masked one-vector kernels, leftover rows the two- and one-row kernels.
 */
final class VectorGemmTiles implements GemmTiles {
    private static final VectorSpecies<Float> S = Specialization.species(MethodHandles.lookup());
    private static final int L = S.length();
    private static final int STRIP = VECTORS * L;
    private static final long VECTOR_BYTES = (long) L * Float.BYTES;
    private static final long STRIP_BYTES = STRIP * VECTOR_BYTES / L;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** One tile of {@code rows} (4 or 1) rows and up to 4 vectors of columns. */
    @Override
    public void tile(boolean accumulate, int rows, int width, int kc, float alpha, float[] a, int a0, int lda,
                     MemorySegment b, float[] c, int c0, int ldc) {
        if (width == STRIP) {
            if (rows == ROWS) {
                kernel4x4(accumulate, kc, alpha, a, a0, lda, b, c, c0, ldc);
            } else if (rows == 2) {
                kernel2x4(accumulate, kc, alpha, a, a0, lda, b, c, c0, ldc);
            } else {
                kernel1x4(accumulate, kc, alpha, a, a0, lda, b, c, c0, ldc);
            }
            return;
        }
        // A narrower strip: each vector of B is loaded whole (the packed rows are STRIP wide, so it
        // stays inside them) and only C's stores and loads are masked. A masked load from a
        // MemorySegment is not intrinsified (JDK 25): in the k loop it made predicting with a
        // Dense(16) on 10,000 inputs 14x slower (100 batches of 64 behind a TextVectorization:
        // 6.5 s, 0.45 s with whole loads). Lanes past width never reach C.
        for (int v = 0; v < width; v += L) {
            VectorMask<Float> mask = S.indexInRange(v, width);
            if (rows == ROWS) {
                kernel4x1(accumulate, kc, alpha, a, a0, lda, b, v, c, c0 + v, ldc, mask);
            } else {
                for (int r = 0; r < rows; r++) {
                    kernel1x1(accumulate, kc, alpha, a, a0 + r * lda, lda, b, v, c, c0 + r * ldc + v, ldc, mask);
                }
            }
        }
    }

    private static void kernel4x4(boolean accumulate, int kc, float alpha, float[] a, int a0, int lda,
                                  MemorySegment b, float[] c, int c0, int ldc) {
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        // Indices are written as functions of p so that C2 can hoist the bounds checks.
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0; p < kc; p++) {
            long bp = p * STRIP_BYTES;
            FloatVector b0v = FloatVector.fromMemorySegment(S, b, bp, NATIVE);
            FloatVector b1v = FloatVector.fromMemorySegment(S, b, bp + VECTOR_BYTES, NATIVE);
            FloatVector b2v = FloatVector.fromMemorySegment(S, b, bp + 2 * VECTOR_BYTES, NATIVE);
            FloatVector b3v = FloatVector.fromMemorySegment(S, b, bp + 3 * VECTOR_BYTES, NATIVE);
            FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
            c00 = av.fma(b0v, c00);
            c01 = av.fma(b1v, c01);
            c02 = av.fma(b2v, c02);
            c03 = av.fma(b3v, c03);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c10 = av.fma(b0v, c10);
            c11 = av.fma(b1v, c11);
            c12 = av.fma(b2v, c12);
            c13 = av.fma(b3v, c13);
            av = FloatVector.broadcast(S, a[a2 + p]);
            c20 = av.fma(b0v, c20);
            c21 = av.fma(b1v, c21);
            c22 = av.fma(b2v, c22);
            c23 = av.fma(b3v, c23);
            av = FloatVector.broadcast(S, a[a3 + p]);
            c30 = av.fma(b0v, c30);
            c31 = av.fma(b1v, c31);
            c32 = av.fma(b2v, c32);
            c33 = av.fma(b3v, c33);
        }
        if (accumulate) {
            c00.fma(alphas, FloatVector.fromArray(S, c, c0)).intoArray(c, c0);
            c01.fma(alphas, FloatVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            c02.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            c03.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
            c10.fma(alphas, FloatVector.fromArray(S, c, c0 + ldc)).intoArray(c, c0 + ldc);
            c11.fma(alphas, FloatVector.fromArray(S, c, c0 + ldc + L)).intoArray(c, c0 + ldc + L);
            c12.fma(alphas, FloatVector.fromArray(S, c, c0 + ldc + 2 * L)).intoArray(c, c0 + ldc + 2 * L);
            c13.fma(alphas, FloatVector.fromArray(S, c, c0 + ldc + 3 * L)).intoArray(c, c0 + ldc + 3 * L);
            c20.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * ldc)).intoArray(c, c0 + 2 * ldc);
            c21.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * ldc + L)).intoArray(c, c0 + 2 * ldc + L);
            c22.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * ldc + 2 * L)).intoArray(c, c0 + 2 * ldc + 2 * L);
            c23.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * ldc + 3 * L)).intoArray(c, c0 + 2 * ldc + 3 * L);
            c30.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * ldc)).intoArray(c, c0 + 3 * ldc);
            c31.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * ldc + L)).intoArray(c, c0 + 3 * ldc + L);
            c32.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * ldc + 2 * L)).intoArray(c, c0 + 3 * ldc + 2 * L);
            c33.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * ldc + 3 * L)).intoArray(c, c0 + 3 * ldc + 3 * L);
        } else {
            c00.mul(alphas).intoArray(c, c0);
            c01.mul(alphas).intoArray(c, c0 + L);
            c02.mul(alphas).intoArray(c, c0 + 2 * L);
            c03.mul(alphas).intoArray(c, c0 + 3 * L);
            c10.mul(alphas).intoArray(c, c0 + ldc);
            c11.mul(alphas).intoArray(c, c0 + ldc + L);
            c12.mul(alphas).intoArray(c, c0 + ldc + 2 * L);
            c13.mul(alphas).intoArray(c, c0 + ldc + 3 * L);
            c20.mul(alphas).intoArray(c, c0 + 2 * ldc);
            c21.mul(alphas).intoArray(c, c0 + 2 * ldc + L);
            c22.mul(alphas).intoArray(c, c0 + 2 * ldc + 2 * L);
            c23.mul(alphas).intoArray(c, c0 + 2 * ldc + 3 * L);
            c30.mul(alphas).intoArray(c, c0 + 3 * ldc);
            c31.mul(alphas).intoArray(c, c0 + 3 * ldc + L);
            c32.mul(alphas).intoArray(c, c0 + 3 * ldc + 2 * L);
            c33.mul(alphas).intoArray(c, c0 + 3 * ldc + 3 * L);
        }
    }

    /**
     * Two rows: the tail of a C whose row count is not a multiple of 4 (an LSTM step's active
     * rows shrink one at a time), at twice the FMAs per load of B of the one-row kernel. Every
     * element sums over k in the same order as in the other kernels, so results do not depend on
     * which kernel computed them.
     */
    private static void kernel2x4(boolean accumulate, int kc, float alpha, float[] a, int a0, int lda,
                                  MemorySegment b, float[] c, int c0, int ldc) {
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        int a1 = a0 + lda;
        for (int p = 0; p < kc; p++) {
            long bp = p * STRIP_BYTES;
            FloatVector b0v = FloatVector.fromMemorySegment(S, b, bp, NATIVE);
            FloatVector b1v = FloatVector.fromMemorySegment(S, b, bp + VECTOR_BYTES, NATIVE);
            FloatVector b2v = FloatVector.fromMemorySegment(S, b, bp + 2 * VECTOR_BYTES, NATIVE);
            FloatVector b3v = FloatVector.fromMemorySegment(S, b, bp + 3 * VECTOR_BYTES, NATIVE);
            FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
            c00 = av.fma(b0v, c00);
            c01 = av.fma(b1v, c01);
            c02 = av.fma(b2v, c02);
            c03 = av.fma(b3v, c03);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c10 = av.fma(b0v, c10);
            c11 = av.fma(b1v, c11);
            c12 = av.fma(b2v, c12);
            c13 = av.fma(b3v, c13);
        }
        // Spelled out, as in the other kernels: with a shared helper for the stores, C2 kept the
        // accumulators less well and GEMMs ran 20 % slower (measured).
        if (accumulate) {
            c00.fma(alphas, FloatVector.fromArray(S, c, c0)).intoArray(c, c0);
            c01.fma(alphas, FloatVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            c02.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            c03.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
            c10.fma(alphas, FloatVector.fromArray(S, c, c0 + ldc)).intoArray(c, c0 + ldc);
            c11.fma(alphas, FloatVector.fromArray(S, c, c0 + ldc + L)).intoArray(c, c0 + ldc + L);
            c12.fma(alphas, FloatVector.fromArray(S, c, c0 + ldc + 2 * L)).intoArray(c, c0 + ldc + 2 * L);
            c13.fma(alphas, FloatVector.fromArray(S, c, c0 + ldc + 3 * L)).intoArray(c, c0 + ldc + 3 * L);
        } else {
            c00.mul(alphas).intoArray(c, c0);
            c01.mul(alphas).intoArray(c, c0 + L);
            c02.mul(alphas).intoArray(c, c0 + 2 * L);
            c03.mul(alphas).intoArray(c, c0 + 3 * L);
            c10.mul(alphas).intoArray(c, c0 + ldc);
            c11.mul(alphas).intoArray(c, c0 + ldc + L);
            c12.mul(alphas).intoArray(c, c0 + ldc + 2 * L);
            c13.mul(alphas).intoArray(c, c0 + ldc + 3 * L);
        }
    }

    private static void kernel1x4(boolean accumulate, int kc, float alpha, float[] a, int a0, int lda,
                                  MemorySegment b, float[] c, int c0, int ldc) {
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        FloatVector c0v = FloatVector.zero(S), c1v = c0v, c2v = c0v, c3v = c0v;
        int ap = a0;
        int bp = 0;
        for (int p = 0; p < kc; p++, ap++, bp += STRIP) {
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c0v = av.fma(FloatVector.fromMemorySegment(S, b, (long) (bp) * Float.BYTES, NATIVE), c0v);
            c1v = av.fma(FloatVector.fromMemorySegment(S, b, (long) (bp + L) * Float.BYTES, NATIVE), c1v);
            c2v = av.fma(FloatVector.fromMemorySegment(S, b, (long) (bp + 2 * L) * Float.BYTES, NATIVE), c2v);
            c3v = av.fma(FloatVector.fromMemorySegment(S, b, (long) (bp + 3 * L) * Float.BYTES, NATIVE), c3v);
        }
        if (accumulate) {
            c0v.fma(alphas, FloatVector.fromArray(S, c, c0)).intoArray(c, c0);
            c1v.fma(alphas, FloatVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            c2v.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            c3v.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
        } else {
            c0v.mul(alphas).intoArray(c, c0);
            c1v.mul(alphas).intoArray(c, c0 + L);
            c2v.mul(alphas).intoArray(c, c0 + 2 * L);
            c3v.mul(alphas).intoArray(c, c0 + 3 * L);
        }
    }

    private static void kernel4x1(boolean accumulate, int kc, float alpha, float[] a, int a0, int lda,
                                  MemorySegment b, int b0, float[] c, int c0, int ldc,
                           VectorMask<Float> mask) {
        FloatVector alphas = FloatVector.broadcast(S, alpha);
                FloatVector c0v = FloatVector.zero(S), c1v = c0v, c2v = c0v, c3v = c0v;
        int ap = a0;
        int bp = b0;
        for (int p = 0; p < kc; p++, ap++, bp += STRIP) {
            FloatVector bv = FloatVector.fromMemorySegment(S, b, (long) (bp) * Float.BYTES, NATIVE); // lanes past width: see tile
            c0v = FloatVector.broadcast(S, a[ap]).fma(bv, c0v);
            c1v = FloatVector.broadcast(S, a[ap + lda]).fma(bv, c1v);
            c2v = FloatVector.broadcast(S, a[ap + 2 * lda]).fma(bv, c2v);
            c3v = FloatVector.broadcast(S, a[ap + 3 * lda]).fma(bv, c3v);
        }
        if (accumulate) {
            c0v.fma(alphas, FloatVector.fromArray(S, c, c0, mask)).intoArray(c, c0, mask);
            c1v.fma(alphas, FloatVector.fromArray(S, c, c0 + ldc, mask)).intoArray(c, c0 + ldc, mask);
            c2v.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * ldc, mask)).intoArray(c, c0 + 2 * ldc, mask);
            c3v.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * ldc, mask)).intoArray(c, c0 + 3 * ldc, mask);
        } else {
            c0v.mul(alphas).intoArray(c, c0, mask);
            c1v.mul(alphas).intoArray(c, c0 + ldc, mask);
            c2v.mul(alphas).intoArray(c, c0 + 2 * ldc, mask);
            c3v.mul(alphas).intoArray(c, c0 + 3 * ldc, mask);
        }
    }

    private static void kernel1x1(boolean accumulate, int kc, float alpha, float[] a, int a0, int lda,
                                  MemorySegment b, int b0, float[] c, int c0, int ldc,
                           VectorMask<Float> mask) {
        FloatVector alphas = FloatVector.broadcast(S, alpha);
                FloatVector acc = FloatVector.zero(S);
        int ap = a0;
        int bp = b0;
        for (int p = 0; p < kc; p++, ap++, bp += STRIP) {
            acc = FloatVector.broadcast(S, a[ap]).fma(FloatVector.fromMemorySegment(S, b, (long) (bp) * Float.BYTES, NATIVE), acc);
        }
        if (accumulate) {
            acc.fma(alphas, FloatVector.fromArray(S, c, c0, mask)).intoArray(c, c0, mask);
        } else {
            acc.mul(alphas).intoArray(c, c0, mask);
        }
    }

    @Override
    public void packRows(float[] b, int offset, int ldb, int kc, int width, MemorySegment packedB) {
        if (width == STRIP) {
            for (int p = 0; p < kc; p++) {
                int src = offset + p * ldb;
                long dst = p * STRIP_BYTES;
                FloatVector.fromArray(S, b, src).intoMemorySegment(packedB, dst, NATIVE);
                FloatVector.fromArray(S, b, src + L).intoMemorySegment(packedB, dst + VECTOR_BYTES, NATIVE);
                FloatVector.fromArray(S, b, src + 2 * L).intoMemorySegment(packedB, dst + 2 * VECTOR_BYTES, NATIVE);
                FloatVector.fromArray(S, b, src + 3 * L).intoMemorySegment(packedB, dst + 3 * VECTOR_BYTES, NATIVE);
            }
            return;
        }
        for (int p = 0; p < kc; p++) {
            for (int v = 0; v < width; v += L) {
                VectorMask<Float> mask = S.indexInRange(v, width);
                // Whole vectors into the strip (its rows are STRIP wide): lanes past width become 0.
                FloatVector.fromArray(S, b, offset + p * ldb + v, mask)
                        .intoMemorySegment(packedB, p * STRIP_BYTES + (long) v * Float.BYTES, NATIVE);
            }
        }
    }
}
