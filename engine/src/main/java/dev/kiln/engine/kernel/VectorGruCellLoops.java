package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;

/**
 * The GRU cell, forward and backward, one copy per vector width ({@link Specialization}). Each row
 * is processed a vector of units at a time, the units beyond the last whole vector in scalar code,
 * in short passes. Forward has one sigmoid call site, which serves the tanh too (tanh(a) =
 * 2 sigmoid(2a) - 1, as in the LSTM cell): with a sigmoid and a tanh inlined, C2 hit its node limit
 * part way through the second exp, and the Vector API calls it left behind allocated their results
 * (36 MB per training step of a GRU model, JFR). The formulas are the reference's otherwise, in
 * its order; the flush of tiny gradients runs as a last pass. {@link #sigmoidInPlace} and
 * {@link #flush} repeat the LSTM cell's on purpose: a helper shared by the two copies would take
 * its species as an argument, and runs vectorized only where C2 inlines it, which is what failed here.
 */
final class VectorGruCellLoops implements GruCellLoops {
    private static final VectorSpecies<Float> S = Specialization.species(MethodHandles.lookup());
    private static final int L = S.length();

    @Override
    public void forward(int rows, int units, float[] xw, int xwOff, float[] hu, int huOff, float[] hPrev, int hPrevOff, float[] h,
                        int hOff, float[] saved, int savedOff) {
        int width = 3 * units;
        for (int row = 0; row < rows; row++) { // z and r pre-activations, adjacent blocks
            add(2 * units, xw, xwOff + row * width, hu, huOff + row * width, saved, savedOff + row * width);
        }
        // Two sigmoid passes through one call site (C2 then inlines the exp once): z and r, then
        // n = tanh(a) = 2 sigmoid(2a) - 1, whose input a = xw_h + r hu_h needs r.
        for (int pass = 0; pass < 2; pass++) {
            int from = pass == 0 ? 0 : 2 * units;
            if (pass == 1) {
                for (int row = 0; row < rows; row++) {
                    int g = row * width;
                    doubledCandidateInput(units, xw, xwOff + g + 2 * units, saved, savedOff + g + units, hu, huOff + g + 2 * units,
                            saved, savedOff + g + 2 * units);
                }
            }
            for (int row = 0; row < rows; row++) {
                int at = savedOff + row * width + from;
                sigmoidInPlace(saved, at, at + (pass == 0 ? 2 * units : units));
            }
        }
        for (int row = 0; row < rows; row++) {
            int g = savedOff + row * width;
            twiceMinusOne(units, saved, g + 2 * units);
            interpolate(units, saved, g, saved, g + 2 * units, hPrev, hPrevOff + row * units, h, hOff + row * units);
        }
    }

