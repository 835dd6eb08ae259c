package dev.kiln.engine.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: a {@link Shape} and its elements in row-major order. The element array
 * is exposed ({@link #data()}) because kernels work on it directly; a tensor never changes shape.
 */
public final class Tensor {
    private final Shape shape;
    private final float[] data;

    private Tensor(Shape shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** A tensor of this shape filled with zeros. */
    public static Tensor zeros(Shape shape) {
        return new Tensor(shape, new float[shape.size()]);
    }

    /** A tensor of these dimensions filled with zeros. */
    public static Tensor zeros(int... dims) {
        return zeros(Shape.of(dims));
    }

    /** Wraps {@code data} (not copied) as a tensor of the given shape. */
    public static Tensor wrap(float[] data, int... dims) {
        return wrap(data, Shape.of(dims));
    }

    /** Wraps {@code data} (not copied); its length must be the shape's size. */
    public static Tensor wrap(float[] data, Shape shape) {
        if (data == null) {
            throw new IllegalArgumentException("tensor data is null for shape " + shape);
        }
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size()
                    + " elements, got " + data.length);
        }
        return new Tensor(shape, data);
    }

    /** A rank-0 tensor holding one value. */
    public static Tensor scalar(float value) {
        return new Tensor(Shape.scalar(), new float[] {value});
    }

    /** The tensor's shape, which never changes. */
    public Shape shape() {
        return shape;
    }

    /** The elements in row-major order: the tensor's own array, not a copy. */
    public float[] data() {
        return data;
    }

    /** The number of elements. */
    public int size() {
        return data.length;
    }

    /** The element at a row-major index. */
    public float get(int index) {
        return data[index];
    }

    /** The single element of a one-element tensor (a scalar loss, say). */
    public float item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() needs a tensor with one element, this one has shape " + shape);
        }
        return data[0];
    }

    /** A tensor of the same shape with its own copy of the elements. */
    public Tensor copy() {
        return new Tensor(shape, data.clone());
    }

    /** Throws unless this tensor has the given shape; the message names the operation. */
    public void requireShape(Shape expected, String operation) {
        if (!shape.equals(expected)) {
            throw new IllegalArgumentException(operation + ": expected shape " + expected + ", got " + shape);
        }
    }

    @Override
    public String toString() {
        int shown = Math.min(data.length, 8);
        String head = Arrays.toString(Arrays.copyOf(data, shown));
        return "Tensor" + shape + (shown < data.length ? head.replace("]", ", ...]") : head);
    }
}
