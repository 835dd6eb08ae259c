package dev.kiln.checkpoint.hdf5;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of an HDF5 file being written: a growable little-endian buffer that is appended to and
 * patched in place (the superblock is written last, at offset 0). A file stays below 2 GiB, the
 * most Kiln reads.
 */
final class ByteSink {
    /** HDF5's undefined address: all ones. */

    private byte[] bytes = new byte[4096];
    private int size;

    /** The offset the next byte is written at. */
    long position() {
        return size;
    }

    /** Pads with zeros to the next multiple of 8 (HDF5 aligns its version 1 structures so). */
    void align8() {
        skip((int) ((8 - size % 8) % 8));
    }

    /** Appends {@code count} zeros and returns the offset of the first. */
    long skip(int count) {
        long at = size;
        grow(count);
        size += count;
        return at;
    }

    void u8(int value) {
        grow(1);
        bytes[size++] = (byte) value;
    }

    void u16(int value) {
        u8(value);
        u8(value >>> 8);
    }

    void u32(long value) {
        u16((int) value);
        u16((int) (value >>> 16));
    }

    void u64(long value) {
        u32(value);
        u32(value >>> 32);
    }

    void bytes(byte[] values) {
        grow(values.length);
        System.arraycopy(values, 0, bytes, size, values.length);
        size += values.length;
    }

    void ascii(String text) {
        bytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Overwrites the 8 bytes at {@code at} with {@code value}, little-endian. */
    void patch64(long at, long value) {
        for (int i = 0; i < 8; i++) {
            bytes[(int) at + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Overwrites the bytes from {@code at} with {@code values}. */
    void patch(long at, byte[] values) {
        System.arraycopy(values, 0, bytes, (int) at, values.length);
    }

    byte[] toArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void grow(int more) {
        long needed = (long) size + more;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the HDF5 file would be larger than " + (Integer.MAX_VALUE - 8)
                    + " bytes, the most Kiln writes (and reads)");
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * bytes.length)));
        }
    }
}
