package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.format.Safetensors;
import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.MetadataSection;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Moves weights between Kiln model files and safetensors files. Export writes a model's weights
 * under their parameter names ({@code embedding/embeddings}, ...) and the Kiln metadata as the
 * string {@code __metadata__["kiln"]}. Import takes the architecture from a Kiln model file (the
 * template) and the weights from a safetensors file, which must hold exactly the template's
 * parameters with their shapes, and writes a new model file without optimizer or training state.
 * Neither needs to rebuild layers, so models with any layer types can be exchanged.
 */
public final class SafetensorsExchange {
    private static final String PREFIX = "weights/";

    private SafetensorsExchange() {}

    /** Writes the weights of the Kiln model file {@code model} to the safetensors file {@code out}. */
    public static void export(Path model, Path out, AtomicFileWriter writer) throws IOException {
        TensorFile.Contents contents = TensorFile.read(model);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        contents.tensors().forEach((name, tensor) -> {
            if (name.startsWith(PREFIX)) {
                weights.put(name.substring(PREFIX.length()), tensor);
            }
        });
        Safetensors.write(out, weights, Map.of("format", "kiln", "kiln", contents.metadata()), writer);
    }

    /**
     * Writes the Kiln model file {@code out}: {@code template}'s architecture with the weights of {@code
     * safetensors}.
     */
    public static void importWeights(Path safetensors, Path template, Path out, AtomicFileWriter writer) throws IOException {
        TensorFile.Contents model = TensorFile.read(template);
        Map<String, Tensor> incoming = Safetensors.read(safetensors).tensors();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> entry : model.tensors().entrySet()) {
            if (!entry.getKey().startsWith(PREFIX)) {
                continue;
            }
            String name = entry.getKey().substring(PREFIX.length());
            Tensor tensor = incoming.get(name);
            if (tensor == null) {
                throw new CheckpointFormatException(safetensors + ": tensor " + name + " is missing; the model " + template
                        + " needs it with shape " + entry.getValue().shape());
            }
            if (!tensor.shape().equals(entry.getValue().shape())) {
                throw new CheckpointFormatException(safetensors + ": tensor " + name + " has shape " + tensor.shape()
                        + "; the model " + template + " needs " + entry.getValue().shape());
            }
            weights.put(PREFIX + name, tensor);
        }
        TreeSet<String> unused = new TreeSet<>(incoming.keySet());
        weights.keySet().forEach(name -> unused.remove(name.substring(PREFIX.length())));
        if (!unused.isEmpty()) {
            throw new CheckpointFormatException(safetensors + ": tensors " + unused + " match no parameter of " + template);
        }
        MetadataSection metadata = MetadataSection.parse(model.metadata(), template.toString(), "metadata");
        Map<String, Object> imported = new LinkedHashMap<>();
        for (String key : List.of("kiln_model", "weights_only", "layers")) {
            if (metadata.has(key)) {
                imported.put(key, metadata.rawValue(key));
            }
        }
        imported.put("optimizer", null);
        TensorFile.write(out, JsonWriter.write(imported), weights, writer);
    }
}
