package dev.kiln.nlp;

import dev.kiln.engine.part.PartConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Keras' TextVectorization {@code ngrams}: which runs of adjacent split tokens become the tokens
 * the layer counts or looks up. None keeps the split tokens; an integer n gives the n-grams of
 * every width from 1 to n; a list gives those widths, in its order (duplicates included, as Keras
 * repeats them). An n-gram is its tokens joined with one space (tf.strings.ngrams with separator
 * " " and no padding); a text shorter than a width has none of that width. For each text the
 * tokens come width by width, each width left to right, as TensorFlow emits them.
 */
public final class Ngrams {
    /**
     * The widest n-gram (and the most widths a list may give): a file cannot make a text's n-grams
     * cost more than this many times its length squared.
     */
    public static final int MAX_WIDTH = 32;
    private static final Ngrams NONE = new Ngrams(new int[] {1}, null);

    private final int[] widths;
    /** The Keras argument: null for None, an Integer for n, a List of Integers for a tuple. */
    private final Object argument;

    private Ngrams(int[] widths, Object argument) {
        this.widths = widths;
        this.argument = argument;
    }

    /** Keras' {@code ngrams=None}: the split tokens themselves. */
    public static Ngrams none() {
        return NONE;
    }

    /** Keras' {@code ngrams=n}: the n-grams of every width from 1 to {@code n} (1 to {@link #MAX_WIDTH}). */
    public static Ngrams upTo(int n) {
        requireWidth(n, "ngrams");
        int[] widths = new int[n];
        Arrays.setAll(widths, i -> i + 1);
        return new Ngrams(widths, n);
    }

    /** Keras' {@code ngrams=(w1, w2, ...)}: the n-grams of these widths, in this order (1 to {@link #MAX_WIDTH} of them). */
    public static Ngrams of(int... widths) {
        if (widths.length == 0 || widths.length > MAX_WIDTH) {
            throw new IllegalArgumentException("ngrams: a list of widths needs 1 to " + MAX_WIDTH + " of them, got "
                    + widths.length);
        }
        List<Integer> argument = new ArrayList<>(widths.length);
        for (int width : widths) {
            requireWidth(width, "ngrams: a width");
            argument.add(width);
        }
        return new Ngrams(widths.clone(), List.copyOf(argument));
    }

    /**
     * The {@code ngrams} of a config: absent or -1 (Keras' None), an integer from 1 to
     * {@link #MAX_WIDTH}, or a list of 1 to {@link #MAX_WIDTH} such integers; anything else is an
     * error naming the key, the value and what is allowed.
     */
    static Ngrams fromConfig(PartConfig config, String key) {
        Object value = config.values().get(key);
        try {
            if (value == null || Integer.valueOf(-1).equals(value)) {
                return none();
            }
            if (value instanceof Integer n) {
                return upTo(n);
            }
            if (value instanceof List<?> list && list.stream().allMatch(item -> item instanceof Integer)) {
                return of(list.stream().mapToInt(item -> (Integer) item).toArray());
            }
        } catch (IllegalArgumentException e) {
            // reported below, with the allowed values
        }
        throw config.invalid(key, value, "-1 (none), an integer from 1 to " + MAX_WIDTH + ", or a list of 1 to " + MAX_WIDTH
                + " such integers");
    }

    /** The value a config stores: -1 for None, the integer n, or the list of widths, as Keras' get_config writes them. */
    Object configValue() {
        return argument == null ? Integer.valueOf(-1) : argument;
    }

    /** The widths whose n-grams are produced, in order ([1] for None). */
    public List<Integer> widths() {
        return Arrays.stream(widths).boxed().toList();
    }

    /** Whether this is Keras' None (the split tokens themselves). */
    public boolean isNone() {
        return argument == null;
    }

    /** Calls {@code sink} for each n-gram of {@code text}'s tokens (as {@code tokenizer} splits it), in TensorFlow's order. */
    void tokenize(Tokenizer tokenizer, String text, Tokenizer.Sink sink) {
        if (widths.length == 1 && widths[0] == 1) {
            tokenizer.tokenize(text, sink);
            return;
        }
        TokenList tokens = new TokenList(text.length());
        tokenizer.tokenize(text, tokens::add);
        char[] joined = new char[16];
        for (int width : widths) {
            for (int first = 0; first + width <= tokens.count; first++) {
                int length = 0;
                for (int t = first; t < first + width; t++) {
                    int needed = length + tokens.lengths[t] + 1;
                    if (needed > joined.length) {
                        joined = Arrays.copyOf(joined, Math.max(needed, joined.length * 2));
                    }
                    if (t > first) {
                        joined[length++] = ' ';
                    }
                    System.arraycopy(tokens.chars, tokens.starts[t], joined, length, tokens.lengths[t]);
                    length += tokens.lengths[t];
                }
                sink.token(joined, 0, length);
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Ngrams that && Arrays.equals(widths, that.widths) && Objects.equals(argument, that.argument);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(widths);
    }

    /** Keras' spelling: None, n or (w1, w2, ...). */
    @Override
    public String toString() {
        return argument == null ? "None" : argument instanceof Integer ? argument.toString()
                : Arrays.stream(widths).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    private static void requireWidth(int width, String what) {
        if (width < 1 || width > MAX_WIDTH) {
            throw new IllegalArgumentException(what + " must be from 1 to " + MAX_WIDTH + ", got " + width);
        }
    }

    /** One text's tokens, copied into one growing char array. */
    private static final class TokenList {
        private char[] chars;
        private int used;
        private int[] starts = new int[16];
        private int[] lengths = new int[16];
        private int count;

        TokenList(int capacity) {
            chars = new char[Math.max(16, capacity)];
        }

        void add(char[] source, int start, int length) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            if (used + length > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(chars.length * 2, used + length));
            }
            System.arraycopy(source, start, chars, used, length);
            starts[count] = used;
            lengths[count++] = length;
            used += length;
        }
    }
}
