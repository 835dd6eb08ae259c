package dev.kiln.checkpoint;

import dev.kiln.checkpoint.format.TensorFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code inspect FILE}: prints a checkpoint's format version, metadata (architecture, optimizer)
 * and tensor table, validating the structure but without reading tensor data.
 */
public final class Inspect {
    private Inspect() {}

    public static void main(String[] args) {
        if (args.length != 1 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println("usage: inspect FILE\n  Prints a Kiln checkpoint's format version, metadata and tensor table"
                    + " (name, dtype, shape, offset, bytes, CRC32C) without reading the tensor data.");
            System.exit(args.length == 1 ? 0 : 2);
        }
        try {
            System.out.print(describe(Path.of(args[0])));
        } catch (IOException e) {
            System.err.println("inspect: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The report {@code main} prints. */
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
