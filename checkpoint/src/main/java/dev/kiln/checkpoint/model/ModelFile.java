package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.MetadataSection;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.SavedParameters;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.ModelParts;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.part.Part;
import dev.kiln.engine.part.PartRegistry;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Saves and loads a whole Sequential model in the v1 container: the architecture (every layer's
 * config, the TextVectorization vocabulary included), the weights, the compile configuration
 * (loss and metrics) and the optimizer (config and state); or the weights alone
 * ({@link #saveWeights}/{@link #loadWeights}). Every part is saved by its config and rebuilt
 * through the registries of {@link ModelParts}, so no concrete class is known here. Model schema 2
 * (FORMAT.md) is written; schema 1 files are read too.
 */
public final class ModelFile {
    private static final int MODEL_SCHEMA = 2;
    private static final String WEIGHTS = "weights/";
    private static final Set<String> SCHEMA_KEYS = Set.of("kiln_model", "weights_only", "layers", "input", "class_names",
            "optimizer", "compile");

    /**
     * A loaded model with what its file recorded: the loss and metrics it was compiled with, its
     * optimizer (with its state), and the checkpoint record and training state when present.
     */
    public record Loaded(Sequential model, Optional<Loss> loss, List<Metric> metrics, Optional<Optimizer> optimizer,
                         Optional<CheckpointRecord> checkpoint, Optional<TrainingState> training) {

        /** Copies the metrics. */
        public Loaded {
            metrics = List.copyOf(metrics);
        }

        /**
         * Compiles the model as it was saved (its loss, metrics and optimizer) on {@code engine}; a
         * file saved without an optimizer compiles for evaluate and predict.
         */
        public Sequential compile(Engine engine) {
            Loss savedLoss = loss.orElseThrow(() -> new IllegalStateException(
                    "the model was saved uncompiled; call model().compile(optimizer, loss, metrics, engine)"));
            if (optimizer.isPresent()) {
                model.compile(optimizer.get(), savedLoss, metrics, engine);
            } else {
                model.compile(savedLoss, metrics, engine);
            }
            return model;
        }
    }

    private ModelFile() {}

    /** Saves architecture, weights, the compile configuration and the optimizer's state. */
    public static void save(Path path, Sequential model, AtomicFileWriter writer) throws IOException {
        write(path, ModelSnapshot.view(model, false), writer);
    }

    /** Saves the weights (with the architecture, for inspect) but no optimizer state. */
    public static void saveWeights(Path path, Sequential model, AtomicFileWriter writer) throws IOException {
        write(path, ModelSnapshot.view(model, true), writer);
    }

    /** Writes a snapshot; this may run on another thread than the training. */
    public static void write(Path path, ModelSnapshot snapshot, AtomicFileWriter writer) throws IOException {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("kiln_model", MODEL_SCHEMA);
        metadata.put("weights_only", snapshot.weightsOnly());
        List<Object> layers = new ArrayList<>();
        for (PartConfig layer : snapshot.layers()) {
            layers.add(PartJson.write(layer));
        }
        metadata.put("layers", layers);
        ValueSpec input = snapshot.input();
        if (input.width() > 0 || input.fixedLength()) { // a model whose first layer does not decide its input
            Map<String, Object> shape = new LinkedHashMap<>();
            shape.put("width", input.width());
            shape.put("steps", input.steps());
            metadata.put("input", shape);
        }
        if (!snapshot.classNames().isEmpty()) {
            metadata.put("class_names", snapshot.classNames());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        snapshot.weights().forEach((name, value) -> tensors.put(WEIGHTS + name, value));
        metadata.put("optimizer", snapshot.optimizer().map(saved -> OptimizerState.write(saved, tensors)).orElse(null));
        snapshot.compile().ifPresent(compile -> metadata.put("compile", compileJson(compile)));
        for (Map.Entry<String, Object> section : snapshot.extraMetadata().entrySet()) {
            if (SCHEMA_KEYS.contains(section.getKey())) {
                throw new IllegalArgumentException("metadata section '" + section.getKey() + "' is the model schema's own");
            }
            metadata.put(section.getKey(), section.getValue());
        }
        for (Map.Entry<String, Tensor> tensor : snapshot.extraTensors().entrySet()) {
            if (tensor.getKey().startsWith(WEIGHTS) || tensor.getKey().startsWith(OptimizerState.TENSORS)) {
                throw new IllegalArgumentException("tensor name '" + tensor.getKey() + "' is in the model schema's namespace");
            }
            tensors.put(tensor.getKey(), tensor.getValue());
        }
        TensorFile.write(path, JsonWriter.write(metadata), tensors, writer);
    }

    /** The metadata of a model file as JSON values (validated structure, no tensor data read), for inspection. */
    public static Map<String, Object> readMetadata(Path path) throws IOException {
        return inspectedMetadata(path).raw();
    }

    /** The checkpoint record of a model file, without reading its tensors; empty when it has none. */
    public static Optional<CheckpointRecord> readCheckpointRecord(Path path) throws IOException {
        return CheckpointRecord.of(inspectedMetadata(path), path);
    }

    /** The training state's batches per epoch of a backup, without reading its tensors; empty when it has no training state. */
    public static OptionalLong readBatchesPerEpoch(Path path) throws IOException {
        return TrainingState.batchesPerEpoch(inspectedMetadata(path));
    }

    /** The input the model was saved for: "input" {width, steps}, or width 0 and any length when absent. */
    private static ValueSpec input(MetadataSection metadata) throws CheckpointFormatException {
        Optional<MetadataSection> input = metadata.optionalObject("input");
        if (input.isEmpty()) {
            return ValueSpec.input(0);
        }
        int width = input.get().intValue("width", 0, PartConfig.MAX_DIMENSION);
        int steps = input.get().intValue("steps", ValueSpec.ANY_LENGTH, PartConfig.MAX_DIMENSION);
        if (steps == 0) {
            throw input.get().invalid("steps", 0, "-1 (any length) or a length from 1 to " + PartConfig.MAX_DIMENSION);
        }
        return ValueSpec.input(width, steps);
    }

    /** A model file's metadata, its schema checked, read without the tensor data. */
    private static MetadataSection inspectedMetadata(Path path) throws IOException {
        MetadataSection metadata = parse(TensorFile.inspect(path).metadata(), path);
        schema(metadata);
        return metadata;
    }

    /**
     * Loads a whole model: each part is created from its config by its registry in {@code parts}
     * (which validates it), then the layers are built from the file's tensors, each checked against
     * the shape its config implies before it is used (no random initialization, no copy), and the
     * optimizer's state checked against the parameters. The model must be able to predict: its
     * layers feed each other and it ends in one vector per example, which the saved loss can score.
     * Any problem is a {@link CheckpointFormatException} naming the file and the field.
     */
    public static Loaded load(Path path, ModelParts parts) throws IOException {
        TensorFile.Contents contents = TensorFile.read(path);
        MetadataSection metadata = parse(contents.metadata(), path);
        long schema = schema(metadata);
        if (metadata.list("layers").isEmpty()) {
            throw metadata.invalid("layers", List.of(), "a list of at least one layer");
        }
        List<Layer> layers = new ArrayList<>();
        for (MetadataSection layer : metadata.objects("layers")) {
            layers.add(create(parts.layers(), PartJson.read(layer, "layer"), layer));
        }
        Sequential model;
        ValueSpec output;
        try {
            model = new Sequential(layers);
            SavedParameters weights = ParameterSource.saved(prefixed(contents.tensors(), WEIGHTS), WEIGHTS);
            output = model.build(input(metadata), weights);
            weights.requireAllUsed();
            if (!ValueSpec.FEATURES.equals(output.kind())) {
                throw new IllegalArgumentException("the model outputs " + output.kind() + "; a model must end in one vector per"
                        + " example (an LSTM without return_sequences or a global pooling layer, then Dense layers)");
            }
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(path + ": " + e.getMessage());
        }
        if (metadata.has("class_names")) {
            model.setClassNames(classNames(metadata, output.width()));
        }
        Optional<Loss> loss = Optional.empty();
        List<Metric> metrics = List.of();
        Optional<MetadataSection> compile = metadata.optionalObject("compile");
        if (compile.isPresent()) {
            loss = Optional.of(loss(compile.get(), schema, parts, output.width()));
            metrics = metrics(compile.get(), schema, parts);
        }
        Optional<Optimizer> optimizer = Optional.empty();
        Optional<MetadataSection> optimizerSection = metadata.optionalObject("optimizer");
        if (optimizerSection.isPresent()) {
            ModelSnapshot.SavedOptimizer saved = OptimizerState.read(optimizerSection.get(), contents.tensors(), schema);
            optimizer = Optional.of(OptimizerState.create(saved, parts.optimizers(), model.parameters(), optimizerSection.get(),
                    path));
        }
        return new Loaded(model, loss, metrics, optimizer, CheckpointRecord.of(metadata, path),
                TrainingState.of(metadata, contents.tensors(), schema, path));
    }

    /**
     * Puts a saved training state back into a live model without rebuilding it (so any layer
     * type works, registered or not): the weights (as {@link #loadWeights}) and, when the file
     * has one, the optimizer state into the model's optimizer (of the same type). Everything is
     * checked before anything changes. Returns the file's training state, if it has one.
     */
    public static Optional<TrainingState> restoreInto(Path path, Sequential model) throws IOException {
        TensorFile.Contents contents = TensorFile.read(path);
        MetadataSection metadata = parse(contents.metadata(), path);
        long schema = schema(metadata);
        List<Tensor> weights = checkedWeights(path, contents.tensors(), model);
        Optional<TrainingState> training = TrainingState.of(metadata, contents.tensors(), schema, path);
        Optional<MetadataSection> optimizerSection = metadata.optionalObject("optimizer");
        if (optimizerSection.isPresent()) {
            Optimizer live = model.optimizer().orElseThrow(() -> new CheckpointFormatException(path
                    + ": holds an optimizer state; the model is compiled without an optimizer"));
            OptimizerState.restore(OptimizerState.read(optimizerSection.get(), contents.tensors(), schema), live,
                    model.parameters(), path);
        }
        copy(weights, model);
        return training;
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
        copy(checkedWeights(path, tensors, model), model);
    }

    /** The file's tensor for each parameter, checked: every parameter with its shape, no tensor left over. */
    private static List<Tensor> checkedWeights(Path path, Map<String, Tensor> tensors, Sequential model)
            throws CheckpointFormatException {
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
        return sources;
    }

    private static void copy(List<Tensor> sources, Sequential model) {
        List<Variable> parameters = model.parameters();
        for (int p = 0; p < parameters.size(); p++) {
            System.arraycopy(sources.get(p).data(), 0, parameters.get(p).data(), 0, sources.get(p).size());
        }
    }

    private static <T extends Part> T create(PartRegistry<T> registry, PartConfig config, MetadataSection where)
            throws CheckpointFormatException {
        try {
            return registry.create(config);
        } catch (IllegalArgumentException e) {
            throw where.error(e.getMessage());
        }
    }

    /** Distinct, non-empty names, one per output (two for a single output: negative, positive). */
    private static List<String> classNames(MetadataSection metadata, int outputWidth) throws CheckpointFormatException {
        List<?> names = metadata.list("class_names");
        int expected = outputWidth == 1 ? 2 : outputWidth;
        if (names.size() != expected || names.stream().anyMatch(n -> !(n instanceof String text) || text.isEmpty())
                || names.stream().distinct().count() != names.size()) {
            throw metadata.invalid("class_names", names, expected + " distinct non-empty strings (one per output; two for one output)");
        }
        return names.stream().map(String.class::cast).toList();
    }

    private static Map<String, Object> compileJson(ModelSnapshot.CompileConfig compile) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("loss", PartJson.write(compile.loss()));
        json.put("metrics", compile.metrics().stream().map(PartJson::write).toList());
        return json;
    }

    /** The saved loss, which must score the model's output. Schema 1 has one: BinaryCrossentropy(from_logits=True). */
    private static Loss loss(MetadataSection compile, long schema, ModelParts parts, int outputWidth)
            throws CheckpointFormatException {
        MetadataSection section = compile.object("loss");
        Loss loss;
        if (schema == 1) {
            section.choice("class_name", List.of(BinaryCrossentropy.TYPE));
            if (!section.bool("from_logits")) {
                throw section.invalid("from_logits", false, "true (schema 1 files hold only BinaryCrossentropy(from_logits=True))");
            }
            loss = BinaryCrossentropy.fromLogits();
        } else {
            loss = create(parts.losses(), PartJson.read(section, "loss"), section);
        }
        try {
            loss.requireOutputWidth(outputWidth);
        } catch (IllegalArgumentException e) {
            throw section.error(e.getMessage());
        }
        return loss;
    }

    /** The saved metrics. Schema 1 has one: ["accuracy"], binary accuracy on logits. */
    private static List<Metric> metrics(MetadataSection compile, long schema, ModelParts parts) throws CheckpointFormatException {
        if (schema == 1) {
            if (!List.of("accuracy").equals(compile.rawValue("metrics"))) {
                throw compile.invalid("metrics", compile.rawValue("metrics"), "[\"accuracy\"] (the one metric of schema 1)");
            }
            return List.of(BinaryAccuracy.onLogits());
        }
        List<Metric> metrics = new ArrayList<>();
        for (MetadataSection metric : compile.objects("metrics")) {
            metrics.add(create(parts.metrics(), PartJson.read(metric, "metric"), metric));
        }
        try {
            Sequential.requireDistinctNames(metrics);
        } catch (IllegalArgumentException e) {
            throw compile.error(e.getMessage());
        }
        return metrics;
    }

    private static MetadataSection parse(String json, Path path) throws CheckpointFormatException {
        return MetadataSection.parse(json, path.toString(), "metadata");
    }

    /** The file's model schema version (1 or 2). */
    private static long schema(MetadataSection metadata) throws CheckpointFormatException {
        return metadata.integer("kiln_model", 1, MODEL_SCHEMA);
    }

    static Tensor checked(Variable parameter, Tensor tensor, String prefix, Path path) throws CheckpointFormatException {
        if (tensor == null || !tensor.shape().equals(parameter.shape())) {
            throw new CheckpointFormatException(path + ": tensor " + prefix + parameter.name() + " is "
                    + (tensor == null ? "missing" : "of shape " + tensor.shape()) + ", the model needs " + parameter.shape());
        }
        return tensor;
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
