package dev.kiln.engine.json;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes JSON (checkpoint metadata): maps (in their order), lists, strings, booleans, null,
 * ints and longs (no decimal point) and doubles (always with a '.' or an exponent, so a reader
 * can tell them apart; NaN and infinities are not JSON and are refused).
 */
public final class JsonWriter {
    private JsonWriter() {}

    /** The value as indented JSON text; an unsupported type or a NaN or infinite double is an error. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value, "");
        return out.toString();
    }

    /** The same JSON on one line (JSON Lines: one object per line for programs). */
    public static String writeLine(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value, null);
        return out.toString();
    }

    /** {@code indent} null: no line breaks. */
    private static void append(StringBuilder out, Object value, String indent) {
        switch (value) {
            case null -> out.append("null");
            case String text -> string(out, text);
            case Boolean flag -> out.append(flag);
            case Integer number -> out.append(number);
            case Long number -> out.append(number);
            case Double number -> {
                if (!Double.isFinite(number)) {
                    throw new IllegalArgumentException("JSON cannot hold " + number);
                }
                String text = Double.toString(number);
                out.append(text.contains(".") || text.contains("E") ? text.toLowerCase(Locale.ROOT) : text + ".0");
            }
            case Map<?, ?> map -> {
                out.append('{');
                String inner = indent == null ? null : indent + "  ";
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(first ? "" : ",").append(inner == null ? (first ? "" : " ") : "\n" + inner);
                    string(out, String.valueOf(entry.getKey()));
                    out.append(": ");
                    append(out, entry.getValue(), inner);
                    first = false;
                }
                out.append(first || indent == null ? "}" : "\n" + indent + "}");
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    append(out, list.get(i), indent);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("no JSON form for a " + value.getClass().getSimpleName());
        }
    }

    private static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
