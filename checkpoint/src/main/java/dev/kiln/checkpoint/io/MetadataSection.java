package dev.kiln.checkpoint.io;

import dev.kiln.engine.part.PartState;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.json.JsonValues;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON object from a file's metadata, read through typed getters. The untyped map stays in
 * here: a missing key, a value of another type or out of range is a
 * {@link CheckpointFormatException} naming the file, the field's path, the value found and what
 * is allowed, in words.
 */
public final class MetadataSection {
    private final Map<String, Object> values;
    private final String file;
    private final String path;

    private MetadataSection(Map<String, Object> values, String file, String path) {
        this.values = values;
        this.file = file;
        this.path = path;
    }

    /** Parses {@code json} (strictly, depth-limited) into a section; an error names the file, the section and the offset. */
    public static MetadataSection parse(String json, String file, String section) throws CheckpointFormatException {
        try {
            return root(JsonReader.parse(json, file + ": " + section), file, section);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(e.getMessage()); // the reader's message names the file, section and offset
        }
    }

    /** The parsed root of a metadata text, which must be an object; {@code file} and {@code section} name it in errors. */
    public static MetadataSection root(Object parsed, String file, String section) throws CheckpointFormatException {
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new CheckpointFormatException(file + ": " + section + " is " + JsonValues.describe(parsed) + "; allowed: a JSON object");
        }
        return new MetadataSection(objectMap(map), file, section);
    }

    /** The object's keys in file order. */
    public List<String> keys() {
        return List.copyOf(values.keySet());
    }

    /** Whether {@code key} is present with a value other than null. */
    public boolean has(String key) {
        return values.get(key) != null;
    }

    /** The raw values, for passing a section on unchanged (a copy of this level; nothing is read through it). */
    public Map<String, Object> raw() {
        return new LinkedHashMap<>(values);
    }

    /** The raw value of {@code key}, or null. */
    public Object rawValue(String key) {
        return values.get(key);
    }

    /**
     * An integer in [min, max]; anything else is a {@link CheckpointFormatException} naming the field, the value
     * and the range.
     */
    public long integer(String key, long min, long max) throws CheckpointFormatException {
        Object value = values.get(key);
        if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= min
                && ((Number) value).longValue() <= max) {
            return ((Number) value).longValue();
        }
        throw invalid(key, value, "an integer from " + min + " to " + max);
    }

    /** {@link #integer} for a range within int. */
    public int intValue(String key, int min, int max) throws CheckpointFormatException {
        return (int) integer(key, min, max);
    }

    /** A stored double: a number, or "NaN", "Infinity", "-Infinity" as {@link PartState#storable} writes them. */
    public double storedDouble(String key) throws CheckpointFormatException {
        Object value = values.get(key);
        try {
            return PartState.number(value, key);
        } catch (IllegalArgumentException e) {
            throw invalid(key, value, "a number, or \"NaN\", \"Infinity\", \"-Infinity\"");
        }
    }

    /** A finite number in [min, max]. */
    public double number(String key, double min, double max) throws CheckpointFormatException {
        Object value = values.get(key);
        if (value instanceof Number number && number.doubleValue() >= min && number.doubleValue() <= max) {
            return number.doubleValue();
        }
        throw invalid(key, value, "a number from " + min + " to " + max);
    }

    /** A boolean; anything else is a {@link CheckpointFormatException} naming the field and the value. */
    public boolean bool(String key) throws CheckpointFormatException {
        if (values.get(key) instanceof Boolean flag) {
            return flag;
        }
        throw invalid(key, values.get(key), "true or false");
    }

    /** A string; anything else is a {@link CheckpointFormatException} naming the field and the value. */
    public String string(String key) throws CheckpointFormatException {
        if (values.get(key) instanceof String text) {
            return text;
        }
        throw invalid(key, values.get(key), "a string");
    }

    /** One of {@code allowed}. */
    public String choice(String key, List<String> allowed) throws CheckpointFormatException {
        if (values.get(key) instanceof String text && allowed.contains(text)) {
            return text;
        }
        throw invalid(key, values.get(key), "one of " + allowed);
    }

    /**
     * A nested object, as a section whose errors name its path; anything else is a {@link
     * CheckpointFormatException}.
     */
    public MetadataSection object(String key) throws CheckpointFormatException {
        if (values.get(key) instanceof Map<?, ?> map) {
            return new MetadataSection(objectMap(map), file, child(key));
        }
        throw invalid(key, values.get(key), "a JSON object");
    }

    /** The object at {@code key}; empty when the key is absent or null. */
    public Optional<MetadataSection> optionalObject(String key) throws CheckpointFormatException {
        return values.get(key) == null ? Optional.empty() : Optional.of(object(key));
    }

    /** A list of objects, each as a section named {@code key[i]}. */
    public List<MetadataSection> objects(String key) throws CheckpointFormatException {
        List<MetadataSection> sections = new ArrayList<>();
        int index = 0;
        for (Object item : list(key)) {
            if (!(item instanceof Map<?, ?> map)) {
                throw invalidItem(key, index, item, "a JSON object");
            }
            sections.add(new MetadataSection(objectMap(map), file, child(key) + "[" + index + "]"));
            index++;
        }
        return sections;
    }

    /** A list, its elements as the JSON reader gives them; anything else is a {@link CheckpointFormatException}. */
    public List<?> list(String key) throws CheckpointFormatException {
        if (values.get(key) instanceof List<?> list) {
            return list;
        }
        throw invalid(key, values.get(key), "a list");
    }

    /** An error about this section as a whole. */
    public CheckpointFormatException error(String problem) {
        return new CheckpointFormatException(file + ": " + path + ": " + problem);
    }

    /** An error naming item {@code index} of the list at {@code key}, the value found (JSON null included) and what is allowed. */
    public CheckpointFormatException invalidItem(String key, int index, Object found, String allowed) {
        return new CheckpointFormatException(file + ": " + child(key) + "[" + index + "] is " + JsonValues.describe(found) + "; allowed: " + allowed);
    }

    /** An error naming the field {@code key}, the value found and what is allowed. */
    public CheckpointFormatException invalid(String key, Object found, String allowed) {
        return new CheckpointFormatException(file + ": " + child(key) + " is "
                + (found == null ? "missing" : JsonValues.describe(found)) + "; allowed: " + allowed);
    }

    /** The path of a field: {@code section.key}, or {@code section["key"]} for keys that are not plain words. */
    private String child(String key) {
        boolean plain = !key.isEmpty() && key.length() <= 60 && key.chars().allMatch(c -> c == '_' || c == '[' || c == ']'
                || Character.isLetterOrDigit(c) && c < 128);
        return plain ? path + "." + key : path + "[" + JsonValues.describe(key) + "]";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> objectMap(Map<?, ?> map) {
        return (Map<String, Object>) map; // the JSON reader's objects always have string keys
    }
}
