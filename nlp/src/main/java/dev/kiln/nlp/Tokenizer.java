package dev.kiln.nlp;

import java.util.List;
import java.util.function.Function;

/**
 * Turns a text into tokens, handing each to a sink as a slice of a char buffer. The default rules
 * are Keras' TextVectorization, fused into one pass with no String per token:
 * lower_and_strip_punctuation (ASCII A-Z lowercased, the 32 ASCII punctuation characters deleted,
 * everything else kept) and whitespace split (on exactly space, tab, newline, vertical tab, form
 * feed and carriage return; runs collapse; no empty tokens).
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

    private final Standardize standardize;
    private final Split split;
    private final Function<String, String> customStandardize;
    private final Function<String, List<String>> customSplit;

    /** Keras' standardize options (a user function is given with {@link #custom}). */
    public enum Standardize {
        /** ASCII letters lowercased, ASCII punctuation deleted (Keras' default). */
        LOWER_AND_STRIP_PUNCTUATION,
        /** The text as it is. */
        NONE,
        /** A user function. */
        CUSTOM
    }

    /** Keras' split options (a user function is given with {@link #custom}). */
    public enum Split {
        /** On runs of the six ASCII whitespace characters (Keras' default). */
        WHITESPACE,
        /** The whole text is one token. */
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
        int length = chars.length;
        if (standardize == Standardize.LOWER_AND_STRIP_PUNCTUATION) {
            length = 0;
            for (char c : chars) {
                if (c < 128) {
                    if (IS_PUNCTUATION[c]) {
                        continue; // deleted, not replaced: "don't" -> "dont"
                    }
                    if (c >= 'A' && c <= 'Z') {
                        c = (char) (c + ('a' - 'A')); // ASCII only, as tf.strings.lower
                    }
                }
                chars[length++] = c;
            }
        }
        emit(chars, length, sink);
    }

    private void emit(char[] chars, int length, Sink sink) {
        if (split == Split.NONE) {
            sink.token(chars, 0, length);
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
        String standardized = switch (standardize) {
            case CUSTOM -> customStandardize.apply(text);
            case NONE -> text;
            case LOWER_AND_STRIP_PUNCTUATION -> standardizeDefault(text);
        };
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
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 128 && IS_PUNCTUATION[c]) {
                continue;
            }
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }

    /** Exactly the six characters C's isspace accepts in the "C" locale. */
    static boolean isAsciiWhitespace(char c) {
        return c < 128 && IS_WHITESPACE[c];
    }
}
