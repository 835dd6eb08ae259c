package dev.kiln.engine.part;

import dev.kiln.engine.json.JsonValues;
import dev.kiln.engine.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stateful part's progress (a metric's running sums, an optimizer's step and slots, a
 * callback's counters) in a form a checkpoint can store: named plain values (strings, booleans,
 * ints, longs, doubles - infinities and NaN included -, and lists of them) and named tensors (a
 * weights snapshot, an optimizer's moments). Values come back from a file as the JSON reader gives
 * them, so read them through the typed getters, which also name a missing or mistyped value.
 */
public record PartState(Map<String, Object> values, Map<String, Tensor> tensors) {

    /** Copies both maps, so the state does not change with the part. */
    public PartState {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** A state of plain values only, no tensors. */
    public PartState(Map<String, Object> values) {
        this(values, Map.of());
    }

    /** Tensors named by their position: "0", "1", ... (a list kept in order). */
    public static Map<String, Tensor> numbered(List<Tensor> tensors) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < tensors.size(); i++) {
            named.put(Integer.toString(i), tensors.get(i));
        }
        return named;
    }

    /** This state with every tensor copied, so it stays as it is while the part goes on. */
    public PartState detached() {
        Map<String, Tensor> copies = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> copies.put(name, tensor.copy()));
        return new PartState(values, copies);
    }

    /**
     * A stored double, see {@link #number(Object, String)}; missing or mistyped is an {@code
     * IllegalArgumentException} naming the key.
     */
    public double getDouble(String key) {
        return number(require(key), key);
    }

    /** A stored double (a number, or "Infinity", "-Infinity", "NaN"), e.g. an element of a list value. */
    public static double number(Object stored, String what) {
        return switch (stored) {
            case Number number -> number.doubleValue();
            case String text when text.equals("Infinity") || text.equals("-Infinity") || text.equals("NaN") -> Double.parseDouble(text);
            case null, default -> throw mistyped(what, "a number", stored);
        };
    }

    /** A stored whole number; missing or mistyped is an {@code IllegalArgumentException} naming the key. */
    public long getLong(String key) {
        if (require(key) instanceof Number number && number.doubleValue() == number.longValue()) {
            return number.longValue();
        }
        throw mistyped(key, "an integer", values.get(key));
    }

    /** A stored whole number that fits in an int; otherwise an {@code IllegalArgumentException} naming the key. */
    public int getInt(String key) {
        long value = getLong(key);
        if (value != (int) value) {
            throw mistyped(key, "an int", value);
        }
        return (int) value;
    }

    /** A stored boolean; missing or mistyped is an {@code IllegalArgumentException} naming the key. */
    public boolean getBoolean(String key) {
        if (require(key) instanceof Boolean flag) {
            return flag;
        }
        throw mistyped(key, "true or false", values.get(key));
    }

    /** A stored string; missing or mistyped is an {@code IllegalArgumentException} naming the key. */
    public String getString(String key) {
        if (require(key) instanceof String text) {
            return text;
        }
        throw mistyped(key, "a string", values.get(key));
    }

    /**
     * A stored list, its elements as the JSON reader gives them; missing or mistyped is an {@code
     * IllegalArgumentException}.
     */
    public List<?> getList(String key) {
        if (require(key) instanceof List<?> list) {
            return list;
        }
        throw mistyped(key, "a list", values.get(key));
    }

    /** A double as a value JSON can hold: finite ones as numbers, the others as "Infinity", "-Infinity", "NaN". */
    public static Object storable(double value) {
        return Double.isFinite(value) ? (Object) value : Double.toString(value);
    }

    private Object require(String key) {
        Object value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the saved state has no value '" + key + "' (has " + JsonValues.names(values.keySet()) + ")");
        }
        return value;
    }

    private static IllegalArgumentException mistyped(String key, String expected, Object found) {
        return new IllegalArgumentException("saved state value '" + key + "' should be " + expected + ", found "
                + JsonValues.describe(found));
    }
}
