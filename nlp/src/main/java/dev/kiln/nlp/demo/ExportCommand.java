package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.keras.KerasArchiveWriter;
import dev.kiln.checkpoint.keras.KerasHdf5Writer;
import dev.kiln.checkpoint.keras.KerasModelConfig;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.model.Sequential;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code kiln export --keras-json MODEL [--out FILE]}: a saved Kiln model's config as Keras 3
 * writes {@code model.to_json()}; {@code kiln export --keras MODEL OUT [--h5]}: the whole model as a
 * Keras 3 {@code .keras} archive or a legacy full-model HDF5 file; {@code export --safetensors} is
 * the checkpoint tool's.
 */
final class ExportCommand {
    static final String HELP = """
            usage: kiln export --keras-json MODEL [--out FILE]
                   kiln export --keras MODEL OUT [--h5]
                   kiln export --safetensors MODEL OUT
              --keras-json MODEL   writes the config of the saved Kiln model MODEL as Keras 3 writes model.to_json():
                                   each layer with the keys Keras writes (Kiln's values, Keras' defaults for the
                                   rest; the TextVectorization with its vocabulary) and an InputLayer for the
                                   texts or ids it takes; on one line, to standard output or to FILE (--out)
              --keras MODEL OUT    writes the saved Kiln model MODEL as a Keras 3 .keras archive OUT, as Keras 3.10
                                   saves one: metadata.json, config.json (as --keras-json), model.weights.h5 (the
                                   weights in Keras 3's layout, float32) and a TextVectorization's vocabulary
                                   as assets/layers/text_vectorization/vocabulary.txt; keras.saving.load_model
                                   and kiln import --keras read it
              --h5                 with --keras: writes the legacy full-model HDF5 format instead (model.save
                                   ("m.h5"): model_config, keras_version and backend attributes, the weights
                                   under /model_weights/LAYER/LAYER/WEIGHT:0); it has no room for assets, so a
                                   TextVectorization's vocabulary stays in the config
              --safetensors MODEL OUT
                                   writes MODEL's weights to the safetensors file OUT (float32, parameter names
                                   such as embedding/embeddings; the Kiln metadata in __metadata__["kiln"])
            """;

    private ExportCommand() {}

    static void run(List<String> args, PrintStream out) throws IOException, CommandLine.UsageException {
        CommandLine line = CommandLine.parse("export", args, Set.of("keras-json", "keras", "out"), Set.of("h5"));
        if (line.has("keras") && !line.has("keras-json") && !line.has("out") && line.positional().size() == 1) {
            exportModel(line.path("keras", null), Path.of(line.positional().getFirst()), line.has("h5"), out);
            return;
        }
        if (!line.positional().isEmpty() || !line.has("keras-json") || line.has("keras") || line.has("h5")) {
            throw new CommandLine.UsageException("export: expected --keras-json MODEL [--out FILE] or --keras MODEL OUT [--h5]");
        }
        Sequential model = ModelFile.load(line.path("keras-json", null), SeedModel.parts()).model();
        String json = KerasModelConfig.toJson(model, SeedModel.kerasLayers());
        Path file = line.path("out", null);
        if (file == null) {
            out.println(json);
            return;
        }
        new AtomicFileWriter(true).write(file, (json + "\n").getBytes(StandardCharsets.UTF_8));
        out.println("wrote " + file);
    }

    private static void exportModel(Path modelFile, Path file, boolean legacy, PrintStream out) throws IOException {
        Sequential model = ModelFile.load(modelFile, SeedModel.parts()).model();
        long start = System.nanoTime();
        if (legacy) {
            KerasHdf5Writer.write(file, model, SeedModel.kerasLayers());
        } else {
            KerasArchiveWriter.write(file, model, SeedModel.kerasLayers());
        }
        out.printf(Locale.ROOT, "wrote %s (%s, %d bytes, %.0f ms)%n", file, legacy ? "legacy Keras HDF5 full model"
                : "Keras 3 archive", Files.size(file), (System.nanoTime() - start) / 1e6);
    }
}
