package dev.kiln.nlp.source;

/**
 * A column of a CSV, TSV or JSON Lines file: by its name in the header row (or the JSON key), or
 * by its number, counting from 0, in a file without a header.
 */
public sealed interface Column {
    /** The column with this header name or JSON key. */
    static Column named(String name) {
        return new Named(name);
    }

    /** The column at this 0-based position (headerless CSV or TSV). */
    static Column at(int index) {
        return new Index(index);
    }

    /** How errors name the column: {@code 'label'} or {@code 1 (0-based)}. */
    String describe();

    /** A column chosen by name. */
    record Named(String name) implements Column {
        /** Checks that the name is not empty. */
        public Named {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a column name must not be empty");
            }
        }

        @Override
        public String describe() {
            return "'" + name + "'";
        }
    }

    /** A column chosen by its 0-based number. */
    record Index(int index) implements Column {
        /** Checks that the number is not negative. */
        public Index {
            if (index < 0) {
                throw new IllegalArgumentException("a column number counts from 0, got " + index);
            }
        }

        @Override
        public String describe() {
            return index + " (0-based)";
        }
    }
}
