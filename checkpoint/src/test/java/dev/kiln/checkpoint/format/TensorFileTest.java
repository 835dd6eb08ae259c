package dev.kiln.checkpoint.format;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.random.Rng;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorFileTest {
    private static final AtomicFileWriter WRITER = new AtomicFileWriter(false);

    private static Map<String, Tensor> sample(long seed) {
        Rng rng = new Rng(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int[][] shapes = {{3, 5}, {17}, {}, {0, 4}, {2, 3, 4}};
        String[] names = {"dense/kernel", "dense/bias", "scalar", "empty", "embedding/été"};
        for (int i = 0; i < shapes.length; i++) {
            Tensor tensor = Tensor.zeros(Shape.of(shapes[i]));
            for (int j = 0; j < tensor.size(); j++) {
                tensor.data()[j] = rng.uniform(-1, 1);
            }
            tensors.put(names[i], tensor);
        }
        return tensors;
    }

    private static void assertSame(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet().stream().toList(), actual.keySet().stream().toList());
        for (String name : expected.keySet()) {
            assertEquals(expected.get(name).shape(), actual.get(name).shape(), name);
            assertArrayEquals(expected.get(name).data(), actual.get(name).data(), name);
        }
    }

    @Test
    void roundTripKeepsNamesShapesOrderValuesAndMetadata(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("model.kiln");
        Map<String, Tensor> tensors = sample(1);
        TensorFile.write(file, "{\"model\": \"sequential\", \"note\": \"é\"}", tensors, WRITER);
        TensorFile.Contents contents = TensorFile.read(file);
        assertEquals(1, contents.formatVersion());
        assertEquals("{\"model\": \"sequential\", \"note\": \"é\"}", contents.metadata());
        assertSame(tensors, contents.tensors());
        TensorFile.Layout layout = TensorFile.inspect(file);
        assertEquals(5, layout.entries().size());
        for (TensorFile.Entry entry : layout.entries()) {
            assertEquals(0, entry.offset() % 64, entry.name() + " is 64-byte aligned");
        }
        assertEquals(Files.size(file), layout.fileSize());
    }

    /** Any single bit flipped anywhere: a format error, or (in padding) exactly the original contents. Never a wrong model. */
    @Property(tries = 300)
    void aFlippedBitIsCaughtOrHarmless(@ForAll @IntRange(min = 0, max = 100_000) int where, @ForAll @IntRange(min = 0, max = 7) int bit)
            throws IOException {
        try (TempFolder folder = TempFolder.create("kiln-tensorfile")) {
            Path file = folder.path().resolve("model.kiln");
            Map<String, Tensor> tensors = sample(2);
            TensorFile.write(file, "{\"a\": 1}", tensors, WRITER);
            byte[] bytes = Files.readAllBytes(file);
            int at = where % bytes.length;
            bytes[at] ^= (byte) (1 << bit);
            Files.write(file, bytes);
            try {
                TensorFile.Contents contents = TensorFile.read(file);
                assertEquals("{\"a\": 1}", contents.metadata(), "flip at " + at);
                assertSame(tensors, contents.tensors());
            } catch (CheckpointFormatException expected) {
                assertTrue(expected.getMessage().startsWith(file.toString()), expected.getMessage());
            }
        }
    }

    @Property(tries = 100)
    void everyTruncationAndTrailingBytesAreRefused(@ForAll @IntRange(min = 0, max = 100_000) int cut) throws IOException {
        try (TempFolder folder = TempFolder.create("kiln-tensorfile")) {
            Path file = folder.path().resolve("model.kiln");
            TensorFile.write(file, "{}", sample(3), WRITER);
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(bytes, cut % bytes.length));
            assertThrows(CheckpointFormatException.class, () -> TensorFile.read(file));
            Files.write(file, Arrays.copyOf(bytes, bytes.length + 1 + cut % 100));
            var trailing = assertThrows(CheckpointFormatException.class, () -> TensorFile.read(file));
            assertTrue(trailing.getMessage().contains("footer"), trailing.getMessage());
        }
    }

    @Test
    void aNewerFormatIsRefusedNamingBothVersions(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("future.kiln");
        TensorFile.write(file, "{}", sample(4), WRITER);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(8, 3).putInt(12, 2);
        Files.write(file, bytes);
        var error = assertThrows(CheckpointFormatException.class, () -> TensorFile.read(file));
        assertTrue(error.getMessage().contains("format 3 and needs a reader of version 2; this build reads versions 1 to 1"),
                error.getMessage());
    }

    @Test
    void notACheckpointAndMissingFilesAreNamed(@TempDir Path folder) throws IOException {
        Path text = folder.resolve("notes.kiln");
        Files.writeString(text, "x".repeat(200));
        var magic = assertThrows(CheckpointFormatException.class, () -> TensorFile.read(text));
        assertTrue(magic.getMessage().contains("not a Kiln checkpoint"), magic.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> TensorFile.read(folder.resolve("missing.kiln")));
    }
}
