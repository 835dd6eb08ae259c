package dev.kiln.nlp.source;

import java.io.IOException;

/**
 * A user's data that cannot be read as labelled texts. The message names the file (or folder),
 * the line and column where it applies, the value found and what is allowed, for example
 * {@code reviews.csv: line 7, column 'label': the label is empty; every record needs one}.
 */
public final class TextSourceException extends IOException {
    private static final long serialVersionUID = 1L; // an IOException is Serializable; Kiln never serializes it

    /** An error whose message says where and what. */
    public TextSourceException(String message) {
        super(message);
    }
}
