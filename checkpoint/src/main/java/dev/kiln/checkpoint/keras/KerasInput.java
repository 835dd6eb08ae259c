package dev.kiln.checkpoint.keras;

import java.util.OptionalInt;

/**
 * What a Keras model takes, as its config says (an InputLayer's batch_shape or Keras 2's
 * batch_input_shape, an Embedding's input_length, the model's build_input_shape), read in the
 * terms Kiln builds a model in: raw texts (a TextVectorization first), token ids (an Embedding
 * first), one vector of {@code features} per example, or sequences of {@code steps} vectors of
 * {@code features}.
 *
 * @param kind     what one example is
 * @param steps    the fixed number of ids or vectors per example, when the config gives one
 * @param features the width of each vector (VECTORS and SEQUENCES only)
 */
public record KerasInput(Kind kind, OptionalInt steps, OptionalInt features) {

    /** What one example of the model's input is. */
    public enum Kind {
        /** The config does not say (a model Keras never built). */
        UNKNOWN,
        /** One raw text (the model starts with TextVectorization). */
        TEXTS,
        /** A sequence of token ids (the model starts with an Embedding). */
        TOKEN_IDS,
        /** One vector of features. */
        VECTORS,
        /** A sequence of vectors of features. */
        SEQUENCES
    }

    /** Checks that features are given exactly for vectors and sequences, and that sizes are positive. */
    public KerasInput {
        boolean values = kind == Kind.VECTORS || kind == Kind.SEQUENCES;
        if (features.isPresent() != values) {
            throw new IllegalArgumentException(kind + " input " + (values ? "needs" : "has no") + " features");
        }
        if (steps.isPresent() && (kind == Kind.TEXTS || kind == Kind.VECTORS || kind == Kind.UNKNOWN)) {
            throw new IllegalArgumentException(kind + " input has no steps");
        }
        if (steps.orElse(1) < 1 || features.orElse(1) < 1) {
            throw new IllegalArgumentException("input sizes must be >= 1, got steps " + steps + ", features " + features);
        }
    }

    /** Nothing known about the input. */
    public static KerasInput unknown() {
        return new KerasInput(Kind.UNKNOWN, OptionalInt.empty(), OptionalInt.empty());
    }

    /** One raw text per example. */
    public static KerasInput texts() {
        return new KerasInput(Kind.TEXTS, OptionalInt.empty(), OptionalInt.empty());
    }

    /** A sequence of token ids per example, of {@code steps} ids when that is fixed. */
    public static KerasInput tokenIds(OptionalInt steps) {
        return new KerasInput(Kind.TOKEN_IDS, steps, OptionalInt.empty());
    }

    /** One vector of {@code features} per example. */
    public static KerasInput vectors(int features) {
        return new KerasInput(Kind.VECTORS, OptionalInt.empty(), OptionalInt.of(features));
    }

    /** A sequence of vectors of {@code features} per example, of {@code steps} vectors when that is fixed. */
    public static KerasInput sequences(OptionalInt steps, int features) {
        return new KerasInput(Kind.SEQUENCES, steps, OptionalInt.of(features));
    }

    /** The input width Kiln builds the model for ({@code Sequential.build(width, rng)}): the features, or 0 for texts and ids. */
    public int buildWidth() {
        return features.orElse(0);
    }
}
