package dev.kiln.checkpoint;

import dev.kiln.checkpoint.format.TensorFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A checkpoint's format version, metadata (architecture, optimizer, checkpoint record, training
 * state) and tensor table, with the structure validated but no tensor data read.
 */
public final class Inspect {
    private Inspect() {}

    /** The report {@code kiln-checkpoint inspect FILE} prints. */
    public static String describe(Path file) throws IOException {
        TensorFile.Layout layout = TensorFile.inspect(file);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: Kiln checkpoint, format %d (needs a reader >= %d), %,d bytes%n", file,
                layout.formatVersion(), layout.minReaderVersion(), layout.fileSize()));
        out.append("metadata:\n").append(layout.metadata()).append('\n');
        out.append(String.format(Locale.ROOT, "tensors (%d):%n", layout.entries().size()));
        out.append(String.format(Locale.ROOT, "  %-48s %-8s %-16s %12s %12s %10s%n", "name", "dtype", "shape", "offset", "bytes", "crc32c"));
        long total = 0;
        for (TensorFile.Entry entry : layout.entries()) {
            out.append(String.format(Locale.ROOT, "  %-48s %-8s %-16s %12d %12d %08x%n", entry.name(), "float32",
                    Arrays.toString(entry.shape().toArray()), entry.offset(), entry.length(), entry.crc()));
            total += entry.shape().size();
        }
        out.append(String.format(Locale.ROOT, "total: %,d values%n", total));
        return out.toString();
    }
}
