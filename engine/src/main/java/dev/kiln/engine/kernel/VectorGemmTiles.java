package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;

/**
 * The SGEMM micro-kernels, one copy per vector width ({@link Specialization}). The main kernel
 * keeps a 6-row by 2-vector tile of C in 12 registers while it streams six rows of A (the caller's
 * matrix, row-major or stored transposed, or a packed block of it) and a packed strip of B: per
 * step of k it loads 2 vectors of B and broadcasts 6 elements of A into 12 FMAs. With 512-bit
 * vectors the strip is 4 vectors and the main kernel 6 by 4 (see {@link #VECTORS}); a tile of
 * fewer rows (the last rows of a block, or of an LSTM step whose sequences are ending) runs 1-,
 * 2- and 3-row kernels that do only its rows' multiply-adds (4 rows as 2 + 2, 5 as 3 + 2). With
 * 256-bit vectors a tile of 4 or 5 rows reads its last row again in place of the missing ones and
 * stores only its rows, and one of 1 to 3 rows runs the 3 by 2 kernel. Narrower strips use the 6
 * by 2 kernel (3 by 2), then a masked one-vector kernel.
 * Every C element is the same chain of FMAs in k order whichever kernel computes it, so results
 * do not depend on the tiling. The kernels are spelled out one by one, epilogues included: C2
 * keeps the accumulators in registers only when each is a local of one method (a shared store
 * helper, tried again on 2026-12-04, made JMH packedB 64x64*64x256 48.6k -> 31.8k calls/s and
 * 512x128*128x128 6.45k -> 4.86k at 512 bits, in a noisy hour).
 */
final class VectorGemmTiles implements GemmTiles {
    private static final VectorSpecies<Float> S = Specialization.species(MethodHandles.lookup());
    private static final int L = S.length();
    /**
     * Vectors per strip of B. 512-bit vectors mean AVX-512, which has 32 vector registers: a 6 by 4
     * tile fits (24 accumulators, 4 vectors of B, a broadcast) and each broadcast of A feeds 4 FMAs
     * instead of 2 (Zen 4, one thread, 66 rows by 64 by 256 from L1/L2: 102.5 to 108.7 GFLOPS with
     * k = 64, 102.5 to 114.6 with k = 256, of a 117 peak). AVX2 has 16: 6 by 2 is the largest fit.
     */
    private static final int VECTORS = L >= 16 ? 4 : 2;
    private static final int STRIP = VECTORS * L;
    private static final long VECTOR_BYTES = (long) L * Float.BYTES;
    private static final long STRIP_BYTES = STRIP * VECTOR_BYTES / L;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    @Override
    public int strip() {
        return STRIP;
    }

    /** One tile of {@code rows} (1 to 6) rows and up to one strip of columns. */
    @Override
    public void tile(boolean accumulate, int rows, int width, int kc, float alpha, float[] a, int aOff, int lda,
                     boolean transposedA, MemorySegment b, float[] c, int c0, int ldc) {
        // Where each of the six rows of A starts, and how far apart its steps of k are; rows past
        // the tile's last read that row again (their sums are never stored).
        int rs = transposedA ? 1 : lda;
        int ks = transposedA ? lda : 1;
        tileAt(accumulate, rows, width, kc, alpha, a, ks, aOff, aOff + Math.min(1, rows - 1) * rs,
                aOff + Math.min(2, rows - 1) * rs, aOff + Math.min(3, rows - 1) * rs, aOff + Math.min(4, rows - 1) * rs,
                aOff + Math.min(5, rows - 1) * rs, b, c, c0, ldc);
    }

    @Override
    public void tileOfRows(boolean accumulate, int rows, int width, int kc, float alpha, float[] a, int[] rowStarts, int first,
                           int kOffset, MemorySegment b, float[] c, int c0, int ldc) {
        int last = first + rows - 1;
        tileAt(accumulate, rows, width, kc, alpha, a, 1, rowStarts[first] + kOffset,
                rowStarts[Math.min(first + 1, last)] + kOffset, rowStarts[Math.min(first + 2, last)] + kOffset,
                rowStarts[Math.min(first + 3, last)] + kOffset, rowStarts[Math.min(first + 4, last)] + kOffset,
                rowStarts[Math.min(first + 5, last)] + kOffset, b, c, c0, ldc);
    }

