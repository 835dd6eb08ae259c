package dev.kiln.engine.part;

/**
 * A layer config that a layer cannot be built from. The message names the layer, the key, the
 * value found and what is allowed, in words (never a Java type), so a loader can put the file and
 * field in front of it and show it as it is.
 */
public final class PartConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L; // an exception is Serializable; Kiln never serializes it

    /** An error whose message is shown as it is, behind the file and field that a loader adds. */
    public PartConfigException(String message) {
        super(message);
    }
}
