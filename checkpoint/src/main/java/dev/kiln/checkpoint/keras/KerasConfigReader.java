package dev.kiln.checkpoint.keras;

import dev.kiln.engine.json.JsonValues;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.part.PartConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one parsed Keras model config into a Kiln Sequential: the envelope (Keras 3's
 * {module, class_name, config, registered_name, build_config, compile_config}, Keras 2's
 * {class_name, config, keras_version, backend}), the model's config (an object with its layers, or
 * Keras 2.0/2.1's bare list of layers), and each layer through its table. The untyped JSON never
 * leaves this class and {@link KerasEntry}.
 */
final class KerasConfigReader {
    private static final Set<String> TOP_KEYS = Set.of("module", "class_name", "config", "registered_name", "build_config",
            "compile_config", "keras_version", "backend");
    private static final Set<String> MODEL_KEYS = Set.of("name", "trainable", "dtype", "layers", "build_input_shape");
    private static final Set<String> FUNCTIONAL_CLASSES = Set.of("Functional", "Model");
    private static final Set<String> ENTRY_KEYS = Set.of("module", "class_name", "config", "registered_name", "build_config");
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.\\d+.*");
    private static final Pattern KILN_PREFIX = Pattern.compile("^layer '[^']*' \\([^)]*\\): ");
    /** Dimensions after the batch one that an input shape may have. */
    private static final int MAX_RANK = 8;

    private final String source;
    private final KerasLayers tables;
    private int kerasMajorVersion;
    private List<Integer> shape;
    private List<Integer> fallbackShape;
    private Integer inputLength;
    /** The table of the first layer that is not an InputLayer (what it takes decides the input's kind). */
    private KerasLayer first;
    private boolean readingFirstLayer;
    private final List<String> notes = new ArrayList<>();
    private final KerasAssets assets;
    /** The path Keras saves the layer being read under (layers/dense_1): where its assets are. */
    private String layerPath;

    KerasConfigReader(String source, KerasLayers tables, KerasAssets assets) {
        this.source = source;
        this.tables = tables;
        this.assets = assets;
    }

    int kerasMajorVersion() {
        return kerasMajorVersion;
    }

    KerasImport read(Object root) throws KerasConfigException {
        if (!(root instanceof Map<?, ?> rawTop)) {
            throw new KerasConfigException(source + ": the file holds " + KerasValues.describe(root)
                    + "; a Keras model config is a JSON object {\"class_name\": \"Sequential\", \"config\": ...}");
        }
        Map<String, Object> top = object(rawTop);
        KerasEntry model = new KerasEntry(this, source, top, null);
        requireKnownKeys(model, top, TOP_KEYS, "a Keras model config's");
        boolean functional = top.get("class_name") instanceof String modelClass && FUNCTIONAL_CLASSES.contains(modelClass);
        if (!functional && !"Sequential".equals(top.get("class_name"))) {
            throw model.refuse("class_name", top.get("class_name"), "only \"Sequential\", or \"Functional\" (Keras 2's"
                    + " \"Model\") when its layers form a chain (Kiln builds Sequential models)");
        }
        requireKerasOwn(model, top);
        kerasMajorVersion = kerasMajorVersion(top, model);
        Object config = top.get("config");
        List<?> entries;
        String name = "sequential";
        if (!functional && config instanceof List<?> bare) { // Keras 2.0 and 2.1 wrote a Sequential's config as its list of layers
            entries = bare;
        } else if (config instanceof Map<?, ?> rawConfig) {
            Map<String, Object> modelConfig = object(rawConfig);
            KerasEntry where = new KerasEntry(this, source + ": config", modelConfig, null);
            requireKnownKeys(where, modelConfig, functional ? KerasFunctionalChain.MODEL_KEYS : MODEL_KEYS,
                    functional ? "a Functional config's" : "a Sequential config's");
            if (modelConfig.containsKey("name")) {
                name = modelConfig.get("name") instanceof String text && !text.isEmpty() ? text
                        : failName(where, modelConfig.get("name"));
            }
            if (modelConfig.containsKey("trainable")) {
                EngineTables.TRAINABLE.read("trainable", modelConfig.get("trainable"), where);
            }
            if (modelConfig.containsKey("dtype")) {
                EngineTables.FLOAT32.read("dtype", modelConfig.get("dtype"), where);
            }
            if (modelConfig.containsKey("build_input_shape")) {
                fallbackShape(modelConfig.get("build_input_shape"), where, "build_input_shape");
            }
            if (functional) {
                entries = KerasFunctionalChain.layers(modelConfig, source);
            } else if (modelConfig.get("layers") instanceof List<?> list) {
                entries = list;
            } else {
                throw where.refuse("layers", modelConfig.get("layers"), "a list of layers");
            }
        } else {
            throw model.refuse("config", config, "a Sequential's config: an object with its \"layers\" (or, from Keras 2.0"
                    + " and 2.1, the list of layers)");
        }
        if (top.get("build_config") instanceof Map<?, ?> build) {
            fallbackShape(build.get("input_shape"), model, "build_config");
        }
        if (top.get("compile_config") instanceof Map<?, ?> compile && !compile.isEmpty()) {
            notes.add("compile_config (the loss, optimizer and metrics Keras compiled with) is training setup, not the model:"
                    + " not imported");
        }
        return new KerasImport(sequential(entries, model), name, input(), kerasMajorVersion, source, notes);
    }

