package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.StrictUtf8;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.tensor.Shape;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A named value attached to a group or dataset: a scalar or an array of numbers or strings, read
 * in full when the file is opened. The typed getters say what the caller expects; a value of
 * another type is a {@link CheckpointFormatException} naming the file, the object, the attribute,
 * the type found and what the getter reads.
 */
public final class Hdf5Attribute {
    private static final String[] ONE_CHARACTER = new String[128]; // one-byte strings cost no allocation

    static {
        for (int c = 0; c < ONE_CHARACTER.length; c++) {
            ONE_CHARACTER[c] = String.valueOf((char) c);
        }
    }

    private final String name;
    private final Hdf5Dtype dtype;
    private final Shape shape;
    private final Location owner;
    private final String source;
    private final List<String> strings;
    private final long[] integers;
    private final double[] reals;

    private Hdf5Attribute(String name, Hdf5Dtype dtype, Shape shape, Location owner, String source, List<String> strings,
            long[] integers, double[] reals) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.owner = owner;
        this.source = source;
        this.strings = strings;
        this.integers = integers;
        this.reals = reals;
    }

    /** The attribute's name. */
    public String name() {
        return name;
    }

    /** The type of its elements. */
    public Hdf5Dtype dtype() {
        return dtype;
    }

    /** Its dimensions: rank 0 for a scalar. */
    public Shape shape() {
        return shape;
    }

    /** The one string it holds (a scalar, or an array of one string). */
    public String string() throws CheckpointFormatException {
        List<String> values = strings();
        if (values.size() != 1) {
            throw error("holds " + values.size() + " strings; allowed: exactly one");
        }
        return values.getFirst();
    }

    /**
     * Its strings in order (a scalar gives one). An attribute with no elements gives an empty list
     * whatever its type: Keras writes a layer without weights' {@code weight_names} as an empty
     * float64 array.
     */
    public List<String> strings() throws CheckpointFormatException {
        if (shape.size() == 0) {
            return List.of();
        }
        if (strings == null) {
            throw error("holds " + dtype + " values; allowed here: strings");
        }
        return strings;
    }

    /** Its integers in row-major order; a value of another type, or a uint64 above 2^63 - 1, is an error. */
    public long[] longs() throws CheckpointFormatException {
        if (integers == null) {
            throw error("holds " + dtype + " values; allowed here: integers");
        }
        if (dtype == Hdf5Dtype.UINT64) {
            for (long value : integers) {
                if (value < 0) {
                    throw error("holds the uint64 value " + Long.toUnsignedString(value) + ", above the largest long");
                }
            }
        }
        return integers.clone();
    }

    /** Its numbers in row-major order (integers converted); strings are an error. */
    public double[] doubles() throws CheckpointFormatException {
        if (reals != null) {
            return reals.clone();
        }
        if (integers == null) {
            throw error("holds " + dtype + " values; allowed here: numbers");
        }
        double[] out = new double[integers.length];
        for (int i = 0; i < out.length; i++) {
            long value = integers[i];
            out[i] = dtype == Hdf5Dtype.UINT64 ? unsigned(value) : value;
        }
        return out;
    }

    /** The attribute named {@code name} of {@code owner}, whose value of {@code datatype} and {@code shape} starts at {@code at}. */
    static Hdf5Attribute read(FileBytes file, GlobalHeap heap, String name, Datatype datatype, Shape shape, long at, Location owner)
            throws CheckpointFormatException {
        String field = "attribute \"" + name + "\"";
        int count = shape.size();
        Hdf5Dtype dtype = datatype.dtype();
        String source = file.source();
        if (dtype == Hdf5Dtype.VARIABLE_STRING) {
            String[] values = new String[count];
            for (int i = 0; i < count; i++) {
                values[i] = heap.string(at + (long) Datatype.VARIABLE_LENGTH_BYTES * i, owner, field + " element " + i);
            }
            return new Hdf5Attribute(name, dtype, shape, owner, source, Collections.unmodifiableList(Arrays.asList(values)), null, null);
        }
        if (dtype == Hdf5Dtype.STRING) {
            String[] values = new String[count];
            for (int i = 0; i < count; i++) {
                values[i] = fixedString(file, datatype, at + (long) datatype.size() * i, owner, field + " element " + i);
            }
            return new Hdf5Attribute(name, dtype, shape, owner, source, Collections.unmodifiableList(Arrays.asList(values)), null, null);
        }
        ByteBuffer data = file.slice(at, (long) count * datatype.size(), datatype.order(), owner, field);
        if (dtype.isFloatingPoint()) {
            double[] values = new double[count];
            for (int i = 0; i < count; i++) {
                values[i] = switch (dtype) {
                    case FLOAT16 -> Float.float16ToFloat(data.getShort(2 * i));
                    case FLOAT32 -> data.getFloat(4 * i);
                    default -> data.getDouble(8 * i);
                };
            }
            return new Hdf5Attribute(name, dtype, shape, owner, source, null, null, values);
        }
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = integer(data, dtype, i);
        }
        return new Hdf5Attribute(name, dtype, shape, owner, source, null, values, null);
    }

    /** The uint64 whose bits are {@code bits}, as the nearest double. */
    static double unsigned(long bits) {
        return bits < 0 ? 0x1p64 + bits : bits;
    }

    /** Element {@code i} of integer data of type {@code dtype}. */
    static long integer(ByteBuffer data, Hdf5Dtype dtype, int i) {
        return switch (dtype) {
            case INT8 -> data.get(i);
            case UINT8 -> data.get(i) & 0xFFL;
            case INT16 -> data.getShort(2 * i);
            case UINT16 -> data.getShort(2 * i) & 0xFFFFL;
            case INT32 -> data.getInt(4 * i);
            case UINT32 -> Integer.toUnsignedLong(data.getInt(4 * i));
            default -> data.getLong(8 * i);
        };
    }

    private static String fixedString(FileBytes file, Datatype datatype, long at, Location owner, String field)
            throws CheckpointFormatException {
        int size = datatype.size();
        file.require(at, size, owner, field);
        int length = 0;
        if (datatype.padding() == Datatype.SPACE_PADDED) {
            for (int i = 0; i < size; i++) {
                if (file.u8(at + i, owner, field) != ' ') {
                    length = i + 1;
                }
            }
        } else {
            while (length < size && file.u8(at + length, owner, field) != 0) {
                length++;
            }
        }
        if (length == 1) {
            int c = file.u8(at, owner, field);
            if (c < ONE_CHARACTER.length) {
                return ONE_CHARACTER[c];
            }
        }
        return length == 0 ? "" : file.utf8(at, length, owner, field);
    }

    /** The fixed-length string element in {@code element} (its padding dropped), strict UTF-8. */
    static String fixedString(FileBytes file, Datatype datatype, ByteBuffer element, Location owner, String field)
            throws CheckpointFormatException {
        int size = element.remaining();
        int length = 0;
        if (datatype.padding() == Datatype.SPACE_PADDED) {
            for (int i = 0; i < size; i++) {
                if (element.get(i) != ' ') {
                    length = i + 1;
                }
            }
        } else {
            while (length < size && element.get(length) != 0) {
                length++;
            }
        }
        if (length == 1 && element.get(0) >= 0) {
            return ONE_CHARACTER[element.get(0)];
        }
        if (length == 0) {
            return "";
        }
        byte[] raw = new byte[length];
        element.get(0, raw);
        return StrictUtf8.decode(raw).orElseThrow(() -> file.error(owner, field, "is not valid UTF-8"));
    }

    private CheckpointFormatException error(String problem) {
        return new CheckpointFormatException(source + ": " + owner.path() + ", attribute \"" + name + "\": " + problem);
    }

    /** Its name, type and shape, e.g. {@code weight_names: fixed-length string [2]}. */
    @Override
    public String toString() {
        return name + ": " + dtype + " " + shape;
    }
}
