package dev.kiln.checkpoint.hdf5;

/**
 * The element types Kiln reads from an HDF5 file: integers and IEEE floating point of either byte
 * order (Keras writes float32 weights, int64 step counters, float64 empty arrays) and strings,
 * fixed-length or variable-length, ASCII or UTF-8 (Keras' names and configs). {@link #toString()}
 * gives NumPy's name ("float32"), as h5py and Keras report it.
 */
public enum Hdf5Dtype {
    /** A signed 8-bit integer. */
    INT8("int8", 1),
    /** An unsigned 8-bit integer. */
    UINT8("uint8", 1),
    /** A signed 16-bit integer. */
    INT16("int16", 2),
    /** An unsigned 16-bit integer. */
    UINT16("uint16", 2),
    /** A signed 32-bit integer. */
    INT32("int32", 4),
    /** An unsigned 32-bit integer. */
    UINT32("uint32", 4),
    /** A signed 64-bit integer. */
    INT64("int64", 8),
    /** An unsigned 64-bit integer; a value above 2^63 - 1 cannot be read as a long and is an error. */
    UINT64("uint64", 8),
    /** IEEE 754 half precision. */
    FLOAT16("float16", 2),
    /** IEEE 754 single precision. */
    FLOAT32("float32", 4),
    /** IEEE 754 double precision. */
    FLOAT64("float64", 8),
    /** A string of a fixed number of bytes per element (NumPy's "S" type). */
    STRING("fixed-length string", 0),
    /** A string of any length per element, kept in the file's global heap (h5py's string_dtype()). */
    VARIABLE_STRING("variable-length string", 0);

    private final String numpyName;
    private final int width;

    Hdf5Dtype(String numpyName, int width) {
        this.numpyName = numpyName;
        this.width = width;
    }

    /** Whether the elements are integers. */
    public boolean isInteger() {
        return ordinal() <= UINT64.ordinal();
    }

    /** Whether the elements are floating point numbers. */
    public boolean isFloatingPoint() {
        return this == FLOAT16 || this == FLOAT32 || this == FLOAT64;
    }

    /** Whether the elements are strings. */
    public boolean isString() {
        return this == STRING || this == VARIABLE_STRING;
    }

    /** Bytes per element of a number type; 0 for the strings, whose width the file gives. */
    int width() {
        return width;
    }

    /** NumPy's name of the type: "float32", "int64", or "fixed-length string", "variable-length string". */
    @Override
    public String toString() {
        return numpyName;
    }
}
