package dev.kiln.engine.part;

import dev.kiln.engine.json.JsonValues;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A part's constructor arguments (a layer's, a loss's, a metric's, an optimizer's...) as named
 * values (int, long, double, boolean, String, a list of strings or of numbers, or a nested
 * PartConfig), in a stable order. It is what a checkpoint stores to rebuild the part, so it holds
 * no weights and no state. Configs come from files too, so the getters validate: a missing,
 * mistyped or out-of-range value is a {@link PartConfigException} naming the part, the key, the
 * value found and what is allowed.
 */
public final class PartConfig {
    private final String kind;
    private final String type;
    private final Map<String, Object> values;

    private PartConfig(String kind, String type, Map<String, Object> values) {
        this.kind = kind;
        this.type = type;
        this.values = Collections.unmodifiableMap(values);
    }

    /** A config of a part of {@code kind} ("layer", "loss", "metric", "optimizer", "schedule"), named in errors. */
    public static Builder builder(String kind, String type) {
        return new Builder(kind, type);
    }

    /** A layer's config. */
    public static Builder layer(String type) {
        return new Builder("layer", type);
    }

    /** What kind of part this configures ("layer", "loss", ...). */
    public String kind() {
        return kind;
    }

    /** The layer type this config rebuilds (the registry key). */
    public String type() {
        return type;
    }

    /** The values by key, in the order they were put (unmodifiable). */
    public Map<String, Object> values() {
        return values;
    }

    /** Keras' rule for a layer name: a non-empty string without '/', here also at most this many characters. */
    public static final int MAX_NAME_LENGTH = 256;
    /** The largest size a layer's dimension (units, input_dim, output_dim) may have. */
    public static final int MAX_DIMENSION = 1 << 24;

    /** An integer; missing or of another type is a {@link PartConfigException}. */
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

    /**
     * An integer in [min, max], as itself or as a list of one (Keras writes a 1-D window's size and
     * stride as a tuple); {@code fallback} when the key is absent or null, unless {@code fallback} is null.
     */
    public int getIntOrListOfOne(String key, Integer fallback, int min, int max) {
        Object value = values.get(key);
        if (value == null && fallback != null) {
            return fallback;
        }
        Object single = value instanceof List<?> list && list.size() == 1 ? list.get(0) : value;
        if (single instanceof Integer number && number >= min && number <= max) {
            return number;
        }
        throw invalid(key, value, "an integer from " + min + " to " + max + " or a list of one");
    }

    /** A number (a double); missing or of another type is a {@link PartConfigException}. */
    public double getDouble(String key) {
        return get(key, Double.class, "a number");
    }

    /** A boolean; missing or of another type is a {@link PartConfigException}. */
    public boolean getBoolean(String key) {
        return get(key, Boolean.class, "true or false");
    }

    /** A string; missing or of another type is a {@link PartConfigException}. */
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

    /** A finite number in [min, max]; an integer in the file counts as a number. */
    public double getDouble(String key, double min, double max) {
        Object value = values.get(key);
        if (value instanceof Number number && !(value instanceof Long) && number.doubleValue() >= min
                && number.doubleValue() <= max) {
            return number.doubleValue();
        }
        throw invalid(key, value, "a number from " + min + " to " + max);
    }

    // Options with a default: absent keys take it (Keras writes every key, a hand-written config may not).

    /** {@link #getBoolean(String)}, or {@code fallback} when the key is absent. */
    public boolean getBoolean(String key, boolean fallback) {
        return values.containsKey(key) ? getBoolean(key) : fallback;
    }

    /** {@link #getDouble(String, double, double)}, or {@code fallback} when the key is absent. */
    public double getDouble(String key, double fallback, double min, double max) {
        return values.containsKey(key) ? getDouble(key, min, max) : fallback;
    }

    /** An integer in [min, max], or {@code fallback} when the key is absent. */
    public int getInt(String key, int fallback, int min, int max) {
        return values.containsKey(key) ? getInt(key, min, max) : fallback;
    }

    /** {@link #getChoice(String, List)}, or {@code fallback} when the key is absent. */
    public String getChoice(String key, String fallback, List<String> allowed) {
        return values.containsKey(key) ? getChoice(key, allowed) : fallback;
    }

    /** {@link #getName()}, or {@code fallback} when the config has no name. */
    public String getName(String fallback) {
        return values.containsKey("name") ? getName() : fallback;
    }

    /** A nested config (an optimizer's learning-rate schedule, a wrapped layer). */
    public PartConfig getConfig(String key) {
        return get(key, PartConfig.class, "a config");
    }

    /** A list of numbers (an integer in the file counts as a number). */
    public List<Double> getNumbers(String key) {
        Object value = values.get(key);
        if (value instanceof List<?> list && list.stream().allMatch(item -> item instanceof Number)) {
            return list.stream().map(item -> ((Number) item).doubleValue()).toList();
        }
        throw invalid(key, value, "a list of numbers");
    }

    /** A list of strings (a vocabulary, say). */
    @SuppressWarnings("unchecked")
    public List<String> getStrings(String key) {
        Object value = values.get(key);
        if (value instanceof List<?> list && list.stream().allMatch(item -> item instanceof String)) {
            return (List<String>) list;
        }
        throw invalid(key, value, "a list of strings");
    }

    /** Refuses keys other than {@code known}: an option this build does not know may change the computation. */
    public void requireOnly(List<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new PartConfigException(where() + ": unknown key '" + key + "'; " + type + " takes " + known);
            }
        }
    }

    /** An error naming this part and {@code key}: "layer 'x' (Type): 'key' " + problem. */
    public PartConfigException error(String key, String problem) {
        return new PartConfigException(where() + ": '" + key + "' " + problem);
    }

    /** An error naming this part, {@code key}, the value found and what is allowed. */
    public PartConfigException invalid(String key, Object found, String allowed) {
        return new PartConfigException(where() + ": '" + key + "' is " + (found == null ? "missing" : describe(found))
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
        return kind + " " + (values.get("name") instanceof String name ? "'" + JsonValues.shortened(name) + "' " : "") + "("
                + JsonValues.shortened(type) + ")";
    }

    /** A value as a user would write it (JSON's way), a nested config by its type. */
    static String describe(Object value) {
        return value instanceof PartConfig nested ? "a " + nested.kind + " config (" + JsonValues.shortened(nested.type) + ")"
                : JsonValues.describe(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PartConfig config && kind.equals(config.kind) && type.equals(config.type)
                && values.equals(config.values);
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
        private final String kind;
        private final String type;
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder(String kind, String type) {
            this.kind = kind;
            this.type = type;
        }

        /** Puts an int value. */
        public Builder put(String key, int value) {
            values.put(key, value);
            return this;
        }

        /** Puts a double value. */
        public Builder put(String key, double value) {
            values.put(key, value);
            return this;
        }

        /** Puts a boolean value. */
        public Builder put(String key, boolean value) {
            values.put(key, value);
            return this;
        }

        /** Puts a string value. */
        public Builder put(String key, String value) {
            values.put(key, value);
            return this;
        }

        /** Puts a nested config. */
        public Builder put(String key, PartConfig value) {
            values.put(key, value);
            return this;
        }

        /** A whole number too large for an int, as a file may hold one (layers refuse it by name). */
        public Builder put(String key, long value) {
            values.put(key, value);
            return this;
        }

        /** A list of strings or of numbers. */
        public Builder put(String key, List<?> value) {
            values.put(key, List.copyOf(value));
            return this;
        }

        /** The config, with the values put so far. */
        public PartConfig build() {
            return new PartConfig(kind, type, new LinkedHashMap<>(values));
        }
    }
}
