package dev.kiln.engine.kernel;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector GRU cell against its scalar reference at every width, units around the lane counts. */
class GruCellProperties {

    @Property(tries = 120)
    void vectorCellMatchesTheScalarReference(@ForAll Width width, @ForAll @IntRange(min = 0, max = 19) int rows,
                                             @ForAll @IntRange(min = 1, max = 70) int units, @ForAll boolean withPrevious,
                                             @ForAll long seed) {
        Random random = new Random(seed);
        int cells = rows * units;
        float[] xw = Sizes.uniform(random, 3 * cells, -4, 4);
        float[] hu = Sizes.uniform(random, 3 * cells, -4, 4);
        float[] hPrev = Sizes.uniform(random, cells, -1, 1);
        GruCell cell = new GruCell(width.species);

        float[] h = new float[cells];
        float[] saved = new float[3 * cells];
        float[] hScalar = new float[cells];
        float[] savedScalar = new float[3 * cells];
        // Offsets inside larger arrays, as the recurrence calls it.
        cell.forward(rows, units, xw, 0, hu, 0, hPrev, 0, h, 0, saved, 0);
        GruCell.forwardScalar(rows, units, xw, 0, hu, 0, hPrev, 0, hScalar, 0, savedScalar, 0);
        assertClose("h", hScalar, h, 2e-6);
        assertClose("saved z, r, n", savedScalar, saved, 2e-6);

        float[] dh = Sizes.uniform(random, cells, -1, 1);
        float[] dhPrev = withPrevious ? Sizes.uniform(random, cells, -1, 1) : null;
        float[] dhPrevScalar = dhPrev == null ? null : dhPrev.clone();
        float[][] vector = {new float[3 * cells], new float[3 * cells]};
        float[][] scalar = {new float[3 * cells], new float[3 * cells]};
        cell.backward(rows, units, dh, 0, hPrev, 0, hu, 0, savedScalar, 0, vector[0], 0, vector[1], 0, dhPrev, 0);
        GruCell.backwardScalar(rows, units, dh, 0, hPrev, 0, hu, 0, savedScalar, 0, scalar[0], 0, scalar[1], 0, dhPrevScalar, 0);
        assertClose("dxw", scalar[0], vector[0], 1e-6);
        assertClose("dhu", scalar[1], vector[1], 1e-6);
        if (dhPrev != null) {
            assertClose("dh_prev", dhPrevScalar, dhPrev, 1e-6);
        }
    }

    @Test
    void blocksAndTailsLandAtTheirOffsets() {
        // 2 rows of 21 units at offsets: a unit written to the wrong block or row would differ from the reference.
        for (Width width : Width.values()) {
            int rows = 2;
            int units = 21;
            Random random = new Random(7);
            float[] xw = Sizes.uniform(random, 5 + 3 * rows * units, -3, 3);
            float[] hu = Sizes.uniform(random, 9 + 3 * rows * units, -3, 3);
            float[] hPrev = Sizes.uniform(random, 2 + rows * units, -1, 1);
            float[] h = new float[4 + rows * units];
            float[] saved = new float[6 + 3 * rows * units];
            float[] hScalar = h.clone();
            float[] savedScalar = saved.clone();
            new GruCell(width.species).forward(rows, units, xw, 5, hu, 9, hPrev, 2, h, 4, saved, 6);
            GruCell.forwardScalar(rows, units, xw, 5, hu, 9, hPrev, 2, hScalar, 4, savedScalar, 6);
            assertClose(width + " h", hScalar, h, 2e-6);
            assertClose(width + " saved", savedScalar, saved, 2e-6);
        }
    }

    @Test
    void gradientsBelowTheFlushThresholdBecomeZero() {
        for (Width width : Width.values()) {
            int units = 20;
            float[] saved = new float[3 * units];
            Arrays.fill(saved, 0.5f);
            float[] hu = new float[3 * units];
            Arrays.fill(hu, 1f);
            float[] hPrev = new float[units];
            float[] dh = new float[units];
            Arrays.fill(dh, 1e-32f);
            float[] dxw = new float[3 * units];
            float[] dhu = new float[3 * units];
            new GruCell(width.species).backward(1, units, dh, 0, hPrev, 0, hu, 0, saved, 0, dxw, 0, dhu, 0, null, 0);
            for (int i = 0; i < 3 * units; i++) {
                assertEquals(0f, dxw[i], width + ": a gradient of ~1e-33 is flushed (dxw " + i + ")");
                assertEquals(0f, dhu[i], width + ": a gradient of ~1e-33 is flushed (dhu " + i + ")");
            }
            Arrays.fill(dh, 1e-3f);
            new GruCell(width.species).backward(1, units, dh, 0, hPrev, 0, hu, 0, saved, 0, dxw, 0, dhu, 0, null, 0);
            // dn = d (1 - z)(1 - n^2) = 1e-3 * 0.5 * 0.75
            assertEquals(1e-3 * 0.5 * 0.75, dxw[2 * units], 1e-9, width + ": normal gradients pass");
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what + " size");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * (1 + Math.abs(expected[i])), what + " at " + i);
        }
    }
}
