package dev.kiln.engine.kernel;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ReductionProperties {

    /** Tolerance: two float summation orders differ by at most about n * 2^-24 * sum|x|. */
    @Property(tries = 150)
    void vectorSumMatchesScalar(@ForAll Width width, @ForAll("lengths") int n, @ForAll long seed) {
        Random random = new Random(seed);
        float[] x = Sizes.uniform(random, n + 2, -100, 100);
        Reductions reductions = new Reductions(width.species);
        float vector = reductions.sum(n, x, 2);
        float scalar = Reductions.sumScalar(n, x, 2);
        assertTrue(Math.abs(vector - scalar) <= bound(x, 2, n), () -> "sum n=" + n + ": " + vector + " vs " + scalar);
    }

    @Property(tries = 80)
    void rowSumsMatchScalar(@ForAll Width width, @ForAll("sides") int rows, @ForAll("sides") int cols, @ForAll long seed) {
        Random random = new Random(seed);
        int ld = Math.max(1, cols) + 3;
        float[] x = Sizes.uniform(random, rows * ld, -1, 1);
        float[] vector = new float[rows];
        float[] scalar = new float[rows];
        new Reductions(width.species).rowSums(rows, cols, x, 0, ld, vector, 0);
        Reductions.rowSumsScalar(rows, cols, x, 0, ld, scalar, 0);
        for (int r = 0; r < rows; r++) {
            int row = r;
            assertTrue(Math.abs(vector[r] - scalar[r]) <= bound(x, r * ld, cols),
                    () -> "row " + row + ": " + vector[row] + " vs " + scalar[row]);
        }
    }

    private static double bound(float[] x, int off, int n) {
        double abs = 0;
        for (int i = 0; i < n; i++) {
            abs += Math.abs(x[off + i]);
        }
        return (n + 1) * 0x1p-24 * abs;
    }

    @Provide
    Arbitrary<Integer> lengths() {
        return Sizes.lengths();
    }

    @Provide
    Arbitrary<Integer> sides() {
        return Sizes.matrixSides();
    }
}
