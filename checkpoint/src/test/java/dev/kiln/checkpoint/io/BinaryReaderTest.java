package dev.kiln.checkpoint.io;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinaryReaderTest {

    /** u32 7, u64 42, then the string "layer" with its u32 length. */
    private static byte[] sample() {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 8 + 4 + 5).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(7).putLong(42).putInt(5).put("layer".getBytes(StandardCharsets.UTF_8));
        return buffer.array();
    }

    private static void readSample(byte[] bytes) throws CheckpointFormatException {
        BinaryReader reader = new BinaryReader(ByteBuffer.wrap(bytes), "m.kiln").section("metadata");
        assertEquals(7, reader.u32("version"));
        assertEquals(42, reader.u64("count"));
        assertEquals("layer", reader.string("name", 100));
    }

    @Test
    void readsLittleEndianFields() throws CheckpointFormatException {
        readSample(sample());
    }

    /** Cut anywhere, the reader reports the field and offset; it never throws anything else. */
    @Property(tries = 100)
    void truncationIsAlwaysAClearFormatError(@ForAll @IntRange(min = 0, max = 20) int length) {
        byte[] cut = Arrays.copyOf(sample(), length);
        var error = assertThrows(CheckpointFormatException.class, () -> readSample(cut));
        assertTrue(error.getMessage().startsWith("m.kiln: metadata, ") && error.getMessage().contains("truncated file?"),
                error.getMessage());
    }

    @Test
    void hostileValuesAreRejectedBeforeAllocating() {
        ByteBuffer huge = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).putLong(-5);
        BinaryReader reader = new BinaryReader(ByteBuffer.wrap(huge.array()), "m.kiln");
        var length = assertThrows(CheckpointFormatException.class, () -> reader.string("name", 1 << 20));
        assertTrue(length.getMessage().contains("length 4294967295 exceeds the limit"), length.getMessage());
        var big = assertThrows(CheckpointFormatException.class, () -> reader.u64("offset"));
        assertTrue(big.getMessage().contains("is too large"), big.getMessage());
        var seek = assertThrows(CheckpointFormatException.class, () -> reader.seek(99, "table offset"));
        assertTrue(seek.getMessage().contains("table offset at offset") && seek.getMessage().contains("outside the file of 12 bytes"),
                seek.getMessage());
        var utf8 = assertThrows(CheckpointFormatException.class,
                () -> new BinaryReader(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x28}), "m.kiln").utf8(2, "token"));
        assertTrue(utf8.getMessage().contains("token at offset 2: is not valid UTF-8"), utf8.getMessage());
    }
}
