package dev.kiln.checkpoint.hdf5;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The attribute message of a {@link Hdf5Value}: its datatype, dataspace and raw value. */
final class AttributeEncoding {
    private AttributeEncoding() {}

    static byte[] encode(String name, Hdf5Value value, GlobalHeapWriter globalHeap) {
        byte[] dataspace = HeaderMessageEncoder.dataspace(value.shape());
        return switch (value.kind()) {
            case VARIABLE_STRING -> HeaderMessageEncoder.attribute(name, HeaderMessageEncoder.variableString(value.isUtf8()), dataspace,
                    globalHeap.references(value));
            case FIXED_STRING -> fixedStrings(name, value.strings(), dataspace);
            case INT64 -> {
                ByteSink raw = new ByteSink();
                for (long number : value.longs()) {
                    raw.u64(number);
                }
                yield HeaderMessageEncoder.attribute(name, HeaderMessageEncoder.numberType(Hdf5Dtype.INT64), dataspace, raw.toArray());
            }
            case FLOAT64 -> {
                ByteSink raw = new ByteSink();
                for (double number : value.doubles()) {
                    raw.u64(Double.doubleToRawLongBits(number));
                }
                yield HeaderMessageEncoder.attribute(name, HeaderMessageEncoder.numberType(Hdf5Dtype.FLOAT64), dataspace, raw.toArray());
            }
        };
    }

    /** NumPy's S array: each string NUL-padded to the longest (at least one byte, as NumPy's itemsize). */
    private static byte[] fixedStrings(String name, List<String> strings, byte[] dataspace) {
        int width = 1;
        for (String string : strings) {
            width = Math.max(width, string.length());
        }
        ByteSink raw = new ByteSink();
        for (String string : strings) {
            raw.bytes(string.getBytes(StandardCharsets.US_ASCII));
            raw.skip(width - string.length());
        }
        return HeaderMessageEncoder.attribute(name, HeaderMessageEncoder.fixedString(width), dataspace, raw.toArray());
    }
}
