package dev.kiln.engine.layer;

import java.util.Arrays;

/**
 * Sequences [from, to) of a packed batch (sequence s at rows offsets[s] .. offsets[s]+lengths[s]):
 * the rows [start, end) they occupy, and their lengths and offsets rebased to start.
 */
record PackedSlice(int start, int end, int[] lengths, int[] offsets) {

    static PackedSlice of(int[] lengths, int[] offsets, int from, int to, String kind) {
        if (from < 0 || to > lengths.length || from > to) {
            throw new IllegalArgumentException(kind + ".slice(" + from + ", " + to + ") outside a batch of " + lengths.length);
        }
        int start = from == to ? 0 : offsets[from];
        int end = from == to ? 0 : offsets[to - 1] + lengths[to - 1];
        int[] rebased = new int[to - from];
        for (int s = from; s < to; s++) {
            rebased[s - from] = offsets[s] - start;
        }
        return new PackedSlice(start, end, Arrays.copyOfRange(lengths, from, to), rebased);
    }
}
