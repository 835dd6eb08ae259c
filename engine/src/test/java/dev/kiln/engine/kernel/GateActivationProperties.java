package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import org.junit.jupiter.api.Test;

import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LSTM gates' rational tanh and sigmoid ({@link VectorMath#gateTanh}, {@link VectorMath#gateSigmoid})
 * against Math.tanh in double over a dense sweep of floats: the error bounds their comments state,
 * never beyond 1 in magnitude, and the sigmoid's exact relation to the tanh.
 */
class GateActivationProperties {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void gateTanhIsWithinFourTenMillionthsAndNeverAboveOne() {
        double worst = 0;
        // Every 64th float from 0 to 20 (17 million values); the negative half is the same by oddness.
        int last = Float.floatToRawIntBits(20f);
        float[] x = new float[S.length()];
        float[] y = new float[S.length()];
        for (int bits = 0; bits <= last; bits += 64 * x.length) {
            for (int lane = 0; lane < x.length; lane++) {
                x[lane] = Float.intBitsToFloat(bits + 64 * lane);
            }
            apply(VectorMath::gateTanh, x, y);
            for (int lane = 0; lane < x.length; lane++) {
                assertTrue(y[lane] <= 1f, () -> "gateTanh above 1");
                worst = Math.max(worst, Math.abs(y[lane] - Math.tanh(x[lane])));
            }
        }
        assertTrue(worst < 4e-7, "worst absolute error " + worst);
    }

    @Test
    void gateTanhNeverExceedsOneWhereItSaturates() {
        // Every float from 4 to 10, where tanh rounds to within a few units of 1.
        float[] x = new float[S.length()];
        float[] y = new float[S.length()];
        for (int bits = Float.floatToRawIntBits(4f); bits <= Float.floatToRawIntBits(10f); bits += x.length) {
            for (int lane = 0; lane < x.length; lane++) {
                x[lane] = Float.intBitsToFloat(bits + lane);
            }
            apply(VectorMath::gateTanh, x, y);
            for (float value : y) {
                assertTrue(value <= 1f && value > 0.999f, "gateTanh " + value);
            }
        }
    }

    @Property(tries = 200)
    void gateTanhIsOdd(@ForAll @FloatRange(min = -30, max = 30) float value) {
        assertEquals(-one(VectorMath::gateTanh, value), one(VectorMath::gateTanh, -value));
    }

    @Property(tries = 500)
    void gateSigmoidIsExactlyAHalfPlusHalfGateTanhOfHalf(@ForAll @FloatRange(min = -40, max = 40) float value) {
        float viaTanh = 0.5f + one(VectorMath::gateTanh, value / 2) / 2;
        assertEquals(viaTanh, one(VectorMath::gateSigmoid, value), "at " + value);
    }

    @Property(tries = 2000)
    void gateSigmoidIsWithinTwoTenMillionthsAndInTheUnitInterval(@ForAll @FloatRange(min = -60, max = 60) float value) {
        float sigmoid = one(VectorMath::gateSigmoid, value);
        assertTrue(sigmoid >= 0f && sigmoid <= 1f, "sigmoid " + sigmoid);
        assertEquals(1 / (1 + Math.exp(-value)), sigmoid, 2e-7, "at " + value);
    }

    @Test
    void specialValues() {
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(one(VectorMath::gateTanh, -0f)), "-0 stays -0");
        assertEquals(0f, one(VectorMath::gateTanh, 0f));
        assertTrue(Float.isNaN(one(VectorMath::gateTanh, Float.NaN)));
        assertTrue(Float.isNaN(one(VectorMath::gateSigmoid, Float.NaN)));
        // Saturated at tanh(8) = 1 - 2.3e-7 (the clamp), within the error bound of 1.
        assertEquals(1f, one(VectorMath::gateTanh, Float.POSITIVE_INFINITY), 3e-7);
        assertEquals(-1f, one(VectorMath::gateTanh, Float.NEGATIVE_INFINITY), 3e-7);
        assertEquals(1f, one(VectorMath::gateSigmoid, Float.POSITIVE_INFINITY), 2e-7);
        assertEquals(0f, one(VectorMath::gateSigmoid, Float.NEGATIVE_INFINITY), 2e-7);
        assertEquals(0.5f, one(VectorMath::gateSigmoid, 0f));
    }

    private static float one(UnaryOperator<FloatVector> function, float value) {
        return function.apply(FloatVector.broadcast(S, value)).lane(0);
    }

    private static void apply(UnaryOperator<FloatVector> function, float[] x, float[] y) {
        function.apply(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
    }
}
