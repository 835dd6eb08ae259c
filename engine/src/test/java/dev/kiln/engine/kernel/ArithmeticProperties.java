package dev.kiln.engine.kernel;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArithmeticProperties {

    /** The element-wise kernels do the same float operation per element, so they agree exactly. */
    @Property(tries = 150)
    void vectorEqualsScalarExactly(@ForAll Width width, @ForAll("lengths") int n, @ForAll long seed) {
        Random random = new Random(seed);
        int off = random.nextInt(4);
        float[] a = Sizes.uniform(random, n + off, -10, 10);
        float[] b = Sizes.uniform(random, n + off, -10, 10);
        Arithmetic arithmetic = new Arithmetic(width.species);

        float[] vector = b.clone();
        float[] scalar = b.clone();
        arithmetic.axpy(n, -1.75f, a, off, vector, off);
        Arithmetic.axpyScalar(n, -1.75f, a, off, scalar, off);
        assertArrayEquals(scalar, vector, "axpy n=" + n);

        arithmetic.scaleInPlace(n, 0.3f, vector, off);
        Arithmetic.scaleInPlaceScalar(n, 0.3f, scalar, off);
        assertArrayEquals(scalar, vector, "scale n=" + n);

        arithmetic.add(n, a, off, b, off, vector, off);
        Arithmetic.addScalar(n, a, off, b, off, scalar, off);
        assertArrayEquals(scalar, vector, "add n=" + n);

        float[] y = vector.clone();
        arithmetic.addSum(n, a, off, b, off, vector, off);
        Arithmetic.addSumScalar(n, a, off, b, off, scalar, off);
        assertArrayEquals(scalar, vector, "addSum n=" + n);
        // As a zeroed row that a and b are added into (axpy), then added into y: the same bits.
        float[] row = new float[n];
        arithmetic.axpy(n, 1f, a, off, row, 0);
        arithmetic.axpy(n, 1f, b, off, row, 0);
        arithmetic.axpy(n, 1f, row, 0, y, off);
        assertArrayEquals(y, vector, "addSum as the sum of a zeroed row n=" + n);

        arithmetic.multiply(n, a, off, b, off, vector, off);
        Arithmetic.multiplyScalar(n, a, off, b, off, scalar, off);
        assertArrayEquals(scalar, vector, "multiply n=" + n);
    }

    @Property(tries = 100)
    void biasRowsAndTheirGradient(@ForAll Width width, @ForAll("sides") int rows, @ForAll("sides") int cols,
                                  @ForAll long seed) {
        Random random = new Random(seed);
        int ld = Math.max(1, cols) + random.nextInt(3);
        float[] x = Sizes.uniform(random, rows * ld + 1, -1, 1);
        float[] bias = Sizes.uniform(random, cols, -1, 1);
        Arithmetic arithmetic = new Arithmetic(width.species);
        float[] vector = x.clone();
        float[] scalar = x.clone();
        arithmetic.addBiasRows(rows, cols, bias, 0, vector, 1, ld);
        Arithmetic.addBiasRowsScalar(rows, cols, bias, 0, scalar, 1, ld);
        assertArrayEquals(scalar, vector, "addBiasRows " + rows + "x" + cols);
        // Into another matrix (other leading dimension): the same bits, and x left as it was.
        int ldo = Math.max(1, cols) + random.nextInt(3);
        float[] out = Sizes.uniform(random, rows * ldo + 2, -1, 1);
        float[] outBefore = out.clone();
        float[] source = x.clone();
        arithmetic.addBiasRows(rows, cols, bias, 0, source, 1, ld, out, 2, ldo);
        assertArrayEquals(x, source, "addBiasRows into another matrix changed its input");
        for (int at = 0; at < out.length; at++) {
            int r = (at - 2) / ldo;
            int c = (at - 2) % ldo;
            boolean inside = at >= 2 && r < rows && c < cols;
            assertEquals(inside ? scalar[1 + r * ld + c] : outBefore[at], out[at], "out element " + at);
        }

        float[] sums = new float[cols];
        arithmetic.addColumnSums(rows, cols, x, 1, ld, sums, 0);
        for (int c = 0; c < cols; c++) {
            double expected = 0;
            for (int r = 0; r < rows; r++) {
                expected += x[1 + r * ld + c];
            }
            assertEquals(expected, sums[c], 1e-5 * Math.max(1, rows), "column " + c);
        }
    }

    @Test
    void rangesOutsideTheArrayAreRejectedWithTheirName() {
        Arithmetic arithmetic = new Arithmetic(Width.BITS_256.species);
        var error = assertThrows(IllegalArgumentException.class,
                () -> arithmetic.axpy(10, 1f, new float[10], 0, new float[12], 3));
        assertTrue(error.getMessage().startsWith("y: elements [3, 13) do not fit in an array of length 12"),
                error.getMessage());
        var negative = assertThrows(IllegalArgumentException.class,
                () -> arithmetic.add(-2, new float[1], 0, new float[1], 0, new float[1], 0));
        assertEquals("n must be >= 0, got -2", negative.getMessage());
        // A matrix's own checks join its name and the dimension only when they fail.
        var negativeRows = assertThrows(IllegalArgumentException.class,
                () -> arithmetic.addBiasRows(-1, 2, new float[2], 0, new float[4], 0, 2));
        assertEquals("x rows must be >= 0, got -1", negativeRows.getMessage());
        var negativeColumns = assertThrows(IllegalArgumentException.class,
                () -> arithmetic.addBiasRows(1, -3, new float[2], 0, new float[4], 0, 2));
        assertEquals("x columns must be >= 0, got -3", negativeColumns.getMessage());
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
