package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.MetadataSection;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerConfig;
import dev.kiln.engine.layer.LayerRegistry;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.SavedParameters;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.model.BinaryCrossentropy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private static final String WEIGHTS = "weights/";
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
        MetadataSection metadata = parse(TensorFile.inspect(path).metadata(), path);
        schema(metadata);
        return metadata.raw();
    }

    /**
     * Loads a whole model: each layer is created from its config by the registry (which validates
     * it), then built from the file's tensors, each checked against the shape its config implies
     * before it is used (no random initialization, no copy). The model must be able to predict:
     * its layers feed each other and it ends in one logit per example. Any problem is a
     * {@link CheckpointFormatException} naming the file and the field.
     */
    public static Loaded load(Path path, LayerRegistry registry) throws IOException {
        TensorFile.Contents contents = TensorFile.read(path);
        MetadataSection metadata = parse(contents.metadata(), path);
        schema(metadata);
        Optional<MetadataSection> compile = metadata.optionalObject("compile");
        if (compile.isPresent()) {
            requireTheCompileConfig(compile.get());
        }
        List<Layer> layers = new ArrayList<>();
        if (metadata.list("layers").isEmpty()) {
            throw metadata.invalid("layers", List.of(), "a list of at least one layer");
        }
        for (MetadataSection layer : metadata.objects("layers")) {
            LayerConfig config = configOf(layer);
            try {
                layers.add(registry.create(config));
            } catch (IllegalArgumentException e) {
                throw layer.error(e.getMessage());
            }
        }
        Sequential model;
        try {
            model = new Sequential(layers);
            SavedParameters weights = ParameterSource.saved(prefixed(contents.tensors(), WEIGHTS), WEIGHTS);
            ValueSpec output = model.build(ValueSpec.input(0), weights);
            weights.requireAllUsed();
            if (!ValueSpec.FEATURES.equals(output.kind()) || output.width() != 1) {
                throw new IllegalArgumentException("the model outputs " + output.kind() + " of width " + output.width()
                        + "; Kiln's models end in one logit per example");
            }
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(path + ": " + e.getMessage());
        }
        Optimizer optimizer = optimizer(metadata, contents.tensors(), model.parameters(), path);
        Extras extras = extras(metadata, contents.tensors());
        return new Loaded(model, optimizer, extras.metadata(), extras.tensors());
    }

    /**
     * Puts a saved training state back into a live model without rebuilding it (so any layer
     * type works, registered or not): the weights (as {@link #loadWeights}) and, when the file
     * has one, the optimizer state into {@code live} (of the same kind). Returns the file's extra
     * sections and tensors.
     */
    public static Extras restoreInto(Path path, Sequential model, Optimizer live) throws IOException {
        TensorFile.Contents contents = TensorFile.read(path);
        MetadataSection metadata = parse(contents.metadata(), path);
        schema(metadata);
        Optimizer saved = optimizer(metadata, contents.tensors(), model.parameters(), path);
        if (saved != null) {
            OptimizerState.restore(saved, live, path); // checked before any weight changes
        }
        copyWeights(path, contents.tensors(), model);
        return extras(metadata, contents.tensors());
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
        schema(parse(contents.metadata(), path));
        copyWeights(path, contents.tensors(), model);
    }

    /** Checks every parameter against the file's weights, then copies them all (all or nothing). */
    private static void copyWeights(Path path, Map<String, Tensor> tensors, Sequential model) throws CheckpointFormatException {
        List<Variable> parameters = model.parameters();
        SavedParameters saved = ParameterSource.saved(prefixed(tensors, WEIGHTS), WEIGHTS);
        List<Tensor> sources = new ArrayList<>();
        try { // the same checks as a load: every parameter with its shape, no tensor left over
            for (Variable parameter : parameters) {
                sources.add(saved.tensor(parameter.name(), parameter.shape(), rng -> null));
            }
            saved.requireAllUsed();
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(path + ": " + e.getMessage());
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

    /** Kiln has one compile configuration (BinaryCrossentropy(from_logits=True), metrics ["accuracy"]); anything else is named. */
    private static void requireTheCompileConfig(MetadataSection compile) throws CheckpointFormatException {
        MetadataSection loss = compile.object("loss");
        loss.choice("class_name", List.of("BinaryCrossentropy"));
        if (!loss.bool("from_logits")) {
            throw loss.invalid("from_logits", false, "true (the one loss this build compiles takes logits)");
        }
        if (!List.of("accuracy").equals(compile.rawValue("metrics"))) {
            throw compile.invalid("metrics", compile.rawValue("metrics"), "[\"accuracy\"] (the one metric this build has)");
        }
    }

    /** The saved optimizer (settings and state) checked against the parameters, or null. */
    private static Optimizer optimizer(MetadataSection metadata, Map<String, Tensor> tensors, List<Variable> parameters,
                                       Path path) throws CheckpointFormatException {
        Optional<MetadataSection> section = metadata.optionalObject("optimizer");
        return section.isEmpty() ? null : OptimizerState.read(section.get(), tensors, parameters, path);
    }

    /** A file's metadata sections and tensors beyond the model schema (checkpoint record, training state). */
    public record Extras(Map<String, Object> metadata, Map<String, Tensor> tensors) {}

    private static Extras extras(MetadataSection metadata, Map<String, Tensor> tensors) {
        Map<String, Object> extraMetadata = metadata.raw();
        extraMetadata.keySet().removeAll(SCHEMA_KEYS);
        Map<String, Tensor> extraTensors = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> {
            if (!name.startsWith("weights/") && !name.startsWith("optimizer/")) {
                extraTensors.put(name, tensor);
            }
        });
        return new Extras(extraMetadata, extraTensors);
    }

    private static MetadataSection parse(String json, Path path) throws CheckpointFormatException {
        return MetadataSection.parse(json, path.toString(), "metadata");
    }

    private static void schema(MetadataSection metadata) throws CheckpointFormatException {
        metadata.integer("kiln_model", 1, MODEL_SCHEMA);
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

    /** A layer config from its JSON form: scalars, lists of strings and nested layer configs, nothing else. */
    private static LayerConfig configOf(MetadataSection json) throws CheckpointFormatException {
        LayerConfig.Builder builder = LayerConfig.builder(json.string("class_name"));
        MetadataSection config = json.object("config");
        for (String key : config.keys()) {
            switch (config.rawValue(key)) {
                case null -> { } // as if absent: the layer names it if it needs it
                case Integer number -> builder.put(key, number);
                case Long number -> builder.put(key, number);
                case Double number -> builder.put(key, number);
                case Boolean flag -> builder.put(key, flag);
                case String text -> builder.put(key, text);
                case Map<?, ?> nested -> builder.put(key, configOf(config.object(key)));
                case List<?> list -> builder.put(key, strings(config, key, list));
                default -> throw config.invalid(key, config.rawValue(key), "a number, a string, true or false, a list of strings or a layer config");
            }
        }
        return builder.build();
    }

    private static List<String> strings(MetadataSection config, String key, List<?> list) throws CheckpointFormatException {
        List<String> strings = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String text)) {
                throw config.invalidItem(key, i, list.get(i), "a string");
            }
            strings.add(text);
        }
        return strings;
    }

    /** The tensors whose names start with {@code prefix}, under the rest of their names. */
    private static Map<String, Tensor> prefixed(Map<String, Tensor> tensors, String prefix) {
        Map<String, Tensor> selected = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> {
            if (name.startsWith(prefix)) {
                selected.put(name.substring(prefix.length()), tensor);
            }
        });
        return selected;
    }
}
