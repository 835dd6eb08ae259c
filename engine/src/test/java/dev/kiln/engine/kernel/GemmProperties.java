package dev.kiln.engine.kernel;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmProperties {

    /**
     * Vector SGEMM equals the scalar reference for every width, transpose, shape, leading
     * dimension and offset. Tolerance: both sum k products in float in different orders, so each
     * element may differ by about 2k * 2^-24 * sum_p |a_ip * b_pj| (scaled by |alpha|), plus the
     * rounding of beta * c.
     */
    @Property(tries = 300)
    void vectorMatchesScalarReference(@ForAll Width width, @ForAll("sides") int m, @ForAll("sides") int n,
                                      @ForAll("sides") int k, @ForAll boolean transA, @ForAll boolean transB,
                                      @ForAll("scalars") float alpha, @ForAll("scalars") float beta,
                                      @ForAll("padding") int pad, @ForAll long seed) {
        Random random = new Random(seed);
        Layout layout = new Layout(m, n, k, transA, transB, pad);
        float[] a = Sizes.uniform(random, layout.aSize(), -1, 1);
        float[] b = Sizes.uniform(random, layout.bSize(), -1, 1);
        float[] c = Sizes.uniform(random, layout.cSize(), -1, 1);
        float[] expected = c.clone();
        float[] actual = c.clone();
        try (ComputePool pool = ComputePool.singleThreaded()) {
            layout.run(new Gemm(width.species, pool), alpha, a, b, beta, actual);
        }
        layout.runScalar(alpha, a, b, beta, expected);
        for (int row = 0; row < m; row++) {
            for (int col = 0; col < n; col++) {
                int i = row;
                int j = col;
                int at = layout.cOff + i * layout.ldc + j;
                double bound = 2.0 * (k + 1) * 0x1p-24 * (Math.abs(alpha) * layout.absProduct(a, b, i, j)
                        + Math.abs(beta * c[at])) + 1e-30;
                assertTrue(Math.abs(expected[at] - actual[at]) <= bound,
                        () -> "C[" + i + "," + j + "] " + actual[at] + " vs scalar " + expected[at] + " for " + layout);
            }
        }
        // Elements outside the C view are never touched.
        for (int at = 0; at < c.length; at++) {
            if (!layout.insideC(at)) {
                assertEquals(c[at], actual[at], "element " + at + " outside C was written, " + layout);
            }
        }
    }

    /** A B packed once gives exactly the result of the same product packed on the fly. */
    @Property(tries = 100)
    void prepackedMatchesUnpackedExactly(@ForAll Width width, @ForAll("sides") int m, @ForAll("sides") int n,
                                         @ForAll("sides") int k, @ForAll boolean transA, @ForAll boolean transB,
                                         @ForAll long seed) {
        Random random = new Random(seed);
        Layout layout = new Layout(m, n, k, transA, transB, 0);
        float[] a = Sizes.uniform(random, layout.aSize(), -1, 1);
        float[] b = Sizes.uniform(random, layout.bSize(), -1, 1);
        float[] c = Sizes.uniform(random, layout.cSize(), -1, 1);
        float[] expected = c.clone();
        float[] actual = c.clone();
        Gemm gemm = new Gemm(width.species, ComputePool.singleThreaded());
        layout.run(gemm, 1.5f, a, b, 1f, expected);
        Gemm.PackedMatrix packed = gemm.pack(transB, k, n, b, layout.bOff(), layout.ldb());
        gemm.sgemm(transA, m, 1.5f, a, layout.aOff(), layout.lda(), packed, 1f, actual, layout.cOff(), layout.ldc());
        assertArrayEquals(expected, actual, layout.toString());
    }

    /**
     * A row-major A and the same A stored transposed give exactly the same C, whether each is read
     * where it lies (row-major with k within one block; transposed always) or packed (row-major
     * past one block of k): every way is the same FMA chain in k order, one block of k at a time.
     */
    @Property(tries = 100)
    void rowMajorAndTransposedAMatchExactly(@ForAll Width width, @ForAll("sides") int m, @ForAll("sides") int n,
                                            @ForAll("depths") int k, @ForAll boolean transB, @ForAll("padding") int pad,
                                            @ForAll long seed) {
        Random random = new Random(seed);
        Layout rowMajor = new Layout(m, n, k, false, transB, pad);
        Layout transposed = new Layout(m, n, k, true, transB, pad);
        float[] a = Sizes.uniform(random, rowMajor.aSize(), -1, 1);
        float[] aStoredTransposed = new float[transposed.aSize()];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                aStoredTransposed[transposed.aOff() + p * transposed.lda() + i] = a[rowMajor.aOff() + i * rowMajor.lda() + p];
            }
        }
        float[] b = Sizes.uniform(random, rowMajor.bSize(), -1, 1);
        float[] c = Sizes.uniform(random, rowMajor.cSize(), -1, 1);
        float[] fromRowMajor = c.clone();
        float[] fromTransposed = c.clone();
        Gemm gemm = new Gemm(width.species, ComputePool.singleThreaded());
        rowMajor.run(gemm, 1.5f, a, b, 1f, fromRowMajor);
        transposed.run(gemm, 1.5f, aStoredTransposed, b, 1f, fromTransposed);
        assertArrayEquals(fromTransposed, fromRowMajor, rowMajor.toString());
    }

    /**
     * Each row of C is the same whichever tile computes it: a product of m rows (6-row tiles, then
     * a 3-row one for 1 to 3 left over) equals, bit for bit, the products of its rows one at a time
     * (every row then in a 1-row tile) and of any split of the rows. Results then do not depend on
     * how a step's rows fall into tiles, nor on the vector width's tile shape.
     */
    @Property(tries = 100)
    void rowsComeOutTheSameWhicheverTileComputesThem(@ForAll Width width, @ForAll("sides") int m,
                                                     @ForAll("sides") int n, @ForAll("sides") int k,
                                                     @ForAll boolean accumulate, @ForAll long seed) {
        Random random = new Random(seed);
        float[] a = Sizes.uniform(random, m * k, -1, 1);
        float[] b = Sizes.uniform(random, k * n, -1, 1);
        float[] c = Sizes.uniform(random, m * n, -1, 1);
        float beta = accumulate ? 1f : 0f;
        Gemm gemm = new Gemm(width.species, ComputePool.singleThreaded());
        float[] whole = c.clone();
        gemm.sgemm(false, false, m, n, k, 1f, a, 0, Math.max(1, k), b, 0, Math.max(1, n), beta, whole, 0, Math.max(1, n));
        float[] byRow = c.clone();
        for (int i = 0; i < m; i++) {
            gemm.sgemm(false, false, 1, n, k, 1f, a, i * k, Math.max(1, k), b, 0, Math.max(1, n), beta, byRow, i * n,
                    Math.max(1, n));
        }
        assertArrayEquals(whole, byRow, "one row at a time");
        int split = m == 0 ? 0 : random.nextInt(m + 1);
        float[] twoParts = c.clone();
        gemm.sgemm(false, false, split, n, k, 1f, a, 0, Math.max(1, k), b, 0, Math.max(1, n), beta, twoParts, 0,
                Math.max(1, n));
        gemm.sgemm(false, false, m - split, n, k, 1f, a, split * k, Math.max(1, k), b, 0, Math.max(1, n), beta, twoParts,
                split * n, Math.max(1, n));
        assertArrayEquals(whole, twoParts, "split after row " + split);
    }

    @Test
    void aMatrixPackedForAnotherWidthIsRejected() {
        Gemm.PackedMatrix packed = new Gemm(Width.BITS_512.species, ComputePool.singleThreaded())
                .pack(false, 2, 2, new float[4], 0, 2);
        var error = assertThrows(IllegalArgumentException.class, () -> new Gemm(Width.BITS_128.species,
                ComputePool.singleThreaded()).sgemm(false, 1, 1f, new float[2], 0, 2, packed, 0f, new float[2], 0, 2));
        assertTrue(error.getMessage().contains("another vector width"), error.getMessage());
    }

    @Test
    void smallProductIsExact() {
        // [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {7, 8, 9, 10, 11, 12};
        for (Width width : Width.values()) {
            float[] c = new float[4];
            new Gemm(width.species, ComputePool.singleThreaded()).sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
            assertArrayEquals(new float[] {58, 64, 139, 154}, c, width.name());
        }
    }

    @Test
    void betaZeroNeverReadsC() {
        Random random = new Random(7);
        for (Width width : Width.values()) {
            float[] a = Sizes.uniform(random, 33 * 70, -1, 1);
            float[] b = Sizes.uniform(random, 70 * 47, -1, 1);
            float[] c = new float[33 * 47];
            Arrays.fill(c, Float.NaN);
            new Gemm(width.species, ComputePool.singleThreaded()).sgemm(false, false, 33, 47, 70, 1f, a, 0, 70, b, 0, 47, 0f, c, 0, 47);
            for (float value : c) {
                assertTrue(Float.isFinite(value), width + ": NaN leaked from C with beta = 0");
            }
        }
    }

    @Test
    void kZeroScalesC() {
        float[] c = {1, 2, 3, 4};
        new Gemm(Width.BITS_256.species, ComputePool.singleThreaded()).sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1,
                new float[0], 0, 2, 0.5f, c, 0, 2);
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2}, c);
    }

    /**
     * A product whose A rows are gathered from anywhere in an array (repeated, out of order, past
     * one block of k) equals, bit for bit, the same product on those rows copied together first,
     * on one thread and on three: the same FMA chain per element, read where the rows lie.
     */
    @Property(tries = 100)
    void gatheredRowsOfAMatchTheRowsCopiedTogether(@ForAll Width width, @ForAll("sides") int m, @ForAll("sides") int n,
                                                   @ForAll("depths") int k, @ForAll("scalars") float alpha,
                                                   @ForAll("scalars") float beta, @ForAll long seed) {
        Random random = new Random(seed);
        int sourceRows = 1 + random.nextInt(2 * m + 1);
        float[] source = Sizes.uniform(random, sourceRows * k + random.nextInt(5), -1, 1);
        int[] rowStarts = new int[m + random.nextInt(3)]; // entries past m are never read
        float[] gathered = new float[m * k];
        for (int i = 0; i < m; i++) {
            rowStarts[i] = random.nextInt(source.length - k + 1); // any float, not only a row boundary
            System.arraycopy(source, rowStarts[i], gathered, i * k, k);
        }
        float[] b = Sizes.uniform(random, k * n, -1, 1);
        float[] c = Sizes.uniform(random, m * n, -1, 1);
        float[] expected = c.clone();
        Gemm single = new Gemm(width.species, ComputePool.singleThreaded());
        Gemm.PackedMatrix packed = single.pack(false, k, n, b, 0, Math.max(1, n));
        single.sgemm(false, m, alpha, gathered, 0, Math.max(1, k), packed, beta, expected, 0, Math.max(1, n));
        float[] actual = c.clone();
        single.sgemmGatheredA(m, alpha, source, rowStarts, packed, beta, actual, 0, Math.max(1, n));
        assertArrayEquals(expected, actual, "one thread, " + m + "x" + k + " by " + k + "x" + n);
        try (ComputePool three = ComputePool.withThreads(3)) {
            Gemm parallel = new Gemm(width.species, three);
            float[] threaded = c.clone();
            parallel.sgemmGatheredA(m, alpha, source, rowStarts, parallel.pack(false, k, n, b, 0, Math.max(1, n)), beta,
                    threaded, 0, Math.max(1, n));
            assertArrayEquals(expected, threaded, "three threads, " + m + "x" + k + " by " + k + "x" + n);
        }
    }

    @Test
    void gatheredRowsOutsideTheArrayAreRejectedBeforeAnyWork() {
        Gemm gemm = new Gemm(Width.BITS_256.species, ComputePool.singleThreaded());
        Gemm.PackedMatrix packed = gemm.pack(false, 4, 2, new float[8], 0, 2);
        float[] a = new float[10];
        float[] c = {7f, 7f, 7f, 7f};
        var past = assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemmGatheredA(2, 1f, a, new int[] {0, 7}, packed, 0f, c, 0, 2));
        assertTrue(past.getMessage().contains("sgemm A (gathered rows): row 1 of 4 floats at 7 does not fit in an array of length 10"),
                past.getMessage());
        var negative = assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemmGatheredA(1, 1f, a, new int[] {-1}, packed, 0f, c, 0, 2));
        assertTrue(negative.getMessage().contains("row 0 of 4 floats at -1"), negative.getMessage());
        var fewStarts = assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemmGatheredA(2, 1f, a, new int[] {0}, packed, 0f, c, 0, 2));
        assertTrue(fewStarts.getMessage().contains("2 rows but 1 row starts"), fewStarts.getMessage());
        assertArrayEquals(new float[] {7f, 7f, 7f, 7f}, c, "C untouched by a rejected call");
    }

    /** Each element is computed by one task in a fixed order, so the thread count cannot change a bit. */
    @Test
    void resultIsBitIdenticalAcrossThreadCounts() {
        Random random = new Random(11);
        int[][] shapes = {{300, 257, 129}, {8, 1000, 300}, {1000, 64, 64}};
        for (int[] shape : shapes) {
            int m = shape[0];
            int n = shape[1];
            int k = shape[2];
            float[] a = Sizes.uniform(random, m * k, -1, 1);
            float[] b = Sizes.uniform(random, k * n, -1, 1);
            float[] single = new float[m * n];
            float[] multi = new float[m * n];
            try (ComputePool one = ComputePool.singleThreaded(); ComputePool three = ComputePool.withThreads(3)) {
                new Gemm(Width.BITS_512.species, one).sgemm(false, true, m, n, k, 1f, a, 0, k, transposeOf(b, k, n), 0, k, 0f, single, 0, n);
                new Gemm(Width.BITS_512.species, three).sgemm(false, true, m, n, k, 1f, a, 0, k, transposeOf(b, k, n), 0, k, 0f, multi, 0, n);
            }
            assertArrayEquals(single, multi, Arrays.toString(shape));
        }
        // Gathered rows of A, large enough to be split over the threads (rows reversed).
        int m = 1000;
        int k = 128;
        int n = 256;
        float[] source = Sizes.uniform(random, m * k, -1, 1);
        int[] rowStarts = new int[m];
        for (int i = 0; i < m; i++) {
            rowStarts[i] = (m - 1 - i) * k;
        }
        float[] b = Sizes.uniform(random, k * n, -1, 1);
        float[] single = new float[m * n];
        float[] multi = new float[m * n];
        try (ComputePool one = ComputePool.singleThreaded(); ComputePool three = ComputePool.withThreads(3)) {
            Gemm gemmOne = new Gemm(Width.BITS_512.species, one);
            Gemm gemmThree = new Gemm(Width.BITS_512.species, three);
            gemmOne.sgemmGatheredA(m, 1f, source, rowStarts, gemmOne.pack(false, k, n, b, 0, n), 0f, single, 0, n);
            gemmThree.sgemmGatheredA(m, 1f, source, rowStarts, gemmThree.pack(false, k, n, b, 0, n), 0f, multi, 0, n);
        }
        assertArrayEquals(single, multi, "gathered rows of A, 1000x128 by 128x256");
    }

    @Test
    void badArgumentsNameTheProblem() {
        Gemm gemm = new Gemm(Width.BITS_256.species, ComputePool.singleThreaded());
        float[] small = new float[4];
        var negative = assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemm(false, false, -1, 2, 2, 1f, small, 0, 2, small, 0, 2, 0f, small, 0, 2));
        assertTrue(negative.getMessage().contains("sgemm m must be >= 0, got -1"), negative.getMessage());
        var shortA = assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemm(false, false, 3, 2, 2, 1f, small, 0, 2, small, 0, 2, 0f, new float[6], 0, 2));
        assertTrue(shortA.getMessage().contains("sgemm A (m x k)") && shortA.getMessage().contains("length 4"),
                shortA.getMessage());
        var lda = assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemm(false, false, 2, 2, 2, 1f, small, 0, 1, small, 0, 2, 0f, small, 0, 2));
        assertTrue(lda.getMessage().contains("leading dimension 1 is smaller than its 2 columns"), lda.getMessage());
    }

    @Provide
    Arbitrary<Integer> sides() {
        return Sizes.matrixSides();
    }

    /** Sides, and depths of k past one or two blocks of the GEMM's (256). */
    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.oneOf(Sizes.matrixSides(), Arbitraries.of(255, 256, 257, 511, 512, 513, 600));
    }

    @Provide
    Arbitrary<Float> scalars() {
        return Arbitraries.of(0f, 1f, -1f, 0.5f, 2.5f);
    }

    @Provide
    Arbitrary<Integer> padding() {
        return Arbitraries.of(0, 0, 1, 3, 17);
    }

    private static float[] transposeOf(float[] matrix, int rows, int cols) {
        float[] t = new float[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = matrix[r * cols + c];
            }
        }
        return t;
    }

    /** Shapes, leading dimensions (padded) and offsets of one test case. */
    private record Layout(int m, int n, int k, boolean transA, boolean transB, int lda, int ldb, int ldc,
                          int aOff, int bOff, int cOff) {
        Layout(int m, int n, int k, boolean transA, boolean transB, int pad) {
            this(m, n, k, transA, transB, Math.max(1, transA ? m : k) + pad, Math.max(1, transB ? k : n) + pad,
                    Math.max(1, n) + pad, pad, 2 * pad, 3 * pad);
        }

        int aSize() {
            return aOff + (transA ? k : m) * lda;
        }

        int bSize() {
            return bOff + (transB ? n : k) * ldb;
        }

        int cSize() {
            return cOff + m * ldc + pad();
        }

        int pad() {
            return aOff;
        }

        boolean insideC(int index) {
            int rel = index - cOff;
            return rel >= 0 && rel / ldc < m && rel % ldc < n;
        }

        double absProduct(float[] a, float[] b, int i, int j) {
            double sum = 0;
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                sum += Math.abs((double) av * bv);
            }
            return sum;
        }

        void run(Gemm gemm, float alpha, float[] a, float[] b, float beta, float[] c) {
            gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        void runScalar(float alpha, float[] a, float[] b, float beta, float[] c) {
            Gemm.sgemmScalar(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }
}
