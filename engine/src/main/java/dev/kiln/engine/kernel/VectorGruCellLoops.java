package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;

/**
 * The GRU cell, forward and backward, one copy per vector width ({@link Specialization}). Each row
 * is processed a vector of units at a time, in short loops (as the LSTM cell's: one long loop body
 * with many live vectors is more than C2 keeps in registers); units beyond the last whole vector
 * go to the scalar reference's row code. The same formulas in the same order as the reference, so
 * the two differ only by the vector exp's rounding.
 */
final class VectorGruCellLoops implements GruCellLoops {
    private static final VectorSpecies<Float> S = Specialization.species(MethodHandles.lookup());
    private static final int L = S.length();

    @Override
    public void forward(int rows, int units, float[] xw, int xwOff, float[] hu, int huOff, float[] hPrev, int hPrevOff, float[] h,
                        int hOff, float[] saved, int savedOff) {
        int vectorUnits = S.loopBound(units);
        for (int row = 0; row < rows; row++) {
            int g = row * 3 * units;
            // z and r: sigmoid(xw + hu), two blocks of units.
            for (int block = 0; block < 2 * units; block += units) {
                for (int j = 0; j < vectorUnits; j += L) {
                    int at = g + block + j;
                    VectorMath.sigmoid(FloatVector.fromArray(S, xw, xwOff + at).add(FloatVector.fromArray(S, hu, huOff + at)))
                            .intoArray(saved, savedOff + at);
                }
            }
            // n = tanh(xw_h + r hu_h), the sum first, then tanh in place.
            for (int j = 0; j < vectorUnits; j += L) {
                int at = g + 2 * units + j;
                FloatVector r = FloatVector.fromArray(S, saved, savedOff + g + units + j);
                FloatVector.fromArray(S, xw, xwOff + at).add(r.mul(FloatVector.fromArray(S, hu, huOff + at)))
                        .intoArray(saved, savedOff + at);
            }
            for (int j = 0; j < vectorUnits; j += L) {
                int at = savedOff + g + 2 * units + j;
                VectorMath.tanh(FloatVector.fromArray(S, saved, at)).intoArray(saved, at);
            }
            // h = z h_prev + (1 - z) n.
            for (int j = 0; j < vectorUnits; j += L) {
                FloatVector z = FloatVector.fromArray(S, saved, savedOff + g + j);
                FloatVector n = FloatVector.fromArray(S, saved, savedOff + g + 2 * units + j);
                FloatVector previous = FloatVector.fromArray(S, hPrev, hPrevOff + row * units + j);
                z.mul(previous).add(z.neg().add(1f).mul(n)).intoArray(h, hOff + row * units + j);
            }
            GruCell.forwardRow(row, vectorUnits, units, xw, xwOff, hu, huOff, hPrev, hPrevOff, h, hOff, saved, savedOff);
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
            // Pass 1: the z and n blocks' gradients, and d z into dh_prev.
            for (int j = 0; j < vectorUnits; j += L) {
                FloatVector z = FloatVector.fromArray(S, saved, savedOff + g + j);
                FloatVector n = FloatVector.fromArray(S, saved, savedOff + g + 2 * units + j);
                FloatVector d = FloatVector.fromArray(S, dh, dhOff + s + j);
                FloatVector previous = FloatVector.fromArray(S, hPrev, hPrevOff + s + j);
                FloatVector oneMinusZ = z.neg().add(1f);
                FloatVector dnPre = flush(d.mul(oneMinusZ).mul(n.mul(n).neg().add(1f)));
                FloatVector dzPre = flush(d.mul(previous.sub(n)).mul(z).mul(oneMinusZ));
                dzPre.intoArray(dxw, dxwOff + g + j);
                dzPre.intoArray(dhu, dhuOff + g + j);
                dnPre.intoArray(dxw, dxwOff + g + 2 * units + j);
                if (dhPrev != null) {
                    FloatVector.fromArray(S, dhPrev, dhPrevOff + s + j).add(d.mul(z)).intoArray(dhPrev, dhPrevOff + s + j);
                }
            }
            // Pass 2: the r block's gradients from dn, and dhu_h = dn r.
            for (int j = 0; j < vectorUnits; j += L) {
                FloatVector r = FloatVector.fromArray(S, saved, savedOff + g + units + j);
                FloatVector dnPre = FloatVector.fromArray(S, dxw, dxwOff + g + 2 * units + j);
                FloatVector drPre = flush(dnPre.mul(FloatVector.fromArray(S, hu, huOff + g + 2 * units + j)).mul(r)
                        .mul(r.neg().add(1f)));
                drPre.intoArray(dxw, dxwOff + g + units + j);
                drPre.intoArray(dhu, dhuOff + g + units + j);
                flush(dnPre.mul(r)).intoArray(dhu, dhuOff + g + 2 * units + j);
            }
            GruCell.backwardRow(row, vectorUnits, units, dh, dhOff, hPrev, hPrevOff, hu, huOff, saved, savedOff, dxw, dxwOff, dhu,
                    dhuOff, dhPrev, dhPrevOff);
        }
    }

    /** |v| < {@link LstmCell#FLUSH_BELOW} becomes zero. */
    private static FloatVector flush(FloatVector v) {
        return v.blend(0f, v.abs().compare(VectorOperators.LT, LstmCell.FLUSH_BELOW));
    }
}
