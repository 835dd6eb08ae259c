package dev.kiln.engine.kernel;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector LSTM cell against its scalar reference at every width, units around the lane counts. */
class LstmCellProperties {

    @Property(tries = 120)
    void vectorCellMatchesTheScalarReference(@ForAll Width width, @ForAll @IntRange(min = 0, max = 9) int rows,
                                             @ForAll @IntRange(min = 1, max = 70) int units, @ForAll boolean zeroState,
                                             @ForAll long seed) {
        Random random = new Random(seed);
        int cells = rows * units;
        float[] z = Sizes.uniform(random, 4 * cells, -6, 6);
        float[] cPrev = zeroState ? null : Sizes.uniform(random, cells, -2, 2);
        LstmCell cell = new LstmCell(width.species);

        float[][] vector = {z.clone(), new float[cells], new float[cells], new float[cells]};
        float[][] scalar = {z.clone(), new float[cells], new float[cells], new float[cells]};
        cell.forward(rows, units, vector[0], 0, cPrev, 0, vector[1], 0, vector[2], 0, vector[3], 0);
        LstmCell.forwardScalar(rows, units, scalar[0], 0, cPrev, 0, scalar[1], 0, scalar[2], 0, scalar[3], 0);
        String[] names = {"gates", "c", "tanh(c)", "h"};
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < scalar[k].length; i++) {
                assertEquals(scalar[k][i], vector[k][i], 2e-6 * (1 + Math.abs(scalar[k][i])), names[k] + " at " + i);
            }
        }

        float[] dh = Sizes.uniform(random, cells, -1, 1);
        float[] dc = Sizes.uniform(random, cells, -1, 1);
        float[] dcVector = dc.clone();
        float[] dzVector = new float[4 * cells];
        float[] dzScalar = new float[4 * cells];
        cell.backward(rows, units, scalar[0], 0, cPrev, 0, scalar[2], 0, dh, 0, dcVector, 0, dzVector, 0);
        LstmCell.backwardScalar(rows, units, scalar[0], 0, cPrev, 0, scalar[2], 0, dh, 0, dc, 0, dzScalar, 0);
        for (int i = 0; i < dzScalar.length; i++) {
            assertEquals(dzScalar[i], dzVector[i], 1e-6 * (1 + Math.abs(dzScalar[i])), "dz at " + i);
        }
        for (int i = 0; i < dc.length; i++) {
            assertEquals(dc[i], dcVector[i], 1e-6 * (1 + Math.abs(dc[i])), "dc at " + i);
        }
    }

    /**
     * The cell takes the candidate's pre-activation doubled: doubling W's, U's and b's candidate
     * columns must give exactly twice x W + h U + b there (a power of 2 commutes with rounding)
     * and change nothing else, whatever the tiling of the products.
     */
    @Property(tries = 60)
    void doubledCandidateColumnsGiveExactlyTwiceThePreActivation(@ForAll Width width, @ForAll @IntRange(min = 1, max = 13) int rows,
                                                                 @ForAll @IntRange(min = 1, max = 40) int units,
                                                                 @ForAll @IntRange(min = 1, max = 70) int features,
                                                                 @ForAll long seed) {
        Random random = new Random(seed);
        int gates = 4 * units;
        float[] x = Sizes.uniform(random, rows * features, -3, 3);
        float[] h = Sizes.uniform(random, rows * units, -1, 1);
        float[] w = Sizes.uniform(random, features * gates, -1, 1);
        float[] u = Sizes.uniform(random, units * gates, -1, 1);
        float[] b = Sizes.uniform(random, gates, -1, 1);
        float[] plain = preActivations(width, rows, features, units, x, h, w, u, b);
        float[] w2 = w.clone();
        float[] u2 = u.clone();
        float[] b2 = b.clone();
        LstmCell.doubleCandidates(features, units, w2, 0, gates);
        LstmCell.doubleCandidates(units, units, u2, 0, gates);
        LstmCell.doubleCandidates(1, units, b2, 0, gates);
        float[] doubled = preActivations(width, rows, features, units, x, h, w2, u2, b2);
        for (int i = 0; i < plain.length; i++) {
            boolean candidate = i % gates >= 2 * units && i % gates < 3 * units;
            assertEquals(candidate ? 2 * plain[i] : plain[i], doubled[i], "at " + i);
        }
    }

    /** x W + b, then + h U through a packed U, as the LSTM's direction adds them. */
    private static float[] preActivations(Width width, int rows, int features, int units, float[] x, float[] h, float[] w,
                                          float[] u, float[] b) {
        int gates = 4 * units;
        float[] z = new float[rows * gates];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(b, 0, z, r * gates, gates);
        }
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Gemm gemm = new Gemm(width.species, pool);
            gemm.sgemm(false, false, rows, gates, features, 1f, x, 0, features, w, 0, gates, 1f, z, 0, gates);
            gemm.sgemm(false, rows, 1f, h, 0, units, gemm.pack(false, units, gates, u, 0, gates), 1f, z, 0, gates);
        }
        return z;
    }

    @Test
    void gradientsBelowTheFlushThresholdBecomeZero() {
        for (Width width : Width.values()) {
            int units = 20;
            float[] gates = new float[4 * units];
            java.util.Arrays.fill(gates, 0.5f);
            float[] tanhC = new float[units];
            java.util.Arrays.fill(tanhC, 0.5f);
            float[] dh = new float[units];
            java.util.Arrays.fill(dh, 1e-32f);
            float[] dc = new float[units];
            float[] dz = new float[4 * units];
            new LstmCell(width.species).backward(1, units, gates, 0, null, 0, tanhC, 0, dh, 0, dc, 0, dz, 0);
            for (float value : dz) {
                assertEquals(0f, value, width + ": a gradient of ~1e-33 is flushed");
            }
            java.util.Arrays.fill(dh, 1e-3f);
            new LstmCell(width.species).backward(1, units, gates, 0, null, 0, tanhC, 0, dh, 0, dc, 0, dz, 0);
            assertEquals(1e-3 * 0.5 * 0.25, dz[3 * units], 1e-9, width + ": normal gradients pass");
        }
    }
}
