package dev.kiln.engine.kernel;

/**
 * Argument checks shared by the kernels; each message names the argument and the numbers. They run
 * on every kernel call (thousands per training step), so a message is built only when a check fails.
 */
final class Bounds {
    private Bounds() {}

    static void nonNegative(String name, int value) {
        nonNegative(name, "", value);
    }

    /** As {@link #nonNegative(String, int)} for the argument named {@code name + part}, joined only on failure. */
    private static void nonNegative(String name, String part, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + part + " must be >= 0, got " + value);
        }
    }

    /** Checks that {@code array[offset .. offset+length)} exists. */
    static void range(String name, float[] array, int offset, long length) {
        if (array == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (offset < 0 || length < 0 || offset + length > array.length) {
            throw new IllegalArgumentException(name + ": elements [" + offset + ", " + (offset + length)
                    + ") do not fit in an array of length " + array.length);
        }
    }

    /**
     * Checks a row-major matrix view of {@code rows x cols} with leading dimension {@code ld}
     * starting at {@code offset}; an empty view needs no storage.
     */
    static void matrix(String name, float[] array, int offset, int rows, int cols, int ld) {
        nonNegative(name, " rows", rows);
        nonNegative(name, " columns", cols);
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(name + ": leading dimension " + ld
                    + " is smaller than its " + cols + " columns");
        }
        if (rows == 0 || cols == 0) {
            if (array == null) {
                throw new IllegalArgumentException(name + " is null");
            }
            return;
        }
        long length = (long) (rows - 1) * ld + cols;
        if (array == null || offset < 0 || offset + length > array.length) {
            // The message is built only on failure: this check runs on every kernel call.
            range(name + " (" + rows + "x" + cols + ", ld " + ld + ")", array, offset, length);
        }
    }

    /**
     * Checks {@code count} rows of {@code width} floats starting at {@code array[starts[i]]}: the
     * starts array holds at least {@code count} entries and every row lies inside the array.
     */
    static void rows(String name, float[] array, int[] starts, int count, int width) {
        nonNegative(name, " rows", count);
        nonNegative(name, " columns", width);
        if (array == null || starts == null) {
            throw new IllegalArgumentException(name + (array == null ? " is null" : ": its row starts are null"));
        }
        if (starts.length < count) {
            throw new IllegalArgumentException(name + ": " + count + " rows but " + starts.length + " row starts");
        }
        long last = (long) array.length - width;
        for (int i = 0; i < count; i++) {
            if (starts[i] < 0 || starts[i] > last) {
                throw new IllegalArgumentException(name + ": row " + i + " of " + width + " floats at " + starts[i]
                        + " does not fit in an array of length " + array.length);
            }
        }
    }
}