    /** out = a + b over n values. */
    private static void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L) {
            FloatVector.fromArray(S, a, aOff + j).add(FloatVector.fromArray(S, b, bOff + j)).intoArray(out, outOff + j);
        }
        for (; j < n; j++) {
            out[outOff + j] = a[aOff + j] + b[bOff + j];
        }
    }

    /** out = 2 (xw + r hu) over {@code count} values: the sigmoid pass then gives (tanh + 1) / 2. */
    private static void doubledCandidateInput(int count, float[] xw, int xwOff, float[] r, int rOff, float[] hu, int huOff,
                                              float[] out, int outOff) {
        int j = 0;
        for (int bound = S.loopBound(count); j < bound; j += L) {
            FloatVector.fromArray(S, xw, xwOff + j).add(FloatVector.fromArray(S, r, rOff + j).mul(FloatVector.fromArray(S, hu, huOff + j)))
                    .mul(2f).intoArray(out, outOff + j);
        }
        for (; j < count; j++) {
            out[outOff + j] = 2f * (xw[xwOff + j] + r[rOff + j] * hu[huOff + j]);
        }
    }

    private static void sigmoidInPlace(float[] x, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            VectorMath.sigmoid(FloatVector.fromArray(S, x, i)).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = Activations.sigmoidScalar(x[i]);
        }
    }

    /** x = 2 x - 1 over {@code count} values. */
    private static void twiceMinusOne(int count, float[] x, int from) {
        int j = 0;
        for (int bound = S.loopBound(count); j < bound; j += L) {
            FloatVector.fromArray(S, x, from + j).fma(FloatVector.broadcast(S, 2f), FloatVector.broadcast(S, -1f))
                    .intoArray(x, from + j);
        }
        for (; j < count; j++) {
            x[from + j] = Math.fma(x[from + j], 2f, -1f);
        }
    }

    /** h = z h_prev + (1 - z) n over {@code count} values. */
    private static void interpolate(int count, float[] z, int zOff, float[] n, int nOff, float[] hPrev, int hPrevOff, float[] h,
                                    int hOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int j = 0;
        for (int bound = S.loopBound(count); j < bound; j += L) {
            FloatVector gate = FloatVector.fromArray(S, z, zOff + j);
            gate.mul(FloatVector.fromArray(S, hPrev, hPrevOff + j)).add(one.sub(gate).mul(FloatVector.fromArray(S, n, nOff + j)))
                    .intoArray(h, hOff + j);
        }
        for (; j < count; j++) {
            float gate = z[zOff + j];
            h[hOff + j] = gate * hPrev[hPrevOff + j] + (1 - gate) * n[nOff + j];
        }
    }

    @Override
    public void backward(int rows, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu, int huOff,
                         float[] saved, int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff, float[] dhPrev,
                         int dhPrevOff) {
        int vectorUnits = S.loopBound(units);
        for (int row = 0; row < rows; row++) {
            int g = row * 3 * units;
            int s = row * units;
            updateAndCandidate(vectorUnits, units, saved, savedOff + g, dh, dhOff + s, hPrev, hPrevOff + s, dxw, dxwOff + g);
            if (dhPrev != null) {
                addProduct(vectorUnits, dh, dhOff + s, saved, savedOff + g, dhPrev, dhPrevOff + s); // dh_prev += d z
            }
            reset(vectorUnits, units, saved, savedOff + g, hu, huOff + g, dxw, dxwOff + g, dhu, dhuOff + g);
        }
        flush(dxw, dxwOff, rows * 3 * units);
        flush(dhu, dhuOff, rows * 3 * units);
        for (int row = 0; row < rows; row++) { // the scalar tail flushes its own values
            GruCell.backwardRow(row, vectorUnits, units, dh, dhOff, hPrev, hPrevOff, hu, huOff, saved, savedOff, dxw, dxwOff, dhu,
                    dhuOff, dhPrev, dhPrevOff);
        }
    }

    /** dxw_z = d (h_prev - n) z (1 - z) and dxw_h = d (1 - z)(1 - n^2), for one row's {@code count} units. */
    private static void updateAndCandidate(int count, int units, float[] saved, int g, float[] dh, int dhOff, float[] hPrev,
                                           int hPrevOff, float[] dxw, int dxwOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < count; j += L) {
            FloatVector z = FloatVector.fromArray(S, saved, g + j);
            FloatVector n = FloatVector.fromArray(S, saved, g + 2 * units + j);
            FloatVector d = FloatVector.fromArray(S, dh, dhOff + j);
            FloatVector complement = one.sub(z);
            d.mul(complement).mul(one.sub(n.mul(n))).intoArray(dxw, dxwOff + 2 * units + j);
            d.mul(FloatVector.fromArray(S, hPrev, hPrevOff + j).sub(n)).mul(z).mul(complement).intoArray(dxw, dxwOff + j);
        }
    }

    /** target += a b over {@code count} values. */
    private static void addProduct(int count, float[] a, int aOff, float[] b, int bOff, float[] target, int targetOff) {
        for (int j = 0; j < count; j += L) {
            FloatVector.fromArray(S, target, targetOff + j)
                    .add(FloatVector.fromArray(S, a, aOff + j).mul(FloatVector.fromArray(S, b, bOff + j)))
                    .intoArray(target, targetOff + j);
        }
    }

    /**
     * From dxw_z and dxw_h: dxw_r = dn hu_h r (1 - r), dhu = (dxw_z, dxw_r, dn r), for one row's
     * {@code count} units.
     */
    private static void reset(int count, int units, float[] saved, int g, float[] hu, int huOff, float[] dxw, int dxwOff,
                              float[] dhu, int dhuOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < count; j += L) {
            FloatVector r = FloatVector.fromArray(S, saved, g + units + j);
            FloatVector dn = FloatVector.fromArray(S, dxw, dxwOff + 2 * units + j);
            FloatVector dr = dn.mul(FloatVector.fromArray(S, hu, huOff + 2 * units + j)).mul(r).mul(one.sub(r));
            dr.intoArray(dxw, dxwOff + units + j);
            dr.intoArray(dhu, dhuOff + units + j);
            FloatVector.fromArray(S, dxw, dxwOff + j).intoArray(dhu, dhuOff + j);
            dn.mul(r).intoArray(dhu, dhuOff + 2 * units + j);
        }
    }

    /** |x| < {@link LstmCell#FLUSH_BELOW} becomes zero over [from, from + n), in whole vectors and a scalar tail. */
    private static void flush(float[] x, int from, int n) {
        int i = from;
        for (int bound = from + S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.blend(0f, v.abs().compare(VectorOperators.LT, LstmCell.FLUSH_BELOW)).intoArray(x, i);
        }
        for (; i < from + n; i++) {
            x[i] = LstmCell.flush(x[i]);
        }
    }
}
