package dev.kiln.engine.kernel;

import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Single-precision matrix multiply, row-major: {@code C = alpha * op(A) * op(B) + beta * C},
 * where op(X) is X or its transpose. op(A) is [m, k], op(B) is [k, n], C is [m, n].
 * As in BLAS, beta == 0 means C is only written, never read (NaNs in C do not leak through).
 *
 * <p>The vector path is register blocked ({@link VectorGemmTiles}): a micro-kernel keeps a 6-row by
 * 2-vector tile of C (4 vectors with 512-bit vectors) in registers while it streams a panel of A
 * and a strip of B, both packed contiguous (whatever op(B) is) per block of K, so the strips stay
 * in cache; a row-major A whose k fits one block, a transposed A and an A of gathered rows are read
 * where they lie. Large problems are split over the {@link ComputePool} by rows (or by column
 * strips when there are few rows); every C element is computed by one task in the same order, so
 * the result does not depend on the thread count.
 */
public final class Gemm {
    private static final int ROWS = GemmTiles.ROWS;
    /**
     * A K block of a 2-vector strip of B (16 KiB at 256 bits) and a panel of A (6 KiB) fit in L1
     * (a 4-vector strip at 512 bits, 64 KiB, streams from L2: each of its rows feeds 24 FMAs);
     * 256 rather than 128 halves the passes over C when k is large (a gradient through a 512-wide
     * input: 49 to 61 GFLOPS on one thread). Changing it changes results in the last bits, since C
     * adds one K block at a time.
     */
    private static final int K_BLOCK = 256;
    /**
     * Below this many multiply-adds (about 0.2 ms of work) a problem runs on the calling thread:
     * handing work to another thread costs tens of microseconds here.
     */
    private static final long PARALLEL_THRESHOLD = 1L << 24;
    /** Rows of A packed at a time: 96 x 256 floats, 96 KiB, stay in L2 (a multiple of ROWS). */
    private static final int ROW_BLOCK = 16 * ROWS;

    private final VectorSpecies<Float> species;
    private final GemmTiles tiles;
    private final int strip;
    private final ComputePool pool;
    /** Packing buffers, one set per thread that runs this Gemm. */
    private final ThreadLocal<Scratch> scratches;

    /** A GEMM whose tiles use {@code species} and whose large problems split over {@code pool}. */
    public Gemm(VectorSpecies<Float> species, ComputePool pool) {
        this.species = species;
        this.tiles = Specialization.instantiate(GemmTiles.class, VectorGemmTiles.class, species);
        this.strip = tiles.strip();
        this.pool = pool;
        this.scratches = ThreadLocal.withInitial(Scratch::new);
    }

    /** The vector width this GEMM computes with. */
    public VectorSpecies<Float> species() {
        return species;
    }

