package dev.kiln.checkpoint.keras;

import dev.kiln.engine.json.JsonValues;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Functional model's config (class {@code Functional}, Keras 2's {@code Model}) read as the
 * Sequential it is when its layers form a chain: one InputLayer first, every other layer called
 * once on exactly the layer before it (its one inbound node holds one tensor, node and tensor index
 * 0, no call arguments), the model's one input that InputLayer and its one output the last layer.
 * Anything else (a layer with two inputs, one called twice, a skip connection, several inputs or
 * outputs) is refused naming the layer whose inputs branch. Both node forms are read: Keras 2's
 * {@code [[["name", 0, 0, {}]]]} and Keras 3's {@code [{"args": [{"class_name":
 * "__keras_tensor__", "config": {"keras_history": ["name", 0, 0], ...}}], "kwargs": {}}]}.
 */
final class KerasFunctionalChain {
    /** The keys of a Functional model's config. */
    static final Set<String> MODEL_KEYS = Set.of("name", "trainable", "dtype", "layers", "input_layers", "output_layers");
    private static final String CHAIN = "Kiln reads a Functional model only when it is a chain: each layer's one input is"
            + " the layer before it";

    private KerasFunctionalChain() {}

    /** The layer entries of {@code modelConfig} in chain order, without their Functional keys (name, inbound_nodes). */
    static List<Map<String, Object>> layers(Map<String, Object> modelConfig, String source) throws KerasConfigException {
        if (!(modelConfig.get("layers") instanceof List<?> list) || list.isEmpty()) {
            throw new KerasConfigException(source + ": config: 'layers' is " + KerasValues.describe(modelConfig.get("layers"))
                    + "; Kiln supports a list of layers, an InputLayer first");
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        String previous = null;
        for (int index = 0; index < list.size(); index++) {
            if (!(list.get(index) instanceof Map<?, ?> raw)) {
                throw new KerasConfigException(source + ": layers[" + index + "] is " + KerasValues.describe(list.get(index))
                        + "; Kiln supports a serialized layer {\"class_name\": ..., \"config\": {...}}");
            }
            Map<String, Object> entry = new LinkedHashMap<>(object(raw));
            Object name = entry.remove("name");
            Object nodes = entry.remove("inbound_nodes");
            String where = source + ": layers[" + index + "]" + (name instanceof String text ? " '" + JsonValues.shortened(text)
                    + "'" : "") + " (" + JsonValues.shortened(String.valueOf(entry.get("class_name"))) + ")";
            if (!(name instanceof String layerName) || layerName.isEmpty()) {
                throw new KerasConfigException(where + ": 'name' is " + KerasValues.describe(name) + "; Kiln supports the"
                        + " layer's name, a non-empty string");
            }
            List<String> inputs = inputs(nodes, where);
            if (index == 0) {
                if (!KerasLayers.INPUT_LAYER.equals(entry.get("class_name")) || !inputs.isEmpty()) {
                    throw new KerasConfigException(where + ": a Functional model Kiln reads starts with its InputLayer");
                }
            } else if (!inputs.equals(List.of(previous))) {
                throw new KerasConfigException(where + ": its inputs are " + inputs + "; " + CHAIN + " ('" + previous + "')");
            }
            previous = layerName;
            entries.add(entry);
        }
        String first = String.valueOf(object(list.getFirst() instanceof Map<?, ?> map ? map : Map.of()).get("name"));
        requireEnds(modelConfig.get("input_layers"), first, source, "input_layers");
        requireEnds(modelConfig.get("output_layers"), previous, source, "output_layers");
        return entries;
    }

    /** The names of the layers a layer's inbound nodes name (several nodes: the layer was called more than once). */
    private static List<String> inputs(Object nodes, String where) throws KerasConfigException {
        if (!(nodes instanceof List<?> list)) {
            throw new KerasConfigException(where + ": 'inbound_nodes' is " + KerasValues.describe(nodes) + "; Kiln supports"
                    + " the list of the layer's calls");
        }
        if (list.size() > 1) {
            throw new KerasConfigException(where + ": it is called " + list.size() + " times (a shared layer); " + CHAIN);
        }
        List<String> names = new ArrayList<>();
        for (Object node : list) {
            List<?> tensors = node instanceof Map<?, ?> keras3 ? keras3Tensors(keras3, where)
                    : node instanceof List<?> keras2 ? keras2 : null;
            if (tensors == null) {
                throw new KerasConfigException(where + ": an inbound node is " + KerasValues.describe(node) + "; Kiln supports"
                        + " Keras 2's [[name, 0, 0, {}]] and Keras 3's {\"args\": [...], \"kwargs\": {}}");
            }
            for (Object tensor : tensors) {
                names.add(tensorSource(tensor, where));
            }
        }
        return names;
    }

    private static List<?> keras3Tensors(Map<?, ?> node, String where) throws KerasConfigException {
        if (!(node.get("args") instanceof List<?> args) || !(node.get("kwargs") instanceof Map<?, ?> kwargs)
                || !Set.of("args", "kwargs").containsAll(node.keySet())) {
            return null;
        }
        if (!kwargs.isEmpty()) {
            throw new KerasConfigException(where + ": it is called with the arguments " + KerasValues.describe(kwargs)
                    + "; Kiln supports calls on one tensor and nothing else");
        }
        List<Object> tensors = new ArrayList<>();
        for (Object arg : args) {
            tensors.add(arg instanceof List<?> several ? several : arg);
        }
        return tensors.size() == 1 && tensors.getFirst() instanceof List<?> several ? several : tensors;
    }

    /** The layer one inbound tensor comes from: Keras 2's [name, 0, 0, {}], Keras 3's __keras_tensor__ with its keras_history. */
    private static String tensorSource(Object tensor, String where) throws KerasConfigException {
        Object history = tensor;
        if (tensor instanceof Map<?, ?> keras3 && "__keras_tensor__".equals(keras3.get("class_name"))
                && keras3.get("config") instanceof Map<?, ?> config) {
            history = config.get("keras_history");
        }
        if (history instanceof List<?> parts && (parts.size() == 3 || parts.size() == 4) && parts.get(0) instanceof String name
                && Integer.valueOf(0).equals(parts.get(1)) && Integer.valueOf(0).equals(parts.get(2))) {
            if (parts.size() == 4 && !(parts.get(3) instanceof Map<?, ?> kwargs && kwargs.isEmpty())) {
                throw new KerasConfigException(where + ": it is called with the arguments " + KerasValues.describe(parts.get(3))
                        + "; Kiln supports calls on one tensor and nothing else");
            }
            return name;
        }
        throw new KerasConfigException(where + ": an inbound tensor is " + KerasValues.describe(tensor) + "; Kiln supports"
                + " the first output of a layer's first call ([name, 0, 0])");
    }

    /** input_layers or output_layers: the one end of the chain, as [[name, 0, 0]] or Keras 3's [name, 0, 0]. */
    private static void requireEnds(Object value, String name, String source, String key) throws KerasConfigException {
        Object only = value instanceof List<?> list && list.size() == 1 && list.getFirst() instanceof List<?> inner ? inner : value;
        if (!(only instanceof List<?> parts && parts.size() == 3 && name.equals(parts.get(0))
                && Integer.valueOf(0).equals(parts.get(1)) && Integer.valueOf(0).equals(parts.get(2)))) {
            throw new KerasConfigException(source + ": config: '" + key + "' is " + KerasValues.describe(value) + "; Kiln supports"
                    + " only [[\"" + name + "\", 0, 0]]: the one " + (key.startsWith("input") ? "first" : "last")
                    + " layer of the chain");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<?, ?> map) {
        return (Map<String, Object>) map; // the JSON reader's objects always have string keys
    }
}
