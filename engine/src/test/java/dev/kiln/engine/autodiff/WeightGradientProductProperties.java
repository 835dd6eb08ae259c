package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.kernel.Sizes;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * A weight gradient summed by {@link WeightGradientProduct} over several products, transposed or
 * not (fewer rows than columns or not; empty ones too), ends bit for bit where the GEMM adding
 * A^T B straight into the gradient ends, on 1 and 2 threads, also over more than one of the GEMM's
 * K blocks.
 */
class WeightGradientProductProperties {

    @Property(tries = 60)
    void sumsAsTheStraightProductDoes(@ForAll @IntRange(min = 0, max = 70) int rows, @ForAll @IntRange(min = 0, max = 70) int columns,
                                      @ForAll @IntRange(min = 0, max = 600) int k, @ForAll @IntRange(min = 1, max = 3) int products,
                                      @ForAll long seed) {
        check(new Random(seed), rows, columns, k, products);
    }

    /** Large enough for both products to split over the pool's threads. */
    @Test
    void aSeedModelsRecurrentGradientOverTwoKBlocks() {
        check(new Random(3), 64, 256, 1100, 2);
    }

    private static void check(Random random, int rows, int columns, int k, int products) {
        float[] start = Sizes.uniform(random, rows * columns, -1, 1);
        float[][] as = new float[products][];
        float[][] bs = new float[products][];
        for (int p = 0; p < products; p++) {
            as[p] = Sizes.uniform(random, k * rows, -1, 1);
            bs[p] = Sizes.uniform(random, k * columns, -1, 1);
        }
        for (int threads = 1; threads <= 2; threads++) {
            try (ComputePool pool = ComputePool.withThreads(threads)) {
                Kernels kernels = Kernels.preferred(pool);
                float[] expected = start.clone();
                float[] actual = start.clone();
                WeightGradientProduct sum = new WeightGradientProduct(StepBuffers.none().claim(), actual, rows, columns);
                for (int p = 0; p < products; p++) {
                    kernels.gemm().sgemm(true, false, rows, columns, k, 1f, as[p], 0, Math.max(1, rows), bs[p], 0,
                            Math.max(1, columns), 1f, expected, 0, Math.max(1, columns));
                    sum.add(kernels, k, as[p], 0, Math.max(1, rows), bs[p], 0, Math.max(1, columns));
                }
                sum.writeBack();
                assertArrayEquals(expected, actual, "threads " + threads);
            }
        }
    }
}
