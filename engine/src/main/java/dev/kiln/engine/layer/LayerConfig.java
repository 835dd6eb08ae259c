package dev.kiln.engine.layer;

import dev.kiln.engine.json.JsonValues;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer's constructor arguments as named values (int, long, double, boolean, String, a list of
 * strings, or a nested LayerConfig), in a stable order. It is what a checkpoint stores to rebuild
 * the layer, so it holds no weights. Configs come from files too, so the getters validate:
 * a missing, mistyped or out-of-range value is a {@link LayerConfigException} naming the layer,
 * the key, the value found and what is allowed.
 */
public final class LayerConfig {
    private final String type;
    private final Map<String, Object> values;

    private LayerConfig(String type, Map<String, Object> values) {
        this.type = type;
        this.values = Collections.unmodifiableMap(values);
    }

    public static Builder builder(String type) {
        return new Builder(type);
    }

    /** The layer type this config rebuilds (the registry key). */
    public String type() {
        return type;
    }

    public Map<String, Object> values() {
        return values;
    }

    /** Keras' rule for a layer name: a non-empty string without '/', here also at most this many characters. */
    public static final int MAX_NAME_LENGTH = 256;
    /** The largest size a layer's dimension (units, input_dim, output_dim) may have. */
    public static final int MAX_DIMENSION = 1 << 24;

    public int getInt(String key) {
        return get(key, Integer.class, "an integer");
    }

    /** An integer in [min, max]; anything else (a decimal, a string, out of range) names the key and the range. */
    public int getInt(String key, int min, int max) {
        Object value = values.get(key);
        if (value instanceof Integer number && number >= min && number <= max) {
            return number;
        }
        throw invalid(key, value, "an integer from " + min + " to " + max);
    }

    /** An optional integer stored as -1 when unset (Keras' None): null for -1, else an integer in [min, max]. */
    public Integer getOptionalInt(String key, int min, int max) {
        Object value = values.get(key);
        if (value instanceof Integer number && (number == -1 || number >= min && number <= max)) {
            return number == -1 ? null : number;
        }
        throw invalid(key, value, "-1 (none) or an integer from " + min + " to " + max);
    }

    /** A dimension: an integer from 1 to {@link #MAX_DIMENSION}. */
    public int getDimension(String key) {
        return getInt(key, 1, MAX_DIMENSION);
    }

    public double getDouble(String key) {
        return get(key, Double.class, "a number");
    }

    public boolean getBoolean(String key) {
        return get(key, Boolean.class, "true or false");
    }

    public String getString(String key) {
        return get(key, String.class, "a string");
    }

    /** One of {@code allowed}, which the error lists. */
    public String getChoice(String key, List<String> allowed) {
        Object value = values.get(key);
        if (value instanceof String text && allowed.contains(text)) {
            return text;
        }
        throw invalid(key, value, "one of " + allowed);
    }

    /** The layer's name, with Keras' rule (non-empty, no '/') and a length limit. */
    public String getName() {
        Object value = values.get("name");
        if (value instanceof String text && !text.isEmpty() && !text.contains("/") && text.length() <= MAX_NAME_LENGTH) {
            return text;
        }
        throw invalid("name", value, "a non-empty string of at most " + MAX_NAME_LENGTH + " characters without '/'");
    }

    public LayerConfig getConfig(String key) {
        return get(key, LayerConfig.class, "a layer config");
    }

    @SuppressWarnings("unchecked")
    public List<String> getStrings(String key) {
        return get(key, List.class, "a list of strings");
    }

    /** Refuses keys other than {@code known}: an option this build does not know may change the computation. */
    public void requireOnly(List<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new LayerConfigException(where() + ": unknown key '" + key + "'; " + type + " takes " + known);
            }
        }
    }

    /** An error naming this layer and {@code key}: "layer 'x' (Type): 'key' " + problem. */
    public LayerConfigException error(String key, String problem) {
        return new LayerConfigException(where() + ": '" + key + "' " + problem);
    }

    /** An error naming this layer, {@code key}, the value found and what is allowed. */
    public LayerConfigException invalid(String key, Object found, String allowed) {
        return new LayerConfigException(where() + ": '" + key + "' is " + (found == null ? "missing" : describe(found))
                + "; allowed: " + allowed);
    }

    private <T> T get(String key, Class<T> kind, String description) {
        Object value = values.get(key);
        if (!kind.isInstance(value)) {
            throw invalid(key, value, description);
        }
        return kind.cast(value);
    }

    private String where() {
        return "layer " + (values.get("name") instanceof String name ? "'" + JsonValues.shortened(name) + "' " : "") + "("
                + JsonValues.shortened(type) + ")";
    }

    /** A value as a user would write it (JSON's way), a nested config by its type. */
    static String describe(Object value) {
        return value instanceof LayerConfig nested ? "a layer config (" + JsonValues.shortened(nested.type) + ")"
                : JsonValues.describe(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LayerConfig config && type.equals(config.type) && values.equals(config.values);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + values.hashCode();
    }

    @Override
    public String toString() {
        return type + values;
    }

    /** Collects values in insertion order. */
    public static final class Builder {
        private final String type;
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder(String type) {
            this.type = type;
        }

        public Builder put(String key, int value) {
            values.put(key, value);
            return this;
        }

        public Builder put(String key, double value) {
            values.put(key, value);
            return this;
        }

        public Builder put(String key, boolean value) {
            values.put(key, value);
            return this;
        }

        public Builder put(String key, String value) {
            values.put(key, value);
            return this;
        }

        public Builder put(String key, LayerConfig value) {
            values.put(key, value);
            return this;
        }

        /** A whole number too large for an int, as a file may hold one (layers refuse it by name). */
        public Builder put(String key, long value) {
            values.put(key, value);
            return this;
        }

        public Builder put(String key, List<String> value) {
            values.put(key, List.copyOf(value));
            return this;
        }

        public LayerConfig build() {
            return new LayerConfig(type, new LinkedHashMap<>(values));
        }
    }
}
