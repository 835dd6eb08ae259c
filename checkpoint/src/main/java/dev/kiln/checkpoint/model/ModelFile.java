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
import dev.kiln.engine.model.BinaryCrossentropy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;

/**
 * Saves and loads a whole Sequential model: the architecture (every layer's config, the
 * TextVectorization vocabulary included), the weights, and the optimizer state (Adam: iterations, m, v), in
 * the v1 container; or the weights alone ({@link #saveWeights}/{@link #loadWeights}). The metadata
 * is JSON: {@code {"kiln_model": 1, "weights_only": bool, "layers": [{"class_name", "config"}],
 * "optimizer": {...} | null, ...extra sections}}; tensors are {@code weights/<name>},
 * {@code optimizer/m/<name>}, {@code optimizer/v/<name>} and extra ones (training state).
 */
public final class ModelFile {
    private static final int MODEL_SCHEMA = 1;
    private static final Set<String> SCHEMA_KEYS = Set.of("kiln_model", "weights_only", "layers", "optimizer", "compile");

    /**
     * A loaded model, its optimizer when one was saved, and the file's extra metadata sections
     * and tensors (those beyond the model schema: checkpoint and training state).
     */
    public record Loaded(Sequential model, Optimizer optimizer, Map<String, Object> extraMetadata, Map<String, Tensor> extraTensors) {

        /** Compiles the model as it was saved (BinaryCrossentropy(from_logits), accuracy, the saved optimizer) on {@code engine}. */
        public Sequential compile(Engine engine) {
            if (optimizer == null) {
                throw new IllegalStateException("the model was saved without an optimizer; call model().compile(loss, optimizer, engine)");
            }
            model.compile(new BinaryCrossentropy(), optimizer, engine);
            return model;
        }
    }

    /** The one compile configuration Kiln has, in Keras' names (ordered maps: files are byte-for-byte reproducible). */
    private static final Map<String, Object> COMPILE_CONFIG = compileConfig();

    private ModelFile() {}

    /** Saves architecture, weights and, when {@code optimizer} is not null, its state. */
    public static void save(Path path, Sequential model, Optimizer optimizer, AtomicFileWriter writer) throws IOException {
        write(path, ModelSnapshot.view(model, optimizer, false), writer);
    }

    /** Saves the weights (with the architecture, for inspect) but no optimizer state. */
    public static void saveWeights(Path path, Sequential model, AtomicFileWriter writer) throws IOException {
        write(path, ModelSnapshot.view(model, null, true), writer);
    }

    /** Writes a snapshot; this may run on another thread than the training. */
    public static void write(Path path, ModelSnapshot snapshot, AtomicFileWriter writer) throws IOException {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("kiln_model", MODEL_SCHEMA);
        metadata.put("weights_only", snapshot.weightsOnly());
        List<Object> layers = new ArrayList<>();
        for (LayerConfig layer : snapshot.layers()) {
            layers.add(configJson(layer));
        }
        metadata.put("layers", layers);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        snapshot.weights().forEach((name, value) -> tensors.put("weights/" + name, value));
        metadata.put("optimizer", snapshot.optimizer() == null ? null
                : OptimizerState.write(snapshot.optimizer(), List.copyOf(snapshot.weights().keySet()), tensors));
        if (snapshot.compiled()) {
            metadata.put("compile", COMPILE_CONFIG);
        }
        for (Map.Entry<String, Object> section : snapshot.extraMetadata().entrySet()) {
            if (SCHEMA_KEYS.contains(section.getKey())) {
                throw new IllegalArgumentException("metadata section '" + section.getKey() + "' is the model schema's own");
            }
            metadata.put(section.getKey(), section.getValue());
        }
        for (Map.Entry<String, Tensor> tensor : snapshot.extraTensors().entrySet()) {
            if (tensor.getKey().startsWith("weights/") || tensor.getKey().startsWith("optimizer/")) {
                throw new IllegalArgumentException("tensor name '" + tensor.getKey() + "' is in the model schema's namespace");
            }
            tensors.put(tensor.getKey(), tensor.getValue());
        }
        TensorFile.write(path, JsonWriter.write(metadata), tensors, writer);
    }

    /** The metadata of a model file (validated structure, no tensor data read). */
    public static Map<String, Object> readMetadata(Path path) throws IOException {
        Map<String, Object> metadata = parse(TensorFile.inspect(path).metadata(), path);
        schema(metadata, path);
        return metadata;
    }

    @SuppressWarnings("unchecked")
    public static Loaded load(Path path, LayerRegistry registry) throws IOException {
        TensorFile.Contents contents = TensorFile.read(path);
        Map<String, Object> metadata = parse(contents.metadata(), path);
        schema(metadata, path);
        try {
            List<Layer> layers = new ArrayList<>();
            for (Object layer : (List<Object>) metadata.get("layers")) {
                layers.add(registry.create(configOf((Map<String, Object>) layer)));
            }
            Object compile = metadata.get("compile");
            if (compile != null && !compileConfigEquals(compile)) {
                throw new CheckpointFormatException(path + ": metadata: compile " + compile + " is not a configuration this build has ("
                        + COMPILE_CONFIG + ")");
            }
            Sequential model = new Sequential(layers);
            model.build(0, new Rng(0)); // shapes only: every weight is overwritten below
            copyWeights(path, contents.tensors(), model);
            Optimizer optimizer = optimizer(metadata, contents.tensors(), model.parameters(), path);
            Extras extras = extras(metadata, contents.tensors());
            return new Loaded(model, optimizer, extras.metadata(), extras.tensors());
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new CheckpointFormatException(path + ": metadata: does not describe a model this build can rebuild ("
                    + e.getMessage() + ")");
        }
    }