    private Sequential sequential(List<?> entries, KerasEntry model) throws KerasConfigException {
        List<Layer> layers = new ArrayList<>();
        Map<String, Integer> counters = new java.util.HashMap<>();
        for (int index = 0; index < entries.size(); index++) {
            readingFirstLayer = first == null; // Keras takes the input shape from the first layer only
            layerPath = entries.get(index) instanceof Map<?, ?> map && map.get("class_name") instanceof String className
                    ? pathOf(className, counters) : null;
            Converted entry = convert(entries.get(index), source + ": layers[" + index + "]", false);
            if (entry.config() == null) {
                if (index > 0) {
                    throw new KerasConfigException(entry.where() + ": an InputLayer must come first in a Sequential model");
                }
                continue;
            }
            if (first == null) {
                first = entry.table();
                fallbackShape(entry.buildShape(), model, "build_config");
            }
            try {
                layers.add(tables.create(entry.table(), entry.config()));
            } catch (IllegalArgumentException e) {
                throw new KerasConfigException(entry.where() + ": " + KILN_PREFIX.matcher(e.getMessage()).replaceFirst(""));
            }
        }
        if (first == null) {
            throw model.error("the model has no layers" + (entries.isEmpty() ? "" : " besides its InputLayer"));
        }
        assets.requireAllClaimed();
        try {
            return new Sequential(layers);
        } catch (IllegalArgumentException e) {
            throw new KerasConfigException(source + ": " + e.getMessage());
        }
    }

    /** Keras 3's path of a Sequential's layer (layers/dense, layers/dense_1, ...): its class in snake case and a counter. */
    private static String pathOf(String className, Map<String, Integer> counters) {
        if (KerasLayers.INPUT_LAYER.equals(className)) {
            return null; // a Sequential's InputLayer is not saved among its layers
        }
        return "layers/" + Keras3Weights.groupName(className, counters);
    }

    /** The table and Kiln config of one serialized layer (the config is null for an InputLayer). */
    private record Converted(KerasLayer table, PartConfig config, String where, Object buildShape) {}

    /** Reads a wrapped layer (Bidirectional's "layer"): Keras 3 names it forward_NAME; Kiln names the copies itself. */
    PartConfig wrapped(Object value, String position) throws KerasConfigException {
        Converted entry = convert(value, position, true);
        if (entry.config() == null) {
            throw new KerasConfigException(entry.where() + ": an InputLayer cannot be wrapped");
        }
        if (Boolean.TRUE.equals(entry.config().values().get("go_backwards"))) {
            throw new KerasConfigException(entry.where() + ": 'go_backwards' is true; Kiln supports only false inside a"
                    + " Bidirectional (its forward copy reads forwards, its backward copy backwards)");
        }
        return entry.config();
    }

