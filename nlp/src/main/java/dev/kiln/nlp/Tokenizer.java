package dev.kiln.nlp;

import java.util.List;
import java.util.function.Function;

/**
 * Turns a text into tokens, handing each to a sink as a slice of a char buffer. The rules are
 * Keras' TextVectorization's, fused into one pass with no String per token. Standardize: "lower"
 * lowercases ASCII A-Z only (tf.strings.lower without an encoding), "strip_punctuation" deletes
 * the 32 ASCII punctuation characters of Keras' regex (everything else, non-ASCII punctuation
 * included, is kept), "lower_and_strip_punctuation" (the default) does both. Split: "whitespace"
 * (the default) on exactly space, tab, newline, vertical tab, form feed and carriage return (runs
 * collapse, no empty tokens), "character" into Unicode code points (tf.strings.unicode_split;
 * whitespace characters are tokens too, a lone surrogate is one), none: the whole text is one
 * token, possibly empty.
 */
public final class Tokenizer {
    /** The 32 ASCII punctuation characters of Python's string.punctuation. */
    static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final boolean[] IS_PUNCTUATION = new boolean[128];
    private static final boolean[] IS_WHITESPACE = new boolean[128];

    static {
        for (char c : PUNCTUATION.toCharArray()) {
            IS_PUNCTUATION[c] = true;
        }
        for (char c : " \t\n\u000B\f\r".toCharArray()) {
            IS_WHITESPACE[c] = true;
        }
    }

    /** Receives tokens: chars[start, start + length). */
    @FunctionalInterface
    public interface Sink {
        /** Receives one token, the characters chars[start, start + length). */
        void token(char[] chars, int start, int length);
    }

    /** In {@link #asciiMap}: the character is deleted, or ends a token. Neither is an ASCII character. */
    private static final char DELETED = '\uFFFF';
    private static final char SEPARATOR = '\uFFFE';
    /** The map of Keras' default standardize, for {@link #standardizeDefault}. */
    private static final char[] DEFAULT_MAP = asciiMap(Standardize.LOWER_AND_STRIP_PUNCTUATION);

    private final Standardize standardize;
    private final Split split;
    private final Function<String, String> customStandardize;
    private final Function<String, List<String>> customSplit;
    /** The built-in standardize rule as what each ASCII character becomes (whitespace marked for the split). */
    private final char[] asciiMap;

    /**
     * Keras' standardize options (a user function is given with {@link #custom}); a config spells
     * each by its lowercase name, Keras' None as "none".
     */
    public enum Standardize {
        /** ASCII letters lowercased, ASCII punctuation deleted (Keras' default). */
        LOWER_AND_STRIP_PUNCTUATION,
        /** ASCII letters lowercased. */
        LOWER,
        /** ASCII punctuation deleted. */
        STRIP_PUNCTUATION,
        /** The text as it is (Keras' None). */
        NONE,
        /** A user function. */
        CUSTOM
    }

    /**
     * Keras' split options (a user function is given with {@link #custom}); a config spells each
     * by its lowercase name, Keras' None as "none".
     */
    public enum Split {
        /** On runs of the six ASCII whitespace characters (Keras' default). */
        WHITESPACE,
        /** Every Unicode code point is a token. */
        CHARACTER,
        /** The whole text is one token (Keras' None). */
        NONE,
        /** A user function. */
        CUSTOM
    }

    private Tokenizer(Standardize standardize, Split split, Function<String, String> customStandardize,
                      Function<String, List<String>> customSplit) {
        this.standardize = standardize;
        this.split = split;
        this.customStandardize = customStandardize;
        this.customSplit = customSplit;
        this.asciiMap = asciiMap(standardize);
    }

