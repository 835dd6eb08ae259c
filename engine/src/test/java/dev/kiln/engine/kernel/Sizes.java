package dev.kiln.engine.kernel;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.util.Random;

/** Lengths that hit every tail: 0, 1, around each lane count (4, 8, 16) and strip, primes, large. */
public final class Sizes {
    private Sizes() {}

    public static Arbitrary<Integer> lengths() {
        return Arbitraries.oneOf(
                Arbitraries.of(0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65,
                        97, 127, 128, 129, 257, 1021, 4099),
                Arbitraries.integers().between(0, 3000));
    }

    public static Arbitrary<Integer> matrixSides() {
        return Arbitraries.oneOf(
                Arbitraries.of(0, 1, 2, 3, 4, 5, 7, 15, 16, 17, 31, 33, 63, 64, 65, 67, 129),
                Arbitraries.integers().between(0, 140));
    }

    public static float[] uniform(Random random, int n, float low, float high) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = low + (high - low) * random.nextFloat();
        }
        return values;
    }
}
