package dev.kiln.checkpoint.keras;

import dev.kiln.engine.part.PartConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes Kiln layer configs as Keras 3 serializes a Sequential model (what Keras 3.6 and later
 * write in to_json and a .keras archive's config.json, keys Keras added since left out), each
 * layer through its table: every key Keras writes, with Kiln's values for the keys it reads and
 * Keras' defaults for the others.
 */
final class KerasConfigWriter {
    private final KerasLayers tables;

    KerasConfigWriter(KerasLayers tables) {
        this.tables = tables;
    }

    /** The whole model: {module, class_name: Sequential, config: {name, trainable, dtype, layers, ...}, registered_name, ...}. */
    Map<String, Object> model(List<PartConfig> layers, KerasInput input, String name) {
        List<Object> entries = new ArrayList<>();
        List<Object> batchShape = batchShape(input);
        if (batchShape != null) {
            entries.add(inputLayer(batchShape, input.kind()));
        }
        for (PartConfig layer : layers) {
            entries.add(entry(layer));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("trainable", true);
        config.put("dtype", KerasValues.dtypePolicy("float32"));
        config.put("layers", entries);
        if (batchShape != null) {
            config.put("build_input_shape", batchShape);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("module", "keras");
        model.put("class_name", "Sequential");
        model.put("config", config);
        model.put("registered_name", null);
        if (batchShape != null) {
            model.put("build_config", Map.of("input_shape", batchShape));
        }
        return model;
    }

    /** A wrapped layer (Bidirectional's), named forward_NAME, or its mirror backward_NAME reading backwards. */
    Map<String, Object> wrapped(PartConfig layer, boolean backward) {
        Map<String, Object> entry = entry(layer);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) entry.get("config");
        config.put("name", (backward ? "backward_" : "forward_") + layer.getName());
        if (backward) {
            config.put("go_backwards", true);
        }
        return entry;
    }

    private Map<String, Object> entry(PartConfig layer) {
        KerasLayer table = tables.forKilnType(layer.type()).orElseThrow(() -> new IllegalArgumentException("layer '"
                + layer.values().get("name") + "' (" + layer.type() + ") has no Keras table; Kiln writes " + tables.kerasClasses()));
        Map<String, Object> config = new LinkedHashMap<>();
        Set<String> read = new TreeSet<>();
        for (Map.Entry<String, KerasKey> key : table.keys().entrySet()) {
            Object value = key.getValue().write(key.getKey(), layer, this);
            if (value != KerasKey.NOT_WRITTEN) {
                config.put(key.getKey(), value);
            }
            if (key.getValue().passesThrough()) {
                read.add(key.getKey());
            }
        }
        Set<String> unwritten = new TreeSet<>(layer.values().keySet());
        unwritten.removeAll(read);
        if (!unwritten.isEmpty()) { // the table and the layer's config disagree: exporting would drop an option
            throw new IllegalArgumentException("layer '" + layer.values().get("name") + "' (" + layer.type() + "): Kiln's config keys "
                    + unwritten + " have no key in Keras' " + table.kerasClass() + " table");
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("module", "keras.layers");
        entry.put("class_name", table.kerasClass());
        entry.put("config", config);
        entry.put("registered_name", null);
        return entry;
    }

    /** Keras' InputLayer for the input, as Keras 3.6 writes it. */
    private static Map<String, Object> inputLayer(List<Object> batchShape, KerasInput.Kind kind) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("batch_shape", batchShape);
        config.put("dtype", switch (kind) {
            case TEXTS -> "string";
            case TOKEN_IDS -> "int32";
            default -> "float32";
        });
        config.put("sparse", false);
        config.put("name", "input_layer");
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("module", "keras.layers");
        entry.put("class_name", KerasLayers.INPUT_LAYER);
        entry.put("config", config);
        entry.put("registered_name", null);
        return entry;
    }

    /** [None, ...] as Keras writes a batch shape, or null when the input is unknown. */
    private static List<Object> batchShape(KerasInput input) {
        Integer steps = input.steps().isPresent() ? input.steps().getAsInt() : null;
        Integer features = input.features().isPresent() ? input.features().getAsInt() : null;
        return switch (input.kind()) {
            case UNKNOWN -> null;
            case TEXTS -> Arrays.asList((Object) null);
            case TOKEN_IDS -> Arrays.asList(null, steps);
            case VECTORS -> Arrays.asList(null, features);
            case SEQUENCES -> Arrays.asList(null, steps, features);
        };
    }
}
