package dev.kiln.nlp.source;

/**
 * The label of a {@link TextExample}: a class, by its index in the class names of the folder or
 * of the {@link LabelSet}, or a number kept as it is (a rating, a score).
 */
public sealed interface Label {
    /** A class: its index in the class names, from 0. */
    record Category(int index) implements Label {
        /** Checks that the index is not negative. */
        public Category {
            if (index < 0) {
                throw new IllegalArgumentException("a class index is >= 0, got " + index);
            }
        }
    }

    /** A number: a regression target, or a numeric label the caller interprets. */
    record Value(double value) implements Label {
        /** Checks that the value is finite. */
        public Value {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("a numeric label is finite, got " + value);
            }
        }
    }
}
