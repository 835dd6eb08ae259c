package dev.kiln.checkpoint.io;

import dev.kiln.engine.testing.TempFolder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFileWriterTest {

    private static AtomicFileWriter.Content bytes(byte[] data) {
        return channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        };
    }

    private static long filesIn(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.count();
        }
    }

    @Test
    void writesAndReplacesWithNothingLeftBehind(@TempDir Path folder) throws IOException {
        Path target = folder.resolve("sub/model.kiln");
        new AtomicFileWriter(true).write(target, bytes(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        new AtomicFileWriter(false).write(target, bytes(new byte[] {4}));
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(target));
        assertEquals(1, filesIn(target.getParent()));
    }

    /** Whatever byte the disk fills up at, the previous file survives whole and no temporary file remains. */
    @Property(tries = 40)
    void aFullDiskNeverDamagesThePreviousFile(@ForAll @IntRange(min = 0, max = 5000) int capacity) throws IOException {
        try (TempFolder temp = TempFolder.create("kiln-atomic")) {
            Path folder = temp.path();
            Path target = folder.resolve("best_model.kiln");
            byte[] previous = new byte[3000];
            Arrays.fill(previous, (byte) 7);
            new AtomicFileWriter(true).write(target, bytes(previous));
            byte[] next = new byte[6000];
            AtomicFileWriter full = new AtomicFileWriter(path -> new FullDiskChannel(
                    FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), capacity), true);
            IOException error = assertThrows(IOException.class, () -> full.write(target, bytes(next)));
            assertTrue(error.getMessage().contains("No space left on device") && error.getMessage().contains(target.toString())
                    && error.getMessage().contains("previous file, if any, is unchanged"), error.getMessage());
            assertArrayEquals(previous, Files.readAllBytes(target));
            assertEquals(1, filesIn(folder));
        }
    }

    @Test
    void anErrorInsideTheContentAlsoLeavesThePreviousFile(@TempDir Path folder) throws IOException {
        Path target = folder.resolve("model.kiln");
        new AtomicFileWriter(false).write(target, bytes(new byte[] {9}));
        IOException error = assertThrows(IOException.class, () -> new AtomicFileWriter(false).write(target, channel -> {
            channel.write(ByteBuffer.wrap(new byte[100]));
            throw new IllegalStateException("serializer bug");
        }));
        assertTrue(error.getMessage().contains("serializer bug"), error.getMessage());
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(target));
        assertEquals(1, filesIn(folder));
    }

    @Test
    void aDirectoryInTheWayIsNamed(@TempDir Path folder) throws IOException {
        Path target = Files.createDirectories(folder.resolve("best_model"));
        IOException error = assertThrows(IOException.class, () -> new AtomicFileWriter(false).write(target, bytes(new byte[1])));
        assertTrue(error.getMessage().contains("is an existing directory"), error.getMessage());
    }
}
