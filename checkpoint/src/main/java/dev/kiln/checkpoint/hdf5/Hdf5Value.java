package dev.kiln.checkpoint.hdf5;

import dev.kiln.engine.tensor.Shape;

import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The value of an attribute to write, in one of the forms Keras and h5py write: variable-length
 * strings (UTF-8 or ASCII, kept in the file's global heap, so a value of any length fits: Keras 2's
 * {@code model_config}), fixed-length ASCII strings (NumPy's {@code S} arrays: Keras 2's
 * {@code layer_names} and {@code weight_names}), int64 and float64 numbers, each a scalar or a
 * one-dimensional array; an empty float64 array is what Keras 2 writes as a weightless layer's
 * {@code weight_names}.
 */
public final class Hdf5Value {
    /** How the elements are stored. */
    enum Kind { VARIABLE_STRING, FIXED_STRING, INT64, FLOAT64 }

    private final Kind kind;
    private final boolean utf8;
    private final Shape shape;
    private final List<String> strings;
    private final long[] longs;
    private final double[] doubles;

    private Hdf5Value(Kind kind, boolean utf8, Shape shape, List<String> strings, long[] longs, double[] doubles) {
        this.kind = kind;
        this.utf8 = utf8;
        this.shape = shape;
        this.strings = strings;
        this.longs = longs;
        this.doubles = doubles;
    }

    /** A variable-length UTF-8 string (a Python {@code str} attribute, as h5py writes it). */
    public static Hdf5Value utf8(String value) {
        return strings(List.of(value), true, Shape.scalar());
    }

    /** A one-dimensional array of variable-length UTF-8 strings. */
    public static Hdf5Value utf8(List<String> values) {
        return strings(values, true, Shape.of(values.size()));
    }

    /** A variable-length ASCII string; a character outside ASCII is an IllegalArgumentException. */
    public static Hdf5Value ascii(String value) {
        return strings(List.of(requireAscii(value)), false, Shape.scalar());
    }

    /** A one-dimensional array of variable-length ASCII strings. */
    public static Hdf5Value ascii(List<String> values) {
        values.forEach(Hdf5Value::requireAscii);
        return strings(values, false, Shape.of(values.size()));
    }

    /**
     * A one-dimensional array of fixed-length ASCII strings, each padded with NULs to the longest
     * (NumPy's {@code np.array([b"a", b"bc"])}, as Keras 2 writes names); the array must not be
     * empty (Keras 2 writes an empty list of names as {@link #float64s(double...)} with no values).
     */
    public static Hdf5Value fixedAscii(List<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("an empty array of fixed-length strings has no width; Keras 2 writes an empty"
                    + " list of names as an empty float64 array");
        }
        values.forEach(Hdf5Value::requireAscii);
        return new Hdf5Value(Kind.FIXED_STRING, false, Shape.of(values.size()), List.copyOf(values), null, null);
    }

    /** A fixed-length ASCII string scalar (NumPy's {@code np.bytes_}). */
    public static Hdf5Value fixedAscii(String value) {
        return new Hdf5Value(Kind.FIXED_STRING, false, Shape.scalar(), List.of(requireAscii(value)), null, null);
    }

    /** An int64 scalar. */
    public static Hdf5Value int64(long value) {
        return new Hdf5Value(Kind.INT64, false, Shape.scalar(), null, new long[] {value}, null);
    }

    /** A one-dimensional int64 array (may be empty). */
    public static Hdf5Value int64s(long... values) {
        return new Hdf5Value(Kind.INT64, false, Shape.of(values.length), null, values.clone(), null);
    }

    /** A float64 scalar. */
    public static Hdf5Value float64(double value) {
        return new Hdf5Value(Kind.FLOAT64, false, Shape.scalar(), null, null, new double[] {value});
    }

    /** A one-dimensional float64 array; with no values, Keras 2's {@code weight_names} of a layer without weights. */
    public static Hdf5Value float64s(double... values) {
        return new Hdf5Value(Kind.FLOAT64, false, Shape.of(values.length), null, null, values.clone());
    }

    /** The element type the reader reports for it. */
    public Hdf5Dtype dtype() {
        return switch (kind) {
            case VARIABLE_STRING -> Hdf5Dtype.VARIABLE_STRING;
            case FIXED_STRING -> Hdf5Dtype.STRING;
            case INT64 -> Hdf5Dtype.INT64;
            case FLOAT64 -> Hdf5Dtype.FLOAT64;
        };
    }

    /** Rank 0 for a scalar, else one dimension. */
    public Shape shape() {
        return shape;
    }

    Kind kind() {
        return kind;
    }

    boolean isUtf8() {
        return utf8;
    }

    List<String> strings() {
        return strings;
    }

    long[] longs() {
        return longs;
    }

    double[] doubles() {
        return doubles;
    }

    private static Hdf5Value strings(List<String> values, boolean utf8, Shape shape) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        for (String value : values) {
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("an HDF5 string cannot hold NUL characters (h5py refuses them too)");
            }
            if (!encoder.canEncode(value)) {
                throw new IllegalArgumentException("a string with an unpaired surrogate cannot be written as UTF-8");
            }
        }
        return new Hdf5Value(Kind.VARIABLE_STRING, utf8, shape, List.copyOf(values), null, null);
    }

    private static String requireAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7f) {
                throw new IllegalArgumentException("'" + value + "' has the non-ASCII character U+"
                        + String.format("%04X", (int) value.charAt(i)) + " at " + i + "; write it as UTF-8");
            }
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an HDF5 string cannot hold NUL characters (h5py refuses them too)");
        }
        return value;
    }
}