    private Converted convert(Object item, String position, boolean wrapped) throws KerasConfigException {
        if (!(item instanceof Map<?, ?> rawEntry)) {
            throw new KerasConfigException(position + " is " + KerasValues.describe(item)
                    + "; Kiln supports a serialized layer {\"class_name\": ..., \"config\": {...}}");
        }
        Map<String, Object> entry = object(rawEntry);
        if (!(entry.get("class_name") instanceof String className)) {
            throw new KerasConfigException(position + ": 'class_name' is " + KerasValues.describe(entry.get("class_name"))
                    + "; Kiln supports a Keras layer class name");
        }
        if (!(entry.get("config") instanceof Map<?, ?> rawConfig)) {
            throw new KerasConfigException(position + " (" + JsonValues.shortened(className) + "): 'config' is "
                    + KerasValues.describe(entry.get("config")) + "; Kiln supports the layer's config, an object");
        }
        Map<String, Object> config = new LinkedHashMap<>(object(rawConfig));
        Object name = config.get("name");
        String where = position + (name instanceof String text ? " '" + JsonValues.shortened(text) + "'" : "") + " ("
                + JsonValues.shortened(className) + ")";
        KerasEntry envelope = new KerasEntry(this, where, entry, null);
        requireKnownKeys(envelope, entry, ENTRY_KEYS, "a serialized layer's");
        requireKerasOwn(envelope, entry);
        KerasLayer table = tables.table(className).orElseThrow(() -> envelope.error("Kiln has no layer for Keras' "
                + JsonValues.shortened(className) + "; it reads " + tables.kerasClasses()));
        if (wrapped && name instanceof String text && text.startsWith("forward_")) {
            config.put("name", text.substring("forward_".length()));
        }
        PartConfig.Builder kiln = table.kilnType().map(PartConfig::layer).orElse(null);
        KerasEntry context = new KerasEntry(this, where, config, kiln);
        for (Map.Entry<String, Object> key : config.entrySet()) {
            KerasKey rule = table.keys().get(key.getKey());
            if (rule == null) {
                throw context.error("unknown key '" + JsonValues.shortened(key.getKey()) + "': not one Keras writes for "
                        + className + ", or an option Kiln does not know; Kiln reads " + table.keys().keySet());
            }
            rule.read(key.getKey(), key.getValue(), context);
        }
        if (!wrapped && layerPath != null && kiln != null) {
            assets.readInto(table, layerPath, context);
        }
        Object buildShape = entry.get("build_config") instanceof Map<?, ?> build ? build.get("input_shape") : null;
        return new Converted(table, kiln == null ? null : kiln.build(), where, buildShape);
    }

    /** Records an input shape given by a layer (InputLayer, Keras 2's batch_input_shape): the first one counts. */
    void inputShape(Object value, KerasEntry entry, String key) throws KerasConfigException {
        List<Integer> dims = dimensions(value, entry, key);
        if (shape == null && readingFirstLayer) {
            shape = dims;
        }
    }

    void inputLength(int length) {
        if (inputLength == null && readingFirstLayer) {
            inputLength = length;
        }
    }

    /** A shape from the model (build_input_shape, build_config), used when no layer gives one. */
    private void fallbackShape(Object value, KerasEntry entry, String key) throws KerasConfigException {
        if (value != null && fallbackShape == null) {
            fallbackShape = dimensions(value, entry, key);
        }
    }

