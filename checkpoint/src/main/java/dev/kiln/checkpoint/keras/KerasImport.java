package dev.kiln.checkpoint.keras;

import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.random.Rng;

import dev.kiln.engine.optim.Optimizer;

import java.util.List;
import java.util.Optional;
import java.util.Locale;

/**
 * A Keras model config read into Kiln: the model (its layers made, not yet built) and what the
 * config said besides.
 *
 * @param model             the layers, in the config's order (Keras' InputLayer is not a layer in Kiln)
 * @param name              the Keras model's name ("sequential")
 * @param input             what the model takes, as far as the config says
 * @param kerasMajorVersion 2 or 3: which Keras wrote the config
 * @param source            the file (or label) it was read from, as messages name it
 * @param notes             what the config held that is not part of the model and was not imported (its compile_config),
 *                          and what a model file held besides (its optimizer state, imported or not, and why)
 * @param optimizer         the optimizer with the file's state (Adam's iterations, m and v), when the file held a state
 *                          Kiln steps as Keras does; empty otherwise (a fresh optimizer when training starts, as a note says)
 */
public record KerasImport(Sequential model, String name, KerasInput input, int kerasMajorVersion, String source,
                          List<String> notes, Optional<Optimizer> optimizer) {

    /** Copies the notes. */
    public KerasImport {
        notes = List.copyOf(notes);
    }

    /** A config's import: no optimizer state. */
    public KerasImport(Sequential model, String name, KerasInput input, int kerasMajorVersion, String source, List<String> notes) {
        this(model, name, input, kerasMajorVersion, source, notes, Optional.empty());
    }

    /** This import with {@code more} as its notes (what was read besides the model, or left out). */
    public KerasImport withNotes(List<String> more) {
        return new KerasImport(model, name, input, kerasMajorVersion, source, more, optimizer);
    }

    /** This import with {@code state}'s optimizer, and its note added. */
    KerasImport withOptimizer(KerasOptimizerImport.Result state) {
        List<String> more = new java.util.ArrayList<>(notes);
        more.add(state.note());
        return new KerasImport(model, name, input, kerasMajorVersion, source, more, state.optimizer());
    }

    /**
     * Builds the model with fresh weights drawn from {@code rng}, refusing, before anything is
     * allocated, a model of more weights than {@link #defaultParameterBudget()}. Returns what the
     * model outputs. A TextVectorization first must have its vocabulary first (adapt it).
     */
    public ValueSpec build(Rng rng) throws KerasConfigException {
        return build(rng, defaultParameterBudget());
    }

    /**
     * Builds the model with fresh weights drawn from {@code rng}; a model of more than
     * {@code maxParameters} weights is refused before its weights are allocated, as are layers
     * that cannot feed each other and an input the config does not describe. Every problem is a
     * {@link KerasConfigException} naming the source and the layer.
     */
    public ValueSpec build(Rng rng, long maxParameters) throws KerasConfigException {
        if (input.kind() == KerasInput.Kind.UNKNOWN) {
            throw new KerasConfigException(source + ": the config gives no input shape (no InputLayer, batch_input_shape or"
                    + " build_input_shape), and Kiln needs the width of the vectors layer '" + model.layers().getFirst().name()
                    + "' takes");
        }
        long[] allocated = {0};
        ParameterSource fresh = ParameterSource.initial(rng);
        ParameterSource budgeted = (name, shape, initial) -> {
            allocated[0] += shape.size();
            if (allocated[0] > maxParameters) {
                throw new IllegalArgumentException("the model has more than " + String.format(Locale.ROOT, "%,d", maxParameters)
                        + " weights (reached at " + name + " " + shape + "); this JVM allows at most that many (a quarter of"
                        + " its heap, -Xmx)");
            }
            return fresh.tensor(name, shape, initial);
        };
        try {
            return model.build(inputSpec(), budgeted);
        } catch (IllegalArgumentException e) {
            throw new KerasConfigException(source + ": " + e.getMessage());
        }
    }

    /**
     * What the first layer gets: the input's kind (texts are nlp's kind, left unnamed here), width
     * and, for ids or sequences of a fixed length, that length (a Flatten after them needs it).
     */
    ValueSpec inputSpec() {
        int steps = input.steps().orElse(ValueSpec.ANY_LENGTH);
        return switch (input.kind()) {
            case VECTORS -> new ValueSpec(ValueSpec.FEATURES, input.buildWidth());
            case SEQUENCES -> new ValueSpec(ValueSpec.SEQUENCES, input.buildWidth(), false, steps);
            case TOKEN_IDS -> new ValueSpec(ValueSpec.TOKEN_IDS, 0, false, steps);
            case TEXTS, UNKNOWN -> ValueSpec.input(0);
        };
    }

    /** The most weights {@link #build(Rng)} allocates: a quarter of the JVM's maximum heap in float32 values. */
    public static long defaultParameterBudget() {
        return Runtime.getRuntime().maxMemory() / 4 / Float.BYTES;
    }
}
