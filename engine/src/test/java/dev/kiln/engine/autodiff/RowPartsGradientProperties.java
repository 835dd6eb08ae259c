package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.kernel.Sizes;
import dev.kiln.engine.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A gradient left as recurrent directions' unsummed parts reads, row segment by row segment, the
 * bits of the parts summed into a zeroed array (what the layer below read before), with one or
 * two parts and value rows that a part does not read; a variable keeps the parts only while they
 * are all it has, and sums them into its array as soon as anything else flows in or asks for it.
 */
class RowPartsGradientProperties {
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    @Property(tries = 150)
    void rowsReadFromThePartsEqualTheSummedArray(@ForAll @IntRange(min = 0, max = 9) int batch,
                                                 @ForAll @IntRange(min = 0, max = 30) int maxLength,
                                                 @ForAll @IntRange(min = 1, max = 40) int features,
                                                 @ForAll @IntRange(min = 1, max = 2) int directions, @ForAll long seed) {
        Random random = new Random(seed);
        Parts parts = Parts.random(random, batch, maxLength, features, directions);
        float[] summed = parts.summed();
        for (int value = 0; value < parts.valueRows; value++) {
            int column = random.nextInt(features);
            int length = random.nextInt(features - column + 1);
            float[] target = Sizes.uniform(random, length + 2, -1, 1);
            float[] expected = target.clone();
            for (int i = 0; i < length; i++) {
                expected[1 + i] += summed[value * features + column + i];
            }
            parts.gradient.addTo(value, column, length, target, 1);
            assertArrayEquals(expected, target, "addTo, value row " + value);
            System.arraycopy(summed, value * features + column, expected, 1, length);
            parts.gradient.copyTo(value, column, length, target, 1);
            assertArrayEquals(expected, target, "copyTo, value row " + value);
        }
    }

    /** Large enough for the sum into an array to split over the pool's threads. */
    @Test
    void summingIntoAnArrayGivesTheSameBitsOnOneAndTwoThreads() {
        Parts parts = Parts.random(new Random(11), 64, 40, 128, 2);
        float[] expected = parts.summed();
        for (int threads = 1; threads <= 2; threads++) {
            try (ComputePool pool = ComputePool.withThreads(threads)) {
                RowPartsGradient gradient = new RowPartsGradient(Kernels.preferred(pool), parts.parts, parts.rowOf, 128);
                float[] total = new float[expected.length];
                gradient.addInto(total);
                assertArrayEquals(expected, total, "threads " + threads);
            }
        }
    }

    @Test
    void aVariableKeepsThePartsOnlyWhileTheyAreAllItHas() {
        Random random = new Random(5);
        Parts first = Parts.random(random, 6, 9, 7, 2);
        Parts second = first.withFreshValues(random);

        Variable variable = Variable.result(Tensor.zeros(first.valueRows, 7), true, "lstm");
        variable.addGradientParts(first.gradient);
        assertSame(first.gradient, variable.unsummedGradient());
        assertSame(first.gradient, GradientRows.of(variable, KERNELS.arithmetic(), 7));

        // A second contribution sums both into the array, in the order they came.
        variable.addGradientParts(second.gradient);
        assertNull(variable.unsummedGradient());
        float[] expected = first.summed();
        second.gradient.addInto(expected);
        assertArrayEquals(expected, variable.grad().data());

        // Asking for the array sums them too; zeroGrad drops parts not yet summed.
        Variable asked = Variable.result(Tensor.zeros(first.valueRows, 7), true, "lstm");
        asked.addGradientParts(first.gradient);
        assertArrayEquals(first.summed(), asked.grad().data());
        assertNull(asked.unsummedGradient());
        Variable dropped = Variable.result(Tensor.zeros(first.valueRows, 7), true, "lstm");
        dropped.addGradientParts(first.gradient);
        dropped.zeroGrad();
        assertNull(dropped.unsummedGradient());
        assertArrayEquals(new float[first.valueRows * 7], dropped.grad().data());

        // An array already there is added to; a constant takes nothing.
        Variable started = Variable.result(Tensor.zeros(first.valueRows, 7), true, "lstm");
        float[] initial = Sizes.uniform(random, first.valueRows * 7, -1, 1);
        System.arraycopy(initial, 0, started.grad().data(), 0, initial.length);
        started.addGradientParts(first.gradient);
        first.gradient.addInto(initial);
        assertArrayEquals(initial, started.grad().data());
        Variable constant = Variable.constant(Tensor.zeros(first.valueRows, 7));
        constant.addGradientParts(first.gradient);
        assertNull(constant.grad());
        assertNull(constant.unsummedGradient());
    }

    @Test
    void moreThanTwoPartsAreRefused() {
        float[][] three = {new float[1], new float[1], new float[1]};
        int[][] maps = {{0}, {0}, {0}};
        var error = assertThrows(IllegalArgumentException.class, () -> new RowPartsGradient(KERNELS, three, maps, 1));
        assertEquals("row parts: 1 or 2 parts with a row map each, got 3 parts and 3 maps", error.getMessage());
    }

    /** Random directions' parts over a packed batch, and the gradient that holds them. */
    private record Parts(float[][] parts, int[][] rowOf, int valueRows, int features, RowPartsGradient gradient) {
        static Parts random(Random random, int batch, int maxLength, int features, int directions) {
            int[] lengths = new int[batch];
            for (int s = 0; s < batch; s++) {
                lengths[s] = maxLength == 0 ? 0 : random.nextInt(maxLength + 1);
            }
            PackedSequences packed = PackedSequences.of(lengths);
            int valueRows = packed.tokens() + random.nextInt(3); // rows no sequence reads: zero
            float[][] parts = new float[directions][];
            int[][] rowOf = new int[directions][];
            for (int d = 0; d < directions; d++) {
                TimeMajorLayout layout = new TimeMajorLayout(lengths, packed.offsets(), d == 1);
                parts[d] = Sizes.uniform(random, layout.tokens * features, -1, 1);
                rowOf[d] = layout.rowOfValue(valueRows);
            }
            return new Parts(parts, rowOf, valueRows, features, new RowPartsGradient(KERNELS, parts, rowOf, features));
        }

        /** One part over the same value rows and part 0's row map, with new values. */
        Parts withFreshValues(Random random) {
            float[][] fresh = {Sizes.uniform(random, parts[0].length, -1, 1)};
            int[][] maps = {rowOf[0]};
            return new Parts(fresh, maps, valueRows, features, new RowPartsGradient(KERNELS, fresh, maps, features));
        }

        /** The parts summed into a zeroed array in part order, element by element: the reference. */
        float[] summed() {
            float[] total = new float[valueRows * features];
            for (int d = 0; d < parts.length; d++) {
                for (int value = 0; value < valueRows; value++) {
                    int row = rowOf[d][value];
                    for (int f = 0; row >= 0 && f < features; f++) {
                        total[value * features + f] += parts[d][row * features + f];
                    }
                }
            }
            return total;
        }
    }
}
