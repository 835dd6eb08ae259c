package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;

/**
 * The LSTM cell, forward and backward, one copy per vector width ({@link Specialization}).
 * Each row is processed a vector of units at a time; the last vector of a row is masked. A null
 * cPrev means the zero state.
 */
final class VectorLstmCellLoops implements LstmCellLoops {
    private static final VectorSpecies<Float> S = Specialization.species(MethodHandles.lookup());
    private static final int L = S.length();

    @Override
    public void forward(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                        float[] c, int cOff, float[] tanhC, int tanhCOff, float[] h, int hOff) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int g = gatesOff + r * 4 * units;
            int s = r * units;
            for (int u = 0; u < units; u += L) {
                VectorMask<Float> m = S.indexInRange(u, units);
                FloatVector i = VectorMath.sigmoid(FloatVector.fromArray(S, gates, g + u, m));
                FloatVector f = VectorMath.sigmoid(FloatVector.fromArray(S, gates, g + units + u, m));
                FloatVector cand = VectorMath.tanh(FloatVector.fromArray(S, gates, g + 2 * units + u, m));
                FloatVector o = VectorMath.sigmoid(FloatVector.fromArray(S, gates, g + 3 * units + u, m));
                FloatVector previous = cPrev == null ? zero : FloatVector.fromArray(S, cPrev, cPrevOff + s + u, m);
                FloatVector cell = f.mul(previous).add(i.mul(cand));
                FloatVector squashed = VectorMath.tanh(cell);
                i.intoArray(gates, g + u, m);
                f.intoArray(gates, g + units + u, m);
                cand.intoArray(gates, g + 2 * units + u, m);
                o.intoArray(gates, g + 3 * units + u, m);
                cell.intoArray(c, cOff + s + u, m);
                squashed.intoArray(tanhC, tanhCOff + s + u, m);
                o.mul(squashed).intoArray(h, hOff + s + u, m);
            }
        }
    }

    @Override
    public void backward(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                         float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff, float[] dz, int dzOff) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int g = gatesOff + r * 4 * units;
            int z = dzOff + r * 4 * units;
            int s = r * units;
            for (int u = 0; u < units; u += L) {
                VectorMask<Float> m = S.indexInRange(u, units);
                FloatVector i = FloatVector.fromArray(S, gates, g + u, m);
                FloatVector f = FloatVector.fromArray(S, gates, g + units + u, m);
                FloatVector cand = FloatVector.fromArray(S, gates, g + 2 * units + u, m);
                FloatVector o = FloatVector.fromArray(S, gates, g + 3 * units + u, m);
                FloatVector squashed = FloatVector.fromArray(S, tanhC, tanhCOff + s + u, m);
                FloatVector dhv = FloatVector.fromArray(S, dh, dhOff + s + u, m);
                FloatVector previous = cPrev == null ? zero : FloatVector.fromArray(S, cPrev, cPrevOff + s + u, m);
                // dc_total = dc + dh * o * (1 - tanh(c)^2)
                FloatVector dcTotal = dhv.mul(o).mul(squashed.mul(squashed).neg().add(1f))
                        .add(FloatVector.fromArray(S, dc, dcOff + s + u, m));
                FloatVector dOut = dhv.mul(squashed);
                dcTotal.mul(i).mul(cand.mul(cand).neg().add(1f)).intoArray(dz, z + 2 * units + u, m);
                dcTotal.mul(cand).mul(i.mul(i.neg().add(1f))).intoArray(dz, z + u, m);
                dcTotal.mul(previous).mul(f.mul(f.neg().add(1f))).intoArray(dz, z + units + u, m);
                dOut.mul(o.mul(o.neg().add(1f))).intoArray(dz, z + 3 * units + u, m);
                dcTotal.mul(f).intoArray(dc, dcOff + s + u, m);
            }
        }
    }
}
