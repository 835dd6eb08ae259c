package dev.kiln.nlp.hostile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random edits of a parsed JSON document (LinkedHashMaps and ArrayLists, as the project's JSON
 * reader gives them): numbers, strings, keys, nesting and lists, with values chosen to reach
 * every rule a loader has (zero, negative, huge, fractional, wrong type, enum words of other
 * options, deep nesting). Each edit returns what it did, for the failure report.
 */
final class JsonEdits {
    private static final Object[] NUMBERS = {0, -1, 1, 2, 3, 4, 63, 64, 65, 999, 1000, 1001, 65_536, 65_537, 1 << 20,
            Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 0.5, 1.5, -0.0, 1e-45,
            1e300, -1e300, 3.4e38};
    private static final String[] STRINGS = {"", " ", "custom", "none", "int", "multi_hot", "concat", "sum", "max", "min",
            "relu", "softmax", "linear", "sigmoid", "tanh", "whitespace", "lower_and_strip_punctuation", "count", "tf_idf",
            "binary", "character", "lower", "LSTM", "Dense", "Embedding", "Bidirectional", "TextVectorization", "Conv1D",
            "Lambda", "Adam", "SGD", "RMSprop", "NaN", "Infinity", "-Infinity", "val_loss", "accuracy", "[UNK]", "a/b",
            "ünï©ødé", "\u0000", "x".repeat(5000)};
    private static final String[] KEYS = {"units", "name", "input_dim", "output_dim", "mask_zero", "vocabulary", "max_tokens",
            "output_sequence_length", "ngrams", "output_mode", "pad_to_max_tokens", "idf_weights", "layer", "merge_mode",
            "activation", "use_bias", "dropout", "return_state", "extra", "class_name", "config", "iterations",
            "learning_rate", "epoch", "tensors", "values"};

    /** A place in the tree: the value at a key of an object or an index of a list. */
    private record Slot(Object container, Object key) {
        Object get() {
            return container instanceof Map<?, ?> map ? map.get(key) : ((List<?>) container).get((Integer) key);
        }

        @SuppressWarnings("unchecked")
        void set(Object value) {
            if (container instanceof Map<?, ?> map) {
                ((Map<Object, Object>) map).put(key, value);
            } else {
                ((List<Object>) container).set((Integer) key, value);
            }
        }

        void remove() {
            if (container instanceof Map<?, ?> map) {
                map.remove(key);
            } else {
                ((List<?>) container).remove((int) (Integer) key);
            }
        }
    }

    private JsonEdits() {}

    /** Applies one random edit to {@code root} (a holder list whose element 0 is the document) and describes it. */
    @SuppressWarnings("unchecked")
    static String edit(List<Object> root, Random random) {
        List<Slot> slots = new ArrayList<>();
        collect(root, 0, slots);
        Slot slot = slots.get(random.nextInt(slots.size()));
        Object old = slot.get();
        String where = path(slot);
        int kind = random.nextInt(12);
        switch (kind) {
            case 0, 1 -> {
                Object value = old instanceof Number ? NUMBERS[random.nextInt(NUMBERS.length)] : randomValue(random, 0);
                slot.set(value);
                return where + " := " + shortly(value);
            }
            case 2 -> {
                Object value = STRINGS[random.nextInt(STRINGS.length)];
                slot.set(value);
                return where + " := " + shortly(value);
            }
            case 3 -> {
                slot.remove();
                return "remove " + where;
            }
            case 4 -> {
                Map<String, Object> object = pick(slots, Map.class, random);
                if (object == null) {
                    return "no object";
                }
                String key = KEYS[random.nextInt(KEYS.length)];
                Object value = randomValue(random, 0);
                object.put(key, value);
                return "add key " + key + " = " + shortly(value);
            }
            case 5 -> {
                Object wrapped = random.nextBoolean() ? list(old) : object("x", old);
                slot.set(wrapped);
                return "nest " + where;
            }
            case 6, 7 -> {
                List<Object> list = pick(slots, List.class, random);
                return list == null ? "no list" : editList(list, random);
            }
            case 8 -> {
                List<Object> vocabulary = vocabulary(slots);
                return vocabulary == null ? "no vocabulary" : editVocabulary(vocabulary, random);
            }
            case 9 -> {
                Object deep = 1;
                for (int level = 0; level < 40 + random.nextInt(40); level++) {
                    deep = random.nextBoolean() ? list(deep) : object("d", deep);
                }
                slot.set(deep);
                return where + " := deeply nested";
            }
            case 10 -> {
                slot.set(null);
                return where + " := null";
            }
            default -> {
                Object value = old instanceof Map<?, ?> ? new ArrayList<>() : old instanceof List<?> ? new LinkedHashMap<>()
                        : old instanceof String ? (Object) 7 : old instanceof Boolean ? "true" : Boolean.TRUE;
                slot.set(value);
                return "retype " + where;
            }
        }
    }

