package dev.kiln.nlp.source;

import dev.kiln.engine.json.JsonValues;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;

/** What the CSV and JSON Lines readers check and do alike. */
final class Records {
    /** A decimal number as people write one: sign, digits, an optional fraction and exponent; no NaN, hex or suffix. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");

    private static final int NAMES_SHOWN = 12;

    private Records() {}

    /** Refuses an empty text or label, naming the file, line and column. */
    static void requireNonEmpty(String value, String what, String file, long line, Column column) throws TextSourceException {
        if (value.isEmpty()) {
            throw new TextSourceException(at(file, line, column) + "the " + what + " is empty; every record needs one");
        }
    }

    /** The start of an error about one column of one record: {@code file: line 3, column 'label': }. */
    static String at(String file, long line, Column column) {
        return file + ": line " + line + ", column " + column.describe() + ": ";
    }

    /** Whether a CSV label reads as a finite decimal number. */
    static boolean isNumber(String label) {
        return NUMBER.matcher(label).matches() && Double.isFinite(Double.parseDouble(label));
    }

    /** The first {@code maxLength} code points of {@code text} (all of it when maxLength < 0), as Keras' max_length cuts. */
    static String cut(String text, int maxLength) {
        if (maxLength < 0 || text.length() <= maxLength) {
            return text;
        }
        int count = text.codePointCount(0, text.length());
        return count <= maxLength ? text : text.substring(0, text.offsetByCodePoints(0, maxLength));
    }

    /** Names as errors list them: {@code 'a', 'b', 'c'}, each cut to a readable length, the first 12 and how many more. */
    static String quoted(Collection<?> names) {
        StringBuilder shown = new StringBuilder();
        int i = 0;
        for (Object name : names) {
            if (i++ == NAMES_SHOWN) {
                return shown + " and " + (names.size() - NAMES_SHOWN) + " more";
            }
            shown.append(shown.isEmpty() ? "'" : ", '").append(JsonValues.shortened(String.valueOf(name))).append('\'');
        }
        return shown.toString();
    }

    /** A count with thousands separators, the same in every locale: 16,777,216. */
    static String grouped(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    /** Strings in code point order (Python's sorted(), Keras' class order), not Java's UTF-16 order. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
