package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.MetadataSection;
import dev.kiln.engine.part.PartConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A part's config in a model file, Keras' way: {@code {"class_name": type, "config": {...}}}, with
 * nested parts (a wrapped layer, a learning-rate schedule) in the same form.
 */
final class PartJson {
    private PartJson() {}

    static Map<String, Object> write(PartConfig config) {
        Map<String, Object> values = new LinkedHashMap<>();
        config.values().forEach((key, value) -> values.put(key, value instanceof PartConfig nested ? write(nested) : value));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("class_name", config.type());
        json.put("config", values);
        return json;
    }

    /**
     * A config of a part of {@code kind} from its JSON form: scalars, lists of strings or of numbers
     * and nested configs (an optimizer's learning_rate is a schedule, any other nested part is of
     * the same kind as its parent), nothing else.
     */
    static PartConfig read(MetadataSection json, String kind) throws CheckpointFormatException {
        PartConfig.Builder builder = PartConfig.builder(kind, json.string("class_name"));
        MetadataSection config = json.object("config");
        for (String key : config.keys()) {
            switch (config.rawValue(key)) {
                case null -> { } // Keras' None: as if absent, the part takes its default or names the key
                case Integer number -> builder.put(key, number);
                case Long number -> builder.put(key, number);
                case Double number -> builder.put(key, number);
                case Boolean flag -> builder.put(key, flag);
                case String text -> builder.put(key, text);
                case Map<?, ?> nested -> builder.put(key, read(config.object(key), key.equals("learning_rate") ? "schedule" : kind));
                case List<?> list -> builder.put(key, plainList(config, key, list));
                default -> throw config.invalid(key, config.rawValue(key),
                        "a number, a string, true or false, a list of strings or numbers, or a config");
            }
        }
        return builder.build();
    }

    /** A list of strings or a list of numbers. */
    private static List<?> plainList(MetadataSection config, String key, List<?> list) throws CheckpointFormatException {
        boolean numbers = !list.isEmpty() && list.getFirst() instanceof Number;
        List<Object> items = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (numbers ? !(item instanceof Number) : !(item instanceof String)) {
                throw config.invalidItem(key, i, item, numbers ? "a number (the list's first item is one)" : "a string");
            }
            items.add(item);
        }
        return items;
    }
}
