package dev.kiln.engine.kernel;

import jdk.incubator.vector.VectorSpecies;

/**
 * Sums. The vector forms keep one partial sum per lane and add the lanes at the end, so they
 * round differently from the left-to-right scalar references; the difference is bounded by
 * about n * 2^-24 * sum(|x|), which the tests use as their tolerance.
 */
public final class Reductions {
    private final Loops loops;

    /** Kernels whose vector loops use {@code species}. */
    public Reductions(VectorSpecies<Float> species) {
        this.loops = Specialization.instantiate(Loops.class, VectorLoops.class, species);
    }

    /** The sum of x[offset .. offset+n). */
    public float sum(int n, float[] x, int xOff) {
        Bounds.nonNegative("n", n);
        Bounds.range("x", x, xOff, n);
        return loops.sum(n, x, xOff);
    }

    /** The reference for {@link #sum}: one running sum, left to right. */
    public static float sumScalar(int n, float[] x, int xOff) {
        Bounds.nonNegative("n", n);
        Bounds.range("x", x, xOff, n);
        float total = 0f;
        for (int i = 0; i < n; i++) {
            total += x[xOff + i];
        }
        return total;
    }

    /** out[r] = sum of row r of a [rows, cols] matrix with leading dimension ldx. */
    public void rowSums(int rows, int cols, float[] x, int xOff, int ldx, float[] out, int outOff) {
        Bounds.matrix("x", x, xOff, rows, cols, ldx);
        Bounds.range("out", out, outOff, rows);
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = loops.sum(cols, x, xOff + r * ldx);
        }
    }

    /** The reference for {@link #rowSums}. */
    public static void rowSumsScalar(int rows, int cols, float[] x, int xOff, int ldx, float[] out, int outOff) {
        Bounds.matrix("x", x, xOff, rows, cols, ldx);
        Bounds.range("out", out, outOff, rows);
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = sumScalar(cols, x, xOff + r * ldx);
        }
    }
}
