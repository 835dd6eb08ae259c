package dev.kiln.checkpoint.keras;

import dev.kiln.engine.json.JsonValues;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The small vocabulary of Keras' serialized objects: modules, dtype policies, values as messages show them. */
final class KerasValues {
    /** The keys of a serialized object besides its config (Keras 3, and tf.keras 2.13+ for layers). */
    static final Set<String> OBJECT_KEYS = Set.of("module", "class_name", "config", "registered_name", "shared_object_id");
    private static final Set<String> POLICY_CLASSES = Set.of("DTypePolicy", "FloatDTypePolicy", "Policy");

    private KerasValues() {}

    /** Whether {@code module} is Keras' own (keras, keras.layers, keras.src..., tf_keras...), not a user's. */
    static boolean isKerasModule(Object module) {
        return module instanceof String name && (name.equals("keras") || name.startsWith("keras.") || name.equals("tf_keras")
                || name.startsWith("tf_keras."));
    }

    /**
     * The dtype a layer's "dtype" names: a string, or a DTypePolicy (tf.keras 2's Policy) object of
     * Keras' own with only a name in its config; null for anything else.
     */
    static String dtypeName(Object value) {
        if (value instanceof String name) {
            return name;
        }
        if (value instanceof Map<?, ?> policy && OBJECT_KEYS.containsAll(policy.keySet())
                && policy.get("class_name") instanceof String className && POLICY_CLASSES.contains(className) && (!policy.containsKey("module") || isKerasModule(policy.get("module")))
                && policy.get("registered_name") == null && policy.get("config") instanceof Map<?, ?> config
                && config.keySet().equals(Set.of("name")) && config.get("name") instanceof String name) {
            return name;
        }
        return null;
    }

    /** Keras 3's DTypePolicy of {@code name}, as it serializes one. */
    static Map<String, Object> dtypePolicy(String name) {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("module", "keras");
        policy.put("class_name", "DTypePolicy");
        policy.put("config", Map.of("name", name));
        policy.put("registered_name", null);
        return policy;
    }

    /** A value as a message shows it: a serialized object by its class and config, anything else as JSON would. */
    static String describe(Object value) {
        if (value instanceof Map<?, ?> object && object.get("class_name") instanceof String className) {
            Object config = object.get("config");
            String inner = config instanceof Map<?, ?> map && !map.isEmpty() ? describeMap(map) : "";
            return JsonValues.shortened(className + inner);
        }
        if (value instanceof Map<?, ?> map) {
            return JsonValues.shortened(describeMap(map));
        }
        return JsonValues.describe(value);
    }

    private static String describeMap(Map<?, ?> map) {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            out.append(out.length() > 1 ? ", " : "").append(entry.getKey()).append('=');
            out.append(entry.getValue() instanceof Map<?, ?> || entry.getValue() instanceof List<?>
                    ? JsonValues.describe(entry.getValue()) : describe(entry.getValue()));
        }
        return out.append('}').toString();
    }
}
