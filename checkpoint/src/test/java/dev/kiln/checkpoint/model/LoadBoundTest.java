package dev.kiln.checkpoint.model;

import dev.kiln.engine.model.ModelParts;
import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory bound of FORMAT.md, held against the files that cost the most per byte: metadata
 * made of the smallest JSON values (empty objects, one-key objects, empty strings, short numbers,
 * empty lists), a few MiB of each in an extra section of a valid model file; and configs that ask
 * for huge layers, which must be refused before anything of their size is allocated.
 */
class LoadBoundTest {
    private static final int PADDING_BYTES = 4 << 20;

    private static Sequential model() {
        Sequential model = new Sequential(List.of(new Embedding(20, 4, true, "embedding"), new Lstm(3, false, "lstm"),
                new Dense(1, Activation.LINEAR, "dense")));
        model.build(0, new Rng(1));
        return model;
    }

    private static long allocatedWhileLoading(Path file) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ModelFile.load(file, ModelParts.engine()); // warm: class loading is not the file's cost
        long before = threads.getCurrentThreadAllocatedBytes();
        ModelFile.load(file, ModelParts.engine());
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void theCostliestMetadataStaysWithinTheBound(@TempDir Path folder) throws IOException {
        Path plain = folder.resolve("plain.kiln");
        ModelFile.save(plain, model(), new AtomicFileWriter(false));
        String metadata = TensorFile.read(plain).metadata();
        for (String unit : List.of("{},", "{\"\":0},", "\"\",", "\"a\",", "0,", "1000,", "[],", "[[]],", "1.5,", "true,")) {
            String padding = "[" + unit.repeat(PADDING_BYTES / unit.length()) + "0]";
            String padded = metadata.substring(0, metadata.lastIndexOf('}')) + ", \"padding\": " + padding + "}";
            Path file = folder.resolve("padded.kiln");
            TensorFile.write(file, padded, TensorFile.read(plain).tensors(), new AtomicFileWriter(false));
            long allocated = allocatedWhileLoading(file);
            long bound = LoadLimits.heapBound(Files.size(file), padded.length());
            System.out.printf("LoadBoundTest: %-8s %,d bytes of metadata: %,d bytes allocated (%.1f per metadata byte), bound %,d%n",
                    unit, padded.length(), allocated, (double) allocated / padded.length(), bound);
            assertTrue(allocated <= bound, unit + ": allocated " + allocated + " bytes, bound " + bound);
        }
    }

    @Test
    void hugeLayersAreRefusedBeforeTheyAreAllocated(@TempDir Path folder) throws IOException {
        Path plain = folder.resolve("plain.kiln");
        ModelFile.save(plain, model(), new AtomicFileWriter(false));
        TensorFile.Contents contents = TensorFile.read(plain);
        String[][] cases = {
                {"\"units\": 3", "\"units\": 4194304", "tensor weights/lstm/kernel has shape [4, 12]; the layer's config needs [4, 16777216]"},
                {"\"units\": 3", "\"units\": 4194305", "'units' is 4194305; allowed: an integer from 1 to 4194304"},
                {"\"input_dim\": 20", "\"input_dim\": 16777216", "tensor weights/embedding/embeddings has shape [20, 4]; the layer's config needs [16777216, 4]"},
                {"\"units\": 1,", "\"units\": 2147483647,", "'units' is 2147483647; allowed: an integer from 1 to 16777216"},
        };
        for (String[] c : cases) {
            String edited = contents.metadata().replace(c[0], c[1]);
            assertTrue(!edited.equals(contents.metadata()), c[0]);
            Path file = folder.resolve("huge.kiln");
            TensorFile.write(file, edited, contents.tensors(), new AtomicFileWriter(false));
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            var error = assertThrows(CheckpointFormatException.class, () -> ModelFile.load(file, ModelParts.engine()));
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(error.getMessage().startsWith(file + ": ") && error.getMessage().endsWith(c[2]), error.getMessage());
            assertTrue(allocated < LoadLimits.heapBound(Files.size(file), edited.length()), "allocated " + allocated);
            assertEquals(-1, error.getMessage().indexOf("java."), error.getMessage());
        }
    }
}
