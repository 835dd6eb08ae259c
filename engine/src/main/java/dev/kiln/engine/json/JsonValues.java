package dev.kiln.engine.json;

import java.util.List;
import java.util.Map;

/** JSON values in error messages, as a user would write them: strings quoted and shortened, containers by their size. */
public final class JsonValues {
    private static final int SHOWN = 60;

    private JsonValues() {}

    /**
     * A value as a user would write it: a string quoted and shortened, a short list of numbers in full, other
     * containers by their size.
     */
    public static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case String text -> "\"" + shortened(text) + "\"";
            case List<?> list when list.size() <= 8 && list.stream().allMatch(item -> item instanceof Number || item instanceof Boolean)
                    -> list.toString();
            case List<?> list -> "a list of " + list.size() + " items";
            case Map<?, ?> map -> "an object with " + map.size() + " keys";
            default -> String.valueOf(value);
        };
    }

    /** {@code text}, cut to a readable length. */
    public static String shortened(String text) {
        return text.length() <= SHOWN ? text : text.substring(0, SHOWN - 3) + "...";
    }
}
