package dev.kiln.engine.kernel;

import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise non-linearities and their backward rules over {@code [offset, offset+n)} ranges.
 * Forward kernels write {@code out} (which may alias {@code x}); backward kernels add into
 * {@code dx}, because gradients accumulate. Each vector kernel has a scalar reference with the
 * suffix {@code Scalar}: plain java.lang.Math in double precision, rounded once to float.
 *
 * <p>Accuracy of the vector forms (tested): exp relative error &lt;= 1e-6 where e^x is a normal
 * float; sigmoid and tanh absolute error &lt;= 1e-6 over all floats; exact at +-0 and +-Inf
 * (saturating, never NaN); NaN in, NaN out.
 */
public final class Activations {
    private final Loops loops;

    /** Kernels whose vector loops use {@code species}. */
    public Activations(VectorSpecies<Float> species) {
        this.loops = Specialization.instantiate(Loops.class, VectorLoops.class, species);
    }

    /** out = e^x. */
    public void exp(int n, float[] x, int xOff, float[] out, int outOff) {
        checkMap(n, x, xOff, out, outOff);
        loops.exp(n, x, xOff, out, outOff);
    }

    /** out = 1 / (1 + e^-x). */
    public void sigmoid(int n, float[] x, int xOff, float[] out, int outOff) {
        checkMap(n, x, xOff, out, outOff);
        loops.sigmoid(n, x, xOff, out, outOff);
    }

    /** out = tanh(x). */
    public void tanh(int n, float[] x, int xOff, float[] out, int outOff) {
        checkMap(n, x, xOff, out, outOff);
        loops.tanh(n, x, xOff, out, outOff);
    }

    /** out = max(x, 0). */
    public void relu(int n, float[] x, int xOff, float[] out, int outOff) {
        checkMap(n, x, xOff, out, outOff);
        loops.relu(n, x, xOff, out, outOff);
    }

    /** softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it never overflows. */
    public void softplus(int n, float[] x, int xOff, float[] out, int outOff) {
        checkMap(n, x, xOff, out, outOff);
        loops.softplus(n, x, xOff, out, outOff);
    }

    /** dx += dy * y * (1 - y), with y = sigmoid(x) from the forward pass. */
    public void sigmoidBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        checkBackward(n, y, yOff, dy, dyOff, dx, dxOff);
        loops.sigmoidBackward(n, y, yOff, dy, dyOff, dx, dxOff);
    }

    /** dx += dy * (1 - y^2), with y = tanh(x) from the forward pass. */
    public void tanhBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        checkBackward(n, y, yOff, dy, dyOff, dx, dxOff);
        loops.tanhBackward(n, y, yOff, dy, dyOff, dx, dxOff);
    }

    /** dx += x > 0 ? dy : 0, with x the forward input (TensorFlow's rule: no gradient at 0). */
    public void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        checkBackward(n, x, xOff, dy, dyOff, dx, dxOff);
        loops.reluBackward(n, x, xOff, dy, dyOff, dx, dxOff);
    }

    // ---- scalar references ----

    /** The reference for {@link #exp}. */
    public static float expScalar(float x) {
        return (float) Math.exp(x);
    }

    /** The reference for {@link #sigmoid}. */
    public static float sigmoidScalar(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** The reference for {@link #tanh}. */
    public static float tanhScalar(float x) {
        return (float) Math.tanh(x);
    }

    /** The reference for {@link #relu}. */
    public static float reluScalar(float x) {
        return Math.max(x, 0f);
    }

    /** The reference for {@link #softplus}. */
    public static float softplusScalar(float x) {
        return (float) (Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs((double) x))));
    }

    /** Applies a scalar reference over a range: the loop the benchmarks compare against. */
    public static void mapScalar(int n, float[] x, int xOff, float[] out, int outOff, FloatUnary function) {
        checkMap(n, x, xOff, out, outOff);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = function.apply(x[xOff + i]);
        }
    }

    /** A float -> float function, without boxing. */
    @FunctionalInterface
    public interface FloatUnary {
        /** The function's value at {@code x}. */
        float apply(float x);
    }

    private static void checkMap(int n, float[] x, int xOff, float[] out, int outOff) {
        Bounds.nonNegative("n", n);
        Bounds.range("x", x, xOff, n);
        Bounds.range("out", out, outOff, n);
    }

    private static void checkBackward(int n, float[] forward, int fOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        Bounds.nonNegative("n", n);
        Bounds.range("forward values", forward, fOff, n);
        Bounds.range("dy", dy, dyOff, n);
        Bounds.range("dx", dx, dxOff, n);
    }
}
