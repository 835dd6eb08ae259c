package dev.kiln.engine.callback;

import dev.kiln.engine.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A callback's progress in a form a checkpoint can store: named plain values (strings, booleans,
 * ints, longs, doubles - infinities and NaN included -, and lists of them) and tensors (a weights
 * snapshot). Values come back from a file as the JSON reader gives them, so read them through the
 * typed getters, which also name a missing or mistyped value.
 */
public record CallbackState(Map<String, Object> values, List<Tensor> tensors) {

    public CallbackState {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        tensors = List.copyOf(tensors);
    }

    public CallbackState(Map<String, Object> values) {
        this(values, List.of());
    }

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

    public long getLong(String key) {
        if (require(key) instanceof Number number && number.doubleValue() == number.longValue()) {
            return number.longValue();
        }
        throw mistyped(key, "an integer", values.get(key));
    }

    public int getInt(String key) {
        long value = getLong(key);
        if (value != (int) value) {
            throw mistyped(key, "an int", value);
        }
        return (int) value;
    }

    public boolean getBoolean(String key) {
        if (require(key) instanceof Boolean flag) {
            return flag;
        }
        throw mistyped(key, "true or false", values.get(key));
    }

    public String getString(String key) {
        if (require(key) instanceof String text) {
            return text;
        }
        throw mistyped(key, "a string", values.get(key));
    }

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
            throw new IllegalArgumentException("callback state has no value '" + key + "' (has " + values.keySet() + ")");
        }
        return value;
    }

    private static IllegalArgumentException mistyped(String key, String expected, Object found) {
        return new IllegalArgumentException("callback state value '" + key + "' should be " + expected + ", found " + found);
    }
}
