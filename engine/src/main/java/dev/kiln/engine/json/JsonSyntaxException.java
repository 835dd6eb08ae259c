package dev.kiln.engine.json;

/**
 * Malformed JSON: what is wrong and the character offset where the reader found it, so a caller
 * that parses one line of a larger file (JSON Lines) can name the line and column. Its message is
 * the one {@link JsonReader} always gave: the source, the problem and the offset.
 */
public final class JsonSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L; // an exception is Serializable; Kiln never serializes it

    private final String problem;
    private final int offset;

    /** A syntax error in {@code source}: {@code problem} at character {@code offset} (0-based). */
    public JsonSyntaxException(String source, String problem, int offset) {
        super(source + ": JSON " + problem + " at character " + offset);
        this.problem = problem;
        this.offset = offset;
    }

    /** What is wrong, e.g. "expected ':'", without the source or the offset. */
    public String problem() {
        return problem;
    }

    /** The 0-based character offset in the parsed text where the problem was found. */
    public int offset() {
        return offset;
    }
}
