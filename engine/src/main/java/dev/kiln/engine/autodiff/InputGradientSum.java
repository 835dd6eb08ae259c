package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Arithmetic;
import dev.kiln.engine.kernel.Kernels;

import java.util.function.IntFunction;
import java.util.function.ObjIntConsumer;

/**
 * Runs a recurrent layer's directions' backward passes and adds their input-gradient parts into
 * the input's gradient, in direction order, so the sum does not depend on the thread count
 * ({@link #afterDirections}). Each direction fills its part ({@link #part}) on its own thread: in
 * table mode the embedding table's gradient (small), added into the table's; otherwise the
 * gradient of each of its time-major rows, written at row x features, and handed to the input
 * unsummed ({@link RowPartsGradient}): a recurrent layer below reads each row's parts where it
 * needs the row, anything else gets them summed into an array. Before, each direction
 * scatter-added its chunks into the value rows (the second one into a zeroed buffer) and the
 * buffers were summed on one thread.
 */
final class InputGradientSum {
    private InputGradientSum() {}

    /**
     * Room for one direction's part, from its step {@code buffers}: in table mode ({@code table} not
     * null) the table's gradient, zeroed; otherwise a row of {@code features} per token, each one
     * written by the direction's backward pass.
     */
    static float[] part(StepBuffers.Claim buffers, TableProjection table, int tokens, int features) {
        return table != null ? buffers.zeros(table.tableSize()) : buffers.floats(tokens * Math.max(1, features));
    }

    /**
     * Runs every direction's backward pass on the pool ({@code backward.accept(part, d)}, filling
     * its part: {@code part.apply(d)}, asked for on the calling thread in direction order, or null
     * when the input takes no gradient), then adds the parts to the gradient of {@code in}'s
     * differentiated variable. In table mode that gradient's array, when it is still to be made,
     * is made by the first direction to finish, for the reason {@link SharedOutput} gives.
     */
    static void afterDirections(Kernels kernels, RecurrentInput in, TimeMajorLayout[] layouts, IntFunction<float[]> part,
                                ObjIntConsumer<float[]> backward) {
        Variable input = in.differentiated();
        float[][] parts = new float[layouts.length][];
        if (input.requiresGrad()) {
            for (int d = 0; d < parts.length; d++) {
                parts[d] = part.apply(d);
            }
        }
        boolean table = in.table() != null;
        kernels.pool().parallelFor(parts.length, d -> {
            backward.accept(parts[d], d);
            if (table && input.requiresGrad()) {
                input.grad();
            }
        });
        if (!input.requiresGrad()) {
            return;
        }
        if (table) {
            addTableParts(kernels, parts, input.gradData());
            return;
        }
        RowPartsGradient rows = rowParts(kernels, layouts, parts, in.features(), input.value().size());
        if (rows != null) {
            input.addGradientParts(rows);
        } else {
            addRowsInOrder(kernels.arithmetic(), layouts, parts, in.features(), input.gradData());
        }
    }

    /**
     * The parts as a {@link RowPartsGradient} of {@code valueRows x features} floats, or null
     * where that cannot hold them: more than two parts, or sequences that overlap (a value row
     * read by two rows of one part).
     */
    private static RowPartsGradient rowParts(Kernels kernels, TimeMajorLayout[] layouts, float[][] parts, int features,
                                             int size) {
        if (parts.length > 2 || features == 0) {
            return null;
        }
        int[][] rowOf = new int[layouts.length][];
        for (int d = 0; d < layouts.length; d++) {
            rowOf[d] = layouts[d].rowOfValue(size / features);
            if (rowOf[d] == null) {
                return null;
            }
        }
        return new RowPartsGradient(kernels, parts, rowOf, features);
    }

    /** Table mode: each part is a whole table's gradient, added into {@code total} in direction order. */
    private static void addTableParts(Kernels kernels, float[][] parts, float[] total) {
        for (float[] part : parts) {
            kernels.arithmetic().axpy(total.length, 1f, part, 0, total, 0);
        }
    }

    /** Part d's time-major rows added into {@code total} at their value rows, in direction and row order. */
    private static void addRowsInOrder(Arithmetic arithmetic, TimeMajorLayout[] layouts, float[][] parts, int features,
                                       float[] total) {
        for (int d = 0; d < parts.length; d++) {
            for (int row = 0; row < layouts[d].tokens; row++) {
                arithmetic.axpy(features, 1f, parts[d], row * features, total, layouts[d].tokenRow[row] * features);
            }
        }
    }
}
