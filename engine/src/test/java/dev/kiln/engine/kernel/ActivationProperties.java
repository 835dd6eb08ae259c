package dev.kiln.engine.kernel;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationProperties {
    /** Inputs that matter at the edges, plus the region where each function changes fastest. */
    private static final float[] SPECIAL = {
            0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, -1e-30f, 1e-7f, 0.5f, -0.5f, 1f, -1f,
            8.9f, -8.9f, 15f, -15f, 17f, -17f, 20f, 44f, 45f, -87.3f, -87.4f, -88f, -103f, -104f, -110f, 88.7f,
            88.73f, 89f, 1e4f, -1e4f, 1e30f, -1e30f};

    /** Every float bit pattern is equally likely: the whole range, specials and subnormals included. */
    private static float[] inputs(long seed, int n) {
        Random random = new Random(seed);
        float[] x = new float[n + SPECIAL.length];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(4) == 0
                    ? (random.nextFloat() - 0.5f) * 40f
                    : Float.intBitsToFloat(random.nextInt());
        }
        System.arraycopy(SPECIAL, 0, x, n, SPECIAL.length);
        return x;
    }

    @Property(tries = 30)
    void sigmoidIsWithinOneMillionthEverywhere(@ForAll Width width, @ForAll long seed) {
        float[] x = inputs(seed, 20_000);
        float[] y = new float[x.length];
        new Activations(width.species).sigmoid(x.length, x, 0, y, 0);
        assertAbsoluteError(x, y, v -> 1.0 / (1.0 + Math.exp(-v)), 1e-6, "sigmoid " + width);
    }

    @Property(tries = 30)
    void tanhIsWithinOneMillionthEverywhere(@ForAll Width width, @ForAll long seed) {
        float[] x = inputs(seed, 20_000);
        float[] y = new float[x.length];
        new Activations(width.species).tanh(x.length, x, 0, y, 0);
        assertAbsoluteError(x, y, Math::tanh, 1e-6, "tanh " + width);
    }

    @Property(tries = 30)
    void expHasRelativeErrorBelowOneMillionthWhereTheResultIsNormal(@ForAll Width width, @ForAll long seed) {
        float[] x = inputs(seed, 20_000);
        float[] y = new float[x.length];
        new Activations(width.species).exp(x.length, x, 0, y, 0);
        for (int i = 0; i < x.length; i++) {
            double exact = Math.exp(x[i]);
            String where = "exp(" + x[i] + ") = " + y[i] + ", exact " + exact + ", " + width;
            if (Double.isNaN(exact)) {
                assertTrue(Float.isNaN(y[i]), where);
            } else if (exact >= Float.MIN_NORMAL && exact <= Float.MAX_VALUE) {
                assertTrue(Math.abs(y[i] - exact) <= 1e-6 * exact, where);
            } else if (exact > Float.MAX_VALUE) {
                assertEquals(Float.POSITIVE_INFINITY, y[i], where);
            } else {
                assertTrue(y[i] >= 0 && y[i] < Float.MIN_NORMAL * 1.0001, where);
            }
        }
    }

    @Property(tries = 30)
    void softplusIsAccurateAndNeverOverflows(@ForAll Width width, @ForAll long seed) {
        float[] x = inputs(seed, 5_000);
        float[] y = new float[x.length];
        new Activations(width.species).softplus(x.length, x, 0, y, 0);
        for (int i = 0; i < x.length; i++) {
            double exact = Math.max(x[i], 0.0) + Math.log1p(Math.exp(-Math.abs((double) x[i])));
            String where = "softplus(" + x[i] + ") = " + y[i] + ", " + width;
            if (Double.isNaN(exact)) {
                assertTrue(Float.isNaN(y[i]), where);
            } else if (Double.isInfinite(exact)) {
                assertEquals(exact, y[i], where);
            } else {
                assertTrue(Math.abs(y[i] - exact) <= 1e-6 * Math.max(1, Math.abs(exact)), where);
            }
        }
    }

    @Test
    void edgeValuesAreExact() {
        for (Width width : Width.values()) {
            Activations activations = new Activations(width.species);
            float[] x = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e30f, -1e30f};
            float[] sigmoid = new float[x.length];
            float[] tanh = new float[x.length];
            activations.sigmoid(x.length, x, 0, sigmoid, 0);
            activations.tanh(x.length, x, 0, tanh, 0);
            String name = width.name();
            assertEquals(0.5f, sigmoid[0], name);
            assertEquals(0.5f, sigmoid[1], name);
            assertEquals(1f, sigmoid[2], name);
            assertEquals(0f, sigmoid[3], name);
            assertTrue(Float.isNaN(sigmoid[4]), name);
            assertEquals(1f, sigmoid[5], name);
            assertEquals(0f, sigmoid[6], name);
            assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(tanh[0]), name + ": tanh(+0) = +0");
            assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(tanh[1]), name + ": tanh(-0) = -0");
            assertEquals(1f, tanh[2], name);
            assertEquals(-1f, tanh[3], name);
            assertTrue(Float.isNaN(tanh[4]), name);
            assertEquals(1f, tanh[5], name);
            assertEquals(-1f, tanh[6], name);
        }
    }

    /** The vector kernels agree with their scalar references on every length (tails included). */
    @Property(tries = 100)
    void vectorMatchesScalarOnEveryLength(@ForAll Width width, @ForAll("lengths") int n, @ForAll long seed) {
        Random random = new Random(seed);
        int offset = random.nextInt(5);
        float[] x = Sizes.uniform(random, n + offset, -30, 30);
        Activations activations = new Activations(width.species);
        float[] vector = new float[n + offset];
        float[] scalar = new float[n + offset];
        activations.sigmoid(n, x, offset, vector, offset);
        Activations.mapScalar(n, x, offset, scalar, offset, Activations::sigmoidScalar);
        assertClose(scalar, vector, 1e-6, "sigmoid n=" + n);
        activations.tanh(n, x, offset, vector, offset);
        Activations.mapScalar(n, x, offset, scalar, offset, Activations::tanhScalar);
        assertClose(scalar, vector, 1e-6, "tanh n=" + n);
        activations.relu(n, x, offset, vector, offset);
        Activations.mapScalar(n, x, offset, scalar, offset, Activations::reluScalar);
        assertClose(scalar, vector, 0, "relu n=" + n);
    }

    /** Backward kernels add dy * f'(x) into dx; checked against the formula in double precision. */
    @Property(tries = 100)
    void backwardKernelsAccumulateTheLocalDerivative(@ForAll Width width, @ForAll("lengths") int n, @ForAll long seed) {
        Random random = new Random(seed);
        float[] x = Sizes.uniform(random, n, -4, 4);
        float[] dy = Sizes.uniform(random, n, -1, 1);
        float[] dx0 = Sizes.uniform(random, n, -1, 1);
        Activations activations = new Activations(width.species);
        float[] y = new float[n];
        float[] dx = dx0.clone();
        activations.sigmoid(n, x, 0, y, 0);
        activations.sigmoidBackward(n, y, 0, dy, 0, dx, 0);
        for (int i = 0; i < n; i++) {
            double expected = dx0[i] + (double) dy[i] * y[i] * (1.0 - y[i]);
            assertEquals(expected, dx[i], 1e-6, "sigmoidBackward at " + i);
        }
        dx = dx0.clone();
        activations.tanh(n, x, 0, y, 0);
        activations.tanhBackward(n, y, 0, dy, 0, dx, 0);
        for (int i = 0; i < n; i++) {
            double expected = dx0[i] + (double) dy[i] * (1.0 - (double) y[i] * y[i]);
            assertEquals(expected, dx[i], 1e-6, "tanhBackward at " + i);
        }
        dx = dx0.clone();
        activations.reluBackward(n, x, 0, dy, 0, dx, 0);
        for (int i = 0; i < n; i++) {
            assertEquals(x[i] > 0 ? dx0[i] + dy[i] : dx0[i], dx[i], "reluBackward at " + i);
        }
    }

    @Provide
    Arbitrary<Integer> lengths() {
        return Sizes.lengths();
    }

    private static void assertAbsoluteError(float[] x, float[] y, DoubleUnaryOperator exact, double tolerance, String what) {
        for (int i = 0; i < x.length; i++) {
            double expected = exact.applyAsDouble(x[i]);
            String where = what + "(" + x[i] + ") = " + y[i] + ", exact " + expected;
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(y[i]), where);
            } else {
                assertTrue(Math.abs(y[i] - expected) <= tolerance, where);
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + " at " + i);
        }
    }
}