    /** The tile whose six rows of A start at a0 to a5 (rows past the tile's last repeat it), k steps ks apart. */
    private static void tileAt(boolean accumulate, int rows, int width, int kc, float alpha, float[] a, int ks, int a0, int a1,
                               int a2, int a3, int a4, int a5, MemorySegment b, float[] c, int c0, int ldc) {
        if (VECTORS == 4 && width == STRIP) {
            // Each row's multiply-adds only: 4 and 5 rows as two narrower tiles, which read the
            // strip of B (in L1) twice, rather than the 6-row kernel on repeated rows.
            switch (rows) {
                case 1 -> kernel1x4(accumulate, kc, alpha, a, ks, a0, b, c, c0);
                case 2 -> kernel2x4(accumulate, kc, alpha, a, ks, a0, a1, b, c, c0, ldc);
                case 3 -> kernel3x4(accumulate, 3, kc, alpha, a, ks, a0, a1, a2, b, c, c0, ldc);
                case 4 -> {
                    kernel2x4(accumulate, kc, alpha, a, ks, a0, a1, b, c, c0, ldc);
                    kernel2x4(accumulate, kc, alpha, a, ks, a2, a3, b, c, c0 + 2 * ldc, ldc);
                }
                case 5 -> {
                    kernel3x4(accumulate, 3, kc, alpha, a, ks, a0, a1, a2, b, c, c0, ldc);
                    kernel2x4(accumulate, kc, alpha, a, ks, a3, a4, b, c, c0 + 3 * ldc, ldc);
                }
                default -> kernel6x4(accumulate, rows, kc, alpha, a, ks, a0, a1, a2, a3, a4, a5, b, c, c0, ldc);
            }
            return;
        }
        int v = 0;
        for (; v + 2 * L <= width; v += 2 * L) {
            if (rows <= 3) {
                kernel3x2(accumulate, rows, kc, alpha, a, ks, a0, a1, a2, b, v, c, c0 + v, ldc);
            } else {
                kernel6x2(accumulate, rows, kc, alpha, a, ks, a0, a1, a2, a3, a4, a5, b, v, c, c0 + v, ldc);
            }
        }
        // The last part vector: each vector of B is loaded whole (the packed rows are STRIP wide,
        // so it stays inside them) and only C's stores and loads are masked. A masked load from a
        // MemorySegment is not intrinsified (JDK 25): in the k loop it made predicting with a
        // Dense(16) on 10,000 inputs 14x slower (100 batches of 64 behind a TextVectorization:
        // 6.5 s, 0.45 s with whole loads). Lanes past width never reach C.
        for (; v < width; v += L) {
            kernel6x1(accumulate, rows, kc, alpha, a, ks, a0, a1, a2, a3, a4, a5, b, v, c, c0 + v, ldc, S.indexInRange(v, width));
        }
    }

