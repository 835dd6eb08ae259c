package dev.kiln.nlp.source;

/** What a reader does with bytes that are not UTF-8. */
public enum Decoding {
    /** Stop with an error naming the file, the line and the byte offset (the default). */
    STRICT,
    /**
     * Read each malformed sequence as U+FFFD: one per maximal invalid subpart, Unicode's
     * recommended practice, as Python's {@code errors="replace"} and browsers do. Java's
     * {@code new String(bytes, UTF_8)} does the same except for an encoded surrogate
     * ({@code ED A0..BF ..}), which it replaces with one U+FFFD where this gives one per byte.
     */
    REPLACE
}
