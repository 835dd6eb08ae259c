package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.keras.KerasModelConfig;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.model.Sequential;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code kiln export --keras-json MODEL [--out FILE]}: a saved Kiln model's config as Keras 3
 * writes {@code model.to_json()}; {@code export --safetensors} is the checkpoint tool's.
 */
final class ExportCommand {
    static final String HELP = """
            usage: kiln export --keras-json MODEL [--out FILE]
                   kiln export --safetensors MODEL OUT
              --keras-json MODEL   writes the config of the saved Kiln model MODEL as Keras 3 writes model.to_json():
                                   each layer with the keys Keras writes (Kiln's values, Keras' defaults for the
                                   rest; the TextVectorization with its vocabulary) and an InputLayer for the
                                   texts or ids it takes; on one line, to standard output or to FILE (--out)
              --safetensors MODEL OUT
                                   writes MODEL's weights to the safetensors file OUT (float32, parameter names
                                   such as embedding/embeddings; the Kiln metadata in __metadata__["kiln"])
            """;

    private ExportCommand() {}

    static void run(List<String> args, PrintStream out) throws IOException, CommandLine.UsageException {
        CommandLine line = CommandLine.parse("export", args, Set.of("keras-json", "out"), Set.of());
        if (!line.positional().isEmpty() || !line.has("keras-json")) {
            throw new CommandLine.UsageException("export: expected --keras-json MODEL [--out FILE]");
        }
        Sequential model = ModelFile.load(line.path("keras-json", null), SeedModel.parts()).model();
        String json = KerasModelConfig.toJson(model, SeedModel.kerasLayers());
        Path file = line.path("out", null);
        if (file == null) {
            out.println(json);
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
        new AtomicFileWriter(true).write(file, channel -> {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        });
        out.println("wrote " + file);
    }
}
