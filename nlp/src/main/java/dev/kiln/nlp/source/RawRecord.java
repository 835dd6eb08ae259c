package dev.kiln.nlp.source;

/**
 * One record as a file holds it, before its label is mapped: the text (already cut to the
 * maximum length), the label as written, what the label looks like, and the physical line
 * (1-based) where the record starts.
 */
record RawRecord(String text, String label, Kind kind, long line) {
    /** What a label looks like in its file. */
    enum Kind {
        /** A JSON string, or a CSV field that is not a number. */
        TEXT,
        /** A JSON number. */
        NUMBER,
        /** A CSV field that reads as a decimal number. */
        NUMBER_LIKE
    }
}
