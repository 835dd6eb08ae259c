package dev.kiln.engine.layer;

import java.util.Arrays;

/**
 * Token ids of a batch of sequences with their true lengths, padding removed: sequence s is
 * {@code ids[offsets[s] .. offsets[s] + lengths[s])}. Storing only real tokens is what lets the
 * layers after it spend no work on padding.
 */
public record TokenBatch(int[] ids, int[] lengths, int[] offsets) implements LayerValue {

    /** Checks that the sequences lie one after another and cover all ids. */
    public TokenBatch {
        if (lengths.length != offsets.length) {
            throw new IllegalArgumentException("TokenBatch: " + lengths.length + " lengths but " + offsets.length + " offsets");
        }
        int expected = 0;
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] < 0 || offsets[s] != expected) {
                throw new IllegalArgumentException("TokenBatch: sequence " + s + " has length " + lengths[s]
                        + " at offset " + offsets[s] + ", expected offset " + expected);
            }
            expected += lengths[s];
        }
        if (expected != ids.length) {
            throw new IllegalArgumentException("TokenBatch: lengths add up to " + expected + " but there are "
                    + ids.length + " ids");
        }
    }

    /** Each row is exactly one sequence's tokens (no padding). */
    public static TokenBatch ofRows(int[][] rows) {
        int[] lengths = new int[rows.length];
        for (int s = 0; s < rows.length; s++) {
            lengths[s] = rows[s].length;
        }
        return pack(rows, lengths, false);
    }

    /**
     * Rows padded with id 0, Keras' mask_zero convention: every 0 is masked (a masked step
     * neither changes an LSTM's state nor its output), so zeros are simply left out.
     */
    public static TokenBatch ofPadded(int[][] padded) {
        int[] lengths = new int[padded.length];
        for (int s = 0; s < padded.length; s++) {
            for (int id : padded[s]) {
                if (id != 0) {
                    lengths[s]++;
                }
            }
        }
        return pack(padded, lengths, true);
    }

    private static TokenBatch pack(int[][] rows, int[] lengths, boolean dropZeros) {
        int[] offsets = new int[rows.length];
        int total = 0;
        for (int s = 0; s < rows.length; s++) {
            offsets[s] = total;
            total += lengths[s];
        }
        int[] ids = new int[total];
        int at = 0;
        for (int[] row : rows) {
            for (int id : row) {
                if (!dropZeros || id != 0) {
                    ids[at++] = id;
                }
            }
        }
        return new TokenBatch(ids, lengths, offsets);
    }

    @Override
    public TokenBatch slice(int from, int to) {
        PackedSlice slice = PackedSlice.of(lengths, offsets, from, to, "TokenBatch");
        return new TokenBatch(Arrays.copyOfRange(ids, slice.start(), slice.end()), slice.lengths(), slice.offsets());
    }

    @Override
    public int batchSize() {
        return lengths.length;
    }

    /** The total number of real tokens. */
    public int tokenCount() {
        return ids.length;
    }

    /** The longest sequence's length (0 for an empty batch). */
    public int maxLength() {
        return Arrays.stream(lengths).max().orElse(0);
    }

    /** The same batch with every id 0 removed (masked), lengths shortened to match. */
    public TokenBatch withoutZeros() {
        boolean any = false;
        for (int id : ids) {
            any |= id == 0;
        }
        if (!any) {
            return this;
        }
        int[][] rows = new int[lengths.length][];
        for (int s = 0; s < rows.length; s++) {
            rows[s] = Arrays.copyOfRange(ids, offsets[s], offsets[s] + lengths[s]);
        }
        return ofPadded(rows);
    }
}
