package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise exp, sigmoid and tanh built from multiply-adds, so they stay inside the caller's loop
 * (no call out per vector). exp is Cody-Waite range reduction, x = n*ln2 + r with |r| <= ln2/2,
 * then a degree-7 polynomial (Cephes' expf coefficients) for e^r, then a multiply by 2^n done as
 * two exponent-field scalings so results in the subnormal range and overflow to +Inf come out right.
 * Relative error is below 1e-6 wherever e^x is a normal float; NaN stays NaN. Sigmoid needs e^-x only
 * where it changes 1 / (1 + e^-x), so it scales by 2^n with one shift ({@link #expForRatio}).
 */
final class VectorMath {
    private VectorMath() {}

    /** Inputs are clamped here first: e^-110 rounds to 0 and e^89 overflows, as they should. */
    private static final float EXP_LOW = -110f;
    private static final float EXP_HIGH = 89f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in a part with few bits (n * LN2_HIGH is exact) and the rest. */
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    /** Adding 1.5 * 2^23 rounds to an integer and leaves that integer in the low mantissa bits. */
    private static final float ROUNDING_MAGIC = 12582912f;
    private static final int ROUNDING_MAGIC_BITS = Float.floatToRawIntBits(ROUNDING_MAGIC);
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    static FloatVector exp(FloatVector x) {
        // Compare and blend, not max/min: Java's max/min order -0 before +0 and propagate NaN lane
        // by lane, which costs C2 five instructions each; NaN compares false and stays NaN. Spelled
        // out here and in expForRatio: as a helper, one call level more made C2 box every vector of
        // VectorLoops.sigmoid (98 KB per call of 4096 floats, 3.6x slower; JMH -prof gc).
        FloatVector clamped = x.blend(EXP_LOW, x.compare(VectorOperators.LT, EXP_LOW));
        clamped = clamped.blend(EXP_HIGH, clamped.compare(VectorOperators.GT, EXP_HIGH));
        FloatVector shifted = clamped.fma(LOG2E, ROUNDING_MAGIC);
        FloatVector y = expOfRemainder(clamped, shifted.sub(ROUNDING_MAGIC));
        // 2^n as 2^(n/2) * 2^(n - n/2): each factor is a normal float for n in [-159, 128].
        IntVector exponent = (IntVector) shifted.reinterpretAsInts().sub(ROUNDING_MAGIC_BITS);
        IntVector half = exponent.lanewise(VectorOperators.ASHR, 1);
        IntVector rest = exponent.sub(half);
        FloatVector scaleHalf = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector scaleRest = rest.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(scaleHalf).mul(scaleRest);
    }

    /** Clamping for {@link #expForRatio}: 2^-126 at the low end is normal, and 2^128 is +Inf. */
    private static final float RATIO_LOW = -87f;
    /** The magic number plus 127: the low mantissa bits of the shifted value are then the biased exponent. */
    private static final float BIASED_MAGIC = ROUNDING_MAGIC + 127f;

    /**
     * e^x for sigmoid, which only uses 1 / (1 + e^x): the same value as {@link #exp} wherever e^x
     * lies in [2^-126, 2^127], 2^-126-ish below that (1 + e^x rounds to 1 either way) and +Inf
     * from about 88.4 (the ratio is 0 either way). The narrower range lets 2^n be one shift of
     * the exponent bits, where exp needs two scalings.
     */
    private static FloatVector expForRatio(FloatVector x) {
        FloatVector clamped = x.blend(RATIO_LOW, x.compare(VectorOperators.LT, RATIO_LOW));
        clamped = clamped.blend(EXP_HIGH, clamped.compare(VectorOperators.GT, EXP_HIGH));
        FloatVector shifted = clamped.fma(LOG2E, BIASED_MAGIC);
        FloatVector y = expOfRemainder(clamped, shifted.sub(BIASED_MAGIC));
        // The shift drops the magic's own bits and leaves n + 127 in the exponent field.
        FloatVector scale = ((IntVector) shifted.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(scale);
    }

    /** e^r for the remainder r = x - n ln2 (Cody-Waite, ln 2 in two parts), n the rounded x log2(e). */
    private static FloatVector expOfRemainder(FloatVector x, FloatVector n) {
        VectorSpecies<Float> s = x.species();
        FloatVector r = n.fma(FloatVector.broadcast(s, -LN2_HIGH), x);
        r = n.fma(FloatVector.broadcast(s, -LN2_LOW), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, FloatVector.broadcast(s, P2));
        p = p.fma(r, FloatVector.broadcast(s, P3));
        p = p.fma(r, FloatVector.broadcast(s, P4));
        p = p.fma(r, FloatVector.broadcast(s, P5));
        return p.fma(r.mul(r), r).add(1f);
    }

    /** 1 / (1 + e^-x); saturates to exactly 0 and 1. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(x.species(), 1f);
        return one.div(expForRatio(x.neg()).add(1f));
    }

    /**
     * tanh(|x|) = 1 - 2 / (e^(2|x|) + 1), then x's sign bit: no cancellation blow-up for large |x|
     * (it saturates to exactly +-1) and the sign of -0 is kept.
     */
    static FloatVector tanh(FloatVector x) {
        // exp, not expForRatio: with it, C2 boxed every vector of VectorLoops.tanh (3x slower).
        FloatVector magnitude = x.abs();
        FloatVector two = FloatVector.broadcast(x.species(), 2f);
        FloatVector t = two.div(exp(magnitude.add(magnitude)).add(1f)).neg().add(1f);
        IntVector sign = (IntVector) x.reinterpretAsInts().and(Integer.MIN_VALUE);
        return ((IntVector) t.reinterpretAsInts()).or(sign).reinterpretAsFloats();
    }

    /**
     * The LSTM gates' tanh: x P(x^2) / Q(x^2), a rational minimax fit (engine/src/test/python/
     * gate_tanh_fit.py prints these coefficients) with x clamped to [-8, 8]. No exp and one
     * division: 16 vector operations where {@link #tanh} takes about 30, which made the LSTM's
     * forward cell 13 % faster (JMH). Absolute error below 4e-7 (it saturates at tanh(8), 1 - 2e-7,
     * not at exactly 1; never above 1 in magnitude); odd, so -0 stays -0; NaN stays NaN.
     * {@code GateActivationProperties} checks these bounds.
     */
    static FloatVector gateTanh(FloatVector x) {
        return GATE_TANH.at(x);
    }

    /**
     * The LSTM gates' sigmoid: 1/2 + tanh(x/2) / 2 with {@link #gateTanh}'s fit, its coefficients
     * scaled by powers of 2 so that x/2 and the halving cost nothing: bit for bit
     * 0.5 + gateTanh(x / 2) / 2, and so in [0, 1]. Absolute error below 2e-7 (it saturates
     * 1e-7 short of 0 and 1).
     */
    static FloatVector gateSigmoid(FloatVector x) {
        return GATE_SIGMOID.at(x).add(0.5f);
    }

    /** The limit: where tanh is within 2.3e-7 of 1 and the fit, evaluated in float, still below 1 (at 9 it was not). */
    private static final OddRational GATE_TANH = new OddRational(8f, 1f, 1.3085823e-01f, 3.1059438e-03f, 1.11740865e-05f,
            -2.0299476e-08f, 5.310542e-11f, -8.564716e-14f, 4.6419153e-01f, 2.4503196e-02f, 2.5489798e-04f);
    private static final OddRational GATE_SIGMOID = GATE_TANH.ofHalfArgumentHalved();

    /** x P(x^2) / Q(x^2) for x clamped to [-limit, limit]: P = p0 + ... + p6 s^6, Q = 1 + q1 s + q2 s^2 + q3 s^3. */
    private record OddRational(float limit, float p0, float p1, float p2, float p3, float p4, float p5, float p6,
                               float q1, float q2, float q3) {
        FloatVector at(FloatVector x) {
            VectorSpecies<Float> s = x.species();
            FloatVector clamped = x.blend(limit, x.compare(VectorOperators.GT, limit));
            clamped = clamped.blend(-limit, clamped.compare(VectorOperators.LT, -limit));
            FloatVector square = clamped.mul(clamped);
            FloatVector p = square.fma(p6, p5);
            p = p.fma(square, FloatVector.broadcast(s, p4));
            p = p.fma(square, FloatVector.broadcast(s, p3));
            p = p.fma(square, FloatVector.broadcast(s, p2));
            p = p.fma(square, FloatVector.broadcast(s, p1));
            p = p.fma(square, FloatVector.broadcast(s, p0));
            FloatVector q = square.fma(q3, q2);
            q = q.fma(square, FloatVector.broadcast(s, q1));
            q = q.fma(square, FloatVector.broadcast(s, 1f));
            return clamped.mul(p).div(q);
        }

        /**
         * r(x/2) / 2 for this r, exactly: (x/2)^2 = x^2 / 4, so the k-th coefficients become
         * p_k / 4^k and q_k / 4^k, and one more / 4 on P gives (x/2) P / Q / 2 = x P' / Q'.
         * Every scaling is a power of 2.
         */
        OddRational ofHalfArgumentHalved() {
            return new OddRational(2 * limit, Math.scalb(p0, -2), Math.scalb(p1, -4), Math.scalb(p2, -6), Math.scalb(p3, -8),
                    Math.scalb(p4, -10), Math.scalb(p5, -12), Math.scalb(p6, -14), Math.scalb(q1, -2), Math.scalb(q2, -4),
                    Math.scalb(q3, -6));
        }
    }

    /** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows. */
    static FloatVector softplus(FloatVector x) {
        return x.max(0f).add(exp(x.abs().neg()).lanewise(VectorOperators.LOG1P));
    }
}
