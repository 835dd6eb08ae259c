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

/**
 * The directions' input-gradient parts, added by value row into a gradient that already holds
 * something ({@link InputGradientSum#afterDirections}), equal the plain scatter-add of every
 * part's rows in direction and row order, bit for bit, on 1 and 2 threads; sequences that share
 * value rows (allowed by the ops) take every contribution.
 */
class InputGradientSumProperties {

    @Property(tries = 120)
    void addsEveryRowOfEveryPartInDirectionOrder(@ForAll @IntRange(min = 0, max = 9) int batch,
                                                 @ForAll @IntRange(min = 0, max = 30) int maxLength,
                                                 @ForAll @IntRange(min = 1, max = 9) int features,
                                                 @ForAll boolean overlapping, @ForAll long seed) {
        checkAgainstScatterAdd(new Random(seed), batch, maxLength, features, overlapping);
    }

    /** Large enough for the sum to split over the pool's threads. */
    @Test
    void aStackedLayersWorthOfRowsSplitsOverThreadsWithTheSameResult() {
        checkAgainstScatterAdd(new Random(7), 64, 40, 128, false);
    }

    private static void checkAgainstScatterAdd(Random random, int batch, int maxLength, int features, boolean overlapping) {
        int[] lengths = new int[batch];
        for (int s = 0; s < batch; s++) {
            lengths[s] = maxLength == 0 ? 0 : random.nextInt(maxLength + 1);
        }
        PackedSequences packed = PackedSequences.of(lengths);
        int[] offsets = packed.offsets();
        int valueRows = packed.tokens() + random.nextInt(3); // rows no sequence reads get nothing
        if (overlapping) {
            for (int s = 0; s < batch; s++) {
                offsets[s] = random.nextInt(valueRows - lengths[s] + 1);
            }
        }
        TimeMajorLayout[] layouts = {new TimeMajorLayout(lengths, offsets, false), new TimeMajorLayout(lengths, offsets, true)};
        float[][] parts = new float[2][];
        for (int d = 0; d < 2; d++) {
            parts[d] = Sizes.uniform(random, layouts[d].tokens * features, -1, 1);
        }
        float[] initial = Sizes.uniform(random, valueRows * features, -1, 1);
        float[] expected = initial.clone();
        for (int d = 0; d < 2; d++) {
            for (int row = 0; row < layouts[d].tokens; row++) {
                for (int f = 0; f < features; f++) {
                    expected[layouts[d].tokenRow[row] * features + f] += parts[d][row * features + f];
                }
            }
        }
        for (int threads = 1; threads <= 2; threads++) {
            try (ComputePool pool = ComputePool.withThreads(threads)) {
                // The values' gradient already holds something, so the parts are summed into it.
                Variable values = Variable.parameter(Tensor.zeros(valueRows, features), "values");
                System.arraycopy(initial, 0, values.grad().data(), 0, initial.length);
                RecurrentInput in = new RecurrentInput(values, null, valueRows, features);
                InputGradientSum.afterDirections(Kernels.preferred(pool), in, layouts, d -> parts[d], (part, d) -> { });
                float[] total = values.grad().data();
                assertArrayEquals(expected, total, "threads " + threads);
            }
        }
    }
}
