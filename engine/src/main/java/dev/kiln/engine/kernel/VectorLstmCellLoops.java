package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;

/**
 * The LSTM cell, forward and backward, one copy per vector width ({@link Specialization}). Rows
 * are processed a vector of units at a time; units beyond the last whole vector use scalar code.
 * Both directions are split into short loops: one long loop body with a dozen live vectors is
 * more than C2 compiles well, and then vectors end up on the heap (or the loop interpreted).
 * A null cPrev means the zero state.
 */
final class VectorLstmCellLoops implements LstmCellLoops {
    private static final VectorSpecies<Float> S = Specialization.species(MethodHandles.lookup());
    private static final int L = S.length();

    @Override
    public void forward(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                        float[] c, int cOff, float[] tanhC, int tanhCOff, float[] h, int hOff) {
        int vectorUnits = S.loopBound(units);
        // One sigmoid pass over every gate of every row (the candidate's pre-activation arrives
        // doubled: tanh(z) = 2 sigmoid(2z) - 1, finished in the next loop), then one loop for the
        // candidate, c, tanh(c) and h. Per-row passes over the four blocks instead ran 15 % slower
        // (JMH); a cell with the candidate's tanh in its sigmoid loop ran at half speed
        // (benchmarks/README.md).
        sigmoidInPlace(gates, gatesOff, gatesOff + rows * 4 * units);
        for (int r = 0; r < rows; r++) {
            int g = gatesOff + r * 4 * units;
            int s = r * units;
            for (int u = 0; u < vectorUnits; u += L) {
                FloatVector candidate = FloatVector.fromArray(S, gates, g + 2 * units + u).fma(2f, -1f);
                candidate.intoArray(gates, g + 2 * units + u);
                FloatVector cell = FloatVector.fromArray(S, gates, g + u).mul(candidate);
                if (cPrev != null) {
                    cell = FloatVector.fromArray(S, gates, g + units + u)
                            .fma(FloatVector.fromArray(S, cPrev, cPrevOff + s + u), cell);
                }
                cell.intoArray(c, cOff + s + u);
                FloatVector squashed = VectorMath.gateTanh(cell);
                squashed.intoArray(tanhC, tanhCOff + s + u);
                FloatVector.fromArray(S, gates, g + 3 * units + u).mul(squashed).intoArray(h, hOff + s + u);
            }
            for (int u = vectorUnits; u < units; u++) {
                float candidate = Math.fma(gates[g + 2 * units + u], 2f, -1f);
                gates[g + 2 * units + u] = candidate;
                float cell = gates[g + u] * candidate;
                cell = cPrev == null ? cell : Math.fma(gates[g + units + u], cPrev[cPrevOff + s + u], cell);
                c[cOff + s + u] = cell;
                tanhC[tanhCOff + s + u] = Activations.tanhScalar(cell);
                h[hOff + s + u] = gates[g + 3 * units + u] * tanhC[tanhCOff + s + u];
            }
        }
    }

    private static void sigmoidInPlace(float[] x, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            VectorMath.gateSigmoid(FloatVector.fromArray(S, x, i)).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = Activations.sigmoidScalar(x[i]);
        }
    }

    @Override
    public void backward(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                         float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff, float[] dz, int dzOff) {
        int vectorUnits = S.loopBound(units);
        for (int r = 0; r < rows; r++) {
            int g = gatesOff + r * 4 * units;
            int z = dzOff + r * 4 * units;
            int s = r * units;
            // One pass, each row's values read in address order (gates i, f, c, o, then tanh(c)
            // and cPrev): most come from memory, and one pass lets the prefetchers stream them.
            for (int u = 0; u < vectorUnits; u += L) {
                FloatVector i = FloatVector.fromArray(S, gates, g + u);
                FloatVector f = FloatVector.fromArray(S, gates, g + units + u);
                FloatVector cand = FloatVector.fromArray(S, gates, g + 2 * units + u);
                FloatVector o = FloatVector.fromArray(S, gates, g + 3 * units + u);
                FloatVector squashed = FloatVector.fromArray(S, tanhC, tanhCOff + s + u);
                FloatVector dhv = FloatVector.fromArray(S, dh, dhOff + s + u);
                dhv.mul(squashed).mul(o.mul(o.neg().add(1f))).intoArray(dz, z + 3 * units + u);
                FloatVector dcTotal = dhv.mul(o).mul(squashed.mul(squashed).neg().add(1f))
                        .add(FloatVector.fromArray(S, dc, dcOff + s + u));
                dcTotal.mul(cand).mul(i.mul(i.neg().add(1f))).intoArray(dz, z + u);
                FloatVector previous = cPrev == null ? FloatVector.zero(S) : FloatVector.fromArray(S, cPrev, cPrevOff + s + u);
                dcTotal.mul(previous).mul(f.mul(f.neg().add(1f))).intoArray(dz, z + units + u);
                dcTotal.mul(i).mul(cand.mul(cand).neg().add(1f)).intoArray(dz, z + 2 * units + u);
                dcTotal.mul(f).intoArray(dc, dcOff + s + u);
            }
        }
        // Pass 3, its own short loop: flush tiny values (see LstmCell.FLUSH_BELOW).
        flushRange(dz, dzOff, rows * 4 * units, vectorUnits == units);
        flushRange(dc, dcOff, rows * units, vectorUnits == units);
        if (vectorUnits < units) {
            for (int r = 0; r < rows; r++) {
                LstmCell.backwardRow(r, vectorUnits, units, gates, gatesOff, cPrev, cPrevOff, tanhC, tanhCOff, dh, dhOff,
                        dc, dcOff, dz, dzOff);
            }
        }
    }

    /**
     * Sets |x| < {@link LstmCell#FLUSH_BELOW} to zero over [from, from + n). When the scalar tail
     * rows follow ({@code wholeRows} false) they flush their own values, so only whole vectors matter.
     */
    private static void flushRange(float[] x, int from, int n, boolean wholeRows) {
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
