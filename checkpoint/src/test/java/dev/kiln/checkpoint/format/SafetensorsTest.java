package dev.kiln.checkpoint.format;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;
import dev.kiln.engine.testing.TempFolder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    /** A safetensors file as another tool would write it: header JSON, then the data bytes. */
    private static Path file(Path dir, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json).put(data);
        Path path = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(path, bytes.array());
        return path;
    }

    @Test
    void roundTripKeepsNamesShapesValuesAndMetadata(@TempDir Path dir) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("embedding/embeddings", Tensor.wrap(new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 7}, Shape.of(3, 2)));
        tensors.put("dense/bias", Tensor.wrap(new float[] {0.25f}, Shape.of(1)));
        Path path = dir.resolve("w.safetensors");
        Safetensors.write(path, tensors, Map.of("format", "kiln"), new AtomicFileWriter(false));
        Safetensors.Contents read = Safetensors.read(path);
        assertEquals(tensors.keySet(), read.tensors().keySet());
        for (String name : tensors.keySet()) {
            assertEquals(tensors.get(name).shape(), read.tensors().get(name).shape());
            assertArrayEquals(tensors.get(name).data(), read.tensors().get(name).data());
        }
        assertEquals("kiln", read.metadata().get("format"));
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(path), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "the header is padded so the data is 8-byte aligned");
    }

    @Test
    void readsHalfBfloatAndDoubleFromOtherTools(@TempDir Path dir) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(2 + 2 + 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort(Float.floatToFloat16(1.5f));
        data.putShort((short) (Float.floatToIntBits(-3f) >>> 16));
        data.putDouble(0.1);
        Path path = file(dir, "{\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[2,4]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[4,12]}}", data.array());
        Safetensors.Contents read = Safetensors.read(path);
        assertEquals(1.5f, read.tensors().get("h").data()[0]);
        assertEquals(-3f, read.tensors().get("b").data()[0]);
        assertEquals(0.1f, read.tensors().get("d").data()[0]);
    }

    @Test
    void hostileHeadersAreRefusedWithTheTensorNamed(@TempDir Path dir) throws IOException {
        byte[] eight = new byte[8];
        String[][] cases = {
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "overlap"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "gap"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "needs 12"},
                {"{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", "dtype is \"I64\""},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,8]}}", "shape is [100000, 100000]; allowed: at most 2147483631 elements"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "cover 4 bytes"},
                {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{}}", "header"},
                {"[1,2]", "header"},
        };
        for (String[] c : cases) {
            Path path = file(dir, c[0], eight);
            var error = assertThrows(CheckpointFormatException.class, () -> Safetensors.read(path), c[1]);
            assertTrue(error.getMessage().startsWith(path.toString()) && error.getMessage().contains(c[1]), error.getMessage());
        }
    }

    @Property(tries = 60)
    void everyTruncationOrHugeHeaderLengthIsAClearError(@ForAll @IntRange(min = 0, max = 200) int cut,
                                                        @ForAll @IntRange(min = 0, max = 7) int byteOfLength) throws IOException {
        try (TempFolder folder = TempFolder.create("kiln-st")) {
            Path dir = folder.path();
            Path path = dir.resolve("w.safetensors");
            Safetensors.write(path, Map.of("x", Tensor.wrap(new float[] {1, 2, 3, 4, 5}, Shape.of(5))), Map.of(), new AtomicFileWriter(false));
            byte[] whole = Files.readAllBytes(path);
            Path truncated = dir.resolve("cut.safetensors");
            Files.write(truncated, Arrays.copyOf(whole, Math.min(cut, whole.length - 1)));
            assertThrows(CheckpointFormatException.class, () -> Safetensors.read(truncated));
            byte[] huge = whole.clone();
            huge[byteOfLength] = (byte) 0x7F;
            Path hostile = dir.resolve("huge.safetensors");
            Files.write(hostile, huge);
            assertThrows(CheckpointFormatException.class, () -> Safetensors.read(hostile));
        }
    }
}
