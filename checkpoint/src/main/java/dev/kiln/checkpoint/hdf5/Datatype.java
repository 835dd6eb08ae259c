package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.nio.ByteOrder;

/**
 * A datatype message (HDF5 spec IV.A.2.d): the element type, its size in bytes, its byte order
 * and, for strings, how an element is padded. Only the classes Keras writes are accepted:
 * integers, IEEE floating point, fixed-length strings and variable-length strings; any other class
 * is refused by name.
 */
record Datatype(Hdf5Dtype dtype, int size, ByteOrder order, int padding) {
    /** String padding: the string ends at the first NUL. */
    static final int NULL_TERMINATED = 0;
    /** String padding: the string is followed by NULs up to the element's size. */
    static final int NULL_PADDED = 1;
    /** String padding: the string is followed by spaces up to the element's size. */
    static final int SPACE_PADDED = 2;
    /** A variable-length element: a u32 length, the u64 address of a global heap collection and a u32 object index. */
    static final int VARIABLE_LENGTH_BYTES = 16;

    private static final String[] CLASS_NAMES = {"fixed-point (integer)", "floating-point", "time", "string", "bit field", "opaque",
        "compound", "reference", "enumeration", "variable-length", "array"};

    /** IEEE layouts by size: bit precision, exponent location, exponent size, mantissa location, mantissa size, exponent bias. */
    private static final int[][] IEEE = {{2, 16, 10, 5, 0, 10, 15}, {4, 32, 23, 8, 0, 23, 127}, {8, 64, 52, 11, 0, 52, 1023}};

    /** Reads the datatype message of {@code available} bytes at {@code at}. */
    static Datatype read(FileBytes file, long at, long available, Location where, String field) throws CheckpointFormatException {
        if (available < 8) {
            throw file.error(where, field, at, "is " + available + " bytes, fewer than the 8 of a datatype's header");
        }
        int classAndVersion = file.u8(at, where, field + " class and version");
        int typeClass = classAndVersion & 0x0F;
        int version = classAndVersion >>> 4;
        if (version < 1 || version > 3) {
            throw file.error(where, field + " version", at, "version " + version + "; allowed: 1 to 3");
        }
        int bits = file.u8(at + 1, where, field) | file.u8(at + 2, where, field) << 8 | file.u8(at + 3, where, field) << 16;
        long size = file.u32(at + 4, where, field + " size");
        ByteOrder order = (bits & 1) == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        return switch (typeClass) {
            case 0 -> integer(file, at, available, where, field, bits, size, order);
            case 1 -> floatingPoint(file, at, available, where, field, bits, size, order);
            case 3 -> fixedString(file, at, where, field, bits, size);
            case 9 -> variableString(file, at, where, field, bits, size);
            default -> throw file.error(where, field + " class", at, "class " + typeClass + " (" + className(typeClass)
                    + ") is not supported; allowed: integers, IEEE floating point, fixed- and variable-length strings");
        };
    }

    /** Bytes one element takes in a dataset's or attribute's data. */
    int elementBytes() {
        return size;
    }

    private static Datatype integer(FileBytes file, long at, long available, Location where, String field, int bits, long size,
            ByteOrder order) throws CheckpointFormatException {
        requireProperties(file, at, available, 4, where, field);
        int offset = file.u16(at + 8, where, field + " bit offset");
        int precision = file.u16(at + 10, where, field + " bit precision");
        if ((size != 1 && size != 2 && size != 4 && size != 8) || offset != 0 || precision != 8 * size) {
            throw file.error(where, field, at, "an integer of " + size + " bytes with bit offset " + offset + " and precision " + precision
                    + "; allowed: 1, 2, 4 or 8 bytes using all their bits");
        }
        boolean signed = (bits & 8) != 0;
        Hdf5Dtype dtype = switch ((int) size) {
            case 1 -> signed ? Hdf5Dtype.INT8 : Hdf5Dtype.UINT8;
            case 2 -> signed ? Hdf5Dtype.INT16 : Hdf5Dtype.UINT16;
            case 4 -> signed ? Hdf5Dtype.INT32 : Hdf5Dtype.UINT32;
            default -> signed ? Hdf5Dtype.INT64 : Hdf5Dtype.UINT64;
        };
        return new Datatype(dtype, (int) size, order, 0);
    }

