package dev.kiln.engine.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor, outermost first: {@code [batch, time, features]}. Immutable.
 * Sizes must be >= 0 and their product must fit in an int (the elements live in one float[]).
 */
public final class Shape {
    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        this.dims = dims;
        long product = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + ": dimension " + i
                        + " is negative (" + dims[i] + ")");
            }
            product *= dims[i];
            if (product > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than "
                        + (Integer.MAX_VALUE - 16) + " elements");
            }
        }
        this.size = (int) product;
    }

    /** A shape with these dimensions (copied); a negative one, or more elements than an array holds, is an error. */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** The shape of a single number: rank 0, one element. */
    public static Shape scalar() {
        return new Shape(new int[0]);
    }

    /** The number of dimensions (0 for a scalar). */
    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code axis}, counting from the outermost (0). */
    public int dim(int axis) {
        if (axis < 0 || axis >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
        }
        return dims[axis];
    }

    /** The last dimension (features); 1 for a scalar. */
    public int lastDim() {
        return dims.length == 0 ? 1 : dims[dims.length - 1];
    }

    /** The number of elements. */
    public int size() {
        return size;
    }

    /** The number of rows when the tensor is viewed as [size / lastDim, lastDim]. */
    public int rows() {
        return lastDim() == 0 ? 0 : size / lastDim();
    }

    /** This shape with the last dimension replaced. */
    public Shape withLastDim(int last) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("a scalar has no last dimension to replace");
        }
        int[] copy = dims.clone();
        copy[copy.length - 1] = last;
        return new Shape(copy);
    }

    /** The dimensions, as a copy. */
    public int[] toArray() {
        return dims.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Shape shape && Arrays.equals(dims, shape.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
