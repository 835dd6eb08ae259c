package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.keras.KerasImport;
import dev.kiln.checkpoint.keras.KerasModelFile;
import dev.kiln.checkpoint.model.ModelFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code kiln import --keras FILE OUT}: a Keras model file (a Keras 3 .keras archive or a Keras 2
 * HDF5 full model) made into a Kiln model file with the file's weights; {@code import
 * --safetensors} is the checkpoint tool's.
 */
final class ImportCommand {
    static final String HELP = """
            usage: kiln import --keras FILE OUT
                   kiln import --safetensors IN --template MODEL OUT
              --keras FILE OUT     reads the Keras model FILE (a Keras 3 .keras archive or a Keras 2 HDF5 full model,
                                   told apart by content) with its weights and writes them, with the architecture,
                                   as the Kiln model file OUT (weights only: no optimizer state is carried over); a
                                   layer, option or entry Kiln does not read is refused by name, and nothing in the
                                   file is run
              --safetensors IN --template MODEL OUT
                                   MODEL's architecture with the weights of the safetensors file IN, written to OUT
            """;

    private ImportCommand() {}

    static void run(List<String> args, PrintStream out) throws IOException, CommandLine.UsageException {
        CommandLine line = CommandLine.parse("import", args, Set.of("keras"), Set.of());
        if (!line.has("keras") || line.positional().size() != 1) {
            throw new CommandLine.UsageException("import: expected --keras FILE OUT");
        }
        Path file = line.path("keras", null);
        Path target = Path.of(line.positional().getFirst());
        KerasImport imported = KerasModelFile.load(file, SeedModel.kerasLayers());
        out.print(imported.model().summary());
        ModelFile.saveWeights(target, imported.model(), new AtomicFileWriter(true));
        out.printf(Locale.ROOT, "wrote %s: %,d weights from %s (Keras %d)%n", target, imported.model().parameterCount(), file,
                imported.kerasMajorVersion());
        imported.notes().forEach(note -> out.println("note: " + note));
    }
}
