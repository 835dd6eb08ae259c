package dev.kiln.engine.layer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer's constructor arguments as named values (int, long, double, boolean, String, a list of
 * strings, or a nested LayerConfig), in a stable order. It is what a checkpoint stores to rebuild
 * the layer, so it holds no weights. Getters name the key and the layer type when a value is
 * missing or of the wrong kind.
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

    public int getInt(String key) {
        return get(key, Integer.class);
    }

    public double getDouble(String key) {
        return get(key, Double.class);
    }

    public boolean getBoolean(String key) {
        return get(key, Boolean.class);
    }

    public String getString(String key) {
        return get(key, String.class);
    }

    public LayerConfig getConfig(String key) {
        return get(key, LayerConfig.class);
    }

    @SuppressWarnings("unchecked")
    public List<String> getStrings(String key) {
        return get(key, List.class);
    }

    private <T> T get(String key, Class<T> kind) {
        Object value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException(type + " config: missing '" + key + "' (has " + values.keySet() + ")");
        }
        if (!kind.isInstance(value)) {
            throw new IllegalArgumentException(type + " config: '" + key + "' should be " + kind.getSimpleName()
                    + ", found " + value.getClass().getSimpleName() + " " + value);
        }
        return kind.cast(value);
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

        public Builder put(String key, List<String> value) {
            values.put(key, List.copyOf(value));
            return this;
        }

        public LayerConfig build() {
            return new LayerConfig(type, new LinkedHashMap<>(values));
        }
    }
}
