package dev.kiln.engine.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader (checkpoint metadata, test fixtures): objects (LinkedHashMap, duplicate keys refused),
 * arrays, strings, booleans, null, integers (Integer, or Long when larger) and decimals (Double).
 * Nesting depth is limited, so hostile metadata cannot exhaust the stack. Errors are
 * {@link JsonSyntaxException}s naming the offset.
 */
public final class JsonReader {
    /** How deeply values may nest: hostile metadata cannot exhaust the stack. */
    public static final int MAX_DEPTH = 64;

    private final String text;
    private final String source;
    private int at;

    private JsonReader(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Parses {@code text}; {@code source} names it in errors (a file and section); malformed text throws {@link JsonSyntaxException}. */
    public static Object parse(String text, String source) {
        JsonReader reader = new JsonReader(text, source);
        Object value = reader.value(0);
        reader.space();
        if (reader.at != text.length()) {
            throw reader.error("unexpected text after the value");
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " levels deep");
        }
        space();
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object(int depth) {
        // Metadata objects are small; a small first table keeps a hostile file of tiny objects within the load bound.
        Map<String, Object> map = new LinkedHashMap<>(4);
        at++;
        space();
        if (peek() == '}') {
            at++;
            return map;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw error("expected a key");
            }
            String key = string();
            space();
            expect(':');
            if (map.containsKey(key)) {
                throw error("duplicate key '" + key + "'");
            }
            map.put(key, value(depth + 1));
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        at++;
        space();
        if (peek() == ']') {
            at++;
            return list;
        }
        while (true) {
            list.add(value(depth + 1));
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        expect('"');
        // Most strings have no escape: take them as one substring (no builder, less garbage per value).
        for (int end = at; end < text.length(); end++) {
            char c = text.charAt(end);
            if (c == '"') {
                String plain = text.substring(at, end);
                at = end + 1;
                return plain;
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
        }
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                if (at >= text.length()) {
                    throw error("unterminated escape");
                }
                char e = text.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        at += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            } else if (c < 0x20) {
                throw error("control character in a string");
            } else {
                out.append(c);
            }
        }
    }

    private Object number() {
        int start = at;
        boolean decimal = false;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            decimal |= ".eE".indexOf(text.charAt(at)) >= 0;
            at++;
        }
        if (!decimal && at - start <= 18 && at > start) {
            Integer small = smallInteger(start, at); // no substring per number: a file of numbers stays within the load bound
            if (small != null) {
                return small;
            }
        }
        String digits = text.substring(start, at);
        if (digits.isEmpty()) {
            throw error("unexpected character '" + (start < text.length() ? text.charAt(start) : '?') + "'");
        }
        try {
            if (decimal) {
                return Double.parseDouble(digits);
            }
            long value = Long.parseLong(digits);
            if (value == (int) value) { // not a ?: expression, which would box both branches as Long
                return Integer.valueOf((int) value);
            }
            return Long.valueOf(value);
        } catch (NumberFormatException e) {
            throw error("malformed number '" + digits + "'");
        }
    }

    /** The int that text [from, to) spells as an optional '-' and digits, or null when it is anything else. */
    private Integer smallInteger(int from, int to) {
        boolean negative = text.charAt(from) == '-';
        int first = negative ? from + 1 : from;
        if (first == to) {
            return null;
        }
        long value = 0;
        for (int i = first; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            value = value * 10 + (c - '0');
        }
        value = negative ? -value : value;
        return value == (int) value ? Integer.valueOf((int) value) : null;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error("unexpected token");
        }
        at += word.length();
        return value;
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(at);
    }

    private void expect(char c) {
        if (at >= text.length() || text.charAt(at) != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private void space() {
        while (at < text.length() && " \t\n\r".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private JsonSyntaxException error(String problem) {
        return new JsonSyntaxException(source, problem, at);
    }
}
