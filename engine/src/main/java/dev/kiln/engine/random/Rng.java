package dev.kiln.engine.random;

import java.util.List;

/**
 * A seeded random generator (SplitMix64) whose whole state is one long, so a checkpoint can save
 * and restore it exactly. Every random draw in Kiln goes through an Rng passed in by the caller:
 * the same seed gives the same weights, shuffles and results.
 */
public final class Rng {
    private long state;

    /** A generator whose state starts at {@code seed}. */
    public Rng(long seed) {
        this.state = seed;
    }

    /** The generator's state; {@code new Rng(0).restore(s)} continues exactly where this one is. */
    public long state() {
        return state;
    }

    /** Sets the state to one saved by {@link #state()}; returns this generator. */
    public Rng restore(long savedState) {
        this.state = savedState;
        return this;
    }

    /** The next 64 random bits (SplitMix64's step and mix). */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, got " + bound);
        }
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    /** Uniform in [low, high). */
    public float uniform(float low, float high) {
        return (float) (low + (high - low) * nextDouble());
    }

    /** Standard normal (Box-Muller; one value per call, so the state stays one long). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1], so the log is finite
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /**
     * Shuffles {@code list} in place (Fisher-Yates from the last position down: position i swaps
     * with {@code nextInt(i + 1)}), so a seed names one order; returns the list.
     */
    public <T> List<T> shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            list.set(j, list.set(i, list.get(j)));
        }
        return list;
    }

    /** An independent generator derived from this one (advances this one by one draw). */
    public Rng split() {
        return new Rng(nextLong());
    }
}