    private static char[] asciiMap(Standardize rule) {
        boolean lower = rule == Standardize.LOWER || rule == Standardize.LOWER_AND_STRIP_PUNCTUATION;
        boolean strip = rule == Standardize.STRIP_PUNCTUATION || rule == Standardize.LOWER_AND_STRIP_PUNCTUATION;
        char[] map = new char[128];
        for (char c = 0; c < 128; c++) {
            map[c] = IS_WHITESPACE[c] ? SEPARATOR
                    : strip && IS_PUNCTUATION[c] ? DELETED
                    : lower && c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) // ASCII only, as tf.strings.lower
                    : c;
        }
        return map;
    }

    /** A tokenizer with built-in rules (not CUSTOM, which needs {@link #custom}). */
    public static Tokenizer of(Standardize standardize, Split split) {
        if (standardize == Standardize.CUSTOM || split == Split.CUSTOM) {
            throw new IllegalArgumentException("a CUSTOM standardize or split needs its function: use Tokenizer.custom");
        }
        return new Tokenizer(standardize, split, null, null);
    }

    /** Keras' defaults: lower_and_strip_punctuation, whitespace. */
    public static Tokenizer keras() {
        return of(Standardize.LOWER_AND_STRIP_PUNCTUATION, Split.WHITESPACE);
    }

    /** User functions; either may be null to use the default rule. */
    public static Tokenizer custom(Function<String, String> standardize, Function<String, List<String>> split) {
        return new Tokenizer(standardize == null ? Standardize.LOWER_AND_STRIP_PUNCTUATION : Standardize.CUSTOM,
                split == null ? Split.WHITESPACE : Split.CUSTOM, standardize, split);
    }

    /** The standardize rule. */
    public Standardize standardize() {
        return standardize;
    }

    /** The split rule. */
    public Split split() {
        return split;
    }

    /** Calls {@code sink} for every token of {@code text}, in order. */
    public void tokenize(String text, Sink sink) {
        if (standardize == Standardize.CUSTOM || split == Split.CUSTOM) {
            tokenizeWithFunctions(text, sink);
            return;
        }
        char[] chars = new char[text.length()];
        text.getChars(0, chars.length, chars, 0); // one bulk copy: charAt per character is far slower
        if (split == Split.WHITESPACE) {
            standardizeAndSplit(chars, sink);
        } else {
            emit(chars, standardize(chars, asciiMap), sink);
        }
    }

    /**
     * The built-in standardize and the whitespace split in one pass, each kept character written
     * back at its token's end (never past where it was read). The same tokens as standardizing
     * first, then splitting ({@link #tokenizeInPasses}): each character's fate depends on it alone,
     * and whitespace is neither punctuation nor changed by lowercasing. Three passes (standardize,
     * split, then the vocabulary's hash) took 6.1 ns per character (JMH `TokenizerBenchmark`).
     */
    private void standardizeAndSplit(char[] chars, Sink sink) {
        char[] map = asciiMap;
        int length = 0;
        int start = 0;
        for (char c : chars) {
            if (c < 128) {
                char mapped = map[c];
                if (mapped == DELETED) {
                    continue; // deleted, not replaced: "don't" -> "dont"
                }
                if (mapped == SEPARATOR) {
                    if (length > start) {
                        sink.token(chars, start, length - start);
                    }
                    start = length;
                    continue;
                }
                c = mapped;
            }
            chars[length++] = c;
        }
        if (length > start) {
            sink.token(chars, start, length - start);
        }
    }

    /** The reference for {@link #tokenize} with built-in rules: standardize the whole text, then split it. */
    void tokenizeInPasses(String text, Sink sink) {
        char[] chars = text.toCharArray();
        emit(chars, standardize(chars, asciiMap), sink);
    }

    /** Standardizes chars in place with a built-in rule's map ({@link #asciiMap}); returns the new length. */
    private static int standardize(char[] chars, char[] map) {
        int length = 0;
        for (char c : chars) {
            if (c < 128) {
                char mapped = map[c];
                if (mapped == DELETED) {
                    continue; // deleted, not replaced: "don't" -> "dont"
                }
                if (mapped != SEPARATOR) { // whitespace stays, for the split
                    c = mapped;
                }
            }
            chars[length++] = c;
        }
        return length;
    }

    private void emit(char[] chars, int length, Sink sink) {
        if (split == Split.NONE) {
            sink.token(chars, 0, length);
            return;
        }
        if (split == Split.CHARACTER) {
            for (int i = 0; i < length; ) {
                int width = Character.isHighSurrogate(chars[i]) && i + 1 < length && Character.isLowSurrogate(chars[i + 1])
                        ? 2 : 1;
                sink.token(chars, i, width);
                i += width;
            }
            return;
        }
        int i = 0;
        while (i < length) {
            while (i < length && isAsciiWhitespace(chars[i])) {
                i++;
            }
            int start = i;
            while (i < length && !isAsciiWhitespace(chars[i])) {
                i++;
            }
            if (i > start) {
                sink.token(chars, start, i - start);
            }
        }
    }

    private void tokenizeWithFunctions(String text, Sink sink) {
        String standardized;
        if (standardize == Standardize.CUSTOM) {
            standardized = customStandardize.apply(text);
        } else {
            char[] chars = text.toCharArray();
            standardized = new String(chars, 0, standardize(chars, asciiMap));
        }
        if (split == Split.CUSTOM) {
            for (String token : customSplit.apply(standardized)) {
                char[] chars = token.toCharArray();
                sink.token(chars, 0, chars.length);
            }
        } else {
            char[] chars = standardized.toCharArray();
            emit(chars, chars.length, sink);
        }
    }

    /** Keras' lower_and_strip_punctuation on a whole string. */
    public static String standardizeDefault(String text) {
        char[] chars = text.toCharArray();
        return new String(chars, 0, standardize(chars, DEFAULT_MAP));
    }

    /** Exactly the six characters C's isspace accepts in the "C" locale. */
    static boolean isAsciiWhitespace(char c) {
        return c < 128 && IS_WHITESPACE[c];
    }
}