    /** The dimensions after the batch one: each None (null) or an integer from 1 to MAX_DIMENSION. */
    private static List<Integer> dimensions(Object value, KerasEntry entry, String key) throws KerasConfigException {
        String allowed = "a shape: [batch, ...] with at most " + MAX_RANK + " dimensions after the batch, each None or an integer"
                + " from 1 to " + PartConfig.MAX_DIMENSION;
        if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > MAX_RANK + 1
                || list.getFirst() != null && !(list.getFirst() instanceof Integer batch && batch >= 1)) {
            throw entry.refuse(key, value, allowed);
        }
        List<Integer> dims = new ArrayList<>();
        for (Object dim : list.subList(1, list.size())) {
            if (dim != null && !(dim instanceof Integer size && size >= 1 && size <= PartConfig.MAX_DIMENSION)) {
                throw entry.refuse(key, value, allowed);
            }
            dims.add((Integer) dim);
        }
        return dims;
    }

    /** The model's input in Kiln's terms, from the first layer's kind and the shape the config gives. */
    private KerasInput input() throws KerasConfigException {
        List<Integer> dims = shape != null ? shape : fallbackShape;
        String where = source + ": the input shape " + (dims == null ? "" : shown(dims) + " ");
        KerasInput.Kind takes = first.takes();
        if (takes == KerasInput.Kind.TEXTS) {
            if (dims != null && !dims.isEmpty() && !dims.equals(List.of(1))) {
                throw new KerasConfigException(where + "has more than one text per example; " + first.kerasClass()
                        + " takes one text per example ([None] or [None, 1])");
            }
            return KerasInput.texts();
        }
        if (takes == KerasInput.Kind.TOKEN_IDS) {
            if (dims == null) {
                return KerasInput.tokenIds(optional(inputLength));
            }
            if (dims.size() != 1) {
                throw new KerasConfigException(where + "is not one sequence of ids per example; " + first.kerasClass()
                        + " takes [None, steps]");
            }
            return KerasInput.tokenIds(optional(dims.getFirst() != null ? dims.getFirst() : inputLength));
        }
        if (dims == null) {
            return KerasInput.unknown();
        }
        if (dims.isEmpty() || dims.size() > 2 || dims.getLast() == null) {
            throw new KerasConfigException(where + "does not give " + (dims.size() == 1 || dims.size() == 2 && dims.getLast() == null
                    ? "the number of features" : "vectors or sequences of vectors") + "; Kiln's " + first.kerasClass()
                    + " takes [None, features] or [None, steps, features]");
        }
        return dims.size() == 1 ? KerasInput.vectors(dims.getFirst())
                : KerasInput.sequences(optional(dims.getFirst()), dims.getLast());
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    private static String shown(List<Integer> dims) {
        List<String> all = new ArrayList<>(List.of("None"));
        dims.forEach(dim -> all.add(dim == null ? "None" : dim.toString()));
        return "[" + String.join(", ", all) + "]";
    }

    private int kerasMajorVersion(Map<String, Object> top, KerasEntry model) throws KerasConfigException {
        if (top.containsKey("keras_version")) {
            Matcher version = top.get("keras_version") instanceof String text ? VERSION.matcher(text) : null;
            if (version == null || !version.matches() || !List.of("2", "3").contains(version.group(1))) {
                throw model.refuse("keras_version", top.get("keras_version"), "the configs of Keras 2 and 3 (\"2.11.0\", \"3.10.0\")");
            }
            return Integer.parseInt(version.group(1));
        }
        if (top.containsKey("module")) {
            return 3;
        }
        Object config = top.get("config");
        List<?> entries = config instanceof Map<?, ?> map && map.get("layers") instanceof List<?> list ? list
                : config instanceof List<?> list ? list : List.of();
        return entries.stream().anyMatch(entry -> entry instanceof Map<?, ?> map && map.containsKey("module")) ? 3 : 2;
    }

    private static void requireKnownKeys(KerasEntry where, Map<String, Object> object, Set<String> known, String what)
            throws KerasConfigException {
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                throw where.error("unknown key '" + JsonValues.shortened(key) + "': not one of " + what + " keys "
                        + known.stream().sorted().toList());
            }
        }
    }

    /** Refuses a class of the user's own (another module, or a registered name): Kiln reads Keras' layers only. */
    private static void requireKerasOwn(KerasEntry where, Map<String, Object> object) throws KerasConfigException {
        if (object.containsKey("module") && !KerasValues.isKerasModule(object.get("module"))) {
            throw where.refuse("module", object.get("module"), "only Keras' own classes (module keras...); this is a custom one");
        }
        if (object.get("registered_name") != null) {
            throw where.refuse("registered_name", object.get("registered_name"), "only None: Keras' own classes; this is a"
                    + " custom registered one");
        }
    }

    private static String failName(KerasEntry where, Object name) throws KerasConfigException {
        throw where.refuse("name", name, "a non-empty string");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<?, ?> map) {
        return (Map<String, Object>) map; // the JSON reader's objects always have string keys
    }
}