    // A is read from a float[] with int indices: row base + ap, where ap steps by ks (1 for a
    // row-major A, lda for a transposed one). The six row bases stay in registers; with the step a
    // variable rather than 1, JMH packedB products ran as fast as before (540x128*128x128: 6,200
    // vs 6,330 calls/s; 64x64*64x256: 50,400 vs 50,700), and a transposed A read this way needs
    // no packing (transposedA 128x540*540x128: 5,250-5,350 packed one float at a time, 6,080-6,120).
    private static void kernel6x2(boolean accumulate, int rows, int kc, float alpha, float[] a, int ks, int a0, int a1, int a2,
                                  int a3, int a4, int a5, MemorySegment b, int column, float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        long bp = (long) column * Float.BYTES;
        for (int p = 0, ap = 0; p < kc; p++, ap += ks, bp += STRIP_BYTES) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bp, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bp + VECTOR_BYTES, NATIVE);
            FloatVector av = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + ap]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + ap]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + ap]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + ap]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + ap]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        // Spelled out row by row: with a shared helper for the stores, C2 kept the accumulators
        // less well and GEMMs ran 20 % slower (measured on the earlier 4 x 4 kernel).
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        if (accumulate) {
            c00.fma(alphas, FloatVector.fromArray(S, c, c0)).intoArray(c, c0);
            c01.fma(alphas, FloatVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            if (rows > 1) {
                c10.fma(alphas, FloatVector.fromArray(S, c, c1)).intoArray(c, c1);
                c11.fma(alphas, FloatVector.fromArray(S, c, c1 + L)).intoArray(c, c1 + L);
            }
            if (rows > 2) {
                c20.fma(alphas, FloatVector.fromArray(S, c, c2)).intoArray(c, c2);
                c21.fma(alphas, FloatVector.fromArray(S, c, c2 + L)).intoArray(c, c2 + L);
            }
            if (rows > 3) {
                c30.fma(alphas, FloatVector.fromArray(S, c, c3)).intoArray(c, c3);
                c31.fma(alphas, FloatVector.fromArray(S, c, c3 + L)).intoArray(c, c3 + L);
            }
            if (rows > 4) {
                c40.fma(alphas, FloatVector.fromArray(S, c, c4)).intoArray(c, c4);
                c41.fma(alphas, FloatVector.fromArray(S, c, c4 + L)).intoArray(c, c4 + L);
            }
            if (rows > 5) {
                c50.fma(alphas, FloatVector.fromArray(S, c, c5)).intoArray(c, c5);
                c51.fma(alphas, FloatVector.fromArray(S, c, c5 + L)).intoArray(c, c5 + L);
            }
        } else {
            c00.mul(alphas).intoArray(c, c0);
            c01.mul(alphas).intoArray(c, c0 + L);
            if (rows > 1) {
                c10.mul(alphas).intoArray(c, c1);
                c11.mul(alphas).intoArray(c, c1 + L);
            }
            if (rows > 2) {
                c20.mul(alphas).intoArray(c, c2);
                c21.mul(alphas).intoArray(c, c2 + L);
            }
            if (rows > 3) {
                c30.mul(alphas).intoArray(c, c3);
                c31.mul(alphas).intoArray(c, c3 + L);
            }
            if (rows > 4) {
                c40.mul(alphas).intoArray(c, c4);
                c41.mul(alphas).intoArray(c, c4 + L);
            }
            if (rows > 5) {
                c50.mul(alphas).intoArray(c, c5);
                c51.mul(alphas).intoArray(c, c5 + L);
            }
        }
    }

    /** The 6 by 4 tile of a 512-bit host; as {@link #kernel6x2}, with 4 vectors of B per step of k. */
    private static void kernel6x4(boolean accumulate, int rows, int kc, float alpha, float[] a, int ks, int a0, int a1, int a2,
                                  int a3, int a4, int a5, MemorySegment b, float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00, c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        long bp = 0;
        for (int p = 0, ap = 0; p < kc; p++, ap += ks, bp += STRIP_BYTES) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bp, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bp + VECTOR_BYTES, NATIVE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, bp + 2 * VECTOR_BYTES, NATIVE);
            FloatVector b3 = FloatVector.fromMemorySegment(S, b, bp + 3 * VECTOR_BYTES, NATIVE);
            FloatVector av = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(S, a[a1 + ap]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(S, a[a2 + ap]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            c22 = av.fma(b2, c22);
            c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(S, a[a3 + ap]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            c32 = av.fma(b2, c32);
            c33 = av.fma(b3, c33);
            av = FloatVector.broadcast(S, a[a4 + ap]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            c42 = av.fma(b2, c42);
            c43 = av.fma(b3, c43);
            av = FloatVector.broadcast(S, a[a5 + ap]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            c52 = av.fma(b2, c52);
            c53 = av.fma(b3, c53);
        }
        // Spelled out, as in kernel6x2.
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        if (accumulate) {
            c00.fma(alphas, FloatVector.fromArray(S, c, c0)).intoArray(c, c0);
            c01.fma(alphas, FloatVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            c02.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            c03.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
            if (rows > 1) {
                c10.fma(alphas, FloatVector.fromArray(S, c, c1)).intoArray(c, c1);
                c11.fma(alphas, FloatVector.fromArray(S, c, c1 + L)).intoArray(c, c1 + L);
                c12.fma(alphas, FloatVector.fromArray(S, c, c1 + 2 * L)).intoArray(c, c1 + 2 * L);
                c13.fma(alphas, FloatVector.fromArray(S, c, c1 + 3 * L)).intoArray(c, c1 + 3 * L);
            }
            if (rows > 2) {
                c20.fma(alphas, FloatVector.fromArray(S, c, c2)).intoArray(c, c2);
                c21.fma(alphas, FloatVector.fromArray(S, c, c2 + L)).intoArray(c, c2 + L);
                c22.fma(alphas, FloatVector.fromArray(S, c, c2 + 2 * L)).intoArray(c, c2 + 2 * L);
                c23.fma(alphas, FloatVector.fromArray(S, c, c2 + 3 * L)).intoArray(c, c2 + 3 * L);
            }
            if (rows > 3) {
                c30.fma(alphas, FloatVector.fromArray(S, c, c3)).intoArray(c, c3);
                c31.fma(alphas, FloatVector.fromArray(S, c, c3 + L)).intoArray(c, c3 + L);
                c32.fma(alphas, FloatVector.fromArray(S, c, c3 + 2 * L)).intoArray(c, c3 + 2 * L);
                c33.fma(alphas, FloatVector.fromArray(S, c, c3 + 3 * L)).intoArray(c, c3 + 3 * L);
            }
            if (rows > 4) {
                c40.fma(alphas, FloatVector.fromArray(S, c, c4)).intoArray(c, c4);
                c41.fma(alphas, FloatVector.fromArray(S, c, c4 + L)).intoArray(c, c4 + L);
                c42.fma(alphas, FloatVector.fromArray(S, c, c4 + 2 * L)).intoArray(c, c4 + 2 * L);
                c43.fma(alphas, FloatVector.fromArray(S, c, c4 + 3 * L)).intoArray(c, c4 + 3 * L);
            }
            if (rows > 5) {
                c50.fma(alphas, FloatVector.fromArray(S, c, c5)).intoArray(c, c5);
                c51.fma(alphas, FloatVector.fromArray(S, c, c5 + L)).intoArray(c, c5 + L);
                c52.fma(alphas, FloatVector.fromArray(S, c, c5 + 2 * L)).intoArray(c, c5 + 2 * L);
                c53.fma(alphas, FloatVector.fromArray(S, c, c5 + 3 * L)).intoArray(c, c5 + 3 * L);
            }
        } else {
            c00.mul(alphas).intoArray(c, c0);
            c01.mul(alphas).intoArray(c, c0 + L);
            c02.mul(alphas).intoArray(c, c0 + 2 * L);
            c03.mul(alphas).intoArray(c, c0 + 3 * L);
            if (rows > 1) {
                c10.mul(alphas).intoArray(c, c1);
                c11.mul(alphas).intoArray(c, c1 + L);
                c12.mul(alphas).intoArray(c, c1 + 2 * L);
                c13.mul(alphas).intoArray(c, c1 + 3 * L);
            }
            if (rows > 2) {
                c20.mul(alphas).intoArray(c, c2);
                c21.mul(alphas).intoArray(c, c2 + L);
                c22.mul(alphas).intoArray(c, c2 + 2 * L);
                c23.mul(alphas).intoArray(c, c2 + 3 * L);
            }
            if (rows > 3) {
                c30.mul(alphas).intoArray(c, c3);
                c31.mul(alphas).intoArray(c, c3 + L);
                c32.mul(alphas).intoArray(c, c3 + 2 * L);
                c33.mul(alphas).intoArray(c, c3 + 3 * L);
            }
            if (rows > 4) {
                c40.mul(alphas).intoArray(c, c4);
                c41.mul(alphas).intoArray(c, c4 + L);
                c42.mul(alphas).intoArray(c, c4 + 2 * L);
                c43.mul(alphas).intoArray(c, c4 + 3 * L);
            }
            if (rows > 5) {
                c50.mul(alphas).intoArray(c, c5);
                c51.mul(alphas).intoArray(c, c5 + L);
                c52.mul(alphas).intoArray(c, c5 + 2 * L);
                c53.mul(alphas).intoArray(c, c5 + 3 * L);
            }
        }
    }

    /** A 3 by 2 tile (1 to 3 rows): as {@link #kernel6x2} for the last rows of a block. */
    private static void kernel3x2(boolean accumulate, int rows, int kc, float alpha, float[] a, int ks, int a0, int a1, int a2,
                                  MemorySegment b, int column, float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        long bp = (long) column * Float.BYTES;
        for (int p = 0, ap = 0; p < kc; p++, ap += ks, bp += STRIP_BYTES) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bp, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bp + VECTOR_BYTES, NATIVE);
            FloatVector av = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + ap]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + ap]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
        }
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        if (accumulate) {
            c00.fma(alphas, FloatVector.fromArray(S, c, c0)).intoArray(c, c0);
            c01.fma(alphas, FloatVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            if (rows > 1) {
                c10.fma(alphas, FloatVector.fromArray(S, c, c1)).intoArray(c, c1);
                c11.fma(alphas, FloatVector.fromArray(S, c, c1 + L)).intoArray(c, c1 + L);
            }
            if (rows > 2) {
                c20.fma(alphas, FloatVector.fromArray(S, c, c2)).intoArray(c, c2);
                c21.fma(alphas, FloatVector.fromArray(S, c, c2 + L)).intoArray(c, c2 + L);
            }
        } else {
            c00.mul(alphas).intoArray(c, c0);
            c01.mul(alphas).intoArray(c, c0 + L);
            if (rows > 1) {
                c10.mul(alphas).intoArray(c, c1);
                c11.mul(alphas).intoArray(c, c1 + L);
            }
            if (rows > 2) {
                c20.mul(alphas).intoArray(c, c2);
                c21.mul(alphas).intoArray(c, c2 + L);
            }
        }
    }

    /**
     * One row by 4 vectors: the last steps of a batch's longest sequences, and a single review's
     * every step. The 3-row kernel did three rows' multiply-adds for it (JMH packedB 1x64*64x256:
     * 0.90 us a call, where one row's 1,024 vector FMAs take 0.28 us); 4 independent sums keep the
     * FMA pipe busy here, where the latency is 4 cycles and Zen 4 issues one 512-bit FMA a cycle.
     */
    private static void kernel1x4(boolean accumulate, int kc, float alpha, float[] a, int ks, int a0, MemorySegment b,
                                  float[] c, int c0) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        long bp = 0;
        for (int p = 0, ap = 0; p < kc; p++, ap += ks, bp += STRIP_BYTES) {
            FloatVector av = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = av.fma(FloatVector.fromMemorySegment(S, b, bp, NATIVE), c00);
            c01 = av.fma(FloatVector.fromMemorySegment(S, b, bp + VECTOR_BYTES, NATIVE), c01);
            c02 = av.fma(FloatVector.fromMemorySegment(S, b, bp + 2 * VECTOR_BYTES, NATIVE), c02);
            c03 = av.fma(FloatVector.fromMemorySegment(S, b, bp + 3 * VECTOR_BYTES, NATIVE), c03);
        }
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        if (accumulate) {
            c00.fma(alphas, FloatVector.fromArray(S, c, c0)).intoArray(c, c0);
            c01.fma(alphas, FloatVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            c02.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            c03.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
        } else {
            c00.mul(alphas).intoArray(c, c0);
            c01.mul(alphas).intoArray(c, c0 + L);
            c02.mul(alphas).intoArray(c, c0 + 2 * L);
            c03.mul(alphas).intoArray(c, c0 + 3 * L);
        }
    }

    /** Two rows by 4 vectors: as {@link #kernel1x4}, for tiles of 2, 4 and 5 rows. */
    private static void kernel2x4(boolean accumulate, int kc, float alpha, float[] a, int ks, int a0, int a1, MemorySegment b,
                                  float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        long bp = 0;
        for (int p = 0, ap = 0; p < kc; p++, ap += ks, bp += STRIP_BYTES) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bp, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bp + VECTOR_BYTES, NATIVE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, bp + 2 * VECTOR_BYTES, NATIVE);
            FloatVector b3 = FloatVector.fromMemorySegment(S, b, bp + 3 * VECTOR_BYTES, NATIVE);
            FloatVector av = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(S, a[a1 + ap]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            c13 = av.fma(b3, c13);
        }
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        int c1 = c0 + ldc;
        if (accumulate) {
            c00.fma(alphas, FloatVector.fromArray(S, c, c0)).intoArray(c, c0);
            c01.fma(alphas, FloatVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            c02.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            c03.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
            c10.fma(alphas, FloatVector.fromArray(S, c, c1)).intoArray(c, c1);
            c11.fma(alphas, FloatVector.fromArray(S, c, c1 + L)).intoArray(c, c1 + L);
            c12.fma(alphas, FloatVector.fromArray(S, c, c1 + 2 * L)).intoArray(c, c1 + 2 * L);
            c13.fma(alphas, FloatVector.fromArray(S, c, c1 + 3 * L)).intoArray(c, c1 + 3 * L);
        } else {
            c00.mul(alphas).intoArray(c, c0);
            c01.mul(alphas).intoArray(c, c0 + L);
            c02.mul(alphas).intoArray(c, c0 + 2 * L);
            c03.mul(alphas).intoArray(c, c0 + 3 * L);
            c10.mul(alphas).intoArray(c, c1);
            c11.mul(alphas).intoArray(c, c1 + L);
            c12.mul(alphas).intoArray(c, c1 + 2 * L);
            c13.mul(alphas).intoArray(c, c1 + 3 * L);
        }
    }

    /** A 3 by 4 tile (3 rows, and the first 3 of 5) of a 512-bit host: as {@link #kernel6x4} for the last rows of a block. */
    private static void kernel3x4(boolean accumulate, int rows, int kc, float alpha, float[] a, int ks, int a0, int a1, int a2,
                                  MemorySegment b, float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        long bp = 0;
        for (int p = 0, ap = 0; p < kc; p++, ap += ks, bp += STRIP_BYTES) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bp, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bp + VECTOR_BYTES, NATIVE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, bp + 2 * VECTOR_BYTES, NATIVE);
            FloatVector b3 = FloatVector.fromMemorySegment(S, b, bp + 3 * VECTOR_BYTES, NATIVE);
            FloatVector av = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(S, a[a1 + ap]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(S, a[a2 + ap]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            c22 = av.fma(b2, c22);
            c23 = av.fma(b3, c23);
        }
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        if (accumulate) {
            c00.fma(alphas, FloatVector.fromArray(S, c, c0)).intoArray(c, c0);
            c01.fma(alphas, FloatVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            c02.fma(alphas, FloatVector.fromArray(S, c, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            c03.fma(alphas, FloatVector.fromArray(S, c, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
            if (rows > 1) {
                c10.fma(alphas, FloatVector.fromArray(S, c, c1)).intoArray(c, c1);
                c11.fma(alphas, FloatVector.fromArray(S, c, c1 + L)).intoArray(c, c1 + L);
                c12.fma(alphas, FloatVector.fromArray(S, c, c1 + 2 * L)).intoArray(c, c1 + 2 * L);
                c13.fma(alphas, FloatVector.fromArray(S, c, c1 + 3 * L)).intoArray(c, c1 + 3 * L);
            }
            if (rows > 2) {
                c20.fma(alphas, FloatVector.fromArray(S, c, c2)).intoArray(c, c2);
                c21.fma(alphas, FloatVector.fromArray(S, c, c2 + L)).intoArray(c, c2 + L);
                c22.fma(alphas, FloatVector.fromArray(S, c, c2 + 2 * L)).intoArray(c, c2 + 2 * L);
                c23.fma(alphas, FloatVector.fromArray(S, c, c2 + 3 * L)).intoArray(c, c2 + 3 * L);
            }
        } else {
            c00.mul(alphas).intoArray(c, c0);
            c01.mul(alphas).intoArray(c, c0 + L);
            c02.mul(alphas).intoArray(c, c0 + 2 * L);
            c03.mul(alphas).intoArray(c, c0 + 3 * L);
            if (rows > 1) {
                c10.mul(alphas).intoArray(c, c1);
                c11.mul(alphas).intoArray(c, c1 + L);
                c12.mul(alphas).intoArray(c, c1 + 2 * L);
                c13.mul(alphas).intoArray(c, c1 + 3 * L);
            }
            if (rows > 2) {
                c20.mul(alphas).intoArray(c, c2);
                c21.mul(alphas).intoArray(c, c2 + L);
                c22.mul(alphas).intoArray(c, c2 + 2 * L);
                c23.mul(alphas).intoArray(c, c2 + 3 * L);
            }
        }
    }

    private static void kernel6x1(boolean accumulate, int rows, int kc, float alpha, float[] a, int ks, int a0, int a1, int a2,
                                  int a3, int a4, int a5, MemorySegment b, int column, float[] c, int c0, int ldc,
                                  VectorMask<Float> mask) {
        FloatVector c0v = FloatVector.zero(S), c1v = c0v, c2v = c0v, c3v = c0v, c4v = c0v, c5v = c0v;
        long bp = (long) column * Float.BYTES;
        for (int p = 0, ap = 0; p < kc; p++, ap += ks, bp += STRIP_BYTES) {
            FloatVector bv = FloatVector.fromMemorySegment(S, b, bp, NATIVE); // lanes past width: see tile
            c0v = FloatVector.broadcast(S, a[a0 + ap]).fma(bv, c0v);
            c1v = FloatVector.broadcast(S, a[a1 + ap]).fma(bv, c1v);
            c2v = FloatVector.broadcast(S, a[a2 + ap]).fma(bv, c2v);
            c3v = FloatVector.broadcast(S, a[a3 + ap]).fma(bv, c3v);
            c4v = FloatVector.broadcast(S, a[a4 + ap]).fma(bv, c4v);
            c5v = FloatVector.broadcast(S, a[a5 + ap]).fma(bv, c5v);
        }
        // The masked stores in a method of their own: written out here, six masked loads and stores
        // made the method too large for C1's register allocator ("out of virtual registers"), and
        // in some runs it then never reached C2 and boxed every vector (2 MB per training step).
        storeMasked(accumulate, alpha, c0v, c, c0, mask);
        if (rows > 1) {
            storeMasked(accumulate, alpha, c1v, c, c0 + ldc, mask);
        }
        if (rows > 2) {
            storeMasked(accumulate, alpha, c2v, c, c0 + 2 * ldc, mask);
        }
        if (rows > 3) {
            storeMasked(accumulate, alpha, c3v, c, c0 + 3 * ldc, mask);
        }
        if (rows > 4) {
            storeMasked(accumulate, alpha, c4v, c, c0 + 4 * ldc, mask);
        }
        if (rows > 5) {
            storeMasked(accumulate, alpha, c5v, c, c0 + 5 * ldc, mask);
        }
    }

    /** C's masked lanes at {@code at} = alpha * sum, or alpha * sum + C when accumulating. */
    private static void storeMasked(boolean accumulate, float alpha, FloatVector sum, float[] c, int at, VectorMask<Float> mask) {
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        if (accumulate) {
            sum.fma(alphas, FloatVector.fromArray(S, c, at, mask)).intoArray(c, at, mask);
        } else {
            sum.mul(alphas).intoArray(c, at, mask);
        }
    }

    @Override
    public void packRows(float[] b, int offset, int ldb, int kc, int width, MemorySegment packedB) {
        if (width == STRIP) {
            for (int p = 0; p < kc; p++) {
                int src = offset + p * ldb;
                long dst = p * STRIP_BYTES;
                for (int v = 0; v < VECTORS; v++) {
                    FloatVector.fromArray(S, b, src + v * L).intoMemorySegment(packedB, dst + v * VECTOR_BYTES, NATIVE);
                }
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
