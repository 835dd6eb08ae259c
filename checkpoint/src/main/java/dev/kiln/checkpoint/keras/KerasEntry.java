package dev.kiln.checkpoint.keras;

import dev.kiln.engine.part.PartConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One layer config being read: where it is (for messages), its Keras keys, and the Kiln config
 * its rules fill in. The rules of {@link KerasKey} see only this.
 */
final class KerasEntry {
    private final KerasConfigReader reader;
    private final String where;
    private final Map<String, Object> config;
    private final PartConfig.Builder kiln;

    /** {@code kiln} is null for an entry that makes no Kiln layer (InputLayer, the model's own config). */
    KerasEntry(KerasConfigReader reader, String where, Map<String, Object> config, PartConfig.Builder kiln) {
        this.reader = reader;
        this.where = where;
        this.config = config;
        this.kiln = kiln;
    }

    /** The layer's Keras config as the file has it (read only). */
    Map<String, Object> kerasConfig() {
        return java.util.Collections.unmodifiableMap(config);
    }

    /** 2 or 3: which Keras wrote the file (a few names mean different things in each). */
    int kerasMajorVersion() {
        return reader.kerasMajorVersion();
    }

    /** "FILE: layers[3] 'dense' (Dense): 'key' is VALUE; Kiln supports WHAT". */
    KerasConfigException refuse(String key, Object found, String supported) {
        return error("'" + key + "' is " + KerasValues.describe(found) + "; Kiln supports " + supported);
    }

    /** "FILE: layers[3] 'dense' (Dense): PROBLEM". */
    KerasConfigException error(String problem) {
        return new KerasConfigException(where + ": " + problem);
    }

    /** Puts a plain JSON value into the Kiln config (None leaves the key out: the Kiln layer's default). */
    void put(String key, Object value) throws KerasConfigException {
        switch (value) {
            case null -> { }
            case Integer number -> kiln.put(key, number);
            case Long number -> kiln.put(key, number);
            case Double number -> kiln.put(key, number);
            case Boolean flag -> kiln.put(key, flag);
            case String text -> kiln.put(key, text);
            case List<?> list when list.stream().allMatch(item -> item instanceof String)
                    || list.stream().allMatch(item -> item instanceof Number) -> kiln.put(key, list);
            default -> throw refuse(key, value, "a number, a string, true or false, or a list of numbers or of strings here");
        }
    }

    /** Puts a nested Kiln config (a wrapped layer). */
    void putConfig(String key, PartConfig nested) {
        kiln.put(key, nested);
    }

    /** The Kiln config of the layer serialized at {@code key}, read through its own table. */
    PartConfig wrapped(String key, Object value) throws KerasConfigException {
        return reader.wrapped(value, where + ", its '" + key + "'");
    }

    /** Records the model's input shape (batch first). */
    void inputShape(String key, Object value) throws KerasConfigException {
        reader.inputShape(value, this, key);
    }

    /** Records the number of ids per example (Keras 2's Embedding input_length); None says nothing. */
    void inputLength(String key, Object value) throws KerasConfigException {
        if (value == null) {
            return;
        }
        if (!(value instanceof Integer length && length >= 1 && length <= PartConfig.MAX_DIMENSION)) {
            throw refuse(key, value, "None or an integer from 1 to " + PartConfig.MAX_DIMENSION);
        }
        reader.inputLength(length);
    }

    /**
     * Refuses {@code value} unless it is the layer at {@code forwardKey} reading the other way: the
     * same class and config but for its name and a flipped go_backwards.
     */
    void requireMirror(String key, Object value, String forwardKey) throws KerasConfigException {
        if (value != null && !(config.get(forwardKey) instanceof Map<?, ?> forward && value instanceof Map<?, ?> backward
                && isMirror(forward, backward))) {
            throw refuse(key, value, "only the mirror of '" + forwardKey + "' (its config reading backwards: what Keras builds"
                    + " when none is given, and what Kiln's Bidirectional computes)");
        }
    }

    private static boolean isMirror(Map<?, ?> forward, Map<?, ?> backward) {
        if (!(forward.get("config") instanceof Map<?, ?> forwardConfig && backward.get("config") instanceof Map<?, ?> backwardConfig)) {
            return false;
        }
        Map<Object, Object> forwardEnvelope = without(forward, "config", "build_config");
        Map<Object, Object> backwardEnvelope = without(backward, "config", "build_config");
        Map<Object, Object> forwardRest = without(forwardConfig, "name", "go_backwards");
        Map<Object, Object> backwardRest = without(backwardConfig, "name", "go_backwards");
        return KerasKey.sameValue(forwardEnvelope, backwardEnvelope) && KerasKey.sameValue(forwardRest, backwardRest)
                && !Boolean.TRUE.equals(forwardConfig.get("go_backwards")) && Boolean.TRUE.equals(backwardConfig.get("go_backwards"));
    }

    private static Map<Object, Object> without(Map<?, ?> map, String... keys) {
        Map<Object, Object> copy = new HashMap<>(map);
        for (String key : keys) {
            copy.remove(key);
        }
        return copy;
    }
}
