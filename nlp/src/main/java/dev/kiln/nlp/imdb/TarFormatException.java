package dev.kiln.nlp.imdb;

import java.io.IOException;

/** A tar stream that is truncated or malformed; the message names the archive, entry and byte offset. */
public final class TarFormatException extends IOException {
    private static final long serialVersionUID = 1L; // an IOException is Serializable; Kiln never serializes it

    /** An error whose message names the archive, the entry and the offset. */
    public TarFormatException(String message) {
        super(message);
    }
}
