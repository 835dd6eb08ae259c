package dev.kiln.engine.autodiff;

import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.util.List;

/** Concatenation and slicing along the last axis, row gathering (embedding lookup) and flattening sequences. */
final class StructureOps {
    private final OpContext context;

    StructureOps(OpContext context) {
        this.context = context;
    }

    /** Joins the parts along their last axis; all other dimensions must agree. */
    Variable concat(List<Variable> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("concat: no tensors to join");
        }
        Shape first = parts.get(0).shape();
        int rows = first.rows();
        int total = 0;
        for (Variable part : parts) {
            Shape shape = part.shape();
            if (shape.rank() != first.rank() || shape.rank() == 0 || !shape.withLastDim(0).equals(first.withLastDim(0))) {
                throw new IllegalArgumentException("concat: shape " + shape + " does not match " + first
                        + " on every axis but the last");
            }
            total += shape.lastDim();
        }
        Tensor value = Tensor.zeros(first.withLastDim(total));
        int width = total;
        int column = 0;
        for (Variable part : parts) {
            copyColumns(part.data(), part.shape().lastDim(), 0, value.data(), width, column, rows);
            column += part.shape().lastDim();
        }
        Variable out = context.result(value, "concat", parts.toArray(Variable[]::new));
        context.onBackward(out, () -> {
            int start = 0;
            for (Variable part : parts) {
                int cols = part.shape().lastDim();
                if (part.requiresGrad()) {
                    addColumns(out.gradData(), width, start, part.gradData(), cols, rows);
                }
                start += cols;
            }
        });
        return out;
    }

    /** x[..., from:to] along the last axis. */
    Variable slice(Variable x, int from, int to) {
        Shape shape = x.shape();
        int width = shape.lastDim();
        if (shape.rank() == 0 || from < 0 || to > width || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") is out of range for the last axis of "
                    + shape);
        }
        int rows = shape.rows();
        int cols = to - from;
        Tensor value = Tensor.zeros(shape.withLastDim(cols));
        copyColumns(x.data(), width, from, value.data(), cols, 0, rows);
        Variable out = context.result(value, "slice", x);
        context.onBackward(out, () -> {
            float[] dy = out.gradData();
            float[] dx = x.gradData();
            for (int r = 0; r < rows; r++) {
                context.kernels().arithmetic().axpy(cols, 1f, dy, r * cols, dx, r * width + from);
            }
        });
        return out;
    }

    /**
     * Rows of {@code table} [rows, features] picked by {@code ids}: [ids.length, features]. The
     * backward pass scatter-adds, so a row picked twice gets both gradients.
     */
    Variable gather(Variable table, int[] ids) {
        OpContext.requireRank("gather", table, 2);
        int vocabulary = table.shape().dim(0);
        int features = table.shape().dim(1);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabulary) {
                throw new IllegalArgumentException("gather: id " + ids[i] + " at position " + i
                        + " is outside the table's " + vocabulary + " rows (" + table.name() + ")");
            }
        }
        Tensor value = Tensor.zeros(ids.length, features);
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(table.data(), ids[i] * features, value.data(), i * features, features);
        }
        Variable out = context.result(value, "gather", table);
        context.onBackward(out, () -> {
            float[] dy = out.gradData();
            float[] dTable = table.gradData();
            for (int i = 0; i < ids.length; i++) {
                context.kernels().arithmetic().axpy(features, 1f, dy, i * features, dTable, ids[i] * features);
            }
        });
        return out;
    }

    /**
     * Sequences of {@code steps} steps each, packed as {@code lengths}/{@code offsets} in [tokens,
     * features], as one row per sequence: [batch, steps * features], step by step (Keras' row-major
     * Flatten). Backward: each row's gradient goes back to its sequence's steps.
     */
    Variable flattenSequences(Variable values, int[] lengths, int[] offsets, int steps) {
        SequenceOps.requirePacked("flatten", values, lengths, offsets);
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] != steps) {
                throw new IllegalArgumentException("flatten: sequence " + s + " has " + lengths[s] + " steps, not " + steps);
            }
        }
        int features = values.shape().dim(1);
        int width = Math.multiplyExact(steps, features);
        Tensor value = Tensor.zeros(lengths.length, width);
        for (int s = 0; s < lengths.length; s++) {
            System.arraycopy(values.data(), offsets[s] * features, value.data(), s * width, width);
        }
        Variable out = context.result(value, "flatten", values);
        context.onBackward(out, () -> {
            float[] dy = out.gradData();
            float[] dx = values.gradData();
            for (int s = 0; s < lengths.length; s++) {
                context.kernels().arithmetic().axpy(width, 1f, dy, s * width, dx, offsets[s] * features);
            }
        });
        return out;
    }

    private static void copyColumns(float[] src, int srcWidth, int srcColumn, float[] dst, int dstWidth, int dstColumn,
                                    int rows) {
        int cols = Math.min(srcWidth - srcColumn, dstWidth - dstColumn);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, r * srcWidth + srcColumn, dst, r * dstWidth + dstColumn, cols);
        }
    }

    private void addColumns(float[] src, int srcWidth, int srcColumn, float[] dst, int dstWidth, int rows) {
        for (int r = 0; r < rows; r++) {
            context.kernels().arithmetic().axpy(dstWidth, 1f, src, r * srcWidth + srcColumn, dst, r * dstWidth);
        }
    }
}
