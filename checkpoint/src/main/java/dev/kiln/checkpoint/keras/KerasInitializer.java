package dev.kiln.checkpoint.keras;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A weight initializer Kiln's layers draw from, and the ways Keras writes it: a name string
 * ("glorot_uniform") or a serialized object, Keras 3's {module, class_name, config,
 * registered_name} or Keras 2's {class_name, config}, under any of its class names (Keras 2.0
 * wrote glorot_uniform as VarianceScaling(1, fan_avg, uniform)). The seed does not matter: Kiln
 * draws its weights from its own seeded generator, from the same distribution.
 *
 * @param description what Kiln supports, for messages ("glorot_uniform (Keras' default)")
 * @param written     what Kiln writes on export (Keras 3's form)
 * @param forms       the ways Keras writes this initializer
 */
record KerasInitializer(String description, Map<String, Object> written, List<Form> forms) {
    private static final Set<String> IGNORED_PARAMETERS = Set.of("seed");

    /**
     * One way of writing it: any of {@code names} (class names, or the string alias) with
     * {@code parameters} at these values; an absent parameter takes the class's default, which
     * equals the value here when {@code absentIsDefault}.
     */
    record Form(Set<String> names, Map<String, Object> parameters, boolean absentIsDefault) {}

    static final KerasInitializer GLOROT_UNIFORM = of("glorot_uniform (Keras' default for kernels)", "GlorotUniform", Map.of(),
            new Form(Set.of("GlorotUniform", "glorot_uniform"), Map.of(), true),
            new Form(Set.of("VarianceScaling"), Map.of("scale", 1.0, "mode", "fan_avg", "distribution", "uniform"), false));
    static final KerasInitializer ORTHOGONAL = of("orthogonal with gain 1 (Keras' default for recurrent kernels)", "Orthogonal",
            Map.of("gain", 1.0), new Form(Set.of("Orthogonal", "OrthogonalInitializer", "orthogonal"), Map.of("gain", 1.0), true));
    static final KerasInitializer ZEROS = of("zeros (Keras' default for biases and beta)", "Zeros", Map.of(),
            new Form(Set.of("Zeros", "zeros"), Map.of(), true));
    static final KerasInitializer ONES = of("ones (Keras' default for gamma)", "Ones", Map.of(),
            new Form(Set.of("Ones", "ones"), Map.of(), true));
    static final KerasInitializer EMBEDDING_UNIFORM = of("uniform, RandomUniform(-0.05, 0.05) (Keras' default for embeddings)",
            "RandomUniform", ordered("minval", -0.05, "maxval", 0.05),
            new Form(Set.of("RandomUniform", "uniform", "random_uniform"), Map.of("minval", -0.05, "maxval", 0.05), true));

    /** Key-value pairs in their order (Keras writes an initializer's config in a fixed order). */
    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static KerasInitializer of(String description, String className, Map<String, Object> parameters, Form... forms) {
        Map<String, Object> config = new LinkedHashMap<>();
        if (!className.equals("Zeros") && !className.equals("Ones")) {
            config.put("seed", null);
        }
        config.putAll(parameters);
        Map<String, Object> written = new LinkedHashMap<>();
        written.put("module", "keras.initializers");
        written.put("class_name", className);
        written.put("config", config);
        written.put("registered_name", null);
        return new KerasInitializer(description, written, List.of(forms));
    }

    /** Whether {@code value} (a string or a serialized initializer) is this initializer. */
    boolean matches(Object value) {
        if (value instanceof String name) {
            return forms.stream().anyMatch(form -> form.absentIsDefault() && form.names().contains(name));
        }
        if (!(value instanceof Map<?, ?> object) || !KerasValues.OBJECT_KEYS.containsAll(object.keySet())
                || object.containsKey("module") && !KerasValues.isKerasModule(object.get("module"))
                || object.get("registered_name") != null) {
            return false;
        }
        Object config = object.containsKey("config") ? object.get("config") : Map.of();
        return config instanceof Map<?, ?> parameters && object.get("class_name") instanceof String className
                && forms.stream().anyMatch(form -> form.names().contains(className) && fits(form, parameters));
    }

    private static boolean fits(Form form, Map<?, ?> parameters) {
        for (Object key : parameters.keySet()) {
            if (!form.parameters().containsKey(key) && !IGNORED_PARAMETERS.contains(key)
                    && !("dtype".equals(key) && "float32".equals(parameters.get(key)))) { // tf.keras 2.0-2.3 wrote the dtype
                return false;
            }
        }
        for (Map.Entry<String, Object> expected : form.parameters().entrySet()) {
            Object found = parameters.get(expected.getKey());
            if (parameters.containsKey(expected.getKey()) ? !KerasKey.sameValue(expected.getValue(), found) : !form.absentIsDefault()) {
                return false;
            }
        }
        return true;
    }
}
