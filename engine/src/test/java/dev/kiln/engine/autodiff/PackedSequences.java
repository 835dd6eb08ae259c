package dev.kiln.engine.autodiff;

import dev.kiln.engine.tensor.Tensor;

import java.util.Random;

/**
 * Random packed batches for tests of sequence operations: uneven lengths that always include an
 * empty sequence and one of length 1 (at random positions), packed back to back.
 */
public record PackedSequences(int[] lengths, int[] offsets) {

    /** {@code batch} (at least 2) sequences of 0 to {@code maxLength} steps, one of them empty and one of length 1. */
    public static PackedSequences random(Random random, int batch, int maxLength) {
        int[] lengths = new int[batch];
        for (int s = 0; s < batch; s++) {
            lengths[s] = random.nextInt(maxLength + 1);
        }
        int empty = random.nextInt(batch);
        int single = (empty + 1 + random.nextInt(batch - 1)) % batch;
        lengths[empty] = 0;
        lengths[single] = 1;
        return of(lengths);
    }

    /** Sequences of these lengths, packed back to back. */
    public static PackedSequences of(int... lengths) {
        int[] offsets = new int[lengths.length];
        for (int s = 1; s < lengths.length; s++) {
            offsets[s] = offsets[s - 1] + lengths[s - 1];
        }
        return new PackedSequences(lengths, offsets);
    }

    /** The number of steps in all. */
    public int tokens() {
        return lengths.length == 0 ? 0 : offsets[lengths.length - 1] + lengths[lengths.length - 1];
    }

    /**
     * [rows, features] values that differ pairwise by at least 0.05, in random order: no
     * finite-difference step of {@link GradientCheck#STEP} changes which value is a maximum.
     */
    public static Tensor distinctValues(Random random, int rows, int features) {
        int n = rows * features;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = 0.05f * order[i] - 0.025f * n;
        }
        return Tensor.wrap(data, rows, features);
    }

    /**
     * [rows, features] values whose rows are spread out (alternately near +1.5 and -1.5), so a
     * row's variance is never near zero, where normalization curves too sharply for a finite
     * difference of step {@link GradientCheck#STEP}.
     */
    public static Tensor spreadRows(Random random, int rows, int features) {
        Tensor tensor = GradientCheck.random(random, -1, 1, rows, features);
        float[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            data[i] += (i % features) % 2 == 0 ? 1.5f : -1.5f;
        }
        return tensor;
    }
}
