package dev.kiln.engine.random;

/**
 * Random numbers that are a pure function of where they are used: (seed, training step, example
 * index in the batch, element index). No generator state advances, so a draw does not depend on
 * which thread makes it or on what was drawn before, and a fit resumed mid-epoch draws exactly the
 * numbers the uninterrupted one did. Each coordinate is folded in with SplitMix64's finalizer:
 *
 * <pre>h = mix(seed + G (step + 1)); h = mix(h + G (example + 1)); h = mix(h + G (element + 1))</pre>
 *
 * with G = 0x9E3779B97F4A7C15 (64-bit wrap-around arithmetic), and the float is the top 24 bits of
 * h over 2^24, in [0, 1). A reference script can reproduce it exactly.
 */
public final class CounterRandom {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterRandom() {}

    /** A uniform float in [0, 1) for these coordinates. */
    public static float uniform(long seed, long step, long example, long element) {
        long h = mix(seed + GOLDEN * (step + 1));
        h = mix(h + GOLDEN * (example + 1));
        h = mix(h + GOLDEN * (element + 1));
        return (h >>> 40) * 0x1.0p-24f;
    }

    /** SplitMix64's output function. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
