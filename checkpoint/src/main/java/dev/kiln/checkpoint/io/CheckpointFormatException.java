package dev.kiln.checkpoint.io;

import java.io.IOException;

/** A checkpoint that cannot be read: the message names the file, the section, the field and the byte offset. */
public final class CheckpointFormatException extends IOException {
    private static final long serialVersionUID = 1L; // an IOException is Serializable; Kiln never serializes it

    /** An error whose message names the file, the section, the field and the offset. */
    public CheckpointFormatException(String message) {
        super(message);
    }
}
