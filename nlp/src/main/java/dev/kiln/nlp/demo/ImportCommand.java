package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.keras.KerasImport;
import dev.kiln.checkpoint.keras.KerasModelFile;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.checkpoint.model.ModelSnapshot;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code kiln import --keras FILE OUT}: a Keras model file (a Keras 3 .keras archive or a Keras 2
 * HDF5 full model) made into a Kiln model file with the file's weights; {@code import
 * --safetensors} is the checkpoint tool's.
 */
final class ImportCommand {
    static final String HELP = """
            usage: kiln import --keras FILE OUT
                   kiln import --keras WEIGHTS.h5 --config MODEL.json OUT
                   kiln import --safetensors IN --template MODEL OUT
              --keras FILE OUT     reads the Keras model FILE (a Keras 3 .keras archive or a Keras 2 HDF5 full model,
                                   told apart by content) with its weights and writes them, with the architecture,
                                   as the Kiln model file OUT, with the file's optimizer state when it is Adam's
                                   (iterations, m and v: training continues as in Keras; otherwise a note says why
                                   a fresh optimizer will start); a layer, option or entry Kiln does not read is
                                   refused by name, and nothing in the file is run
              --keras WEIGHTS.h5 --config MODEL.json OUT
                                   a weights-only Keras file (save_weights; Keras 3's .weights.h5 or Keras 2's HDF5
                                   layout) with the model's config JSON (model.to_json()); the file's layers are
                                   matched with the config's by position and class, since their names may differ
              --safetensors IN --template MODEL OUT
                                   MODEL's architecture with the weights of the safetensors file IN, written to OUT
            """;

    private ImportCommand() {}

    static void run(List<String> args, PrintStream out) throws IOException, CommandLine.UsageException {
        CommandLine line = CommandLine.parse("import", args, Set.of("keras", "config"), Set.of());
        if (!line.has("keras") || line.positional().size() != 1) {
            throw new CommandLine.UsageException("import: expected --keras FILE OUT or --keras WEIGHTS.h5 --config MODEL.json OUT");
        }
        Path file = line.path("keras", null);
        Path target = Path.of(line.positional().getFirst());
        KerasImport imported = line.has("config") ? KerasModelFile.load(file, line.path("config", null), SeedModel.kerasLayers())
                : KerasModelFile.load(file, SeedModel.kerasLayers());
        out.print(imported.model().summary());
        ModelSnapshot weights = ModelSnapshot.view(imported.model(), true);
        // With the file's optimizer state (Adam's iterations, m and v) when it was imported: training continues from it.
        ModelFile.write(target, imported.optimizer().map(optimizer -> new ModelSnapshot(weights.layers(), weights.input(),
                weights.classNames(), weights.weights(), Optional.of(new ModelSnapshot.SavedOptimizer(optimizer.config(),
                optimizer.saveState())), false, weights.compile(), weights.extraMetadata(), weights.extraTensors()))
                .orElse(weights), new AtomicFileWriter(true));
        out.printf(Locale.ROOT, "wrote %s: %,d weights from %s (Keras %d)%n", target, imported.model().parameterCount(), file,
                imported.kerasMajorVersion());
        imported.notes().forEach(note -> out.println("note: " + note));
    }
}
