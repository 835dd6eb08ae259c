package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.StrictUtf8;
import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HDF5 file's bytes, read at absolute offsets, each read checked against the end of the file
 * before anything is allocated, so a truncated or hostile file gives a
 * {@link CheckpointFormatException} naming the file, the object's path, the field, the offset and
 * what is wrong, never an out-of-bounds error or a huge allocation.
 *
 * <p>It also keeps what makes the whole read linear in the file's size: the byte ranges claimed by
 * object headers and dataset data (which may not overlap, so no byte is decoded twice as two
 * things), and running totals of decoded link names and variable-length strings (which may not add
 * up to more than the file holds, so bytes shared by many references cannot multiply).
 */
final class FileBytes {
    /** HDF5's "undefined address": all bits set. */
    static final long UNDEFINED = -1L;

    private final ByteBuffer bytes;
    private final String source;
    private long end;
    private final TreeMap<Long, Claim> claims = new TreeMap<>();
    private long nameBytes;
    private long stringBytes;
    private long heapBytes;
    private long decodedBytes;

    /** A byte range that one structure of the file owns. */
    private record Claim(long end, Location owner, String what) {}

    FileBytes(ByteBuffer bytes, String source) {
        this.bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN); // reads are absolute, from index 0 to the limit
        this.source = source;
        this.end = this.bytes.limit();
    }

    /** The file's name as errors give it. */
    String source() {
        return source;
    }

    /** The bytes that exist in the buffer. */
    long size() {
        return bytes.limit();
    }

    /** The end of the file: the superblock's end-of-file address once it is read. */
    long end() {
        return end;
    }

    /** Sets the end of the file (at most the buffer's size); every later read must lie before it. */
    void end(long endOfFile) {
        this.end = endOfFile;
    }

    /** The unsigned byte at {@code at}. */
    int u8(long at, Location where, String field) throws CheckpointFormatException {
        require(at, 1, where, field);
        return bytes.get((int) at) & 0xFF;
    }

    /** Fails unless the byte at {@code at} is {@code allowed} (a version, or a size the reader supports). */
    void expect(long at, int allowed, Location where, String field) throws CheckpointFormatException {
        int found = u8(at, where, field);
        if (found != allowed) {
            throw error(where, field, at, found + "; allowed: " + allowed);
        }
    }

    /** The unsigned 16-bit little-endian value at {@code at}. */
    int u16(long at, Location where, String field) throws CheckpointFormatException {
        require(at, 2, where, field);
        return bytes.getShort((int) at) & 0xFFFF;
    }

    /** The unsigned 32-bit little-endian value at {@code at}. */
    long u32(long at, Location where, String field) throws CheckpointFormatException {
        require(at, 4, where, field);
        return Integer.toUnsignedLong(bytes.getInt((int) at));
    }

    /** The unsigned 64-bit little-endian value at {@code at}, which must fit in a long >= 0. */
    long u64(long at, Location where, String field) throws CheckpointFormatException {
        require(at, 8, where, field);
        long value = bytes.getLong((int) at);
        if (value < 0) {
            throw error(where, field, at, "value " + Long.toUnsignedString(value) + " is larger than any file");
        }
        return value;
    }

    /** The raw 64-bit value at {@code at}, any bits. */
    long raw64(long at, Location where, String field) throws CheckpointFormatException {
        require(at, 8, where, field);
        return bytes.getLong((int) at);
    }

    /** An address: {@link #UNDEFINED}, or an offset inside the file. */
    long address(long at, Location where, String field) throws CheckpointFormatException {
        long value = raw64(at, where, field);
        if (value == UNDEFINED) {
            return UNDEFINED;
        }
        if (value < 0 || value >= end) {
            throw error(where, field, at, "address " + Long.toUnsignedString(value) + " lies outside the file of " + end + " bytes");
        }
        return value;
    }

    /** An address that must be defined and leave room for {@code length} bytes. */
    long definedAddress(long at, long length, Location where, String field) throws CheckpointFormatException {
        long value = address(at, where, field);
        if (value == UNDEFINED) {
            throw error(where, field, at, "is undefined; allowed: the address of a structure in the file");
        }
        if (length > end - value) {
            throw error(where, field, at, "address " + value + " leaves " + (end - value) + " bytes before the end of the file, fewer than the "
                    + length + " the structure needs");
        }
        return value;
    }

    /** Whether the 4-character ASCII signature {@code expected} stands at {@code at}. */
    boolean hasSignature(long at, String expected) {
        return matches(at, expected.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether the bytes {@code expected} stand at {@code at}, inside the file. */
    boolean matches(long at, byte[] expected) {
        if (at < 0 || at > end - expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (bytes.get((int) at + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** Fails unless the 4-byte signature {@code expected} stands at {@code at}. */
    void signature(long at, String expected, Location where, String field) throws CheckpointFormatException {
        require(at, 4, where, field);
        if (!hasSignature(at, expected)) {
            throw error(where, field, at, "found bytes " + hex(at, 4) + " where the signature \"" + expected + "\" belongs");
        }
    }

    /** {@code length} bytes from {@code at} as strict UTF-8 (ASCII is UTF-8); malformed bytes are an error. */
    String utf8(long at, int length, Location where, String field) throws CheckpointFormatException {
        require(at, length, where, field);
        byte[] raw = new byte[length];
        bytes.get((int) at, raw);
        boolean ascii = true;
        for (byte b : raw) {
            ascii &= b >= 0;
        }
        if (ascii) {
            return new String(raw, StandardCharsets.US_ASCII);
        }
        return StrictUtf8.decode(raw).orElseThrow(() -> error(where, field, at, "is not valid UTF-8 (bytes "
                + hex(at, Math.min(length, 16)) + (length > 16 ? " ..." : "") + ")"));
    }

    /** A read-only view of {@code length} bytes from {@code at}, in {@code order}. */
    ByteBuffer slice(long at, long length, ByteOrder order, Location where, String field) throws CheckpointFormatException {
        require(at, length, where, field);
        return bytes.slice((int) at, (int) length).order(order);
    }

    /** Fails unless [at, at + length) lies inside the file. */
    void require(long at, long length, Location where, String field) throws CheckpointFormatException {
        if (length < 0 || at < 0 || at > end || length > end - at) {
            long remaining = at >= 0 && at <= end ? end - at : 0;
            throw error(where, field, at, "needs " + length + " bytes but only " + remaining + " remain before the end of the file at "
                    + end + (end < size() ? "" : " (truncated file?)"));
        }
    }

    /**
     * Claims [at, at + length) for {@code what} of {@code owner}: fails if the range overlaps one
     * claimed before (two object headers, or two datasets' data, sharing bytes).
     */
    void claim(long at, long length, Location owner, String what) throws CheckpointFormatException {
        if (length <= 0) {
            return;
        }
        Map.Entry<Long, Claim> before = claims.floorEntry(at + length - 1);
        if (before != null && before.getValue().end() > at) {
            Claim other = before.getValue();
            throw error(owner, what, at, "bytes " + at + " to " + (at + length) + " overlap bytes " + before.getKey() + " to " + other.end()
                    + ", the " + other.what() + " of " + other.owner().path() + "; allowed: structures that do not share bytes");
        }
        claims.put(at, new Claim(at + length, owner, what));
    }

    /** Counts {@code length} bytes of decoded link names: together they may not exceed the file's size. */
    void spendName(long length, Location where, long at) throws CheckpointFormatException {
        nameBytes += length;
        if (nameBytes > end) {
            throw error(where, "link name", at, "the link names read so far add up to " + nameBytes + " bytes, more than the file's "
                    + end + " (names shared between links?)");
        }
    }

    /** Counts {@code length} bytes of decoded variable-length strings: together they may not exceed the file's size. */
    void spendStrings(long length, Location where, String field) throws CheckpointFormatException {
        stringBytes += length;
        if (stringBytes > end) {
            throw error(where, field, "the variable-length strings read so far add up to " + stringBytes + " bytes, more than the file's "
                    + end + " (strings shared between attributes?)");
        }
    }

    /** Counts {@code length} bytes of global heap collections parsed: together they may not exceed the file's size. */
    void spendHeap(long length, Location where, String field, long at) throws CheckpointFormatException {
        heapBytes += length;
        if (heapBytes > end) {
            throw error(where, field, at, "the global heap collections read so far add up to " + heapBytes + " bytes, more than the file's "
                    + end + " (collections that overlap?)");
        }
    }

    /**
     * Counts {@code length} bytes that chunked data decodes to (values, and the buffer of one chunk):
     * together they may not exceed {@link Hdf5File#MAX_EXPANSION} times the file's size, so a small
     * file cannot make the reader allocate without bound (a gzip bomb, a huge dataset of missing chunks).
     */
    void spendDecoded(long length, Location where, String field, long at) throws CheckpointFormatException {
        decodedBytes += length;
        if (length < 0 || decodedBytes > Hdf5File.MAX_EXPANSION * Math.max(end, 1)) {
            throw error(where, field, at, "the chunked data read so far decodes to " + decodedBytes + " bytes, more than "
                    + Hdf5File.MAX_EXPANSION + " times the file's " + end + "; allowed: at most " + Hdf5File.MAX_EXPANSION
                    + " to 1 (a compression bomb?)");
        }
    }

    /** The unsigned little-endian value of {@code width} (1 to 8) bytes at {@code at}, which must fit in a long >= 0. */
    long unsigned(long at, int width, Location where, String field) throws CheckpointFormatException {
        require(at, width, where, field);
        long value = 0;
        for (int i = width - 1; i >= 0; i--) {
            value = value << 8 | (bytes.get((int) (at + i)) & 0xFF);
        }
        if (value < 0) {
            throw error(where, field, at, "value " + Long.toUnsignedString(value) + " is larger than any file");
        }
        return value;
    }

    /**
     * Fails unless the 4-byte Jenkins lookup3 checksum at {@code at + length} matches the {@code length}
     * bytes from {@code at} (how HDF5 1.8 and later seal their structures); {@code what} names the structure.
     */
    void checksum(long at, long length, Location where, String what) throws CheckpointFormatException {
        require(at, length + 4, where, what);
        long stored = u32(at + length, where, what + " checksum");
        long computed = Integer.toUnsignedLong(Lookup3.hash(bytes, (int) at, (int) length));
        if (stored != computed) {
            throw error(where, what + " checksum", at + length, String.format("stored %08x, but the %d bytes from offset %d hash to %08x;"
                    + " allowed: the checksum of the bytes (the %s was changed or damaged)", stored, length, at, computed, what));
        }
    }

    /** The lookup3 hash of the {@code length} bytes from {@code at} (checked to lie in the file), the 4 at {@code zeroed} read as zeros. */
    int hashZeroed(long at, long length, long zeroed) {
        return Lookup3.hash(bytes, (int) at, (int) length, (int) zeroed);
    }

    /** The byte at {@code at}, which the caller has checked lies inside the file. */
    byte byteAt(long at) {
        return bytes.get((int) at);
    }

    /** An error naming the file, the object, the field, the offset and the problem. */
    CheckpointFormatException error(Location where, String field, long at, String problem) {
        return new CheckpointFormatException(source + ": " + where.path() + ", " + field + " at offset " + at + ": " + problem);
    }

    /** An error naming the file, the object, the field and the problem. */
    CheckpointFormatException error(Location where, String field, String problem) {
        return new CheckpointFormatException(source + ": " + where.path() + ", " + field + ": " + problem);
    }

    private String hex(long at, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length && at + i < size(); i++) {
            out.append(i == 0 ? "" : " ").append(String.format("%02x", bytes.get((int) (at + i)) & 0xFF));
        }
        return out.toString();
    }
}
