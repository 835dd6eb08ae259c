package dev.kiln.engine.json;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** JSON values in error messages, as a user would write them: strings quoted and shortened, containers by their size. */
public final class JsonValues {
    private static final int SHOWN = 60;
    private static final int NAMES_SHOWN = 8;

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

    /** Names (keys of a file's map, say) as a message lists them: the first few, each shortened, and how many more. */
    public static String names(Collection<String> names) {
        List<String> shown = names.stream().limit(NAMES_SHOWN).map(name -> "'" + shortened(name) + "'").toList();
        String more = names.size() > NAMES_SHOWN ? ", and " + (names.size() - NAMES_SHOWN) + " more" : "";
        return "[" + String.join(", ", shown) + more + "]";
    }

    /** {@code text}, cut to a readable length. */
    public static String shortened(String text) {
        return text.length() <= SHOWN ? text : text.substring(0, SHOWN - 3) + "...";
    }
}
