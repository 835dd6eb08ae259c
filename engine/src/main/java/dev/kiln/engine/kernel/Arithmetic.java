package dev.kiln.engine.kernel;

import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise arithmetic over {@code [offset, offset+n)} ranges: axpy, scale, add, the sum of two
 * added to a third, multiply, and the row-wise bias add with its gradient. Each has a scalar
 * reference with the suffix {@code Scalar}; the vector forms do the same float operations per
 * element, so the two agree exactly.
 */
public final class Arithmetic {
    private final Loops loops;

    /** Kernels whose vector loops use {@code species}. */
    public Arithmetic(VectorSpecies<Float> species) {
        this.loops = Specialization.instantiate(Loops.class, VectorLoops.class, species);
    }

    /** y += alpha * x (one fused multiply-add per element). */
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        checkBinary(n, "x", x, xOff, "y", y, yOff);
        loops.axpy(n, alpha, x, xOff, y, yOff);
    }

    /** The reference for {@link #axpy}. */
    public static void axpyScalar(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        checkBinary(n, "x", x, xOff, "y", y, yOff);
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.fma(x[xOff + i], alpha, y[yOff + i]);
        }
    }

    /** x *= alpha, in place. */
    public void scaleInPlace(int n, float alpha, float[] x, int xOff) {
        Bounds.nonNegative("n", n);
        Bounds.range("x", x, xOff, n);
        loops.scale(n, alpha, x, xOff);
    }

    /** The reference for {@link #scaleInPlace}. */
    public static void scaleInPlaceScalar(int n, float alpha, float[] x, int xOff) {
        Bounds.nonNegative("n", n);
        Bounds.range("x", x, xOff, n);
        for (int i = 0; i < n; i++) {
            x[xOff + i] *= alpha;
        }
    }

    /** out = a + b (out may alias a or b). */
    public void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        checkTernary(n, a, aOff, b, bOff, out, outOff);
        loops.add(n, a, aOff, b, bOff, out, outOff);
    }

    /** The reference for {@link #add}. */
    public static void addScalar(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        checkTernary(n, a, aOff, b, bOff, out, outOff);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    /**
     * y += a + b, the pair added first: what adding a and b into a zeroed row and that row into y
     * gives, bit for bit (a gradient that two parts contribute to, read without being summed first).
     */
    public void addSum(int n, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff) {
        checkBinary(n, "a", a, aOff, "b", b, bOff);
        Bounds.range("y", y, yOff, n);
        loops.addSum(n, a, aOff, b, bOff, y, yOff);
    }

    /** The reference for {@link #addSum}. */
    public static void addSumScalar(int n, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff) {
        checkBinary(n, "a", a, aOff, "b", b, bOff);
        Bounds.range("y", y, yOff, n);
        for (int i = 0; i < n; i++) {
            y[yOff + i] += a[aOff + i] + b[bOff + i];
        }
    }

    /** out = a * b, element by element (out may alias a or b). */
    public void multiply(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        checkTernary(n, a, aOff, b, bOff, out, outOff);
        loops.multiply(n, a, aOff, b, bOff, out, outOff);
    }

    /** The reference for {@link #multiply}. */
    public static void multiplyScalar(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        checkTernary(n, a, aOff, b, bOff, out, outOff);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    /** x[r, :] += bias for every row r of a [rows, cols] matrix with leading dimension ldx. */
    public void addBiasRows(int rows, int cols, float[] bias, int biasOff, float[] x, int xOff, int ldx) {
        addBiasRows(rows, cols, bias, biasOff, x, xOff, ldx, x, xOff, ldx);
    }

    /** out[r, c] = x[r, c] + bias[c]: the bias added on the way into another matrix (or into x itself). */
    public void addBiasRows(int rows, int cols, float[] bias, int biasOff, float[] x, int xOff, int ldx, float[] out, int outOff,
                            int ldo) {
        checkRows(rows, cols, x, xOff, ldx, "bias", bias, biasOff);
        Bounds.matrix("out", out, outOff, rows, cols, ldo);
        for (int r = 0; r < rows; r++) {
            loops.add(cols, x, xOff + r * ldx, bias, biasOff, out, outOff + r * ldo);
        }
    }

    /** The reference for {@link #addBiasRows}. */
    public static void addBiasRowsScalar(int rows, int cols, float[] bias, int biasOff, float[] x, int xOff, int ldx) {
        checkRows(rows, cols, x, xOff, ldx, "bias", bias, biasOff);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[xOff + r * ldx + c] += bias[biasOff + c];
            }
        }
    }

    /** out[c] += sum over r of x[r, c]: the gradient of a bias that was added to every row. */
    public void addColumnSums(int rows, int cols, float[] x, int xOff, int ldx, float[] out, int outOff) {
        checkRows(rows, cols, x, xOff, ldx, "out", out, outOff);
        for (int r = 0; r < rows; r++) {
            loops.axpy(cols, 1f, x, xOff + r * ldx, out, outOff);
        }
    }

    private static void checkRows(int rows, int cols, float[] x, int xOff, int ldx, String rowName, float[] row, int rowOff) {
        Bounds.matrix("x", x, xOff, rows, cols, ldx);
        Bounds.range(rowName, row, rowOff, cols);
    }

    private static void checkBinary(int n, String xName, float[] x, int xOff, String yName, float[] y, int yOff) {
        Bounds.nonNegative("n", n);
        Bounds.range(xName, x, xOff, n);
        Bounds.range(yName, y, yOff, n);
    }

    private static void checkTernary(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        checkBinary(n, "a", a, aOff, "b", b, bOff);
        Bounds.range("out", out, outOff, n);
    }
}
