package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerConfig;
import dev.kiln.engine.layer.LayerRegistry;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads a whole Sequential model: the architecture (every layer's config, the
 * TextVectorization vocabulary included), the weights, and the Adam state (iterations, m, v), in
 * the v1 container. The metadata is JSON:
 * {@code {"kiln_model": 1, "layers": [{"class_name", "config"}], "optimizer": {...} | null}};
 * tensors are {@code weights/<name>}, {@code optimizer/m/<name>}, {@code optimizer/v/<name>}.
 */
public final class ModelFile {
    private static final int MODEL_SCHEMA = 1;

    /** A loaded model, and its optimizer when one was saved. */
    public record Loaded(Sequential model, Adam optimizer) {}

    private ModelFile() {}

    public static void save(Path path, Sequential model, Adam optimizer, AtomicFileWriter writer) throws IOException {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("kiln_model", MODEL_SCHEMA);
        List<Object> layers = new ArrayList<>();
        for (Layer layer : model.layers()) {
            layers.add(configJson(layer.config()));
        }
        metadata.put("layers", layers);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<Variable> parameters = model.parameters();
        for (Variable parameter : parameters) {
            tensors.put("weights/" + parameter.name(), parameter.value());
        }
        if (optimizer != null) {
            Map<String, Object> adam = new LinkedHashMap<>();
            adam.put("class_name", "Adam");
            adam.put("learning_rate", (double) optimizer.learningRate());
            adam.put("beta_1", (double) optimizer.beta1());
            adam.put("beta_2", (double) optimizer.beta2());
            adam.put("epsilon", (double) optimizer.epsilon());
            adam.put("iterations", optimizer.iterations());
            metadata.put("optimizer", adam);
            for (int p = 0; p < optimizer.moments().size(); p++) {
                tensors.put("optimizer/m/" + parameters.get(p).name(), optimizer.moments().get(p));
                tensors.put("optimizer/v/" + parameters.get(p).name(), optimizer.velocities().get(p));
            }
        } else {
            metadata.put("optimizer", null);
        }
        TensorFile.write(path, JsonWriter.write(metadata), tensors, writer);
    }

    @SuppressWarnings("unchecked")
    public static Loaded load(Path path, LayerRegistry registry) throws IOException {
        TensorFile.Contents contents = TensorFile.read(path);
        String where = path + ": metadata";
        Map<String, Object> metadata;
        try {
            metadata = (Map<String, Object>) JsonReader.parse(contents.metadata(), where);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new CheckpointFormatException(where + ": " + e.getMessage());
        }
        Object schema = metadata.get("kiln_model");
        if (!(schema instanceof Integer version) || version > MODEL_SCHEMA) {
            throw new CheckpointFormatException(where + ": model schema " + schema + " is not one this build reads (1)");
        }
        try {
            List<Layer> layers = new ArrayList<>();
            for (Object layer : (List<Object>) metadata.get("layers")) {
                layers.add(registry.create(configOf((Map<String, Object>) layer)));
            }
            Sequential model = new Sequential(layers);
            model.build(0, new Rng(0)); // shapes only: every weight is overwritten below
            List<Variable> parameters = model.parameters();
            for (Variable parameter : parameters) {
                Tensor saved = checked(parameter, contents.tensors().get("weights/" + parameter.name()), "weights/", path);
                System.arraycopy(saved.data(), 0, parameter.data(), 0, saved.size());
            }
            Adam adam = null;
            Map<String, Object> optimizer = (Map<String, Object>) metadata.get("optimizer");
            if (optimizer != null) {
                adam = new Adam(number(optimizer, "learning_rate"), number(optimizer, "beta_1"), number(optimizer, "beta_2"),
                        number(optimizer, "epsilon"));
                long iterations = ((Number) optimizer.get("iterations")).longValue();
                List<Tensor> m = new ArrayList<>();
                List<Tensor> v = new ArrayList<>();
                if (contents.tensors().containsKey("optimizer/m/" + parameters.get(0).name())) {
                    for (Variable parameter : parameters) {
                        m.add(checked(parameter, contents.tensors().get("optimizer/m/" + parameter.name()), "optimizer/m/", path));
                        v.add(checked(parameter, contents.tensors().get("optimizer/v/" + parameter.name()), "optimizer/v/", path));
                    }
                }
                adam.restore(iterations, m, v);
            }
            return new Loaded(model, adam);
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new CheckpointFormatException(where + ": does not describe a model this build can rebuild ("
                    + e.getMessage() + ")");
        }
    }

    private static float number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).floatValue();
    }

    private static Tensor checked(Variable parameter, Tensor tensor, String prefix, Path path) throws CheckpointFormatException {
        if (tensor == null || !tensor.shape().equals(parameter.shape())) {
            throw new CheckpointFormatException(path + ": tensor " + prefix + parameter.name() + " is "
                    + (tensor == null ? "missing" : "of shape " + tensor.shape()) + ", the model needs " + parameter.shape());
        }
        return tensor;
    }

    private static Map<String, Object> configJson(LayerConfig config) {
        Map<String, Object> values = new LinkedHashMap<>();
        config.values().forEach((key, value) -> values.put(key, value instanceof LayerConfig nested ? configJson(nested) : value));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("class_name", config.type());
        json.put("config", values);
        return json;
    }

    @SuppressWarnings("unchecked")
    private static LayerConfig configOf(Map<String, Object> json) {
        LayerConfig.Builder builder = LayerConfig.builder((String) json.get("class_name"));
        for (Map.Entry<String, Object> entry : ((Map<String, Object>) json.get("config")).entrySet()) {
            Object value = entry.getValue();
            switch (value) {
                case Integer number -> builder.put(entry.getKey(), number);
                case Double number -> builder.put(entry.getKey(), number);
                case Boolean flag -> builder.put(entry.getKey(), flag);
                case String text -> builder.put(entry.getKey(), text);
                case Map<?, ?> nested -> builder.put(entry.getKey(), configOf((Map<String, Object>) nested));
                case List<?> list -> builder.put(entry.getKey(), list.stream().map(item -> (String) item).toList());
                default -> throw new IllegalArgumentException("config value " + entry.getKey() + " = " + value);
            }
        }
        return builder.build();
    }
}
