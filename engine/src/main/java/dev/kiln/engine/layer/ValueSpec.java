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
 */
public record ValueSpec(String kind, int width, boolean masked) {
    /** The kind of a {@link TokenBatch}, which an Embedding takes. */
    public static final String TOKEN_IDS = "token ids";
    /** The kind of a {@link SequenceBatch}: one vector per token. */
    public static final String SEQUENCES = "sequences of vectors";
    /** The kind of a {@link FeatureBatch}: one vector per example. */
    public static final String FEATURES = "one vector per example";

    /** Checks that the width is not negative. */
    public ValueSpec {
        if (width < 0) {
            throw new IllegalArgumentException("a value's width must be >= 0, got " + width);
        }
    }

    /** A value of {@code kind} and {@code width} without a mask. */
    public ValueSpec(String kind, int width) {
        this(kind, width, false);
    }

    /** A model's input, whose kind the first layer decides; {@code width} 0 when not known. */
    public static ValueSpec input(int width) {
        return new ValueSpec(null, width);
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
}
