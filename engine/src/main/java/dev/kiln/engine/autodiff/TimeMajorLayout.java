package dev.kiln.engine.autodiff;

import java.util.Arrays;

/**
 * How a recurrent direction lays out a batch's real tokens: sequences ordered by length, longest
 * first (ties keep batch order), tokens time-major, so the sequences still running at step t are
 * the first active[t] rows of the state and step t's rows are contiguous, from rowStart[t].
 * tokenRow maps each time-major row to its row in the packed input (read from the last token to
 * the first when backwards). Padding has no rows at all.
 */
final class TimeMajorLayout {
    final int[] order;
    final int[] active;
    final int[] rowStart;
    final int[] tokenRow;
    final int steps;
    final int tokens;
    /**
     * Step boundaries of chunks of about {@link #CHUNK_ROWS} rows: chunk c covers steps
     * [chunkStart[c], chunkStart[c + 1]).
     */
    final int[] chunkStart;
    private final int[] lengths;

    /**
     * Steps are processed in chunks of about this many rows: the input projection of a chunk is
     * computed just before its steps, and in the backward pass the weight gradients of a chunk
     * right after its steps, while its rows are still in the L2 cache (whole-batch passes over
     * 15 MiB of gates made the two threads fight for memory bandwidth).
     */
    static final int CHUNK_ROWS = 512;

    TimeMajorLayout(int[] lengths, int[] offsets, boolean backwards) {
        this.lengths = lengths;
        int batch = lengths.length;
        // Longest first, ties in batch order: one primitive sort of (MAX - length, index) keys. A sort
        // of boxed indices with a comparator kept C2 recompiling TimSort's merges through a whole
        // training epoch (-XX:+PrintCompilation: 7 compilations and 7 deoptimizations of mergeLo in 15 s),
        // other sorts of the process having seen other comparators.
        long[] keys = new long[batch];
        for (int s = 0; s < batch; s++) {
            keys[s] = (long) (Integer.MAX_VALUE - lengths[s]) << 32 | s;
        }
        Arrays.sort(keys);
        order = new int[batch];
        for (int j = 0; j < batch; j++) {
            order[j] = (int) keys[j];
        }
        steps = batch == 0 ? 0 : lengths[order[0]];
        active = new int[steps];
        rowStart = new int[steps + 1];
        int running = batch;
        for (int t = 0; t < steps; t++) {
            while (running > 0 && lengths[order[running - 1]] <= t) {
                running--;
            }
            active[t] = running;
            rowStart[t + 1] = rowStart[t] + running;
        }
        tokens = rowStart[steps];
        tokenRow = new int[tokens];
        for (int t = 0; t < steps; t++) {
            for (int j = 0; j < active[t]; j++) {
                int sequence = order[j];
                tokenRow[rowStart[t] + j] = offsets[sequence] + (backwards ? lengths[sequence] - 1 - t : t);
            }
        }
        int[] starts = new int[steps + 1];
        int chunks = 0;
        for (int t = 0; t < steps; t++) {
            if (chunks == 0 || rowStart[t] - rowStart[starts[chunks - 1]] >= CHUNK_ROWS) {
                starts[chunks++] = t;
            }
        }
        starts[chunks] = steps;
        chunkStart = Arrays.copyOf(starts, chunks + 1);
    }

    /** Rows a chunk can hold: a chunk starts below CHUNK_ROWS rows and adds one step, at most a row per sequence. */
    int chunkCapacity() {
        return Math.min(tokens, CHUNK_ROWS + order.length);
    }

    /**
     * Where the {@code features}-wide value rows that time-major rows [r0, r0 + rows) read start,
     * written to the start of {@code target} in row order (the GEMMs read them there, gathered).
     */
    void rowStarts(int features, int r0, int rows, int[] target) {
        for (int row = 0; row < rows; row++) {
            target[row] = tokenRow[r0 + row] * features;
        }
    }

    /** Copies the {@code features}-wide rows of {@code values} that time-major rows [r0, r0 + rows) read to the start of {@code target}, in row order. */
    void gather(float[] values, int features, int r0, int rows, float[] target) {
        for (int row = 0; row < rows; row++) {
            System.arraycopy(values, tokenRow[r0 + row] * features, target, row * features, features);
        }
    }

    /**
     * The time-major row that reads each of {@code valueRows} value rows (-1: none), or null when
     * some value row is read by two rows (sequences that overlap).
     */
    int[] rowOfValue(int valueRows) {
        int[] rowOf = new int[valueRows];
        Arrays.fill(rowOf, -1);
        for (int row = 0; row < tokens; row++) {
            if (rowOf[tokenRow[row]] >= 0) {
                return null;
            }
            rowOf[tokenRow[row]] = row;
        }
        return rowOf;
    }

    /**
     * Writes, for each row of chunk {@code chunk} in row order, the state it read: the previous
     * step's row of {@code hidden} (rows of {@code units}), or zeros at step 0. What the chunk's
     * recurrent weight gradient H_prev^T dz multiplies.
     */
    void previousRows(int chunk, float[] hidden, int units, float[] target) {
        int r0 = chunkRow(chunk);
        for (int t = chunkStart[chunk]; t < chunkStart[chunk + 1]; t++) {
            int at = (rowStart[t] - r0) * units;
            if (t == 0) {
                Arrays.fill(target, at, at + active[t] * units, 0f);
            } else {
                System.arraycopy(hidden, rowStart[t - 1] * units, target, at, active[t] * units);
            }
        }
    }

    /**
     * Writes a direction's h (rows of {@code units}, time-major) into columns [column, column +
     * units) of {@code out} (rows of {@code outWidth}): with {@code returnSequences} each row at its
     * token's row, otherwise each sequence's last row at the sequence's row (an empty sequence's
     * row is left as it is).
     */
    void writeOutput(float[] hidden, int units, boolean returnSequences, float[] out, int outWidth, int column) {
        if (returnSequences) {
            for (int row = 0; row < tokens; row++) {
                System.arraycopy(hidden, row * units, out, tokenRow[row] * outWidth + column, units);
            }
            return;
        }
        for (int j = 0; j < order.length; j++) {
            if (lengths[order[j]] > 0) {
                System.arraycopy(hidden, lastRow(lengths[order[j]], j) * units, out, order[j] * outWidth + column, units);
            }
        }
    }

    /**
     * As {@link #writeOutput} with {@code returnSequences}, for a state of one row per sorted
     * sequence (prediction): its rows after step {@code t}, each at its token's row.
     */
    void writeStep(int t, float[] state, int units, float[] out, int outWidth, int column) {
        for (int j = 0; j < active[t]; j++) {
            System.arraycopy(state, j * units, out, tokenRow[rowStart[t] + j] * outWidth + column, units);
        }
    }

    /**
     * As {@link #writeOutput} without {@code returnSequences}, for a state of one row per sorted
     * sequence after the last step: row j at sequence order[j]'s row, empty sequences left out.
     */
    void writeFinalStates(float[] state, int units, float[] out, int outWidth, int column) {
        for (int j = 0; j < order.length; j++) {
            if (lengths[order[j]] > 0) {
                System.arraycopy(state, j * units, out, order[j] * outWidth + column, units);
            }
        }
    }

    /** The first time-major row of chunk {@code chunk}. */
    int chunkRow(int chunk) {
        return rowStart[chunkStart[chunk]];
    }

    /** The time-major row of sequence order[j]'s last token (its final state), for a sequence of length {@code length} > 0. */
    int lastRow(int length, int j) {
        return rowStart[length - 1] + j;
    }
}
