package dev.kiln.checkpoint;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.model.SafetensorsExchange;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The checkpoint command line: {@code inspect FILE}, {@code export --safetensors MODEL OUT},
 * {@code import --safetensors IN --template MODEL OUT}. Exit status 0 on success, 1 when a file is
 * refused (the message names it), 2 for a usage error.
 */
public final class CheckpointTool {
    static final String USAGE = """
            usage: kiln-checkpoint COMMAND ...
              inspect FILE
                  Prints a Kiln checkpoint's format version, metadata (architecture, optimizer, checkpoint
                  record, training state) and tensor table (name, dtype, shape, offset, bytes, CRC32C),
                  validating the structure without reading tensor data.
              export --safetensors MODEL OUT
                  Writes MODEL's weights to the safetensors file OUT (float32, parameter names such as
                  embedding/embeddings; the Kiln metadata in __metadata__["kiln"]).
              import --safetensors IN --template MODEL OUT
                  Writes the Kiln model file OUT: the architecture of MODEL with the weights of the
                  safetensors file IN (F32, F64, F16 or BF16; every parameter, with its shape, and no other).
            """;

    private CheckpointTool() {}

    /** Runs the command in {@code args} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Runs one command; returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        try {
            switch (args.getFirst()) {
                case "inspect" -> {
                    require(args.size() == 2, "inspect takes one FILE");
                    out.print(Inspect.describe(Path.of(args.get(1))));
                }
                case "export" -> {
                    require(args.size() == 4 && args.get(1).equals("--safetensors"), "export --safetensors MODEL OUT");
                    SafetensorsExchange.export(Path.of(args.get(2)), Path.of(args.get(3)), new AtomicFileWriter(true));
                    out.println("wrote " + args.get(3));
                }
                case "import" -> {
                    require(args.size() == 6 && args.get(1).equals("--safetensors") && args.get(3).equals("--template"),
                            "import --safetensors IN --template MODEL OUT");
                    SafetensorsExchange.importWeights(Path.of(args.get(2)), Path.of(args.get(4)), Path.of(args.get(5)),
                            new AtomicFileWriter(true));
                    out.println("wrote " + args.get(5));
                }
                default -> throw new UsageException("unknown command '" + args.getFirst() + "'");
            }
            return 0;
        } catch (UsageException e) {
            err.println("kiln-checkpoint: " + e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (IOException e) {
            err.println("kiln-checkpoint: " + e.getMessage());
            return 1;
        }
    }

    private static void require(boolean condition, String usage) throws UsageException {
        if (!condition) {
            throw new UsageException("expected: " + usage);
        }
    }

    @SuppressWarnings("serial") // never serialized: Kiln does not use Java serialization
    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