    /**
     * Puts a saved training state back into a live model without rebuilding it (so any layer
     * type works, registered or not): the weights (as {@link #loadWeights}) and, when the file
     * has one, the optimizer state into {@code live} (of the same kind). Returns the file's extra
     * sections and tensors.
     */
    public static Extras restoreInto(Path path, Sequential model, Optimizer live) throws IOException {
        TensorFile.Contents contents = TensorFile.read(path);
        Map<String, Object> metadata = parse(contents.metadata(), path);
        schema(metadata, path);
        try {
            Optimizer saved = optimizer(metadata, contents.tensors(), model.parameters(), path);
            if (saved != null) {
                OptimizerState.restore(saved, live, path); // checked before any weight changes
            }
            copyWeights(path, contents.tensors(), model);
            return extras(metadata, contents.tensors());
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new CheckpointFormatException(path + ": metadata: does not hold a state for this model (" + e.getMessage() + ")");
        }
    }

    /**
     * Loads the weights of a model file (whole-model or weights-only) into a built model with the
     * same parameters: every parameter must be in the file with its shape, and the file must hold
     * no weights the model lacks. Nothing is changed when a check fails.
     */
    public static void loadWeights(Path path, Sequential model) throws IOException {
        if (!model.isBuilt()) {
            throw new IllegalStateException("loadWeights needs a built model (build it, then load " + path + ")");
        }
        TensorFile.Contents contents = TensorFile.read(path);
        schema(parse(contents.metadata(), path), path);
        copyWeights(path, contents.tensors(), model);
    }

    /** Checks every parameter against the file's weights, then copies them all (all or nothing). */
    private static void copyWeights(Path path, Map<String, Tensor> tensors, Sequential model) throws CheckpointFormatException {
        List<Variable> parameters = model.parameters();
        Set<String> expected = new HashSet<>();
        List<Tensor> sources = new ArrayList<>();
        for (Variable parameter : parameters) {
            expected.add("weights/" + parameter.name());
            sources.add(checked(parameter, tensors.get("weights/" + parameter.name()), "weights/", path));
        }
        for (String name : tensors.keySet()) {
            if (name.startsWith("weights/") && !expected.contains(name)) {
                throw new CheckpointFormatException(path + ": tensor " + name + " has no parameter of that name in the model ("
                        + parameters.size() + " parameters)");
            }
        }
        for (int p = 0; p < parameters.size(); p++) {
            System.arraycopy(sources.get(p).data(), 0, parameters.get(p).data(), 0, sources.get(p).size());
        }
    }

    private static Map<String, Object> compileConfig() {
        Map<String, Object> loss = new LinkedHashMap<>();
        loss.put("class_name", "BinaryCrossentropy");
        loss.put("from_logits", true);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("loss", Collections.unmodifiableMap(loss));
        config.put("metrics", List.of("accuracy"));
        return Collections.unmodifiableMap(config);
    }

    private static boolean compileConfigEquals(Object compile) {
        return compile instanceof Map<?, ?> map && map.get("loss") instanceof Map<?, ?> loss
                && "BinaryCrossentropy".equals(loss.get("class_name")) && Boolean.TRUE.equals(loss.get("from_logits"))
                && List.of("accuracy").equals(map.get("metrics"));
    }

    /** The saved optimizer (settings and state) checked against the parameters, or null. */
    @SuppressWarnings("unchecked")
    private static Optimizer optimizer(Map<String, Object> metadata, Map<String, Tensor> tensors, List<Variable> parameters,
                                       Path path) throws CheckpointFormatException {
        Map<String, Object> section = (Map<String, Object>) metadata.get("optimizer");
        return section == null ? null : OptimizerState.read(section, tensors, parameters, path);
    }

    /** A file's metadata sections and tensors beyond the model schema (checkpoint record, training state). */
    public record Extras(Map<String, Object> metadata, Map<String, Tensor> tensors) {}

    private static Extras extras(Map<String, Object> metadata, Map<String, Tensor> tensors) {
        Map<String, Object> extraMetadata = new LinkedHashMap<>(metadata);
        extraMetadata.keySet().removeAll(SCHEMA_KEYS);
        Map<String, Tensor> extraTensors = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> {
            if (!name.startsWith("weights/") && !name.startsWith("optimizer/")) {
                extraTensors.put(name, tensor);
            }
        });
        return new Extras(extraMetadata, extraTensors);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json, Path path) throws CheckpointFormatException {
        String where = path + ": metadata";
        try {
            return (Map<String, Object>) JsonReader.parse(json, where);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new CheckpointFormatException(where + ": " + e.getMessage());
        }
    }

    private static void schema(Map<String, Object> metadata, Path path) throws CheckpointFormatException {
        Object schema = metadata.get("kiln_model");
        if (!(schema instanceof Integer version) || version < 1 || version > MODEL_SCHEMA) {
            throw new CheckpointFormatException(path + ": metadata: model schema " + schema
                    + " is not one this build reads (1 to " + MODEL_SCHEMA + ")");
        }
    }

    static Tensor checked(Variable parameter, Tensor tensor, String prefix, Path path) throws CheckpointFormatException {
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