    /** {@code C = alpha * op(A) * op(B) + beta * C}; see the class comment. */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scaleBlock(beta, c, cOff, ldc, 0, m, 0, n);
            return;
        }
        run(new Operands(transA, transB, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc), null, m, n);
    }

    /**
     * B once packed for repeated products ({@code op(B)} is [k, n]): a recurrent weight matrix
     * multiplied at every time step is packed once per batch instead of once per step.
     */
    public PackedMatrix pack(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        Bounds.nonNegative("pack k", k);
        Bounds.nonNegative("pack n", n);
        Bounds.matrix(transB ? "pack B (transposed, stored n x k)" : "pack B (k x n)", b, bOff, transB ? n : k,
                transB ? k : n, ldb);
        int kBlocks = ceilDiv(k, K_BLOCK);
        int strips = ceilDiv(n, strip);
        // A block holds the rows of its K block: k rows when k < K_BLOCK. Sized for K_BLOCK rows, a
        // 64 x 256 recurrent kernel took 256 KiB, which the C library maps fresh (and the kernel
        // zero-fills page by page) at every pack: 3 % of a seed-model step (JFR, initNativeMemory).
        long blockBytes = (long) Math.min(K_BLOCK, k) * strip * Float.BYTES;
        MemorySegment all = Arena.ofAuto().allocate(Math.max(1, kBlocks * strips * blockBytes), 64);
        MemorySegment[] blocks = new MemorySegment[kBlocks * strips];
        Operands o = new Operands(false, transB, k, 1f, null, 0, 1, b, bOff, ldb, 0f, null, 0, 1);
        for (int kb = 0; kb < kBlocks; kb++) {
            for (int s = 0; s < strips; s++) {
                MemorySegment block = all.asSlice((kb * strips + s) * blockBytes, blockBytes);
                packStrip(o, kb * K_BLOCK, Math.min(K_BLOCK, k - kb * K_BLOCK), s * strip, Math.min(strip, n - s * strip), block);
                blocks[kb * strips + s] = block;
            }
        }
        return new PackedMatrix(k, n, strip, strips, blocks);
    }

    /** {@code C = alpha * op(A) * B + beta * C} with B packed by {@link #pack} on a Gemm of the same width. */
    public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PackedMatrix b,
                      float beta, float[] c, int cOff, int ldc) {
        requireStrip(b);
        Bounds.nonNegative("sgemm m", m);
        Bounds.matrix(transA ? "sgemm A (transposed, stored k x m)" : "sgemm A (m x k)", a, aOff, transA ? b.k() : m,
                transA ? m : b.k(), lda);
        runPacked(new Operands(transA, false, b.k(), alpha, a, aOff, lda, null, 0, 1, beta, c, cOff, ldc), b, m);
    }

    /**
     * {@code C = alpha * A * B + beta * C} with B packed by {@link #pack}, where A's row i is the k
     * floats at {@code a[rowsOfA[i]]}: rows gathered from anywhere in {@code a} (a recurrent layer's
     * inputs in its time-major order) are read where they lie, not copied together first.
     */
    public void sgemmGatheredA(int m, float alpha, float[] a, int[] rowsOfA, PackedMatrix b, float beta, float[] c, int cOff,
                               int ldc) {
        requireStrip(b);
        Bounds.nonNegative("sgemm m", m);
        Bounds.rows("sgemm A (gathered rows)", a, rowsOfA, m, b.k());
        runPacked(new Operands(false, false, b.k(), alpha, a, 0, 1, null, 0, 1, beta, c, cOff, ldc, rowsOfA), b, m);
    }

    /** B packed for {@link #sgemm(boolean, int, float, float[], int, int, PackedMatrix, float, float[], int, int)}. */
    public record PackedMatrix(int k, int n, int strip, int strips, MemorySegment[] blocks) {
        /** Sliced once when packed: a slice per use would allocate in the per-step loop of an LSTM. */
        MemorySegment block(int kBlock, int stripIndex) {
            return blocks[kBlock * strips + stripIndex];
        }
    }

    /** The products with a packed B, once their A is checked: C's check, the empty cases, then the work. */
    private void runPacked(Operands o, PackedMatrix b, int m) {
        int n = b.n();
        Bounds.matrix("sgemm C (m x n)", o.c, o.cOff, m, n, o.ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (o.k == 0 || o.alpha == 0f) {
            scaleBlock(o.beta, o.c, o.cOff, o.ldc, 0, m, 0, n);
            return;
        }
        run(o, b, m, n);
    }

    private void requireStrip(PackedMatrix b) {
        if (b.strip() != strip) {
            throw new IllegalArgumentException("the packed matrix was made for strips of " + b.strip()
                    + " floats, this Gemm uses " + strip + " (another vector width)");
        }
    }

    private void run(Operands ops, PackedMatrix packed, int m, int n) {
        int k = ops.k;
        long work = (long) m * n * k;
        int threads = pool.threads();
        if (threads == 1 || work < PARALLEL_THRESHOLD) {
            compute(ops, packed, 0, m, 0, n);
        } else if (m >= ROWS * threads * 2 && (packed != null || m >= n || n < strip * threads)) {
            // By rows, unless B is the larger operand: each task packs all of B that it reads, so
            // a split by rows packs B once per task (a weight gradient, 128 x 512 from 15,000
            // tokens, ran no faster on 2 threads than on 1), a split by columns A.
            int chunks = threads * 4;
            int rowsPerChunk = roundUp(ceilDiv(m, chunks), ROWS);
            int count = ceilDiv(m, rowsPerChunk);
            pool.parallelFor(count, t -> compute(ops, packed, t * rowsPerChunk, Math.min(m, (t + 1) * rowsPerChunk), 0, n));
        } else {
            int strips = ceilDiv(n, strip);
            int stripsPerChunk = ceilDiv(strips, threads);
            int count = ceilDiv(strips, stripsPerChunk);
            int width = stripsPerChunk * strip;
            pool.parallelFor(count, t -> compute(ops, packed, 0, m, t * width, Math.min(n, (t + 1) * width)));
        }
    }

    /** The plain scalar reference: the same contract, three loops, float accumulation in k order. */
    public static void sgemmScalar(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) {
        checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * sum : alpha * sum + beta * c[ci];
            }
        }
    }

    private static void checkArguments(boolean transA, boolean transB, int m, int n, int k,
                                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                       float[] c, int cOff, int ldc) {
        Bounds.nonNegative("sgemm m", m);
        Bounds.nonNegative("sgemm n", n);
        Bounds.nonNegative("sgemm k", k);
        Bounds.matrix(transA ? "sgemm A (transposed, stored k x m)" : "sgemm A (m x k)",
                a, aOff, transA ? k : m, transA ? m : k, lda);
        Bounds.matrix(transB ? "sgemm B (transposed, stored n x k)" : "sgemm B (k x n)",
                b, bOff, transB ? n : k, transB ? k : n, ldb);
        Bounds.matrix("sgemm C (m x n)", c, cOff, m, n, ldc);
    }

    /** C[m0..m1, n0..n1) *= beta, where beta == 0 writes zeros without reading C. */
    private static void scaleBlock(float beta, float[] c, int cOff, int ldc, int m0, int m1, int n0, int n1) {
        if (beta == 1f) {
            return;
        }
        for (int i = m0; i < m1; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row + n0, row + n1, 0f);
            } else {
                for (int j = n0; j < n1; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }

    /** The arguments of one sgemm call. */
    private record Operands(boolean transA, boolean transB, int k, float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                            int[] rowsOfA) {
        /** Operands whose A and B are matrices with a leading dimension. */
        Operands(boolean transA, boolean transB, int k, float alpha, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            this(transA, transB, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
        }
    }

    /** Computes the C block rows [m0, m1) x columns [n0, n1). */
    private void compute(Operands o, PackedMatrix prepacked, int m0, int m1, int n0, int n1) {
        Scratch scratch = scratches.get();
        if (o.beta != 0f) {
            scaleBlock(o.beta, o.c, o.cOff, o.ldc, m0, m1, n0, n1);
        }
        int strips = ceilDiv(n1 - n0, strip);
        // A row-major A with k in one block is read where it lies: packing it cost as much as a
        // third of an LSTM step's dh = dz U^T, whose few columns reuse each row little (JMH,
        // 16x256 by 256x64: 84 to 111 thousand calls/s). With larger k the packed block stays in
        // L2 across K blocks, and its rows are K_BLOCK apart rather than lda (1024^3 in place: 16 %
        // slower). A transposed A (a weight gradient's X^T) is always read where it lies: a tile's
        // six rows are six neighbours in each stored row, and transposing them into panels one
        // float at a time cost more than the reads it saved.
        boolean inPlace = o.transA || o.k <= K_BLOCK || o.rowsOfA != null;
        float[] a = inPlace ? o.a : scratch.panelsOfA;
        int lda = inPlace ? o.lda : K_BLOCK;
        for (int kb = 0; kb < o.k; kb += K_BLOCK) {
            int kc = Math.min(K_BLOCK, o.k - kb);
            // With beta == 0 the first K block writes C; later blocks (and beta != 0) add to it.
            boolean accumulate = kb > 0 || o.beta != 0f;
            MemorySegment[] stripsOfB = prepacked == null ? scratch.stripsOfB(strips, strip) : null;
            if (prepacked == null) {
                for (int s = 0; s < strips; s++) {
                    int j = n0 + s * strip;
                    packStrip(o, kb, kc, j, Math.min(strip, n1 - j), stripsOfB[s]);
                }
            }
            // A block of rows at a time (packed once for all strips): its rows stay in L2 while
            // each strip of B, in L1, meets every one of them.
            for (int b0 = m0; b0 < m1; b0 += ROW_BLOCK) {
                int b1 = Math.min(m1, b0 + ROW_BLOCK);
                if (!inPlace) {
                    packA(o, kb, kc, b0, b1, scratch.panelsOfA);
                }
                for (int s = 0; s < strips; s++) {
                    int j = n0 + s * strip;
                    int width = Math.min(strip, n1 - j);
                    MemorySegment packedB = prepacked != null ? prepacked.block(kb / K_BLOCK, j / strip) : stripsOfB[s];
                    for (int i = b0; i < b1; i += ROWS) {
                        int rows = Math.min(ROWS, b1 - i);
                        int cAt = o.cOff + i * o.ldc + j;
                        if (o.rowsOfA != null) {
                            tiles.tileOfRows(accumulate, rows, width, kc, o.alpha, a, o.rowsOfA, i, kb, packedB, o.c, cAt, o.ldc);
                            continue;
                        }
                        int aAt = !inPlace ? (i - b0) * K_BLOCK // the packed panel
                                : o.transA ? o.aOff + kb * o.lda + i // stored k x m: row kb, column i
                                : o.aOff + i * o.lda + kb;
                        tiles.tile(accumulate, rows, width, kc, o.alpha, a, aAt, lda, o.transA, packedB, o.c, cAt, o.ldc);
                    }
                }
            }
        }
    }

    /**
     * Copies A[m0..m1, kb..kb+kc) of a row-major A into {@code panels}, row i at (i - m0) * K_BLOCK,
     * one array copy per row (a transposed A is never packed).
     */
    private static void packA(Operands o, int kb, int kc, int m0, int m1, float[] panels) {
        for (int r = 0; r < m1 - m0; r++) {
            System.arraycopy(o.a, o.aOff + (m0 + r) * o.lda + kb, panels, r * K_BLOCK, kc);
        }
    }

    /**
     * Copies op(B)[kb..kb+kc, j..j+width) into {@code packed}, row p at p * strip. A dense strip
     * with a constant row stride lets C2 drop the bounds checks in the micro-kernel, and it is
     * reused by every row block of C.
     */
    private void packStrip(Operands o, int kb, int kc, int j, int width, MemorySegment packed) {
        if (o.transB) {
            for (int col = 0; col < width; col++) {
                int src = o.bOff + (j + col) * o.ldb + kb;
                for (int p = 0; p < kc; p++) {
                    packed.setAtIndex(ValueLayout.JAVA_FLOAT, (long) p * strip + col, o.b[src + p]);
                }
            }
        } else {
            tiles.packRows(o.b, o.bOff + kb * o.ldb + j, o.ldb, kc, width, packed);
        }
    }

    /**
     * The packed strips of a K block of B (grown on demand) and the panels of a block of A. The
     * strips live off-heap, aligned to 64 bytes: a vector load that straddles two cache lines
     * costs two, and the address of a float[] on the heap is neither known nor stable.
     */
    private static final class Scratch {
        /**
         * A block of rows of A by a K block, row-major on the heap: filled by array copies and
         * plain stores (a segment's per-element checks made packing a fifth of a small GEMM's time).
         */
        final float[] panelsOfA = new float[ROW_BLOCK * K_BLOCK];
        private MemorySegment[] stripsOfB = new MemorySegment[0];

        /** At least {@code strips} K blocks of strips of B, each a view made once. */
        MemorySegment[] stripsOfB(int strips, int strip) {
            if (stripsOfB.length < strips) {
                long stripBytes = (long) K_BLOCK * strip * Float.BYTES;
                MemorySegment all = Arena.ofAuto().allocate(strips * stripBytes, 64);
                stripsOfB = new MemorySegment[strips];
                for (int s = 0; s < strips; s++) {
                    stripsOfB[s] = all.asSlice(s * stripBytes, stripBytes);
                }
            }
            return stripsOfB;
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int value, int multiple) {
        return ceilDiv(value, multiple) * multiple;
    }
}
