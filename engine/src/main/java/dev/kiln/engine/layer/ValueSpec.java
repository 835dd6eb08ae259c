package dev.kiln.engine.layer;

/**
 * What a layer hands to the next one, known when the model is built: the kind of value (token
 * ids, sequences of vectors, one vector per example, or another module's kind such as raw texts)
 * and its width (features per step or per example; for token ids, how many distinct ids can
 * occur, 0 when that is not known). Building a model checks each layer against the spec of the
 * layer before it, so a model whose layers cannot feed each other fails when it is built or
 * loaded, not at its first prediction.
 *
 * @param kind   a description of the kind of value; null when not known (the model's input)
 * @param width  features per step or example, or the id range of token ids; 0 when not known
 * @param masked sequences whose lengths are a Keras mask (an Embedding with mask_zero, and the
 *               layers that pass its mask on), so a layer Keras refuses a mask (Conv1D) fails at build
 * @param steps  the one length every sequence (or row of token ids) has, as TextVectorization's
 *               output_sequence_length makes it; {@link #ANY_LENGTH} when each may have its own
 *               (Kiln packs every sequence at its true length), or for one vector per example
 */
public record ValueSpec(String kind, int width, boolean masked, int steps) {
    /** The kind of a {@link TokenBatch}, which an Embedding takes. */
    public static final String TOKEN_IDS = "token ids";
    /** The kind of a {@link SequenceBatch}: one vector per token. */
    public static final String SEQUENCES = "sequences of vectors";
    /** The kind of a {@link FeatureBatch}: one vector per example. */
    public static final String FEATURES = "one vector per example";
    /** {@link #steps()} when the sequences' lengths are not fixed: Keras' None in (None, None, features). */
    public static final int ANY_LENGTH = -1;

    /** Checks that the width is not negative and the steps are a length or {@link #ANY_LENGTH}. */
    public ValueSpec {
        if (width < 0) {
            throw new IllegalArgumentException("a value's width must be >= 0, got " + width);
        }
        if (steps < ANY_LENGTH) {
            throw new IllegalArgumentException("a value's steps must be >= 0 or ANY_LENGTH (-1), got " + steps);
        }
    }

    /** A value of {@code kind} and {@code width}, masked or not, whose sequences may have any length. */
    public ValueSpec(String kind, int width, boolean masked) {
        this(kind, width, masked, ANY_LENGTH);
    }

    /** A value of {@code kind} and {@code width} without a mask, whose sequences may have any length. */
    public ValueSpec(String kind, int width) {
        this(kind, width, false);
    }

    /** A model's input, whose kind the first layer decides; {@code width} 0 when not known. */
    public static ValueSpec input(int width) {
        return new ValueSpec(null, width);
    }

    /**
     * A model's input whose examples all have {@code steps} steps (an Embedding-first model fed
     * rows padded to one length), so a Flatten can take the sequences; {@code width} 0 when not known.
     */
    public static ValueSpec input(int width, int steps) {
        return new ValueSpec(null, width, false, steps);
    }

    /** Whether every sequence has the same, known number of steps. */
    public boolean fixedLength() {
        return steps != ANY_LENGTH;
    }

    /** This spec when it is of one of the two kinds {@code layer} takes (or of unknown kind); otherwise an error. */
    public ValueSpec require(Layer layer, String expected, String orElse) {
        if (kind != null && !kind.equals(expected) && !kind.equals(orElse)) {
            throw new IllegalArgumentException("layer '" + layer.name() + "' (" + layer.config().type() + ") takes "
                    + expected + " or " + orElse + " but the layer before it gives " + kind);
        }
        return this;
    }

    /** This spec when it is of {@code expected} kind (or of unknown kind); otherwise an error naming {@code layer}. */
    public ValueSpec require(Layer layer, String expected) {
        if (kind != null && !kind.equals(expected)) {
            throw new IllegalArgumentException("layer '" + layer.name() + "' (" + layer.config().type() + ") takes "
                    + expected + " but the layer before it gives " + kind);
        }
        return this;
    }

    /**
     * This spec when it carries no mask; otherwise Keras' refusal for a layer that does not support
     * masking (Conv1D, MaxPooling1D, Flatten), naming {@code layer}: checked at build, so a saved
     * model with a mask before such a layer fails when it is loaded.
     */
    public ValueSpec requireUnmasked(Layer layer) {
        if (masked) {
            throw Layer.maskNotSupported(layer);
        }
        return this;
    }

    /** The shape in Keras' summary notation: "(None, 64)" per example, "(None, None, 64)" or "(None, 200, 64)" per step. */
    public String summaryShape() {
        String length = fixedLength() ? Integer.toString(steps) : "None";
        if (TOKEN_IDS.equals(kind)) {
            return "(None, " + length + ")";
        }
        return SEQUENCES.equals(kind) ? "(None, " + length + ", " + width + ")" : "(None, " + width + ")";
    }
}
