package dev.kiln.checkpoint.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian reads from a checkpoint's bytes, each checked against the bytes that remain, so a
 * truncated or hostile file gives a {@link CheckpointFormatException} naming the file, section,
 * field and offset, never an out-of-bounds error or a huge allocation.
 */
public final class BinaryReader {
    private final ByteBuffer bytes;
    private final String file;
    private final long base;
    private String section = "header";

    /** Reads {@code bytes}, which start the file named {@code file} (errors name it). */
    public BinaryReader(ByteBuffer bytes, String file) {
        this(bytes, file, 0);
    }

    /** Reads {@code bytes} that stand at {@code base} in the file, so errors give file offsets. */
    public BinaryReader(ByteBuffer bytes, String file, long base) {
        this.bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.file = file;
        this.base = base;
    }

    /** Names the part of the file being read, for error messages. */
    public BinaryReader section(String name) {
        this.section = name;
        return this;
    }

    /** The current offset within the bytes. */
    public long position() {
        return bytes.position();
    }

    /** The number of bytes. */
    public long size() {
        return bytes.limit();
    }

    /** Moves to {@code offset}, which must lie within the bytes; returns this reader. */
    public BinaryReader seek(long offset, String field) throws CheckpointFormatException {
        if (offset < 0 || offset > bytes.limit()) {
            throw error(field, "offset " + offset + " lies outside the file of " + bytes.limit() + " bytes");
        }
        bytes.position((int) offset);
        return this;
    }

    /** The next 4 bytes, little-endian, as an int. */
    public int u32(String field) throws CheckpointFormatException {
        require(4, field);
        return bytes.getInt();
    }

    /** An unsigned 64-bit count or offset, which must fit in a long >= 0. */
    public long u64(String field) throws CheckpointFormatException {
        require(8, field);
        long value = bytes.getLong();
        if (value < 0) {
            throw error(field, "value " + Long.toUnsignedString(value) + " is too large");
        }
        return value;
    }

    /** The next {@code length} bytes, checked against what is left before they are allocated. */
    public byte[] bytes(long length, String field) throws CheckpointFormatException {
        if (length < 0) {
            throw error(field, "negative length " + length);
        }
        require(length, field);
        byte[] out = new byte[(int) length];
        bytes.get(out);
        return out;
    }

    /** Strict UTF-8: malformed bytes are an error, not replacement characters. */
    public String utf8(long length, String field) throws CheckpointFormatException {
        byte[] raw = bytes(length, field);
        // Validated through a small buffer, then decoded once: no text-sized char buffer besides the String.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer scratch = CharBuffer.allocate(4096);
        CoderResult result;
        do {
            result = decoder.decode(in, scratch.clear(), true);
        } while (result.isOverflow());
        if (result.isError() || decoder.flush(scratch.clear()).isError()) {
            throw error(field, "is not valid UTF-8");
        }
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** A length-prefixed (u32) UTF-8 string of at most {@code maxLength} bytes. */
    public String string(String field, int maxLength) throws CheckpointFormatException {
        long length = Integer.toUnsignedLong(u32(field + " length"));
        if (length > maxLength) {
            throw error(field, "length " + length + " exceeds the limit of " + maxLength + " bytes");
        }
        return utf8(length, field);
    }

    /** An error naming the file, the current section, {@code field} and the offset. */
    public CheckpointFormatException error(String field, String problem) {
        return new CheckpointFormatException(file + ": " + section + ", " + field + " at offset " + (base + bytes.position())
                + ": " + problem);
    }

    private void require(long length, String field) throws CheckpointFormatException {
        if (length > bytes.remaining()) {
            throw error(field, "needs " + length + " bytes but only " + bytes.remaining() + " remain (truncated file?)");
        }
    }
}
