package dev.kiln.checkpoint.hdf5;

import dev.kiln.engine.tensor.Shape;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The object header messages Kiln writes, encoded as HDF5 1.8+ writes them by default (and h5py
 * with it): version 1 dataspaces with their maximum dimensions, version 1 datatypes, version 2
 * fill values, version 3 contiguous layouts, version 1 attributes and symbol table messages.
 */
final class HeaderMessageEncoder {
    /** A message flag: the message's value never changes (HDF5 marks a dataset's datatype so). */
    static final int CONSTANT = 0x01;
    /** The largest message a version 1 object header holds: its size field has 16 bits, and messages are 8-byte aligned. */
    static final int MAX_MESSAGE = 65528;

    /** One message: its type, flags and body (padded to 8 bytes when written). */
    record Message(int type, int flags, byte[] body) {}

    private HeaderMessageEncoder() {}

    /** A scalar (rank 0) or simple dataspace, the maximum dimensions equal to the dimensions, as h5py writes. */
    static byte[] dataspace(Shape shape) {
        ByteSink out = new ByteSink();
        out.u8(1);
        out.u8(shape.rank());
        out.u8(shape.rank() == 0 ? 0 : 1);
        out.skip(5);
        for (int pass = 0; pass < (shape.rank() == 0 ? 0 : 2); pass++) {
            for (int axis = 0; axis < shape.rank(); axis++) {
                out.u64(shape.dim(axis));
            }
        }
        return out.toArray();
    }

    /** The datatype of a number type: little-endian IEEE floats, little-endian two's complement signed integers. */
    static byte[] numberType(Hdf5Dtype dtype) {
        ByteSink out = new ByteSink();
        switch (dtype) {
            case FLOAT32 -> floating(out, 4, 31, 23, 8, 23, 127);
            case FLOAT64 -> floating(out, 8, 63, 52, 11, 52, 1023);
            case INT32, INT64 -> {
                int width = dtype == Hdf5Dtype.INT32 ? 4 : 8;
                out.u8(0x10);     // version 1, class 0 (fixed point)
                out.u8(0x08);     // little-endian, signed
                out.u16(0);
                out.u32(width);
                out.u16(0);       // bit offset
                out.u16(8 * width); // precision
            }
            default -> throw new IllegalArgumentException("Kiln writes float32, float64, int32 and int64 numbers, not " + dtype);
        }
        return out.toArray();
    }

    private static void floating(ByteSink out, int width, int signBit, int exponentAt, int exponentBits, int mantissaBits,
            int bias) {
        out.u8(0x11);             // version 1, class 1 (floating point)
        out.u8(0x20);             // little-endian, mantissa normalized with an implied leading 1
        out.u8(signBit);
        out.u8(0);
        out.u32(width);
        out.u16(0);               // bit offset
        out.u16(8 * width);       // precision
        out.u8(exponentAt);
        out.u8(exponentBits);
        out.u8(0);                // mantissa location
        out.u8(mantissaBits);
        out.u32(bias);
    }

    /** A variable-length string type: ASCII or UTF-8, NUL-terminated, its base type an unsigned byte. */
    static byte[] variableString(boolean utf8) {
        ByteSink out = new ByteSink();
        out.u8(0x19);             // version 1, class 9 (variable length)
        out.u8(0x01);             // a string, NUL-terminated
        out.u8(utf8 ? 1 : 0);     // character set
        out.u8(0);
        out.u32(Datatype.VARIABLE_LENGTH_BYTES);
        out.u8(0x10);             // the base type: version 1, class 0
        out.u8(0);                // little-endian, unsigned
        out.u16(0);
        out.u32(1);
        out.u16(0);
        out.u16(8);
        return out.toArray();
    }

    /** A fixed-length ASCII string type of {@code width} bytes, NUL-padded (NumPy's S type in h5py). */
    static byte[] fixedString(int width) {
        ByteSink out = new ByteSink();
        out.u8(0x13);             // version 1, class 3 (string)
        out.u8(0x01);             // NUL-padded, ASCII
        out.u16(0);
        out.u32(width);
        return out.toArray();
    }

    /** The fill value message h5py's datasets carry: allocated late, written if set, the default fill (zeros). */
    static byte[] fillValue() {
        return new byte[] {2, 2, 2, 1, 0, 0, 0, 0};
    }

    /** A contiguous layout: the data's address and size. */
    static byte[] contiguous(long address, long size) {
        ByteSink out = new ByteSink();
        out.u8(3);
        out.u8(1);
        out.u64(address);
        out.u64(size);
        return out.toArray();
    }

    /** A group's symbol table: the addresses of its B-tree and local heap. */
    static byte[] symbolTable(long btree, long heap) {
        ByteSink out = new ByteSink();
        out.u64(btree);
        out.u64(heap);
        return out.toArray();
    }

    /** A version 1 attribute message: the name, datatype and dataspace (each padded to 8 bytes), then the raw value. */
    static byte[] attribute(String name, byte[] datatype, byte[] dataspace, byte[] value) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        ByteSink out = new ByteSink();
        out.u8(1);
        out.u8(0);
        out.u16(nameBytes.length);
        out.u16(datatype.length);
        out.u16(dataspace.length);
        for (byte[] part : List.of(nameBytes, datatype, dataspace)) {
            out.bytes(part);
            out.align8();
        }
        out.bytes(value);
        return out.toArray();
    }

    /** The size a message takes in a version 1 header: 8 bytes of header, the body padded to 8. */
    static int size(Message message) {
        return 8 + padded(message.body().length);
    }

    static int padded(int length) {
        return (length + 7) & ~7;
    }
}