    private static Datatype floatingPoint(FileBytes file, long at, long available, Location where, String field, int bits, long size,
            ByteOrder order) throws CheckpointFormatException {
        requireProperties(file, at, available, 12, where, field);
        if ((bits & 0x40) != 0) {
            throw file.error(where, field + " byte order", at, "VAX byte order is not supported; allowed: little- or big-endian IEEE");
        }
        int[] found = {(int) size, file.u16(at + 10, where, field), file.u8(at + 12, where, field), file.u8(at + 13, where, field),
            file.u8(at + 14, where, field), file.u8(at + 15, where, field), (int) Math.min(file.u32(at + 16, where, field), Integer.MAX_VALUE)};
        int offset = file.u16(at + 8, where, field + " bit offset");
        int signLocation = (bits >>> 8) & 0xFF;
        int normalization = (bits >>> 4) & 3;
        for (int[] layout : IEEE) {
            if (java.util.Arrays.equals(layout, found) && offset == 0 && signLocation == layout[1] - 1 && normalization == 2) {
                Hdf5Dtype dtype = switch (layout[0]) {
                    case 2 -> Hdf5Dtype.FLOAT16;
                    case 4 -> Hdf5Dtype.FLOAT32;
                    default -> Hdf5Dtype.FLOAT64;
                };
                return new Datatype(dtype, (int) size, order, 0);
            }
        }
        throw file.error(where, field, at, "a floating-point type of " + size + " bytes (precision " + found[1] + ", exponent " + found[3]
                + " bits at " + found[2] + ", mantissa " + found[5] + " bits at " + found[4] + ", bias " + found[6] + ", sign at "
                + signLocation + ") is not IEEE half, single or double precision");
    }

    private static Datatype fixedString(FileBytes file, long at, Location where, String field, int bits, long size)
            throws CheckpointFormatException {
        int padding = bits & 0x0F;
        int charset = (bits >>> 4) & 0x0F;
        if (padding > SPACE_PADDED || charset > 1) {
            throw file.error(where, field, at, "a string with padding " + padding + " and character set " + charset
                    + "; allowed: padding 0 to 2 (NUL-terminated, NUL-padded, space-padded), character set 0 (ASCII) or 1 (UTF-8)");
        }
        if (size < 1 || size > Integer.MAX_VALUE) {
            throw file.error(where, field + " size", at, "a string element of " + size + " bytes; allowed: 1 to " + Integer.MAX_VALUE);
        }
        return new Datatype(Hdf5Dtype.STRING, (int) size, ByteOrder.LITTLE_ENDIAN, padding);
    }

    private static Datatype variableString(FileBytes file, long at, Location where, String field, int bits, long size)
            throws CheckpointFormatException {
        int kind = bits & 0x0F;
        int charset = (bits >>> 8) & 0x0F;
        if (kind != 1) {
            throw file.error(where, field, at, "a variable-length sequence is not supported; allowed: a variable-length string");
        }
        if (charset > 1) {
            throw file.error(where, field, at, "character set " + charset + "; allowed: 0 (ASCII) or 1 (UTF-8)");
        }
        if (size != VARIABLE_LENGTH_BYTES) {
            throw file.error(where, field + " size", at, "a variable-length element of " + size + " bytes; allowed: "
                    + VARIABLE_LENGTH_BYTES + " (a length, a heap address of 8 bytes and an index)");
        }
        return new Datatype(Hdf5Dtype.VARIABLE_STRING, VARIABLE_LENGTH_BYTES, ByteOrder.LITTLE_ENDIAN, NULL_TERMINATED);
    }

    private static void requireProperties(FileBytes file, long at, long available, int length, Location where, String field)
            throws CheckpointFormatException {
        if (available < 8 + length) {
            throw file.error(where, field, at, "is " + available + " bytes, fewer than the " + (8 + length) + " its class needs");
        }
    }

    private static String className(int typeClass) {
        return typeClass < CLASS_NAMES.length ? CLASS_NAMES[typeClass] : "unknown";
    }
}
