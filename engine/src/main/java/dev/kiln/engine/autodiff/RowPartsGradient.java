package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;

import java.util.Arrays;

/**
 * A gradient that one or two recurrent directions contributed to as parts: part d holds, at row
 * {@code rowOf[d][v]} (-1: none) times {@code features}, its contribution to value row v. Read
 * row by row ({@link GradientRows}), each row is the parts' sum, part 0 first, so it has the
 * bits that {@link #addInto} a zeroed array would give. A stacked model's second layer leaves
 * its input's gradient (15,000 rows of 128) like this: summing it into an array took a pass of
 * about 1.7 ms over 30 MB per step, on both threads while neither could do anything else; the
 * first layer's backward pass reads each row's two parts instead. The parts are step buffers:
 * they hold only during the step's backward pass.
 */
final class RowPartsGradient implements GradientRows {
    /** Below this many floats the sum stays on the calling thread: a hand-off costs tens of microseconds. */
    private static final int PARALLEL_FLOATS = 1 << 16;

    private final Kernels kernels;
    private final float[][] parts;
    private final int[][] rowOf;
    private final int features;

    RowPartsGradient(Kernels kernels, float[][] parts, int[][] rowOf, int features) {
        if (parts.length < 1 || parts.length > 2 || rowOf.length != parts.length) {
            throw new IllegalArgumentException("row parts: 1 or 2 parts with a row map each, got " + parts.length
                    + " parts and " + rowOf.length + " maps");
        }
        this.kernels = kernels;
        this.parts = parts;
        this.rowOf = rowOf;
        this.features = features;
    }

    @Override
    public void addTo(int row, int column, int length, float[] target, int at) {
        int first = rowOf[0][row];
        int second = parts.length > 1 ? rowOf[1][row] : -1;
        if (first >= 0 && second >= 0) {
            kernels.arithmetic().addSum(length, parts[0], first * features + column, parts[1], second * features + column,
                    target, at);
        } else if (first >= 0) {
            kernels.arithmetic().axpy(length, 1f, parts[0], first * features + column, target, at);
        } else if (second >= 0) {
            kernels.arithmetic().axpy(length, 1f, parts[1], second * features + column, target, at);
        }
    }

    /** Zeros, then the parts added as {@link #addTo} adds them: the bits of a zeroed array the parts were added into. */
    @Override
    public void copyTo(int row, int column, int length, float[] target, int at) {
        Arrays.fill(target, at, at + length, 0f);
        addTo(row, column, length, target, at);
    }

    /** Adds every row's parts into {@code total} ([value rows, features]): one pass split over the pool. */
    void addInto(float[] total) {
        if (features == 0) {
            return;
        }
        int valueRows = total.length / features;
        int tasks = total.length < PARALLEL_FLOATS ? 1 : kernels.pool().threads();
        int perTask = (valueRows + tasks - 1) / tasks;
        // Element-wise: each value row is added to by one task, parts in order.
        kernels.pool().parallelFor(tasks, task -> {
            for (int value = task * perTask; value < Math.min(valueRows, (task + 1) * perTask); value++) {
                for (int d = 0; d < parts.length; d++) {
                    int row = rowOf[d][value];
                    if (row >= 0) {
                        kernels.arithmetic().axpy(features, 1f, parts[d], row * features, total, value * features);
                    }
                }
            }
        });
    }
}
