package dev.kiln.engine.autodiff;

import dev.kiln.engine.tensor.Tensor;

/**
 * The output array of a recurrent layer whose directions run in parallel, made by the first
 * direction that writes to it. A new array is zeroed by the thread that makes it (a stacked
 * model's first layer: 15,000 rows of 128, about half a millisecond); made before the directions
 * start, that was time the other thread sat idle, and made by the first direction to finish its
 * recurrence it fills time in which that thread would wait for the other.
 */
final class SharedOutput {
    private final int rows;
    private final int width;
    private float[] array;

    SharedOutput(int rows, int width) {
        this.rows = rows;
        this.width = width;
    }

    /** The array, [rows, width] row-major, made on the first call. */
    synchronized float[] array() {
        if (array == null) {
            array = new float[Math.multiplyExact(rows, width)];
        }
        return array;
    }

    /** The array as a tensor, once the directions are done. */
    Tensor tensor() {
        return Tensor.wrap(array(), rows, width);
    }
}