    /** A mutable list that may hold null (JSON null). */
    private static List<Object> list(Object... items) {
        List<Object> list = new ArrayList<>();
        Collections.addAll(list, items);
        return list;
    }

    private static Map<String, Object> object(String key, Object value) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put(key, value);
        return object;
    }

    private static String editList(List<Object> list, Random random) {
        int n = list.size();
        switch (random.nextInt(6)) {
            case 0 -> list.clear();
            case 1 -> {
                if (n > 0) {
                    list.remove(random.nextInt(n));
                }
            }
            case 2 -> {
                if (n > 0) {
                    list.add(random.nextInt(n + 1), list.get(random.nextInt(n)));
                }
            }
            case 3 -> {
                if (n > 1) {
                    Collections.swap(list, random.nextInt(n), random.nextInt(n));
                }
            }
            case 4 -> list.add(randomValue(random, 0));
            default -> Collections.reverse(list);
        }
        return "edit a list of " + n;
    }

    private static String editVocabulary(List<Object> vocabulary, Random random) {
        int n = vocabulary.size();
        switch (random.nextInt(8)) {
            case 0 -> vocabulary.clear();
            case 1 -> vocabulary.add(vocabulary.get(random.nextInt(n)));
            case 2 -> vocabulary.subList(random.nextInt(n + 1), n).clear();
            case 3 -> {
                for (int i = 0; i < 1 + random.nextInt(3000); i++) {
                    vocabulary.add("extra" + i);
                }
            }
            case 4 -> vocabulary.set(random.nextInt(n), random.nextBoolean() ? "" : "[UNK]");
            case 5 -> vocabulary.add(random.nextInt(n + 1), random.nextBoolean() ? null : (Object) 5);
            case 6 -> vocabulary.subList(0, Math.min(n, 2)).clear();
            default -> vocabulary.set(random.nextInt(n), "x".repeat(random.nextInt(100_000)));
        }
        return "edit the vocabulary of " + n;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> vocabulary(List<Slot> slots) {
        for (Slot slot : slots) {
            if ("vocabulary".equals(slot.key()) && slot.get() instanceof List<?> list && !list.isEmpty()) {
                return (List<Object>) list;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <T> T pick(List<Slot> slots, Class<?> kind, Random random) {
        List<Object> matching = new ArrayList<>();
        for (Slot slot : slots) {
            if (kind.isInstance(slot.get())) {
                matching.add(slot.get());
            }
        }
        return matching.isEmpty() ? null : (T) matching.get(random.nextInt(matching.size()));
    }

    private static Object randomValue(Random random, int depth) {
        return switch (random.nextInt(depth > 1 ? 4 : 6)) {
            case 0 -> NUMBERS[random.nextInt(NUMBERS.length)];
            case 1 -> STRINGS[random.nextInt(STRINGS.length)];
            case 2 -> random.nextBoolean();
            case 3 -> null;
            case 4 -> list(randomValue(random, depth + 1), randomValue(random, depth + 1));
            default -> object(KEYS[random.nextInt(KEYS.length)], randomValue(random, depth + 1));
        };
    }

    private static void collect(Object container, int depth, List<Slot> slots) {
        if (depth > 8) {
            return;
        }
        if (container instanceof Map<?, ?> map) {
            for (Object key : List.copyOf(map.keySet())) {
                Slot slot = new Slot(map, key);
                slots.add(slot);
                collect(slot.get(), depth + 1, slots);
            }
        } else if (container instanceof List<?> list) {
            // A long list (the vocabulary) contributes a few slots, not thousands.
            for (int i = 0; i < list.size(); i += Math.max(1, list.size() / 8)) {
                Slot slot = new Slot(list, i);
                slots.add(slot);
                collect(slot.get(), depth + 1, slots);
            }
        }
    }

    private static String path(Slot slot) {
        return slot.container() instanceof Map<?, ?> ? "." + slot.key() : "[" + slot.key() + "]";
    }

    private static String shortly(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
