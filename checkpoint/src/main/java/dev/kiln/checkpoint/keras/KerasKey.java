package dev.kiln.checkpoint.keras;

import dev.kiln.engine.part.PartConfig;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What Kiln does with one key of a Keras layer config: read it (the value becomes the Kiln
 * config's value under the same key, which the Kiln layer validates), accept it because it does
 * not change the computation, or accept it only at the value Kiln computes (Keras' default,
 * usually). Each rule also says what Kiln writes for the key when it exports a model in Keras 3's
 * form. A {@link KerasLayer} is a table of these, one per key Keras writes for the class.
 */
public final class KerasKey {
    /** A writer's answer for a key Keras 3 does not write. */
    static final Object NOT_WRITTEN = new Object();

    /** Checks a key's value and puts what Kiln reads into the entry's Kiln config. */
    @FunctionalInterface
    interface Reader {
        void read(String key, Object value, KerasEntry entry) throws KerasConfigException;
    }

    /** The value Keras 3 writes for a key of a Kiln layer's config, or {@link #NOT_WRITTEN}. */
    @FunctionalInterface
    interface Writer {
        Object write(String key, PartConfig kiln, KerasConfigWriter out);
    }

    private final Reader reader;
    private final Writer writer;
    private final String rule;
    private final boolean passesThrough;
    private final boolean written;

    private KerasKey(Reader reader, Writer writer, String rule, boolean passesThrough) {
        this(reader, writer, rule, passesThrough, true);
    }

    private KerasKey(Reader reader, Writer writer, String rule, boolean passesThrough, boolean written) {
        this.reader = reader;
        this.writer = writer;
        this.rule = rule;
        this.passesThrough = passesThrough;
        this.written = written;
    }

    // Keys Kiln reads: the value is the Kiln config's value under the same key.

    /** Read: the value goes to the Kiln layer under the same key (a null is refused: Kiln needs a value). */
    public static KerasKey read() {
        return new KerasKey((key, value, entry) -> {
            if (value == null) {
                throw entry.refuse(key, null, "a value here (Keras' None has no Kiln counterpart)");
            }
            entry.put(key, value);
        }, KerasKey::kilnValue, "read", true);
    }

    /** Read, with Keras' None standing for {@code kilnValue} (and written back as None). */
    public static KerasKey read(Object kilnValue) {
        return new KerasKey((key, value, entry) -> entry.put(key, value == null ? kilnValue : value), (key, kiln, out) -> {
            Object value = kilnValue(key, kiln, out);
            return Objects.equals(value, kilnValue) ? null : value;
        }, "read (None as " + shown(kilnValue) + ")", true);
    }

    /** Read when given; Keras' None leaves the Kiln layer's default (and is written for an absent value). */
    public static KerasKey readOptional() {
        return new KerasKey((key, value, entry) -> entry.put(key, value), (key, kiln, out) -> kiln.values().get(key),
                "read (None: Kiln's default)", true);
    }

    /**
     * Read an activation's name (Kiln's Activation checks it). Keras 2's hard_sigmoid computed
     * clip(0.2 x + 0.5, 0, 1), Keras 3's (Kiln's hard_sigmoid) relu6(x + 3) / 6: in a Keras 2 config
     * it is read as Kiln's hard_sigmoid_keras2, which Keras 3 has no name for (exporting it is an error).
     */
    public static KerasKey activation() {
        return new KerasKey((key, value, entry) -> entry.put(key, keras2Aware(value, entry)), KerasKey::activationWritten,
                "read (Keras 2's hard_sigmoid as hard_sigmoid_keras2)", true);
    }

    /**
     * An LSTM's recurrent_activation: sigmoid (Kiln's fused LSTM) or, in a Keras 2 config, Keras 2's
     * hard_sigmoid (Kiln's hard_sigmoid_keras2); anything else is refused.
     */
    static KerasKey recurrentActivation() {
        return new KerasKey((key, value, entry) -> {
            Object kiln = keras2Aware(value, entry);
            if ("sigmoid".equals(kiln)) {
                return; // Kiln's LSTM default: the config keeps its old form
            }
            if (!KERAS2_HARD_SIGMOID.equals(kiln)) {
                throw entry.refuse(key, value, "only \"sigmoid\", or Keras 2's \"hard_sigmoid\" in a Keras 2 config (Kiln's LSTM"
                        + " gates use the logistic sigmoid or Keras 2's clip(0.2 x + 0.5, 0, 1))");
            }
            entry.put(key, kiln);
        }, (key, kiln, out) -> kiln.values().containsKey(key) ? activationWritten(key, kiln, out) : "sigmoid",
                "only sigmoid, or in a Keras 2 config hard_sigmoid (Keras 2's clip(0.2 x + 0.5, 0, 1))", true);
    }

    /** Kiln's name for Keras 2's hard_sigmoid. */
    static final String KERAS2_HARD_SIGMOID = "hard_sigmoid_keras2";

    private static Object keras2Aware(Object value, KerasEntry entry) {
        return "hard_sigmoid".equals(value) && entry.kerasMajorVersion() < 3 ? KERAS2_HARD_SIGMOID : value;
    }

    private static Object activationWritten(String key, PartConfig kiln, KerasConfigWriter out) {
        Object value = kilnValue(key, kiln, out);
        if (KERAS2_HARD_SIGMOID.equals(value)) {
            throw new IllegalArgumentException("layer '" + kiln.values().get("name") + "' uses Keras 2's hard_sigmoid"
                    + " (clip(0.2 x + 0.5, 0, 1)), which Keras 3 has no activation for");
        }
        return value;
    }

    // Keys Kiln supports at one value (Keras' default).

    /** Only {@code value} (numbers compare by value); anything else is refused, saying {@code why}. */
    public static KerasKey only(Object value, String why) {
        return oneOf(Arrays.asList(value), why);
    }

    /** Only one of {@code values} (the first is what Kiln writes); anything else is refused, saying {@code why}. */
    public static KerasKey oneOf(List<?> values, String why) {
        String allowed = values.size() == 1 ? "only " + shown(values.getFirst()) : "only " + values.stream()
                .map(KerasKey::shown).toList();
        return new KerasKey((key, value, entry) -> {
            if (values.stream().noneMatch(allowedValue -> sameValue(allowedValue, value))) {
                throw entry.refuse(key, value, allowed + " (" + why + ")");
            }
        }, (key, kiln, out) -> values.getFirst(), allowed + ": " + why, false);
    }

    /** Only None (a regularizer, a constraint...); anything else is refused, saying {@code why}. */
    public static KerasKey nullOnly(String why) {
        return only(null, why);
    }

    /** Any value: the key does not change what Kiln computes ({@code why} says why); written as None. */
    public static KerasKey any(String why) {
        return new KerasKey((key, value, entry) -> { }, (key, kiln, out) -> null, "any value: " + why, false);
    }

    /**
     * A layer's dtype: one of {@code names} (the first is what Kiln writes), as a string or as
     * Keras' DTypePolicy (tf.keras 2's Policy) of that name; a mixed or other precision is refused.
     */
    public static KerasKey dtype(String... names) {
        List<String> allowed = List.of(names);
        return new KerasKey((key, value, entry) -> {
            String name = KerasValues.dtypeName(value);
            if (value != null && (name == null || !allowed.contains(name))) {
                throw entry.refuse(key, value, "only " + String.join(" or ", allowed)
                        + " (Kiln computes in float32; a string or a DTypePolicy of that name)");
            }
        }, (key, kiln, out) -> KerasValues.dtypePolicy(names[0]), "only " + String.join(" or ", allowed), false);
    }

    // Structure: the model's input, a wrapped layer.

    /** A weight initializer Kiln draws from (only the one it uses is accepted; its seed does not matter). */
    static KerasKey initializer(KerasInitializer initializer) {
        return new KerasKey((key, value, entry) -> {
            if (!initializer.matches(value)) {
                throw entry.refuse(key, value, "only " + initializer.description());
            }
        }, (key, kiln, out) -> initializer.written(), "only " + initializer.description(), false);
    }

    /** The model's input shape with the batch dimension first (batch_shape, batch_input_shape). */
    static KerasKey inputShape() {
        return new KerasKey((key, value, entry) -> entry.inputShape(key, value), (key, kiln, out) -> NOT_WRITTEN,
                "the model's input shape (from the first layer)", false, false);
    }

    /** Keras 2's Embedding input_length: the number of ids per example. */
    static KerasKey inputLength() {
        return new KerasKey((key, value, entry) -> entry.inputLength(key, value), (key, kiln, out) -> NOT_WRITTEN,
                "the model's input length, ids per example (from the first layer)", false, false);
    }

    /** A wrapped layer (Bidirectional's): converted through its own table; Keras 3's "forward_" name prefix is dropped. */
    static KerasKey wrapped() {
        return new KerasKey((key, value, entry) -> entry.putConfig(key, entry.wrapped(key, value)),
                (key, kiln, out) -> out.wrapped(kiln.getConfig(key), false), "a wrapped layer, through its own table", true);
    }

    /**
     * Bidirectional's backward_layer: accepted only as the mirror of {@code forwardKey} (the same
     * config reading backwards, any name), which is what Keras builds when none is given and what
     * Kiln's Bidirectional computes; written as that mirror.
     */
    static KerasKey mirrorOf(String forwardKey) {
        return new KerasKey((key, value, entry) -> entry.requireMirror(key, value, forwardKey),
                (key, kiln, out) -> out.wrapped(kiln.getConfig(forwardKey), true),
                "only the mirror of '" + forwardKey + "' (its config with go_backwards flipped)", false);
    }

    // Changing what is written.

    /** This rule, with nothing written for the key on export (a key Keras 3 does not write). */
    public KerasKey notWritten() {
        return new KerasKey(reader, (key, kiln, out) -> NOT_WRITTEN, rule, passesThrough, false);
    }

    /** This rule, writing {@code value} for the key on export. */
    public KerasKey written(Object value) {
        return new KerasKey(reader, (key, kiln, out) -> value, rule, passesThrough);
    }

    /** This rule, writing what {@code write} makes of the Kiln layer's config on export. */
    public KerasKey writtenAs(Function<PartConfig, Object> write) {
        return new KerasKey(reader, (key, kiln, out) -> write.apply(kiln), rule, passesThrough);
    }

    /** What the rule accepts, in words (for messages and documentation). */
    public String rule() {
        return rule;
    }

    /** Whether Kiln writes the key when it exports a model (Keras 3 writes it). */
    public boolean written() {
        return written;
    }

    /** Whether the Kiln config has this key (the rule reads it into the Kiln layer). */
    boolean passesThrough() {
        return passesThrough;
    }

    void read(String key, Object value, KerasEntry entry) throws KerasConfigException {
        reader.read(key, value, entry);
    }

    Object write(String key, PartConfig kiln, KerasConfigWriter out) {
        return writer.write(key, kiln, out);
    }

    private static Object kilnValue(String key, PartConfig kiln, KerasConfigWriter out) {
        return kiln.values().containsKey(key) ? kiln.values().get(key) : NOT_WRITTEN;
    }

    /** JSON equality with numbers compared by value (Keras writes 0 and 0.0 for the same rate). */
    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameValue(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            return x.keySet().equals(y.keySet()) && x.keySet().stream().allMatch(k -> sameValue(x.get(k), y.get(k)));
        }
        return Objects.equals(a, b);
    }

    private static String shown(Object value) {
        return value == null ? "None" : value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
    }
}
