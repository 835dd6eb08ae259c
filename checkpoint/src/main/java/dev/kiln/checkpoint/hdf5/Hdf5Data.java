package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.engine.tensor.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The values of a dataset to write: float32, float64, int32 or int64 elements of a shape (rank 0
 * for a scalar, at least one element), kept as the little-endian bytes the file will hold. The
 * arrays given are copied, so changing them later does not change what is written.
 */
public final class Hdf5Data {
    private final Hdf5Dtype dtype;
    private final Shape shape;
    private final byte[] littleEndian;

    private Hdf5Data(Hdf5Dtype dtype, Shape shape, int length) {
        check(shape, length);
        int width = dtype.width();
        if ((long) length * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a dataset of shape " + shape + " takes " + (long) length * width
                    + " bytes; an HDF5 file Kiln writes holds at most " + (Integer.MAX_VALUE - 8));
        }
        this.dtype = dtype;
        this.shape = shape;
        this.littleEndian = new byte[length * width];
    }

    /** float32 values of {@code shape}, row-major (Keras' weights). */
    public static Hdf5Data float32(Shape shape, float[] values) {
        Hdf5Data data = new Hdf5Data(Hdf5Dtype.FLOAT32, shape, values.length);
        data.buffer().asFloatBuffer().put(values);
        return data;
    }

    /** float64 values of {@code shape}, row-major. */
    public static Hdf5Data float64(Shape shape, double[] values) {
        Hdf5Data data = new Hdf5Data(Hdf5Dtype.FLOAT64, shape, values.length);
        data.buffer().asDoubleBuffer().put(values);
        return data;
    }

    /** int32 values of {@code shape}, row-major. */
    public static Hdf5Data int32(Shape shape, int[] values) {
        Hdf5Data data = new Hdf5Data(Hdf5Dtype.INT32, shape, values.length);
        data.buffer().asIntBuffer().put(values);
        return data;
    }

    /** int64 values of {@code shape}, row-major (an optimizer's step count is an int64 scalar). */
    public static Hdf5Data int64(Shape shape, long[] values) {
        Hdf5Data data = new Hdf5Data(Hdf5Dtype.INT64, shape, values.length);
        data.buffer().asLongBuffer().put(values);
        return data;
    }

    /** The element type. */
    public Hdf5Dtype dtype() {
        return dtype;
    }

    /** The dimensions; rank 0 for a scalar. */
    public Shape shape() {
        return shape;
    }

    /** The number of bytes the values take in the file. */
    public long byteCount() {
        return littleEndian.length;
    }

    /** The values as the file holds them. */
    byte[] bytes() {
        return littleEndian;
    }

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(littleEndian).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void check(Shape shape, int length) {
        if (shape.rank() > LoadLimits.MAX_RANK) {
            throw new IllegalArgumentException("a dataset of shape " + shape + " has " + shape.rank()
                    + " dimensions; Kiln writes at most " + LoadLimits.MAX_RANK);
        }
        if (shape.size() != length) {
            throw new IllegalArgumentException("shape " + shape + " holds " + shape.size() + " values; " + length + " given");
        }
        if (length == 0) {
            throw new IllegalArgumentException("a dataset of shape " + shape + " has no values; Kiln writes datasets of at least"
                    + " one value (Keras writes none without)");
        }
    }
}
